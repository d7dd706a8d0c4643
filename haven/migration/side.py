"""The second process of a rehearsal's SSDA903 import (``rehearsal._SideImport``): some of the
children, in a transaction of its own in the throwaway database, committed only when the first
process says so. Nothing here is imported before Django is set up in the new process."""

from __future__ import annotations

from typing import Any


def side_import(conn: Any, database: str, source: bytes, user_id: int) -> None:
    """Import the pickled tables; send the report (before committing, when nothing was
    rejected: then commit only if told to), then "done", or why it failed."""
    import os
    import pickle
    import traceback

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "haven.settings")
    import django

    django.setup()
    from haven.accounts.models import User
    from haven.migration.scratch import using_database
    from haven.returns.import903 import ImportReport903, ssda903_import_read

    try:
        with using_database(database):
            from django.db import connection

            with connection.cursor() as cursor:
                # Never wait for ever on a row the first process holds (it waits for this
                # one's report): the child is refused with the database's message instead.
                cursor.execute("SET lock_timeout = '60s'")
            asked = False

            def commit_if(report: ImportReport903) -> bool:
                nonlocal asked
                asked = True
                conn.send(report)
                return bool(conn.recv())

            report = ssda903_import_read(
                source=pickle.loads(source),
                user=User.objects.get(pk=user_id),
                dry_run=False,
                commit_if=commit_if,
            )
            if not asked:
                conn.send(report)
                conn.recv()
    except Exception:
        conn.send(f"the second import process failed: {traceback.format_exc(limit=3)}")
    conn.send("done")
    conn.close()
