"""Creating a second record for someone already known: an NHS number or UPN match is shown
first and labelled, and the same NHS number needs the user's confirmation."""

import datetime
import re

import pytest
from django.core.exceptions import ValidationError

from haven.people import services
from haven.people.models import Person

pytestmark = pytest.mark.django_db
NHS = "9434765919"
UPN = "B85012345678B"


def create(manager, confirmed=False, **details):
    values = {
        "given_names": "Ava",
        "family_name": "Lee",
        "date_of_birth": datetime.date(2018, 4, 1),
    }
    values.update(details)
    return services.person_create(by=manager, details=values, confirmed_not_duplicate=confirmed)


def test_a_second_person_with_a_known_nhs_number_is_refused(make_child, manager):
    make_child(given_names="Freddie", family_name="Nash", nhs_number=NHS)
    with pytest.raises(ValidationError) as error:
        create(manager, nhs_number="943 476 5919")
    assert "Another record already has this NHS number" in error.value.message_dict["nhs_number"][0]
    assert not Person.objects.filter(family_name="Lee").exists()


def test_a_known_nhs_number_is_accepted_once_the_user_confirms_it_is_someone_else(
    make_child, manager
):
    make_child(given_names="Freddie", family_name="Nash", nhs_number=NHS)
    person = create(manager, confirmed=True, nhs_number=NHS)
    assert Person.objects.filter(nhs_number=NHS).count() == 2
    assert person.family_name == "Lee"


def test_the_nhs_number_of_a_record_merged_away_does_not_block(make_child, manager):
    kept = make_child(given_names="Freddie", family_name="Nash")
    merged = make_child(given_names="Fred", family_name="Nash", nhs_number=NHS)
    Person.objects.filter(pk=merged.pk).update(merged_into=kept, nhs_number=NHS)
    Person.objects.filter(pk=kept.pk).update(nhs_number="")
    assert create(manager, nhs_number=NHS).nhs_number == NHS


def _duplicates(page):
    banner = page.split('data-testid="duplicates"', 1)[1].split("</ul>", 1)[0]
    return re.findall(r"<li>(.*?)</li>", banner, re.S)


def test_the_create_page_lists_the_same_nhs_number_first_and_says_so(make_child, as_worker, teams):
    # A likely match on name and date of birth, and an exact NHS match under another name.
    make_child(given_names="Ava", family_name="Lee", date_of_birth=datetime.date(2018, 4, 1))
    make_child(given_names="Freddie", family_name="Nash", nhs_number=NHS)
    data = {
        "given_names": "Ava",
        "family_name": "Lee",
        "date_of_birth": "2018-04-01",
        "sex": "F",
        "ethnicity": "WBRI",
        "nhs_number": NHS,
        "team": teams["assessment"].pk,
    }
    page = as_worker.post("/people/new/", data).content.decode()
    hits = _duplicates(page)
    assert len(hits) == 2
    assert "Same NHS number" in hits[0] and "Freddie Nash" in hits[0]
    assert "Same NHS number" not in hits[1]
    assert not Person.objects.filter(family_name="Lee", nhs_number=NHS).exists()
    # "None of these": the user has seen the match, so the record is created.
    confirmed = as_worker.post("/people/new/", {**data, "confirm_not_duplicate": "True"})
    assert confirmed.status_code == 302
    assert Person.objects.filter(family_name="Lee", nhs_number=NHS).exists()


def test_the_create_page_labels_the_same_upn(make_child, as_worker, teams):
    make_child(given_names="Leo", family_name="Ward", upn=UPN)
    page = as_worker.post(
        "/people/new/",
        {
            "given_names": "Ava",
            "family_name": "Lee",
            "date_of_birth": "2018-04-01",
            "sex": "F",
            "ethnicity": "WBRI",
            "upn": UPN,
            "team": teams["assessment"].pk,
        },
    ).content.decode()
    hits = _duplicates(page)
    assert len(hits) == 1 and "Same UPN" in hits[0] and "Leo Ward" in hits[0]
