from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import pytest

from haven.cli import main
from haven.core.models import AccessAction, AccessLog
from haven.performance.tests.conftest import FrontDoor

pytestmark = pytest.mark.django_db

REQUIRED_KEYS = {
    "contacts",
    "referrals",
    "re_referral_rate_pct",
    "decisions_within_1wd_pct",
    "assessments_authorised",
    "assessments_within_45wd_pct",
}


def test_figures_as_json_one_object_per_year(front_door: FrontDoor, capsys: Any) -> None:
    assert main(["figures", "frontdoor", "--year", "2019-2020", "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert list(data) == ["2019", "2020"]
    assert set(data["2020"]) >= REQUIRED_KEYS
    assert data["2020"]["contacts"] == 4  # the restricted child's contact is left out
    assert data["2020"]["assessments_within_45wd_pct"] == 50.0
    assert data["2019"]["contacts"] == 1
    assert data["2019"]["re_referral_rate_pct"] == 0.0
    assert data["2019"]["decisions_within_1wd_pct"] == 100.0


def test_figures_as_csv_one_row_per_year(front_door: FrontDoor, tmp_path: Path) -> None:
    out = tmp_path / "figures.csv"
    assert (
        main(
            [
                "figures",
                "frontdoor",
                "--year",
                "2020",
                "--year",
                "2018",
                "--format",
                "csv",
                "--out",
                str(out),
            ]
        )
        == 0
    )
    rows = list(csv.DictReader(out.open()))
    assert [r["year"] for r in rows] == ["2018", "2020"]
    assert set(rows[0]) >= REQUIRED_KEYS
    assert rows[1]["referrals"] == "3"
    assert rows[0]["re_referral_rate_pct"] == ""  # no referrals that year: no rate


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["figures", "nonsense", "--year", "2020"], "no figures called 'nonsense'"),
        (["figures", "frontdoor", "--year", "20x"], "is not a year"),
        (["figures", "frontdoor", "--year", "2020-2016"], "earlier year"),
        (
            [
                "annex-a",
                "--list",
                "2",
                "--from",
                "2020-01-01",
                "--to",
                "2020-02-01",
                "--out",
                "x.csv",
            ],
            "lists 1, 3, 4, 5, 6, 7",
        ),
        (
            [
                "annex-a",
                "--list",
                "1",
                "--from",
                "2020-13-01",
                "--to",
                "2020-02-01",
                "--out",
                "x.csv",
            ],
            "--from '2020-13-01' is not a date",
        ),
        (
            [
                "annex-a",
                "--list",
                "1",
                "--from",
                "2020-03-01",
                "--to",
                "2020-02-01",
                "--out",
                "x.csv",
            ],
            "is after --to",
        ),
        (
            [
                "annex-a",
                "--list",
                "1",
                "--from",
                "2020-01-01",
                "--to",
                "2020-02-01",
                "--out",
                "/nonexistent/dir/x.csv",
            ],
            "cannot write /nonexistent/dir/x.csv",
        ),
    ],
)
def test_command_errors_are_clear(db: Any, capsys: Any, args: list[str], message: str) -> None:
    assert main(args) == 2
    assert message in capsys.readouterr().err


def test_annex_a_list_3_from_the_command_line(front_door: FrontDoor, tmp_path: Path) -> None:
    out = tmp_path / "list3.csv"
    assert (
        main(
            [
                "annex-a",
                "--list",
                "3",
                "--from",
                "2019-04-01",
                "--to",
                "2020-03-31",
                "--out",
                str(out),
            ]
        )
        == 0
    )
    rows = list(csv.reader(out.open()))
    assert rows[0] == [
        "Child ID",
        "Gender",
        "Ethnicity",
        "Date of birth",
        "Age",
        "Referral date",
        "Referral source",
        "Referral led to no further action",
        "Number of referrals in the last 12 months (including this one)",
        "Allocated team",
        "Allocated worker",
    ]
    amy, ben, cat = rows[1:]  # Rex is restricted: the command line runs as no named user
    assert amy[0] == str(front_door.children["amy"].pk)
    assert amy[4:] == ["6", "15/04/2019", "6", "No", "2", "Winchester assessment", "Tom Hughes"]
    assert ben[5:8] == ["15/04/2019", "2A", "Yes"]
    assert cat[8] == "1"
    log = AccessLog.objects.latest("pk")
    assert log.action == AccessAction.EXPORT and "command line" in log.detail


def test_annex_a_list_4_from_the_command_line(front_door: FrontDoor, tmp_path: Path) -> None:
    out = tmp_path / "list4.csv"
    assert (
        main(
            [
                "annex-a",
                "--list",
                "4",
                "--from",
                "2019-06-01",
                "--to",
                "2020-03-31",
                "--out",
                str(out),
            ]
        )
        == 0
    )
    rows = list(csv.reader(out.open()))
    assert rows[0][5:] == [
        "Disability",
        "Assessment start date",
        "Child seen during the assessment",
        "Assessment authorisation date",
        "Child needs children's social care support",
        "Allocated team",
        "Allocated worker",
    ]
    by_start = {(r[0], r[6]): r for r in rows[1:]}
    amy = str(front_door.children["amy"].pk)
    ben = str(front_door.children["ben"].pk)
    assert by_start[(amy, "15/04/2019")][5:10] == ["Yes", "15/04/2019", "Yes", "21/06/2019", "Yes"]
    assert by_start[(ben, "15/04/2019")][5:10] == [
        "Not recorded",
        "15/04/2019",
        "No",
        "24/06/2019",
        "No",
    ]
    assert (amy, "20/03/2020") in by_start  # still open at the end of the window
    assert len(rows) == 5  # on time, late, next year's, open; not the restricted child's
