"""A child's chronology and its printable version, through the test client."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from haven.chronology.models import EventKind
from haven.chronology.services import chronology_record
from haven.core.models import AccessAction, AccessLog

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.fixture
def events(child, worker):
    chronology_record(child.pk, EventKind.ADDRESS, "Moved to Elm Road", on=D(2024, 2, 1), by=worker)
    chronology_record(
        child.pk, EventKind.ALLOCATION, "Allocated to Sam Okafor", on=D(2024, 5, 9), by=worker
    )
    chronology_record(
        child.pk,
        EventKind.ADDRESS,
        "Moved to Oak Lane",
        on=D(2025, 1, 3),
        by=worker,
        detail="With her aunt",
    )


def url(child):
    return reverse("chronology:person_chronology", args=[child.pk])


def test_the_chronology_lists_what_happened_newest_first(as_worker, child, events):
    page = as_worker.get(url(child)).content.decode()
    # The record's own creation is in the chronology too; ours are the three newest.
    newest, middle, oldest = (
        page.index("Moved to Oak Lane"),
        page.index("Allocated to Sam Okafor"),
        page.index("Moved to Elm Road"),
    )
    assert newest < middle < oldest
    assert '<time datetime="2025-01-03">3 January 2025</time>' in page
    assert "Address, recorded by Sam Okafor" in page
    assert "<p>With her aunt</p>" in page


def test_the_chronology_filters_by_kind_and_dates(as_worker, child, events):
    by_kind = as_worker.get(url(child), {"kind": [EventKind.ALLOCATION]}).content.decode()
    assert "Allocated to Sam Okafor" in by_kind and "Moved to" not in by_kind

    by_dates = as_worker.get(
        url(child),
        {
            "date_from_day": "1",
            "date_from_month": "1",
            "date_from_year": "2024",
            "date_to_day": "31",
            "date_to_month": "12",
            "date_to_year": "2024",
        },
    ).content.decode()
    assert "Moved to Elm Road" in by_dates and "Allocated to Sam Okafor" in by_dates
    assert "Moved to Oak Lane" not in by_dates

    nothing = as_worker.get(
        url(child),
        {"date_from_day": "1", "date_from_month": "1", "date_from_year": "2030"},
    ).content.decode()
    assert "Nothing recorded that matches the filters." in nothing


def test_dates_the_wrong_way_round_are_explained(as_worker, child, events):
    page = as_worker.get(
        url(child),
        {
            "date_from_day": "1",
            "date_from_month": "6",
            "date_from_year": "2024",
            "date_to_day": "1",
            "date_to_month": "1",
            "date_to_year": "2024",
        },
    ).content.decode()
    assert "There is a problem" in page
    assert "The &#x27;to&#x27; date must be the same as or after the &#x27;from&#x27; date" in page


def test_the_printable_chronology_is_a_table_and_the_print_is_logged(
    as_worker, child, worker, events
):
    response = as_worker.get(reverse("chronology:person_chronology_print", args=[child.pk]))
    page = response.content.decode()
    assert (
        '<caption class="govuk-table__caption govuk-visually-hidden">Chronology</caption>' in page
    )
    assert '<th scope="col" class="govuk-table__header">What happened</th>' in page
    assert '<td class="govuk-table__cell">3 January 2025</td>' in page
    assert "Moved to Oak Lane<br>With her aunt" in page
    assert AccessLog.objects.filter(
        user=worker, person_id=child.pk, action=AccessAction.PRINT, detail="chronology"
    ).exists()


def test_another_team_cannot_read_the_chronology(as_outsider, child, events):
    for name in ("person_chronology", "person_chronology_print"):
        response = as_outsider.get(reverse(f"chronology:{name}", args=[child.pk]))
        assert response.status_code == 404
        assert "Moved to Oak Lane" not in response.content.decode()
