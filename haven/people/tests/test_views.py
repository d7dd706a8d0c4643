import datetime
import re

import pytest
from django.test import Client

from conftest import PASSWORD
from haven.core.drafts import OWNER_COOKIE
from haven.core.models import AccessLog
from haven.people.models import Person

pytestmark = pytest.mark.django_db


def edit_data(person, **changes):
    data = {
        "given_names": person.given_names,
        "family_name": person.family_name,
        "date_of_birth": person.date_of_birth.isoformat() if person.date_of_birth else "",
        "sex": person.sex,
        "ethnicity": person.ethnicity,
        "version": person.version,
    }
    data.update(changes)
    return data


def create_data(**changes):
    data = {
        "given_names": "Ava",
        "family_name": "Lee",
        "date_of_birth": "2018-04-01",
        "sex": "F",
        "ethnicity": "WBRI",
    }
    data.update(changes)
    return data


def test_the_child_page_shows_the_identity_bar_and_is_logged(child, as_worker, worker):
    page = as_worker.get(f"/people/{child.pk}/").content.decode()
    assert "John Smith" in page and "12 March 2015" in page
    assert AccessLog.objects.filter(person_id=child.pk, user=worker, action="view").exists()


def test_creating_a_child_with_errors_shows_field_messages_and_saves_nothing(as_worker, teams):
    future = (datetime.date.today() + datetime.timedelta(days=2)).isoformat()
    response = as_worker.post(
        "/people/new/",
        create_data(
            date_of_birth=future,
            nhs_number="1234567890",
            team=teams["assessment"].pk,
            address_line_1="1 Mill Lane",
            address_postcode="XX",
        ),
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in page
    assert "Date of birth must be today or in the past" in page
    assert "not a valid NHS number" in page
    assert not Person.objects.filter(family_name="Lee").exists()


def test_creating_a_child_shows_likely_duplicates_first(child, as_worker, teams):
    first = as_worker.post(
        "/people/new/",
        create_data(
            given_names="Jon",
            family_name="Smyth",
            date_of_birth="2015-03-12",
            sex="M",
            team=teams["assessment"].pk,
        ),
    )
    assert first.status_code == 200
    assert "may be the same child" in first.content.decode()
    assert not Person.objects.filter(given_names="Jon").exists()
    confirmed = as_worker.post(
        "/people/new/",
        create_data(
            given_names="Jon",
            family_name="Smyth",
            date_of_birth="2015-03-12",
            sex="M",
            team=teams["assessment"].pk,
            confirm_not_duplicate="True",
        ),
    )
    assert confirmed.status_code == 302
    assert Person.objects.filter(given_names="Jon").exists()


def test_a_second_editor_is_refused_and_keeps_their_input(child, as_worker, as_manager):
    stale_version = child.version
    assert (
        as_manager.post(
            f"/people/{child.pk}/edit/", edit_data(child, religion="Christian")
        ).status_code
        == 302
    )
    response = as_worker.post(
        f"/people/{child.pk}/edit/", edit_data(child, version=stale_version, religion="Muslim")
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "Someone else saved changes" in page
    assert 'value="Muslim"' in page
    child.refresh_from_db()
    assert child.religion == "Christian"
    # Saving again, having seen the other change, applies the second editor's input.
    found = re.search(r'name="version" value="(\d+)"', page)
    assert found is not None
    version = found.group(1)
    assert (
        as_worker.post(
            f"/people/{child.pk}/edit/", edit_data(child, version=version, religion="Muslim")
        ).status_code
        == 302
    )
    child.refresh_from_db()
    assert child.religion == "Muslim"


def test_a_form_posted_after_the_session_ended_is_restored_after_signing_in(child, worker):
    client = Client()
    client.post("/sign-in/", {"username": worker.username, "password": PASSWORD})
    assert client.cookies.get(OWNER_COOKIE)
    client.session.flush()  # the session times out on the server
    client.cookies.pop("sessionid", None)
    response = client.post(
        f"/people/{child.pk}/addresses/new/", {"line_1": "14 Station Road", "postcode": "SO23 8UJ"}
    )
    assert response.status_code == 302 and response["Location"].startswith("/sign-in/")
    client.post(
        "/sign-in/",
        {
            "username": worker.username,
            "password": PASSWORD,
            "next": f"/people/{child.pk}/addresses/new/",
        },
    )
    page = client.get(f"/people/{child.pk}/addresses/new/").content.decode()
    assert 'value="14 Station Road"' in page and "We kept what you typed" in page


def test_a_kept_draft_is_not_shown_to_someone_else(child, worker, manager):
    client = Client()
    client.post("/sign-in/", {"username": worker.username, "password": PASSWORD})
    client.cookies.pop("sessionid", None)
    client.post(
        f"/people/{child.pk}/addresses/new/", {"line_1": "14 Station Road", "postcode": "SO23 8UJ"}
    )
    client.post("/sign-in/", {"username": manager.username, "password": PASSWORD})
    page = client.get(f"/people/{child.pk}/addresses/new/").content.decode()
    assert "14 Station Road" not in page


def test_the_chronology_lists_events_and_filters_by_type(child, as_worker):
    as_worker.post(
        f"/people/{child.pk}/addresses/new/", {"line_1": "14 Station Road", "postcode": "SO23 8UJ"}
    )
    page = as_worker.get(f"/people/{child.pk}/chronology/").content.decode()
    assert "Record created for John Smith" in page and "Moved to 14 Station Road" in page
    filtered = as_worker.get(f"/people/{child.pk}/chronology/?kind=address").content.decode()
    assert "Moved to 14 Station Road" in filtered
    assert "Record created for John Smith" not in filtered


def test_printing_the_chronology_is_logged_as_a_print(child, as_worker, worker):
    assert as_worker.get(f"/people/{child.pk}/chronology/print/").status_code == 200
    assert AccessLog.objects.filter(person_id=child.pk, user=worker, action="print").exists()


def test_managers_see_who_has_seen_the_record(child, as_worker, as_manager, worker):
    as_worker.get(f"/people/{child.pk}/")
    page = as_manager.get(f"/people/{child.pk}/access-log/").content.decode()
    assert f"{worker.display_name} (practitioner) viewed the record" in page


def test_practitioners_cannot_open_the_access_log(child, as_worker):
    assert as_worker.get(f"/people/{child.pk}/access-log/").status_code == 403


def test_break_glass_opens_the_record_for_a_limited_time(child, as_outsider):
    assert as_outsider.get(f"/people/{child.pk}/").status_code == 404
    response = as_outsider.post(
        f"/people/{child.pk}/emergency-access/",
        {"reason": "Police called: child reported missing tonight"},
    )
    assert response.status_code == 302
    assert as_outsider.get(f"/people/{child.pk}/").status_code == 200


def test_search_finds_a_misspelt_name_and_is_logged(child, as_worker, worker):
    page = as_worker.get("/people/search/?q=Jon+Smyth").content.decode()
    assert "John Smith" in page
    assert AccessLog.objects.filter(action="search", user=worker, detail="Jon Smyth").exists()


def test_a_restricted_child_is_absent_from_search(child, make_child, manager, as_worker):
    from haven.people.services import person_restrict

    hidden = make_child(given_names="Hidden", family_name="Smith")
    person_restrict(person=hidden, by=manager, named_users=[])
    page = as_worker.get("/people/search/?q=Smith").content.decode()
    assert "John Smith" in page and "Hidden" not in page


def test_a_known_as_name_is_shown_and_found_by_search(child, as_worker):
    response = as_worker.post(
        f"/people/{child.pk}/names/new/",
        {"name_type": "known_as", "given_names": "Jonno", "family_name": ""},
    )
    assert response.status_code == 302
    assert "Jonno" in as_worker.get(f"/people/{child.pk}/").content.decode()
    assert "John Smith" in as_worker.get("/people/search/?q=Jonno").content.decode()


def test_adding_a_child_directly_needs_a_date_of_birth(as_worker, teams):
    data = create_data(date_of_birth="", team=teams["assessment"].pk)
    page = as_worker.post("/people/new/", data).content.decode()
    assert "Enter the date of birth, or the expected date of birth if unborn" in page
    assert not Person.objects.filter(family_name="Lee").exists()


def test_an_overdue_assessment_is_flagged_on_the_childs_page(child, as_worker, manager, teams):
    from haven.frontdoor.services import referral_create

    referral_create(
        person=child,
        by=manager,
        referral_date=datetime.date(2024, 3, 28),
        source="6",
        team=teams["assessment"],
    )
    page = as_worker.get(f"/people/{child.pk}/").content.decode()
    assert "Open work" in page and "Overdue" in page


# The child's page reads each of its lists (names, addresses, family both ways, professionals,
# open work) once, so its queries are the same however long the lists are.
CHILD_PAGE_QUERIES = (
    # with the header asking whether the user is in a front-door team, the episodes, and
    # whether the child has been looked after (the tabs that apply only then)
    24
)


@pytest.mark.parametrize("each", [1, 3])
def test_the_childs_page_runs_the_same_queries_however_much_is_recorded(
    child, manager, make_child, as_worker, each, django_assert_num_queries
):
    from haven.people import services
    from haven.people.services import AddressData

    for n in range(each):
        services.name_add(
            person=child,
            by=manager,
            name_type="alias",
            given_names=f"Alias{n}",
            family_name="Smith",
        )
        services.address_add(
            person=child,
            by=manager,
            address=AddressData(
                line_1=f"{n + 1} Elm Road",
                postcode="SO23 8UJ",
                start_date=datetime.date(2020, 1, n + 1),
            ),
        )
        services.relationship_add(
            child=child,
            by=manager,
            relationship_type="sibling",
            relative=make_child(given_names=f"Sibling{n}"),
        )
        services.professional_add(
            person=child, by=manager, role="gp", organisation=f"Surgery {n}", name=f"Dr {n}"
        )
    url = f"/people/{child.pk}/"
    as_worker.get(url)
    with django_assert_num_queries(CHILD_PAGE_QUERIES):
        page = as_worker.get(url).content.decode()
    for n in range(each):
        assert f"Alias{n} Smith" in page and f"{n + 1} Elm Road" in page
        assert f"Sibling{n} Smith" in page and f"Surgery {n}: Dr {n}" in page
    assert page.count('<strong class="govuk-tag govuk-tag--green">Current</strong>') == 1


def test_only_someone_who_may_allocate_sees_the_change_allocation_link(
    child, as_worker, as_manager
):
    link = (
        f'<dd class="govuk-summary-list__actions"><a class="govuk-link" href="/people/{child.pk}/allocation/">'
        'Change<span class="govuk-visually-hidden"> allocation</span></a></dd>'
    )
    assert link in as_manager.get(f"/people/{child.pk}/").content.decode()
    worker_page = as_worker.get(f"/people/{child.pk}/").content.decode()
    assert "Allocated to</dt>" in worker_page and "govuk-summary-list__actions" not in worker_page
