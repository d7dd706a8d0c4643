"""What SQL injection on the application's connection can no longer do.

Every test here runs its SQL through the connection requests are served with ("default"). On a
connection that logged in as a superuser and only SET ROLE to haven_app, RESET ROLE regained
everything, and the actor was a session setting anyone could write.
"""

from __future__ import annotations

import hashlib
import hmac
from typing import Any

import pytest
from django.db import DatabaseError, connection, connections, transaction

from haven.core.database import OWNER_ALIAS
from haven.core.db_roles import DANGEROUS_ROLES, UnsafeAppRole, actor_key, check_app_role
from haven.core.models import AccessLog, AuditChange
from haven.core.services import audit_context_set
from haven.people.models import Person

pytestmark = pytest.mark.django_db


def _one(statement: str, params: Any = None) -> Any:
    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        return cursor.fetchone()


def _fails(*statements: str) -> None:
    """Each statement, after RESET ROLE (which gains nothing for a login role), is refused."""
    with (
        pytest.raises(DatabaseError, match=r"permission denied|must be owner|must be superuser"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("RESET ROLE")
        for statement in statements:
            cursor.execute(statement)


def _last_change(person: Person) -> AuditChange:
    return AuditChange.objects.filter(table_name="people_person", row_id=str(person.pk)).latest(
        "id"
    )


def test_requests_are_served_by_a_login_that_is_no_superuser_and_can_reach_none() -> None:
    session_user, current_user, superuser = _one(
        "SELECT session_user, current_user, current_setting('is_superuser')"
    )
    assert (session_user, current_user, superuser) == ("haven_app", "haven_app", "off")
    reachable = _one(
        "SELECT array_agg(r.rolname) FROM pg_roles r WHERE pg_has_role(session_user, r.oid, "
        "'MEMBER') AND (r.rolsuper OR r.rolbypassrls OR r.rolcreaterole OR r.rolreplication "
        "OR r.rolname = ANY(%s))",
        [list(DANGEROUS_ROLES)],
    )[0]
    assert reachable is None


def test_reset_role_keeps_the_app_login() -> None:
    with connection.cursor() as cursor:
        cursor.execute("RESET ROLE")
        cursor.execute("SELECT current_user, current_setting('is_superuser')")
        assert cursor.fetchone() == ("haven_app", "off")


@pytest.mark.parametrize(
    "statement",
    [
        "SET ROLE postgres",
        f"SET ROLE {connections[OWNER_ALIAS].settings_dict['USER'] or 'postgres'}",
        "SET SESSION AUTHORIZATION postgres",
    ],
)
def test_the_app_login_cannot_become_another_role(statement: str) -> None:
    _fails(statement)


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE core_auditchange SET actor_label = 'someone else'",
        "DELETE FROM core_auditchange",
        "TRUNCATE core_auditchange",
        "INSERT INTO core_auditchange (at, table_name, row_id, operation, actor_label, "
        "request_id, txid) VALUES (now(), 'x', '1', 'INSERT', '', '', 1)",
        "UPDATE core_accesslog SET username = 'someone else'",
        "DELETE FROM core_accesslog",
        "TRUNCATE core_accesslog",
    ],
)
def test_after_reset_role_the_audit_trail_still_cannot_be_changed(
    child: Person, statement: str
) -> None:
    AccessLog.objects.create(username="x", action="view", person_id=child.pk)
    _fails(statement)


@pytest.mark.parametrize(
    "statement",
    [
        "ALTER TABLE people_person DISABLE TRIGGER haven_audit",
        "ALTER TABLE people_person DISABLE TRIGGER ALL",
        "DROP TRIGGER haven_audit ON people_person",
        "ALTER TABLE core_auditchange OWNER TO haven_app",
        "ALTER TABLE core_auditchange ADD COLUMN note text",
        "DROP TABLE core_auditchange",
        "SET session_replication_role = replica",
        "CREATE OR REPLACE FUNCTION haven_audit_row() RETURNS trigger LANGUAGE plpgsql "
        "AS $$ BEGIN RETURN NULL; END $$",
        "CREATE TABLE public.evil (id int)",
        # A grant by a non-owner only warns; the update after it is what must fail.
        "GRANT UPDATE ON core_auditchange TO haven_app; UPDATE core_auditchange SET txid = 0",
    ],
)
def test_the_app_login_cannot_switch_off_or_replace_the_audit_trigger(statement: str) -> None:
    _fails(statement)


def test_changes_are_still_audited_after_an_attempt_to_bypass_the_trigger(child: Person) -> None:
    with connection.cursor() as cursor:
        cursor.execute("RESET ROLE")
        cursor.execute("UPDATE people_person SET religion = 'Sikh' WHERE id = %s", [child.pk])
    assert _last_change(child).new_values == {"religion": "Sikh"}


def test_setting_the_old_actor_settings_names_no_one(child: Person, worker: Any) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT set_config('haven.actor_id', %s, false), "
            "set_config('haven.actor_label', 'forged', false)",
            [str(worker.pk)],
        )
        cursor.execute("UPDATE people_person SET religion = 'Sikh' WHERE id = %s", [child.pk])
    change = _last_change(child)
    assert change.actor_id is None and change.actor_label == ""


def test_each_change_records_the_actor_and_the_database_session(child: Person, worker: Any) -> None:
    audit_context_set(actor_id=worker.pk, label=worker.username, request_id="r1")
    with connection.cursor() as cursor:
        cursor.execute("UPDATE people_person SET religion = 'Sikh' WHERE id = %s", [child.pk])
        cursor.execute("SELECT pg_backend_pid(), txid_current()")
        pid, txid = cursor.fetchone()
    change = _last_change(child)
    assert (change.actor_id, change.actor_label, change.request_id) == (
        worker.pk,
        worker.username,
        "r1",
    )
    assert (change.db_user, change.backend_pid, change.txid) == ("haven_app", pid, txid)


def test_a_request_attributes_its_changes_to_the_signed_in_user(
    as_worker: Any, worker: Any, teams: Any
) -> None:
    from haven.people.tests.test_views import create_data

    as_worker.post("/people/new/", create_data(team=teams["assessment"].pk))
    person = Person.objects.get(family_name="Lee")
    change = AuditChange.objects.get(
        table_name="people_person", row_id=str(person.pk), operation="INSERT"
    )
    assert (change.actor_id, change.actor_label) == (worker.pk, worker.username)
    assert change.db_user == "haven_app" and len(change.request_id) == 32


def _token(actor_id: int, label: str, seq: int, *, key: bytes, pid_offset: int = 0) -> str:
    pid, started = _one(
        "SELECT pg_backend_pid(), (extract(epoch FROM backend_start) * 1000000)::bigint "
        "FROM pg_stat_get_activity(pg_backend_pid())"
    )
    message = f"{pid + pid_offset}|{started}|{seq}|{actor_id}||{label}"
    return hmac.new(key, message.encode(), hashlib.sha256).hexdigest()


def test_the_actor_cannot_be_named_without_the_key(worker: Any) -> None:
    forged = _token(worker.pk, worker.username, 10**9, key=b"guessed")
    with pytest.raises(DatabaseError, match="signature is not valid"), transaction.atomic():
        _one(
            "SELECT haven_actor_set(%s, %s, '', %s, %s)",
            [worker.pk, worker.username, 10**9, forged],
        )


def test_a_token_for_another_database_session_is_refused(worker: Any) -> None:
    other = _token(worker.pk, worker.username, 10**9, key=actor_key(), pid_offset=1)
    with pytest.raises(DatabaseError, match="signature is not valid"), transaction.atomic():
        _one(
            "SELECT haven_actor_set(%s, %s, '', %s, %s)", [worker.pk, worker.username, 10**9, other]
        )


def test_a_used_token_cannot_be_replayed(worker: Any, manager: Any) -> None:
    audit_context_set(actor_id=manager.pk, label=manager.username)
    audit_context_set(actor_id=worker.pk, label=worker.username)
    used_seq = connection._haven_actor_session[3] - 1  # type: ignore[attr-defined]
    replay = _token(manager.pk, manager.username, used_seq, key=actor_key())
    with pytest.raises(DatabaseError, match="already used"), transaction.atomic():
        _one(
            "SELECT haven_actor_set(%s, %s, '', %s, %s)",
            [manager.pk, manager.username, used_seq, replay],
        )


@pytest.mark.parametrize(
    "statement",
    [
        "SELECT key FROM haven_private.actor_key",
        "UPDATE haven_private.actor_context SET actor_id = 1",
        "INSERT INTO haven_private.actor_key (key) VALUES ('x')",
    ],
)
def test_the_actor_key_and_sessions_are_out_of_the_app_logins_reach(statement: str) -> None:
    _fails(statement)


def test_migrate_refuses_an_app_login_that_can_reach_a_superuser() -> None:
    owner = connections[OWNER_ALIAS]
    with transaction.atomic(using=OWNER_ALIAS), owner.cursor() as cursor:
        cursor.execute("CREATE ROLE haven_test_escalates LOGIN")
        cursor.execute("CREATE ROLE haven_test_admins SUPERUSER NOLOGIN")
        cursor.execute("GRANT haven_test_admins TO haven_test_escalates")
        with pytest.raises(UnsafeAppRole, match="haven_test_admins"):
            check_app_role(cursor, "haven_test_escalates")
        transaction.set_rollback(True, using=OWNER_ALIAS)
