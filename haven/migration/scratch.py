"""A throwaway database for a rehearsal: made from an empty migrated template, used by this
thread in place of Haven's own, dropped afterwards.

The template (``haven_rehearsal_template_<key>``, the key a digest of every migration file) is
made once by migrating an empty database, and kept: a rehearsal then costs a copy of an empty
schema (well under a second), not a migrate. A new migration makes a new template; the old ones
stay until someone drops them (each is an empty schema, a few MB)."""

from __future__ import annotations

import copy
import hashlib
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections

from haven.core.database import OWNER_ALIAS

TEMPLATE_PREFIX = "haven_rehearsal_template_"
SCRATCH_PREFIX = "haven_rehearsal_"
# Held while a template is made, so that two rehearsals do not make it at once.
TEMPLATE_LOCK = 7_416_002


def _settings(alias: str, name: str) -> dict[str, Any]:
    found = copy.deepcopy(connections.settings[alias])
    found["NAME"] = name
    return found


def _admin() -> Any:
    """A connection to the cluster's maintenance database, as the schema owner."""
    import psycopg

    owner = connections.settings[OWNER_ALIAS]
    params: dict[str, Any] = {
        "dbname": "postgres",
        "host": owner["HOST"] or None,
        "port": owner["PORT"] or None,
    }
    if owner["USER"]:
        params["user"] = owner["USER"]
    if owner["PASSWORD"]:
        params["password"] = owner["PASSWORD"]
    return psycopg.connect(**params, autocommit=True)


def _exists(pg: Any, name: str) -> bool:
    return pg.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone() is not None


def migrations_key() -> str:
    """A digest of every migration file Haven has: a template made from other ones is stale."""
    from django.db.migrations.loader import MigrationLoader

    digest = hashlib.sha256()
    loader = MigrationLoader(None, ignore_no_migrations=True)
    for (app, name), migration in sorted(loader.disk_migrations.items()):
        digest.update(f"{app}.{name}\n".encode())
        path = getattr(sys.modules.get(type(migration).__module__), "__file__", None)
        if path:
            with open(path, "rb") as handle:
                digest.update(handle.read())
    return digest.hexdigest()[:12]


@contextmanager
def using_database(name: str) -> Iterator[None]:
    """In this thread, send both of Haven's logins to database ``name``, then back."""
    saved = {alias: connections[alias] for alias in (DEFAULT_DB_ALIAS, OWNER_ALIAS)}
    made = {alias: type(conn)(_settings(alias, name), alias) for alias, conn in saved.items()}
    try:
        for alias, conn in made.items():
            connections[alias] = conn
        yield
    finally:
        for alias, conn in made.items():
            conn.close()
            connections[alias] = saved[alias]


def ensure_template() -> str:
    """The migrated empty template for this code's migrations, made if it is not there."""
    from django.core.management import call_command
    from psycopg import sql

    name = TEMPLATE_PREFIX + migrations_key()
    with _admin() as pg:
        pg.execute("SELECT pg_advisory_lock(%s)", [TEMPLATE_LOCK])
        try:
            if _exists(pg, name):
                return name
            building = f"{name}_building"
            pg.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(building)))
            pg.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(building)))
            with using_database(building):
                call_command("migrate", verbosity=0, interactive=False)
            # Renamed only once migrated: a template that exists is a whole one.
            pg.execute(
                sql.SQL("ALTER DATABASE {} RENAME TO {}").format(
                    sql.Identifier(building), sql.Identifier(name)
                )
            )
            return name
        finally:
            pg.execute("SELECT pg_advisory_unlock(%s)", [TEMPLATE_LOCK])


def _without_audit_trail() -> None:
    """Switch off the audit trigger on every table of the database in use, and the work
    store's (no one's work is read there). A throwaway database's audit rows are dropped with it
    unread, and writing them was 40% of an import (4,000 children of the hampshire county:
    33.7 s with them, 20.6 s without); the foreign keys, checks and exclusion constraints the
    import must satisfy stay on."""
    with connections[OWNER_ALIAS].cursor() as cursor:
        cursor.execute(
            "SELECT c.relname, t.tgname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
            "WHERE t.tgname IN ('haven_audit', 'haven_work_changed')"
        )
        for table, trigger in cursor.fetchall():
            cursor.execute(f'ALTER TABLE "{table}" DISABLE TRIGGER {trigger}')


@contextmanager
def scratch_database(*, audit: bool = False) -> Iterator[str]:
    """A new database copied from the template, used by this thread until the block ends, then
    dropped whatever happened in it; with no audit trail unless ``audit``."""
    from psycopg import sql

    template = ensure_template()
    name = f"{SCRATCH_PREFIX}{os.getpid()}"
    with _admin() as pg:
        pg.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        pg.execute(
            sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(
                sql.Identifier(name), sql.Identifier(template)
            )
        )
    try:
        with using_database(name):
            if not audit:
                _without_audit_trail()
            yield name
    finally:
        with _admin() as pg:
            pg.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )
