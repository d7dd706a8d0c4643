"""The ``haven`` command: run the service, its database and its tools."""

from __future__ import annotations

import argparse
import os
import signal
import socket
import subprocess
import sys
from collections.abc import Sequence

from haven.core.database import DatabaseUnavailable
from haven.core.errors import CommandError

__all__ = ["CommandError", "main"]  # CommandError: packages' commands raise it


def _django_setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "haven.settings")
    import django

    django.setup()


def _port_free(host: str, port: int) -> bool:
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError:
            return False
    return True


def _manage(args: Sequence[str]) -> None:
    _django_setup()
    from django.core.management import execute_from_command_line

    execute_from_command_line(["haven manage", *args])


def cmd_db(action: str) -> int:
    from haven.core import database

    if os.environ.get("DATABASE_URL"):
        info = database.parse_database_url(os.environ["DATABASE_URL"])
        print(f"DATABASE_URL is set: Haven uses {info.describe()} and starts or stops nothing.")
        return 0
    if action == "start":
        info = database.embedded_start()
        print(f"Started {info.describe()}")
    elif action == "stop":
        stopped = database.embedded_stop()
        print(
            "Stopped the embedded PostgreSQL"
            if stopped
            else "The embedded PostgreSQL was not running"
        )
    else:
        print(database.embedded_status())
    return 0


def cmd_serve(host: str, port: int, *, migrate: bool = False, with_worker: bool = True) -> int:
    if not _port_free(host, port):
        print(
            f"haven: port {port} on {host} is already in use (is Haven already running?). "
            f"Stop the other program or choose another port with --port.",
            file=sys.stderr,
        )
        return 2
    _django_setup()
    from django.core.management import call_command

    if migrate:
        call_command("migrate", verbosity=0)
    from django.db import connections
    from waitress import serve

    # Drop the schema owner's connection (migrate, the demo county): requests use the app's.
    connections.close_all()

    from haven.wsgi import application

    # Stopped by a service manager (SIGTERM) as by Ctrl+C: unwind, so the worker stops too.
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(0))
    worker = _start_worker() if with_worker else None
    print(f"Haven is running on http://{host}:{port}/ (Ctrl+C to stop)", flush=True)
    try:
        serve(application, host=host, port=port, threads=8, ident="Haven")
    finally:
        if worker is not None:
            _stop_worker(worker)
    return 0


def _start_worker() -> subprocess.Popen[bytes]:
    """The job worker (``haven jobs worker``) in its own process: a long import neither holds
    a web thread nor competes with requests for the interpreter."""
    return subprocess.Popen([sys.executable, "-m", "haven.cli", "jobs", "worker"])


def _stop_worker(worker: subprocess.Popen[bytes], timeout: float = 10.0) -> None:
    # A job still running is interrupted and marked "stopped: start it again".
    if worker.poll() is None:
        worker.terminate()
        try:
            worker.wait(timeout)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait()


def cmd_demo(host: str, port: int, *, with_worker: bool = True) -> int:
    if not _port_free(host, port):
        return cmd_serve(host, port)  # says what is wrong
    _django_setup()
    from django.core.management import call_command

    from haven import demo

    print("Preparing the database ...", flush=True)
    call_command("migrate", verbosity=0)
    created = demo.ensure_demo_county()
    print(created, flush=True)
    return cmd_serve(host, port, with_worker=with_worker)


# Packages that add their own subcommands. Each module has ``register(subparsers)``, which adds
# parsers whose ``handler`` default is a function taking the parsed args (Django is set up
# before it runs) and returning an exit code.
def command_modules() -> list[str]:
    """Each installed app's ``commands`` module, by convention: an app adds subcommands
    by defining ``register(sub)`` in ``<app>/commands.py``, with no edit here. Found from
    INSTALLED_APPS without setting Django up, so ``haven --help`` needs no database."""
    import importlib.util

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "haven.settings")
    from django.conf import settings

    found = []
    for app in settings.INSTALLED_APPS:
        name = f"{app}.commands"
        if importlib.util.find_spec(name) is not None:
            found.append(name)
    return found


def _register_plugins(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    import importlib

    for name in command_modules():
        register = getattr(importlib.import_module(name), "register", None)
        if register is not None:  # another package's "commands" module may be something else
            register(sub)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="haven", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    _register_plugins(sub)

    for name, text in [
        ("serve", "run the web service"),
        ("demo", "set up a demo county and run the web service"),
    ]:
        p = sub.add_parser(name, help=text)
        p.add_argument("--host", default="127.0.0.1")
        p.add_argument("--port", type=int, default=8000)
        if name == "serve":
            p.add_argument("--migrate", action="store_true", help="apply migrations first")
        p.add_argument(
            "--no-worker",
            dest="worker",
            action="store_false",
            help="do not start a job worker (run 'haven jobs worker' elsewhere)",
        )

    db = sub.add_parser("db", help="start, stop or check the embedded database")
    db.add_argument("action", choices=["start", "stop", "status"])

    manage = sub.add_parser("manage", help="run a Django management command")
    manage.add_argument("args", nargs=argparse.REMAINDER)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        if args.command == "db":
            return cmd_db(args.action)
        if args.command == "serve":
            return cmd_serve(args.host, args.port, migrate=args.migrate, with_worker=args.worker)
        if args.command == "demo":
            return cmd_demo(args.host, args.port, with_worker=args.worker)
        if args.command == "manage":
            _manage(args.args)
            return 0
        if hasattr(args, "handler"):
            _django_setup()
            return int(args.handler(args) or 0)
    except DatabaseUnavailable as exc:
        print(f"haven: {exc}", file=sys.stderr)
        return 2
    except CommandError as exc:
        print(f"haven: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    return 0


if __name__ == "__main__":
    sys.exit(main())
