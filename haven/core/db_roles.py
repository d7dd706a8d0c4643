"""The application's restricted database login, and the audit triggers on every Haven table.

Requests are served through the ``default`` alias, which logs in as ``haven_app`` (or the
login in HAVEN_APP_DATABASE_URL): not a superuser, a member of no role that is one, owning
nothing. It may read the audit tables and append to the access log but can never change a row
of either, nor alter, disable or drop a trigger. Migrations, flushes and the bulk loaders run
through the ``owner`` alias (``owner_mode``). ``prepare_database`` runs after every migrate, so a
new table gets its audit trigger and its grants without anyone remembering to add them.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import logging
from collections.abc import Callable, Iterator
from importlib import resources
from typing import Any

from django.apps import apps
from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections, models
from django.db.backends.base.base import BaseDatabaseWrapper
from psycopg import sql

from haven.core.database import OWNER_ALIAS, app_password_managed

log = logging.getLogger(__name__)

# Tables of third-party apps whose changes matter to information governance.
EXTRA_AUDITED_APPS = {"otp_totp"}
AUDIT_TABLES = ("core_auditchange", "core_accesslog")
ALWAYS_REDACTED = ("password", "key")
# Built-in roles that would let their members read or write files on the server, run
# programs, or read and write every table whatever its grants.
DANGEROUS_ROLES = (
    "pg_execute_server_program",
    "pg_read_server_files",
    "pg_write_server_files",
    "pg_read_all_data",
    "pg_write_all_data",
)
ACTOR_SET_SIGNATURE = "public.haven_actor_set(bigint, text, text, bigint, text)"


class UnsafeAppRole(RuntimeError):
    """The application's login could gain more than it should; the message says how."""


def actor_key() -> bytes:
    """The key that signs the audit actor; derived from the secret key, stored by migrate."""
    return hmac.new(
        settings.SECRET_KEY.encode(), b"haven.core.audit-actor", hashlib.sha256
    ).digest()


@contextlib.contextmanager
def owner_mode() -> Iterator[BaseDatabaseWrapper]:
    """In this thread, send the default alias's work to the owner's connection, then back.

    The owner's is another database session: rows the app's connection has written in an open
    transaction are not visible to it (tests that need the owner run wholly in owner mode).
    """
    app = connections[DEFAULT_DB_ALIAS]
    owner = connections[OWNER_ALIAS]
    if app is owner:
        yield owner
        return
    connections[DEFAULT_DB_ALIAS] = owner
    try:
        yield owner
    finally:
        connections[DEFAULT_DB_ALIAS] = app


def app_role() -> str:
    return str(settings.DATABASES[DEFAULT_DB_ALIAS]["USER"])


def haven_models() -> list[type[models.Model]]:
    """Every table of Haven's (and of the audited third-party apps) but the audit tables."""
    chosen = []
    for model in apps.get_models(include_auto_created=True):
        config = model._meta.app_config
        if config is None or not (
            config.name.startswith("haven.") or config.label in EXTRA_AUDITED_APPS
        ):
            continue
        if model._meta.db_table in AUDIT_TABLES or model._meta.proxy or not model._meta.managed:
            continue
        chosen.append(model)
    return chosen


def audited_models() -> list[type[models.Model]]:
    """The tables whose every change is audited: all of Haven's but those a model marks
    ``audited = False``, which hold nothing anyone typed (made again from the records)."""
    return [model for model in haven_models() if getattr(model, "audited", True)]


# What else is made after every migrate, by the parts of the service that need it (each a
# function given the owner's cursor), e.g. the work store's triggers (``haven.work.store``).
_prepare_steps: list[Callable[[Any], None]] = []


def register_prepare_step(step: Callable[[Any], None]) -> None:
    if step not in _prepare_steps:
        _prepare_steps.append(step)


def _trigger_sql(model: type[models.Model]) -> str:
    table = model._meta.db_table
    person_column = ""
    person_field = getattr(model, "audit_person_field", "")
    if person_field:
        person_column = getattr(model._meta.get_field(person_field), "column", "")
    ignored = ",".join(getattr(model, "audit_ignored_fields", ()))
    redacted = ",".join(ALWAYS_REDACTED)
    return (
        f'CREATE OR REPLACE TRIGGER haven_audit AFTER INSERT OR UPDATE OR DELETE ON "{table}" '
        f"FOR EACH ROW EXECUTE FUNCTION haven_audit_row('{person_column}', '{ignored}', "
        f"'{redacted}')"
    )


def _ensure_app_login(cursor: object, role: str) -> None:
    """Create the app login (or make an old NOLOGIN haven_app one) with its generated password."""
    ident = sql.Identifier(role)
    cursor.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [role])  # type: ignore[attr-defined]
    exists = cursor.fetchone() is not None  # type: ignore[attr-defined]
    if not app_password_managed():
        if not exists:
            raise UnsafeAppRole(
                f"The role {role} of HAVEN_APP_DATABASE_URL does not exist: create it with "
                f"CREATE ROLE {role} LOGIN PASSWORD '...', then run migrate again."
            )
        return
    password = str(settings.DATABASES[DEFAULT_DB_ALIAS]["PASSWORD"])
    verb = "ALTER" if exists else "CREATE"
    cursor.execute(  # type: ignore[attr-defined]
        sql.SQL(
            "{} ROLE {} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS "
            "PASSWORD {}"
        )
        .format(sql.SQL(verb), ident, sql.Literal(password))
        .as_string()
    )


def check_app_role(cursor: object, role: str) -> None:
    """Refuse an app login that is, or can become, something more than the app role."""
    cursor.execute(  # type: ignore[attr-defined]
        """
        SELECT r.rolname FROM pg_roles r
         WHERE pg_has_role(%s, r.oid, 'MEMBER')
           AND (r.rolsuper OR r.rolbypassrls OR r.rolcreaterole OR r.rolreplication
                OR r.rolname = ANY(%s) OR r.rolname = current_user)
        """,
        [role, list(DANGEROUS_ROLES)],
    )
    found = [row[0] for row in cursor.fetchall()]  # type: ignore[attr-defined]
    if found:
        raise UnsafeAppRole(
            f"The application's login {role} is, or is a member of, {', '.join(found)}: it "
            f"could change the audit trail. Give it a login that is a member of no such role."
        )


def prepare_database(connection: BaseDatabaseWrapper) -> None:
    """Create the app login, the audit functions and triggers, and the grants. Idempotent."""
    audit_sql = resources.files("haven.core").joinpath("sql/audit.sql").read_text()
    role = app_role()
    app = sql.Identifier(role).as_string()
    with connection.cursor() as cursor:
        _ensure_app_login(cursor, role)
        check_app_role(cursor, role)
        cursor.execute(audit_sql)
        cursor.execute(
            "INSERT INTO haven_private.actor_key (id, key) VALUES (true, %s) "
            "ON CONFLICT (id) DO UPDATE SET key = EXCLUDED.key",
            [actor_key()],
        )
        for model in audited_models():
            cursor.execute(_trigger_sql(model))
        for step in _prepare_steps:
            step(cursor)
        cursor.execute(
            f"""
            GRANT USAGE ON SCHEMA public TO {app};
            GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {app};
            GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA public TO {app};
            REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON core_auditchange FROM {app};
            REVOKE UPDATE, DELETE, TRUNCATE ON core_accesslog FROM {app};
            GRANT EXECUTE ON FUNCTION {ACTOR_SET_SIGNATURE} TO {app};
            """
        )
