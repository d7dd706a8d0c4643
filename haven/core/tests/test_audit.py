import pytest
from django.db import DatabaseError, connection, transaction

from haven.core.models import AccessLog, AuditChange
from haven.core.services import audit_context_set
from haven.people.models import Person

pytestmark = pytest.mark.django_db


def test_raw_sql_updates_are_audited_with_old_and_new_values(child, worker):
    audit_context_set(actor_id=worker.pk, label=worker.username)
    with connection.cursor() as cursor:
        cursor.execute("UPDATE people_person SET religion = 'Sikh' WHERE id = %s", [child.pk])
    change = AuditChange.objects.filter(table_name="people_person", operation="UPDATE").latest("id")
    assert change.old_values == {"religion": ""} and change.new_values == {"religion": "Sikh"}
    assert change.actor_id == worker.pk and change.person_id == child.pk


def test_bulk_queryset_updates_are_audited_row_by_row(make_child):
    kids = [make_child(given_names=f"Kid{i}") for i in range(3)]
    Person.objects.filter(pk__in=[k.pk for k in kids]).update(first_language="Welsh")
    rows = AuditChange.objects.filter(table_name="people_person", changed_fields=["first_language"])
    assert {r.person_id for r in rows} == {k.pk for k in kids}
    assert rows.count() == 3


def test_deletes_are_audited_with_the_deleted_values(child):
    address_id = child.addresses.create(line_1="1 Mill Lane", postcode="SO23 8UJ").pk
    child.addresses.all().delete()
    change = AuditChange.objects.get(table_name="people_address", operation="DELETE")
    assert change.row_id == str(address_id) and (change.old_values or {})["line_1"] == "1 Mill Lane"


def test_password_hashes_never_reach_the_audit_trail(worker):
    worker.set_password("another long passphrase")
    worker.save()
    change = AuditChange.objects.filter(table_name="accounts_user", operation="UPDATE").latest("id")
    assert (change.new_values or {})["password"] == "(redacted)"


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE core_auditchange SET actor_label = 'someone else'",
        "DELETE FROM core_auditchange",
        "TRUNCATE core_auditchange",
        "INSERT INTO core_auditchange (at, table_name, row_id, operation, actor_label, request_id, txid)"
        " VALUES (now(), 'x', '1', 'INSERT', '', '', 1)",
        "UPDATE core_accesslog SET username = 'someone else'",
        "DELETE FROM core_accesslog",
    ],
)
def test_the_application_role_cannot_change_the_audit_trail(child, worker, statement):
    AccessLog.objects.create(username="x", action="view", person_id=child.pk)
    with (
        pytest.raises(DatabaseError, match="permission denied"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(statement)


def test_the_application_runs_as_the_restricted_role(db):
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_user")
        assert cursor.fetchone()[0] == "haven_app"
