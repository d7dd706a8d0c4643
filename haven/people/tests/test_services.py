import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from haven.accounts.models import Alert, Role
from haven.chronology.models import ChronologyEvent, EventKind
from haven.core.models import AccessLog
from haven.people import services
from haven.people.models import Address, Allocation, Person, PersonName, Relationship

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def test_a_date_of_birth_in_the_future_is_refused_and_nothing_is_saved(manager):
    with pytest.raises(ValidationError) as error:
        services.person_create(
            by=manager,
            details={
                "given_names": "Ava",
                "family_name": "Lee",
                "date_of_birth": TODAY + datetime.timedelta(days=1),
                "sex": "F",
            },
        )
    assert "date_of_birth" in error.value.message_dict
    assert not Person.objects.exists()


def test_an_expected_date_of_birth_in_the_past_is_refused(manager):
    with pytest.raises(ValidationError) as error:
        services.person_create(
            by=manager,
            details={
                "given_names": "Baby",
                "family_name": "Lee",
                "expected_date_of_birth": TODAY - datetime.timedelta(days=3),
                "sex": "U",
            },
        )
    assert "expected_date_of_birth" in error.value.message_dict


def test_an_invalid_nhs_number_is_refused_with_its_field_named(manager):
    with pytest.raises(ValidationError) as error:
        services.person_create(
            by=manager,
            details={
                "given_names": "Ava",
                "family_name": "Lee",
                "date_of_birth": datetime.date(2018, 1, 1),
                "sex": "F",
                "nhs_number": "943 476 5918",
            },
        )
    assert "NHS number" in error.value.message_dict["nhs_number"][0]
    assert not Person.objects.exists()


def test_a_bad_postcode_saves_neither_the_child_nor_the_address(manager, teams):
    with pytest.raises(ValidationError):
        services.person_create(
            by=manager,
            details={
                "given_names": "Ava",
                "family_name": "Lee",
                "date_of_birth": datetime.date(2018, 1, 1),
                "sex": "F",
            },
            address=services.AddressData(line_1="1 High St", postcode="NOT A CODE"),
            team=teams["assessment"],
        )
    assert not Person.objects.exists() and not Address.objects.exists()


def test_an_unborn_child_is_recorded_with_an_expected_date(manager):
    unborn = services.person_create(
        by=manager,
        details={
            "given_names": "Baby",
            "family_name": "Lee",
            "expected_date_of_birth": TODAY + datetime.timedelta(days=60),
            "sex": "U",
        },
    )
    assert unborn.is_unborn


def test_creating_a_child_starts_its_chronology_and_allocation(child, teams):
    assert ChronologyEvent.objects.filter(person=child, kind=EventKind.RECORD_CREATED).exists()
    assert Allocation.objects.get(person=child, end_date__isnull=True).team == teams["assessment"]


def test_a_second_save_from_a_stale_form_is_refused(child, manager, worker):
    version = child.version
    services.person_update(
        person_id=child.pk, by=worker, expected_version=version, details={"religion": "Christian"}
    )
    with pytest.raises(services.ConcurrentEditError) as conflict:
        services.person_update(
            person_id=child.pk, by=manager, expected_version=version, details={"religion": "None"}
        )
    assert conflict.value.current.religion == "Christian"
    child.refresh_from_db()
    assert child.religion == "Christian"


def test_changing_details_is_recorded_in_the_chronology(child, worker):
    services.person_update(
        person_id=child.pk,
        by=worker,
        expected_version=child.version,
        details={"first_language": "Polish"},
    )
    event = ChronologyEvent.objects.filter(person=child, kind=EventKind.DETAILS_CHANGED).get()
    assert "first language" in event.summary


def test_a_new_address_ends_the_previous_one(child, worker):
    first = services.address_add(
        person=child,
        by=worker,
        address=services.AddressData(
            line_1="1 Station Road", postcode="SO23 8UJ", start_date=datetime.date(2020, 1, 1)
        ),
    )
    services.address_add(
        person=child,
        by=worker,
        address=services.AddressData(
            line_1="2 Mill Lane", postcode="so22 5dz", start_date=datetime.date(2023, 6, 1)
        ),
    )
    first.refresh_from_db()
    assert first.end_date == datetime.date(2023, 6, 1)
    assert child.addresses.get(end_date__isnull=True).postcode == "SO22 5DZ"


def test_reallocation_keeps_who_held_the_case_when(child, manager, worker, teams):
    services.allocation_set(person=child, by=manager, team=teams["assessment"], worker=worker)
    history = list(Allocation.objects.filter(person=child).order_by("id"))
    assert len(history) == 2
    assert history[0].end_date is not None and history[1].worker == worker


def test_a_worker_outside_the_team_cannot_be_allocated(child, manager, outsider, teams):
    with pytest.raises(ValidationError, match="not a member"):
        services.allocation_set(person=child, by=manager, team=teams["assessment"], worker=outsider)


def test_adding_a_parent_creates_the_adult_and_links_them(child, worker):
    rel = services.relationship_add(
        child=child,
        by=worker,
        relationship_type="parent",
        new_person={"given_names": "Sarah", "family_name": "Smith"},
        parental_responsibility=True,
    )
    assert rel.person.kind == "adult" and rel.relative_of == child
    assert "Sarah Smith recorded as parent" in child.chronology_events.first().summary


def test_merging_moves_history_and_leaves_a_pointer(make_child, manager, worker):
    keep = make_child(given_names="John", family_name="Smith")
    dup = make_child(given_names="Jon", family_name="Smith", nhs_number="9434765919")
    services.address_add(
        person=dup,
        by=worker,
        address=services.AddressData(line_1="1 Station Road", postcode="SO23 8UJ"),
    )
    mother = services.relationship_add(
        child=dup,
        by=worker,
        relationship_type="parent",
        new_person={"given_names": "Sarah", "family_name": "Smith"},
    )
    services.person_merge(keep=keep, duplicate=dup, by=manager)
    dup.refresh_from_db()
    keep.refresh_from_db()
    assert dup.merged_into == keep
    assert keep.nhs_number == "9434765919"  # gap filled from the duplicate
    assert keep.addresses.count() == 1
    assert Relationship.objects.get(pk=mother.pk).relative_of == keep
    assert PersonName.objects.filter(person=keep, name_type="previous", given_names="Jon").exists()
    assert keep.chronology_events.filter(kind=EventKind.RECORD_MERGED).exists()
    assert keep.chronology_events.filter(kind=EventKind.RECORD_CREATED).count() == 2


def test_break_glass_needs_a_reason(child, outsider):
    with pytest.raises(ValidationError):
        services.break_glass_grant(user=outsider, person_id=child.pk, reason="because")


def test_break_glass_alerts_the_managers_and_is_logged(child, outsider, manager, make_user):
    other_manager = make_user(Role.TEAM_MANAGER, "other")
    grant = services.break_glass_grant(
        user=outsider, person_id=child.pk, reason="Police called out of hours about this child"
    )
    assert grant is not None and grant.expires_at > timezone.now()
    alerted = set(Alert.objects.values_list("recipient_id", flat=True))
    assert alerted == {manager.pk, other_manager.pk}
    assert AccessLog.objects.filter(action="break_glass", person_id=child.pk).exists()


def test_break_glass_cannot_open_a_restricted_record(child, manager, outsider):
    services.person_restrict(person=child, by=manager, named_users=[])
    assert (
        services.break_glass_grant(
            user=outsider, person_id=child.pk, reason="Police called out of hours"
        )
        is None
    )
