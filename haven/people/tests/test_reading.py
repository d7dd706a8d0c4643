"""Reading what happened: the access log in words, the printed record, and search that tells
namesakes apart."""

import csv
import datetime
import io
import re

import pytest
from django.db import connection
from django.utils import timezone

from conftest import client_for
from haven.accounts.models import Role
from haven.core.models import AccessAction, AccessLog
from haven.core.services import access_log_record_many
from haven.people.models import Person, Relationship

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.fixture
def auditor(make_user):
    return make_user(Role.AUDITOR, None, first_name="Ada", last_name="Auditor")


@pytest.fixture
def as_auditor(auditor):
    return client_for(auditor)


def edit(client, person, **changes):
    person.refresh_from_db()
    data = {
        "given_names": person.given_names,
        "family_name": person.family_name,
        "date_of_birth": person.date_of_birth.isoformat(),
        "sex": person.sex,
        "ethnicity": person.ethnicity,
        "version": person.version,
        **changes,
    }
    return client.post(f"/people/{person.pk}/edit/", data)


def log_page(client, person, query=""):
    return client.get(f"/people/{person.pk}/access-log/{query}").content.decode()


def text_of(html):
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


# -- the access log in words ------------------------------------------------------------------


def test_the_access_log_says_who_viewed_the_record_in_words(child, as_worker, as_auditor):
    as_worker.get(f"/people/{child.pk}/")
    page = text_of(log_page(as_auditor, child))
    today = timezone.localdate()
    assert "Sam Okafor (practitioner) viewed the record" in page
    assert f"{today.day} {today:%B} {today.year} at " in page
    assert "people_person" not in page and "/people/" not in page.split("Filter")[-1]


def test_a_change_reads_as_from_and_to_with_the_fields_name(child, as_worker, as_auditor):
    assert edit(as_worker, child, date_of_birth="2015-03-13").status_code == 302
    page = text_of(log_page(as_auditor, child))
    assert (
        "Sam Okafor (practitioner) changed the date of birth from 12 March 2015 to 13 March 2015"
        in page
    )
    assert "date_of_birth" not in page and "2015-03-13" not in page


def test_an_address_added_reads_as_an_address_with_its_lines(child, as_worker, as_auditor):
    as_worker.post(
        f"/people/{child.pk}/addresses/new/", {"line_1": "14 Station Road", "postcode": "SO23 8UJ"}
    )
    page = text_of(log_page(as_auditor, child))
    assert "Sam Okafor (practitioner) added an address" in page
    assert "address line 1: 14 Station Road" in page


def test_a_form_posted_to_a_record_is_not_logged_as_a_view(child, as_worker, worker):
    views = AccessLog.objects.filter(person_id=child.pk, user=worker, action="view")
    as_worker.get(f"/people/{child.pk}/edit/")
    assert views.count() == 1
    assert edit(as_worker, child, religion="Christian").status_code == 302
    assert edit(as_worker, child, given_names="").status_code == 200  # an error, drawn again
    assert views.count() == 1


def test_printing_the_record_is_logged_once_as_a_print(child, as_worker, worker, as_auditor):
    assert as_worker.get(f"/people/{child.pk}/print/").status_code == 200
    rows = AccessLog.objects.filter(person_id=child.pk, user=worker)
    assert [r.action for r in rows] == ["print"]
    assert "Sam Okafor (practitioner) printed the record" in text_of(log_page(as_auditor, child))


def test_a_child_shown_in_search_results_says_so(child, as_worker, as_auditor):
    as_worker.get("/people/search/?q=Smith")
    page = text_of(log_page(as_auditor, child))
    assert "was shown the record in a list (search results for \u201cSmith\u201d)" in page


def test_the_log_filters_by_person_and_by_date(child, as_worker, as_manager, as_auditor, worker):
    as_worker.get(f"/people/{child.pk}/")
    as_manager.get(f"/people/{child.pk}/")
    only_worker = text_of(log_page(as_auditor, child, f"?user={worker.pk}"))
    assert "Sam Okafor (practitioner) viewed" in only_worker
    assert "Tom Hughes" not in only_worker.split("Apply filters")[-1]
    today = timezone.localdate()
    yesterday = today - datetime.timedelta(days=1)
    before = f"?date_to_day={yesterday.day}&date_to_month={yesterday.month}&date_to_year={yesterday.year}"
    assert "Nothing matches these filters" in log_page(as_auditor, child, before)
    since = f"?date_from_day={today.day}&date_from_month={today.month}&date_from_year={today.year}"
    assert "Sam Okafor (practitioner) viewed" in text_of(log_page(as_auditor, child, since))


def test_a_bad_date_in_the_filter_is_said_beside_it_not_a_500(child, as_auditor):
    response = as_auditor.get(
        f"/people/{child.pk}/access-log/?date_from_day=31&date_from_month=2&date_from_year=2026"
    )
    assert response.status_code == 200
    assert "must be a real date" in response.content.decode()


def test_the_log_is_in_pages_of_fifty(child, auditor, as_auditor, worker):
    access_log_record_many(user=worker, action=AccessAction.VIEW, person_ids=[child.pk] * 70)
    first = log_page(as_auditor, child)
    assert 'rel="next"' in first
    second = text_of(log_page(as_auditor, child, "?page=2"))
    assert "viewed the record" in second


def test_the_csv_for_information_governance_is_itself_logged(child, as_worker, as_auditor, auditor):
    as_worker.get(f"/people/{child.pk}/")
    response = as_auditor.get(f"/people/{child.pk}/access-log.csv")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0][:4] == ["When (London time)", "Who", "Role", "What"]
    assert ["Sam Okafor", "practitioner", "viewed the record"] in [r[1:4] for r in rows]
    assert AccessLog.objects.filter(
        person_id=child.pk, user=auditor, action="export", detail="access log (CSV)"
    ).exists()


def test_practitioners_cannot_download_the_access_log(child, as_worker):
    assert as_worker.get(f"/people/{child.pk}/access-log.csv").status_code == 403


# -- the printed record -----------------------------------------------------------------------


def test_the_printed_record_has_no_edit_links_and_is_marked(child, as_manager):
    as_manager.post(
        f"/people/{child.pk}/addresses/new/", {"line_1": "14 Station Road", "postcode": "SO23 8UJ"}
    )
    page = as_manager.get(f"/people/{child.pk}/print/").content.decode()
    assert page.count("OFFICIAL-SENSITIVE") == 2
    for link in ("/edit/", "/new/", "/allocation/", "/merge/", "/restrict/"):
        assert link not in page
    assert "Change details" not in page and "<button" not in page.split("</header>")[-1]
    assert "14 Station Road" in page
    assert "Winchester assessment" in page  # allocated to


def test_the_printed_record_shows_an_open_plan_and_the_key_events(
    child, manager, as_manager, teams
):
    from haven.childinneed.services import cin_plan_start
    from haven.frontdoor.services import referral_create

    referral = referral_create(
        person=child, by=manager, referral_date=D(2024, 3, 1), source="6", team=teams["assessment"]
    )
    cin_plan_start(referral=referral, by=manager, start_date=D(2024, 4, 2), worker=manager)
    page = text_of(as_manager.get(f"/people/{child.pk}/print/").content.decode())
    assert "Child in need plan since 2 April 2024, worker Tom Hughes" in page
    summary = page.split("Chronology summary")[1]
    assert "Record created" in summary and "1 March 2024" in summary


def test_the_printed_chronology_is_marked_and_shows_the_status(child, as_worker):
    page = as_worker.get(f"/people/{child.pk}/chronology/print/").content.decode()
    assert page.count("OFFICIAL-SENSITIVE") == 2
    assert "No open child protection or child in need plan" in page


# -- search -----------------------------------------------------------------------------------


def test_two_letters_find_a_name_that_starts_with_them(child, as_worker):
    page = as_worker.get("/people/search/?q=Jo").content.decode()
    assert "John Smith" in page
    assert "John Smith" in as_worker.get("/people/search/?q=sm").content.decode()


def test_search_pages_past_25_results(make_child, as_worker):
    for i in range(30):
        make_child(given_names=f"Child{chr(97 + i % 26)}{chr(97 + i // 26)}", family_name="Okonjo")
    first = as_worker.get("/people/search/?q=Okonjo").content.decode()
    assert "30 results" in first and "Showing 1 to 25" in first
    second = as_worker.get("/people/search/?q=Okonjo&page=2").content.decode()
    assert "Showing 26 to 30" in second
    listed = AccessLog.objects.filter(action="listed", detail="search: Okonjo")
    assert listed.count() == 30  # each page logs the people it showed


def test_search_shows_the_address_and_a_parent_only_to_those_who_may_open_the_record(
    child, make_child, as_worker, as_outsider, manager
):
    from haven.people import services

    as_worker.post(
        f"/people/{child.pk}/addresses/new/", {"line_1": "14 Station Road", "postcode": "SO23 8UJ"}
    )
    services.relationship_add(
        child=child,
        by=manager,
        relationship_type="parent",
        relative=None,
        new_person={
            "given_names": "Grace",
            "family_name": "Smith",
            "date_of_birth": D(1988, 1, 2),
            "sex": "F",
        },
        parental_responsibility=True,
        link_reason="",
    )
    assert Relationship.objects.filter(relative_of=child).exists()
    mine = text_of(as_worker.get("/people/search/?q=John+Smith").content.decode())
    assert "14 Station Road" in mine and "Grace Smith (parent)" in mine
    theirs = text_of(as_outsider.get("/people/search/?q=John+Smith").content.decode())
    assert "14 Station Road" in theirs and "Grace Smith (parent)" not in theirs


def test_a_two_letter_prefix_uses_the_trigram_index(worker):
    """On a few thousand names the planner may still prefer reading the table; with that
    forbidden, the name lookups must be answerable from the indexes (a condition the index
    cannot serve would still be a sequential scan)."""
    from haven.people.search import _final_sql, _set_thresholds, _statement, parse_query

    Person.objects.bulk_create(
        Person(given_names=f"Name{i:04d}", family_name=f"Fam{i % 97:02d}x", kind="child", sex="U")
        for i in range(3000)
    )
    terms = parse_query("jo")
    sql, params = _final_sql(_statement(terms), terms, user=worker, limit=25)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE people_personname")
        _set_thresholds(cursor)
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "Index Cond: (search_name ~~ 'jo%'::text)" in plan, plan
    assert "Index Cond: (search_name ~~ '% jo%'::text)" in plan, plan
    assert "Seq Scan on people_personname" not in plan, plan


def test_a_form_posted_to_a_contact_is_not_logged_as_a_view_of_its_children(child, manager, teams):
    from django.test import RequestFactory

    from conftest import record_contact
    from haven.frontdoor.selectors import contact_get_for_user

    contact = record_contact(manager, teams["front_door"], [child])
    views = AccessLog.objects.filter(person_id=child.pk, user=manager, action="view")
    posted = RequestFactory().post(f"/front-door/contacts/{contact.pk}/")
    posted.user = manager
    contact_get_for_user(user=manager, contact_id=contact.pk, request=posted)
    assert views.count() == 0
    opened = RequestFactory().get(f"/front-door/contacts/{contact.pk}/")
    opened.user = manager
    contact_get_for_user(user=manager, contact_id=contact.pk, request=opened)
    assert views.count() == 1


def test_the_access_log_page_runs_no_more_queries_however_long_the_log(
    child, as_auditor, worker, manager
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert as_auditor.get(f"/people/{child.pk}/access-log/").status_code == 200
        return len(queries)

    # The short log names a team and a person (the allocation made with the record): the most
    # look-ups a page of the log makes, one query each, whatever the page holds.
    edit(client_for(worker), child, religion="Faith")
    short = count()
    access_log_record_many(user=worker, action=AccessAction.VIEW, person_ids=[child.pk] * 40)
    access_log_record_many(user=manager, action=AccessAction.PRINT, person_ids=[child.pk] * 40)
    for n in range(5):
        edit(client_for(worker), child, religion=f"Faith {n}")
    assert count() <= short


def test_the_log_reads_its_own_viewer_and_leaves_out_what_only_copies_the_record(
    child, as_worker, as_auditor
):
    as_worker.post(
        f"/people/{child.pk}/names/new/",
        {"name_type": "known_as", "given_names": "Jonno", "family_name": ""},
    )
    as_auditor.get(f"/people/{child.pk}/")
    page = text_of(log_page(as_auditor, child))
    assert "Ada Auditor (auditor) viewed the record" in page
    # The known-as name is an addition; the primary name row (a copy of the record's own name,
    # kept by a trigger) is not.
    assert page.count("added a person name") == 1 and "given names: Jonno" in page
    assert f"Haven ID {child.pk}" not in page.split("Apply filters")[-1]


def test_two_letters_of_each_name_find_the_child(child, as_worker, make_child):
    make_child(given_names="Amira", family_name="Osei")
    page = text_of(as_worker.get("/people/search/?q=jo+sm").content.decode())
    assert "John Smith" in page and "Amira Osei" not in page


def test_a_restricted_parent_is_not_named_beside_the_child_in_search(child, as_worker, manager):
    from haven.people import services

    services.relationship_add(
        child=child,
        by=manager,
        relationship_type="parent",
        relative=None,
        new_person={
            "given_names": "Grace",
            "family_name": "Smith",
            "date_of_birth": D(1988, 1, 2),
            "sex": "F",
        },
        parental_responsibility=True,
        link_reason="",
    )
    parent = Relationship.objects.get(relative_of=child).person
    services.person_restrict(person=parent, by=manager, named_users=[manager])
    page = text_of(as_worker.get("/people/search/?q=John+Smith").content.decode())
    assert "John Smith" in page and "Grace" not in page
