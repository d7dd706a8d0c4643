"""The application's restricted database role, and the audit triggers on every Haven table.

Migrations and flushes run as the connecting (owner) role. Everything else runs as
``haven_app``, which may read the audit tables and append to the access log but can never
update or delete a row of either. ``prepare_database`` runs after every migrate, so a new
table gets its audit trigger and its grants without anyone remembering to add them.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator
from importlib import resources
from typing import Any

from django.apps import apps
from django.db import models
from django.db.backends.base.base import NO_DB_ALIAS, BaseDatabaseWrapper
from django.db.utils import DatabaseError

from haven.core.database import APP_ROLE

log = logging.getLogger(__name__)

_owner_mode_depth = 0

# Tables of third-party apps whose changes matter to information governance.
EXTRA_AUDITED_APPS = {"otp_totp"}
AUDIT_TABLES = ("core_auditchange", "core_accesslog")
ALWAYS_REDACTED = ("password", "key")


def assume_app_role(sender: Any, connection: BaseDatabaseWrapper, **kwargs: Any) -> None:
    if connection.vendor != "postgresql" or connection.alias == NO_DB_ALIAS:
        return
    if _owner_mode_depth or not connection.settings_dict.get("NAME"):
        return
    try:
        with connection.cursor() as cursor:
            cursor.execute(f"SET ROLE {APP_ROLE}")
    except DatabaseError:
        # Before the first migrate the role does not exist yet; migrate creates it.
        log.warning("database role %s is missing: run 'haven manage migrate'", APP_ROLE)


@contextlib.contextmanager
def owner_mode(connection: BaseDatabaseWrapper) -> Iterator[None]:
    """Run as the connecting role (which owns the schema), then return to the app role."""
    global _owner_mode_depth
    _owner_mode_depth += 1
    try:
        if connection.connection is not None:
            with connection.cursor() as cursor:
                cursor.execute("RESET ROLE")
        yield
    finally:
        _owner_mode_depth -= 1
        if not _owner_mode_depth and connection.connection is not None:
            with connection.cursor() as cursor:
                cursor.execute(f"SET ROLE {APP_ROLE}")


def audited_models() -> list[type[models.Model]]:
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


def prepare_database(connection: BaseDatabaseWrapper) -> None:
    """Create the app role, the audit function and triggers, and the grants. Idempotent."""
    audit_sql = resources.files("haven.core").joinpath("sql/audit.sql").read_text()
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            DO $$ BEGIN
                CREATE ROLE {APP_ROLE} NOLOGIN;
            EXCEPTION WHEN duplicate_object THEN NULL; END $$;
            """
        )
        # A superuser may SET ROLE to anyone; another owner needs membership.
        cursor.execute("SAVEPOINT grant_role")
        try:
            cursor.execute(f"GRANT {APP_ROLE} TO CURRENT_USER")
            cursor.execute("RELEASE SAVEPOINT grant_role")
        except DatabaseError:
            cursor.execute("ROLLBACK TO SAVEPOINT grant_role")
        cursor.execute(audit_sql)
        for model in audited_models():
            cursor.execute(_trigger_sql(model))
        cursor.execute(
            f"""
            GRANT USAGE ON SCHEMA public TO {APP_ROLE};
            GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {APP_ROLE};
            GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA public TO {APP_ROLE};
            REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON core_auditchange FROM {APP_ROLE};
            REVOKE UPDATE, DELETE, TRUNCATE ON core_accesslog FROM {APP_ROLE};
            """
        )
