"""The ``haven`` command, as an operator meets it."""

import socket
import subprocess
import sys
from pathlib import Path

import pytest

from haven.core import database

HAVEN = [sys.executable, "-m", "haven.cli"]


def test_a_busy_port_gets_a_clear_message_not_a_traceback():
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = subprocess.run([*HAVEN, "serve", "--port", str(port)], capture_output=True, text=True,
                                timeout=60)
    assert result.returncode == 2
    assert f"port {port} on 127.0.0.1 is already in use" in result.stderr
    assert "Traceback" not in result.stderr


def test_db_status_reports_the_embedded_server(monkeypatch):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    result = subprocess.run([*HAVEN, "db", "status"], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0
    assert "embedded PostgreSQL in" in result.stdout


def test_a_stale_lock_file_is_cleared(tmp_path: Path):
    pgdata = tmp_path / "pgdata"
    pgdata.mkdir()
    # A lock left by a server that died: its pid is no longer a postgres process.
    dead = subprocess.Popen(["true"])
    dead.wait()
    lines = [str(dead.pid), str(pgdata), "1700000000", "5432", str(pgdata), "", "0 0", "ready"]
    (pgdata / "postmaster.pid").write_text("\n".join(lines) + "\n")
    assert database._running_postmaster(pgdata) is None
    assert not (pgdata / "postmaster.pid").exists()


def test_a_database_url_that_is_not_postgres_is_refused_clearly():
    with pytest.raises(database.DatabaseUnavailable, match="PostgreSQL only"):
        database.parse_database_url("sqlite:///haven.db")


def test_database_url_parts_are_read():
    info = database.parse_database_url("postgresql://app:s%40cret@db.example:6543/haven_live")
    assert (info.user, info.password, info.host, info.port, info.name) == (
        "app", "s@cret", "db.example", "6543", "haven_live")


def test_each_installed_apps_commands_module_adds_its_subcommands() -> None:
    from haven.cli import build_parser, command_modules

    assert command_modules() == [
        "haven.work.commands",
        "haven.synthetic.commands",
        "haven.performance.commands",
        "haven.returns.commands",
        "haven.migration.commands",
        "haven.jobs.commands",
    ]
    choices = build_parser()._subparsers._group_actions[0].choices  # type: ignore[union-attr]
    assert {"work", "generate", "figures", "annex-a", "returns", "migrate", "jobs"} <= set(choices)
