"""Ofsted Annex A list 8 (children looked after) on hand-built children."""

from __future__ import annotations

import csv
import datetime
import io
from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse

from conftest import client_for
from haven.care.annex_a import COLUMNS
from haven.care.tests.figures.conftest import Cared
from haven.cli import main
from haven.core.models import AccessAction, AccessLog
from haven.performance import annex_a

pytestmark = pytest.mark.django_db

ANNEX_A = reverse("performance:annex_a")
WINDOW = {"list": "8", "date_from": "2019-10-01", "date_to": "2020-03-31"}


def by_child(rows: list[list[str]], cared: Cared) -> dict[str, dict[str, str]]:
    keys = {str(child.pk): key for key, child in cared.children.items()}
    return {keys[row[0]]: dict(zip(COLUMNS, row, strict=True)) for row in rows[1:]}


def test_list_8_has_the_annex_a_template_columns(cared: Cared, tmp_path: Path) -> None:
    out = tmp_path / "list8.csv"
    assert (
        main(
            [
                "annex-a",
                "--list",
                "8",
                "--from",
                "2019-10-01",
                "--to",
                "2020-03-31",
                "--out",
                str(out),
            ]
        )
        == 0
    )
    rows = list(csv.reader(out.open()))
    assert rows[0] == COLUMNS
    assert rows[0][:5] == [
        "Child Unique ID",
        "Gender",
        "Ethnicity",
        "Date of Birth",
        "Age of Child (Years)",
    ]
    assert len(COLUMNS) == 34
    log = AccessLog.objects.filter(action=AccessAction.EXPORT).latest("pk")
    assert "Annex A list 8" in log.detail and "command line" in log.detail


def test_list_8_is_in_care_now_and_those_who_left_in_the_window(cared: Cared) -> None:
    rows = list(
        annex_a.lists()[8].rows(datetime.date(2019, 10, 1), datetime.date(2020, 3, 31), None)
    )
    children = by_child(rows, cared)
    # Cat is on short breaks only; Rex is restricted (the system is named on no record); Ben's
    # first period ended before the window.
    assert set(children) == {"amy", "ben", "dan", "eve", "fay"}
    assert len(rows) == 6
    amy = children["amy"]
    assert amy["Date Started to be Looked After"] == "03/06/2019"
    assert amy["Child's Legal Status"] == "C2"
    assert amy["Start date of current legal status"] == "03/06/2019"
    assert amy["Child's Category of Need"] == "N1"
    assert amy["Date of Latest Statutory Review"] == "28/06/2019"
    assert amy["Date of Last Social Work Visit"] == "01/08/2019"
    assert amy["What is the permanence plan for this child?"] == "Adoption"
    assert amy["Date of Last Health Assessment"] == "01/07/2019"
    assert amy["Date of Last Dental Check"] == "02/09/2019"
    assert amy["Number of Placements in the Last 12 months"] == "1"
    assert amy["Placement Type"] == "U6" and amy["Placement Provider"] == "PR1"
    assert amy["Date Ceased to be Looked After"] == ""
    assert amy["Age of Child (Years)"] == "7"
    ben = children["ben"]
    assert (
        ben[
            "Is this a second or subsequent period of being a Looked After Child within the last 12 months (Y/N)"
        ]
        == "Yes"
    )
    assert ben["Date Ceased to be Looked After"] == "31/03/2020"
    assert ben["Reason Ceased to be Looked After"] == "E4A"
    dan = children["dan"]
    assert dan["Unaccompanied Asylum Seeking Child (UASC) within the Last 12 Months (Y/N)"] == "Yes"
    assert dan["Number of Placements in the Last 12 months"] == "3"
    assert dan["Start Date of Most Recent Placement"] == "06/01/2020"
    assert amy["Unaccompanied Asylum Seeking Child (UASC) within the Last 12 Months (Y/N)"] == "No"
    assert children["eve"]["Number of Placements in the Last 12 months"] == "1"


def test_list_8_leaves_out_restricted_children_unless_named(
    cared: Cared, analyst: Any, named_analyst: Any, make_user: Any
) -> None:
    rex = str(cared.children["rex"].pk)

    def downloaded(user: Any) -> list[list[str]]:
        response: Any = client_for(user).get(ANNEX_A, WINDOW)
        assert response.status_code == 200
        content = b"".join(response.streaming_content).decode()
        return list(csv.reader(io.StringIO(content)))

    assert rex in {row[0] for row in downloaded(named_analyst)}
    other = make_user("performance_analyst", None)
    rows = downloaded(other)
    assert rex not in {row[0] for row in rows} and len(rows) == 6
    listed = AccessLog.objects.filter(action=AccessAction.LISTED, user=other)
    assert set(listed.values_list("person_id", flat=True)) == {int(r[0]) for r in rows[1:]}


def test_the_annex_a_form_offers_list_8(analyst: Any) -> None:
    html = client_for(analyst).get(ANNEX_A).content.decode()
    assert "List 8: children looked after" in html
