from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from conftest import client_for
from haven.accounts.models import Role
from haven.core.models import AccessAction, AccessLog
from haven.performance.tests.conftest import FrontDoor, at

pytestmark = pytest.mark.django_db


def csv_rows(response: Any) -> list[list[str]]:
    return list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))


PAGE = reverse("performance:front_door")
LIST = reverse("performance:measure_list")
ANNEX_A = reverse("performance:annex_a")


def test_a_practitioner_may_not_see_the_figures(worker: Any) -> None:
    client = client_for(worker)
    assert client.get(PAGE).status_code == 403
    assert client.get(LIST, {"measure": "contacts", "year": "2020"}).status_code == 403
    assert client.get(ANNEX_A).status_code == 403


@pytest.mark.parametrize("role", [Role.PERFORMANCE_ANALYST, Role.TEAM_MANAGER, Role.AUDITOR])
def test_analysts_managers_and_auditors_see_the_figures(make_user: Any, role: str) -> None:
    assert client_for(make_user(role)).get(PAGE).status_code == 200


def test_the_page_shows_the_years_figures_each_linked_to_its_list(
    front_door: FrontDoor, analyst: Any
) -> None:
    response = client_for(analyst).get(PAGE, {"year": "2020"})
    html = response.content.decode()
    assert "April 2019 to March 2020" in html
    assert f'href="{LIST}?measure=contacts&amp;year=2020"' in html
    assert f'href="{LIST}?measure=contacts&amp;year=2020&amp;month=2019-04"' in html
    assert f'href="{LIST}?measure=contacts&amp;year=2020&amp;source=6"' in html
    assert f'href="{LIST}?measure=re_referral_rate_pct&amp;year=2020&amp;of=all"' in html
    assert "33.3%" in html  # re-referral rate
    assert "50.0%" in html  # assessments within 45 working days


def test_a_bad_year_is_not_found(analyst: Any) -> None:
    assert client_for(analyst).get(PAGE, {"year": "1066"}).status_code == 404


def test_the_page_runs_a_fixed_number_of_queries(
    front_door: FrontDoor, analyst: Any, make_child: Any
) -> None:
    client = client_for(analyst)
    client.get(PAGE, {"year": "2020"})  # warm the session and calendar caches
    with CaptureQueriesContext(connection) as before:
        client.get(PAGE, {"year": "2020"})
    for n in range(10):
        child = make_child(given_names=f"More{n}")
        front_door.children[f"more{n}"] = child
        front_door.contact(
            f"more{n}", at(2019, 7, 1 + n), "8", {f"more{n}": ("referral", at(2019, 7, 1 + n, 15))}
        )
        front_door.referral(f"more{n}", f"more{n}", at(2019, 7, 1 + n).date())
        front_door.assessment(
            f"more{n}", f"more{n}", at(2019, 7, 1 + n).date(), at(2019, 8, 1 + n).date()
        )
    with CaptureQueriesContext(connection) as after:
        client.get(PAGE, {"year": "2020"})
    # Session, user, 2FA, audit context, alerts; and 4 for the figures: restricted records,
    # contacts, contact children, referrals, assessments.
    assert len(after) == len(before) <= 13


def test_a_list_shows_the_children_and_logs_one_view(front_door: FrontDoor, analyst: Any) -> None:
    before = AccessLog.objects.count()
    response = client_for(analyst).get(
        LIST, {"measure": "contacts", "year": "2020", "month": "2019-06"}
    )
    html = response.content.decode()
    assert response.status_code == 200
    ids = {key: f">{child.pk}</td>" for key, child in front_door.children.items()}
    assert ids["cat"] in html and ids["dan"] in html and ids["amy"] not in html
    # Analysts see each child's Haven ID and the measure's fields, not who the child is.
    assert "Cat Test" not in html and "Dan Test" not in html
    assert "Winchester" not in html and "MASH" in html  # the contact's team
    logs = AccessLog.objects.order_by("pk")[before:]
    assert [(log.action, log.detail, log.person_id) for log in logs] == [
        (AccessAction.VIEW, "performance list contacts", None),
        *sorted(
            (AccessAction.LISTED, "performance list contacts", front_door.children[k].pk)
            for k in ("cat", "dan")
        ),
    ]


def test_a_manager_sees_the_names_of_the_children_they_may_open(front_door: FrontDoor) -> None:
    html = (
        client_for(front_door.manager)
        .get(LIST, {"measure": "contacts", "year": "2020", "month": "2019-06"})
        .content.decode()
    )
    assert "Cat Test" in html and "Dan Test" in html


def test_a_list_leaves_out_restricted_children(
    front_door: FrontDoor, analyst: Any, named_analyst: Any
) -> None:
    other = client_for(analyst).get(LIST, {"measure": "referrals", "year": "2020"})
    assert "Rex Test" in other.content.decode()  # analyst is named on Rex
    response = client_for(front_door.manager).get(LIST, {"measure": "referrals", "year": "2020"})
    assert "Rex Test" not in response.content.decode()
    assert "Amy Test" in response.content.decode()


def test_a_list_downloads_as_csv_and_logs_an_export(front_door: FrontDoor, analyst: Any) -> None:
    response = client_for(analyst).get(
        LIST, {"measure": "assessments_within_45wd_pct", "year": "2020", "format": "csv"}
    )
    rows = csv_rows(response)
    assert rows[0] == [
        "Haven ID",
        "Given names",
        "Family name",
        "Date of birth",
        "Authorised",
        "Team",
    ]
    assert rows[1][0] == str(front_door.children["amy"].pk)
    assert rows[1][1:5] == ["", "", "", "21/06/2019"]  # an analyst: no name or date of birth
    assert len(rows) == 2
    assert AccessLog.objects.filter(action=AccessAction.EXPORT, user=analyst).exists()
    listed = AccessLog.objects.get(action=AccessAction.LISTED, user=analyst)
    assert listed.person_id == front_door.children["amy"].pk


def test_an_unknown_measure_or_source_is_not_found(analyst: Any) -> None:
    client = client_for(analyst)
    assert client.get(LIST, {"measure": "nonsense", "year": "2020"}).status_code == 404
    assert (
        client.get(LIST, {"measure": "contacts", "year": "2020", "source": "ZZ"}).status_code == 404
    )
    assert (
        client.get(LIST, {"measure": "contacts", "year": "2020", "month": "2021-01"}).status_code
        == 404
    )


def test_annex_a_list_1_downloads_for_a_window(front_door: FrontDoor, analyst: Any) -> None:
    response = client_for(analyst).get(
        ANNEX_A,
        {
            "list": "1",
            "date_from": "2019-04-01",
            "date_to": "2019-04-30",
        },
    )
    assert response["Content-Disposition"].endswith(
        'filename="annex-a-list-1-2019-04-01-to-2019-04-30.csv"'
    )
    rows = csv_rows(response)
    assert rows[0] == [
        "Child ID",
        "Gender",
        "Ethnicity",
        "Date of birth",
        "Age",
        "Contact date",
        "Contact source",
    ]
    assert [r[5:] for r in rows[1:]] == [["12/04/2019", "6"], ["18/04/2019", "2A"]]
    assert rows[1][:5] == [str(front_door.children["amy"].pk), "Male", "NOBT", "01/05/2012", "6"]
    export = AccessLog.objects.get(action=AccessAction.EXPORT)
    assert export.detail.startswith("Annex A list 1")
    listed = AccessLog.objects.filter(action=AccessAction.LISTED).values_list(
        "person_id", flat=True
    )
    assert set(listed) == {int(r[0]) for r in rows[1:]} and len(listed) == len(set(listed))


def test_annex_a_form_says_what_is_wrong(analyst: Any) -> None:
    client = client_for(analyst)
    response = client.get(
        ANNEX_A, {"list": "2", "date_from": "2019-05-01", "date_to": "2019-04-01"}
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in html
    assert "Select list 1, 3, 4, 5, 6, 7, 8" in html  # and the lists other parts register
    assert "The date to must be the same as or after the date from" in html
    assert client.get(ANNEX_A).status_code == 200


@pytest.mark.parametrize(
    ("date_from", "date_to", "message"),
    [
        ("0001-01-01", "9999-12-31", "From must be between 1 January 1990 and 31 December 2060"),
        ("2001-01-01", "2019-12-31", "The date to must be within 3 years of the date from"),
    ],
)
def test_annex_a_refuses_a_range_before_the_download_starts(
    analyst: Any, date_from: str, date_to: str, message: str
) -> None:
    response = client_for(analyst).get(
        ANNEX_A, {"list": "1", "date_from": date_from, "date_to": date_to}
    )
    assert response.status_code == 200
    assert "Content-Disposition" not in response
    assert message in response.content.decode()
    assert not AccessLog.objects.filter(action=AccessAction.EXPORT).exists()


def test_a_snapshot_day_out_of_range_is_not_found(analyst: Any) -> None:
    client = client_for(analyst)
    for day in ("0001-01-01", "9999-12-31", "2020-²-01", "2020-01-01\x00"):
        response = client.get(PAGE.replace("front-door", "child-protection"), {"on": day})
        assert response.status_code == 404, day


def test_any_registered_page_is_shown_by_the_figures_page(
    front_door: FrontDoor, analyst: Any
) -> None:
    client = client_for(analyst)
    page = client.get(reverse("performance:page", args=["frontdoor"]))
    assert page.status_code == 200 and "Front door" in page.content.decode()
    assert "Child protection" in page.content.decode()  # other registered pages are linked
    assert client.get(reverse("performance:page", args=["nonsense"])).status_code == 404
