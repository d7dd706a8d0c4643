"""The missing figures and Annex A list 8's missing columns, from hand-built records."""

from __future__ import annotations

import datetime
import json

import pytest

from haven.care.annex_a import list_8_children_looked_after
from haven.care.tests.factories import looked_after_child
from haven.missing import services
from haven.missing.figures import PAGE
from haven.missing.tests.conftest import at
from haven.performance import periods, selectors
from haven.performance.commands import figures_output

pytestmark = pytest.mark.django_db
H = datetime.timedelta(hours=1)


@pytest.fixture
def county(make_child, manager):
    """In the year to 31 March 2026: a looked-after child missing three times in 90 days (two
    interviews offered, one in time, one accepted) and away once; a child at home away once."""
    cared = make_child(given_names="Cara")
    looked_after_child(cared, manager, start=datetime.date(2025, 1, 6))
    home = make_child(given_names="Harry")

    def record(child, start, hours, kind="M"):
        return services.episode_record(
            person=child, by=manager, kind=kind, started_at=start, ended_at=start + hours * H
        )

    first = record(cared, at(2025, 9, 5, 22), 10)
    second = record(cared, at(2025, 10, 1, 22), 30)
    record(cared, at(2025, 11, 20, 22), 5)
    record(cared, at(2025, 12, 1, 18), 2, kind="A")
    record(home, at(2026, 2, 1, 18), 4, kind="A")
    record(home, at(2024, 5, 1, 18), 4)  # the year before
    interview = services.rhi_offer(
        episode=first, by=manager, offered_at=first.ended_at + 20 * H, interviewer_name="X"
    )
    services.rhi_hold(interview=interview, by=manager, completed_at=first.ended_at + 30 * H)
    services.rhi_offer(
        episode=second, by=manager, offered_at=second.ended_at + 100 * H, interviewer_name="X"
    )
    return {"cared": cared, "home": home}


def test_the_year_figures(county):
    year = periods.dfe_year(2026)
    figures = selectors.figures_compute(page=PAGE, periods=[year], user=None)
    values = figures.values(year)
    assert values["missing_children"] == 1
    assert values["missing_children_looked_after"] == 1
    assert values["away_children"] == 2
    assert values["away_children_looked_after"] == 1
    assert values["missing_episodes"] == 3
    assert values["missing_episodes_looked_after"] == 3
    assert values["away_episodes"] == 2
    assert values["away_episodes_looked_after"] == 1
    assert values["missing_returns"] == 5
    assert values["rhi_offered"] == 2
    assert values["rhi_offered_within_72h_pct"] == 20.0
    assert values["rhi_accepted_pct"] == 50.0
    # Three episodes in 90 days (the third on 20 November) and a fourth: one child, once.
    assert values["repeat_missing_children"] == 1


def test_the_number_links_to_its_children(county):
    year = periods.dfe_year(2026)
    rows = list(
        selectors.measure_rows(measure=PAGE["repeat_missing_children"], period=year, user=None)
    )
    assert [r["child_id"] for r in rows] == [county["cared"].pk]
    assert rows[0]["event"] == at(2025, 11, 20, 22)


def test_the_command_gives_the_keys(county):
    table = json.loads(figures_output("missing", [2026], "json"))["2026"]
    for key in (
        "missing_children",
        "missing_episodes",
        "away_episodes",
        "rhi_offered_within_72h_pct",
        "rhi_accepted_pct",
        "repeat_missing_children",
    ):
        assert key in table
    assert table["missing_episodes"] == 3


def test_annex_a_list_8_counts_missing_and_absent_episodes(county):
    rows = list(
        list_8_children_looked_after(datetime.date(2025, 4, 1), datetime.date(2026, 3, 31), None)
    )
    header, (row,) = rows[0], rows[1:]
    columns = dict(zip(header, row, strict=True))
    missing = "Number of Episodes the Child has been 'Missing' from their Placement in the last 12 months"
    absent = "Number of Episodes the Child has been 'Absent' from their Placement in the last 12 months"
    assert columns[missing] == "3"
    assert columns[absent] == "1"
    # The last episode (away, 1 December) had no interview offered.
    offered = "Was the child offered a Return Interview after their last missing episode (Y/N)?"
    accepted = "Did the child accept a Return Interview after their last missing episode (Y/N)?"
    assert (columns[offered], columns[accepted]) == ("No", "")


def test_annex_a_interview_columns_after_an_accepted_interview(county):
    # As at 10 September 2025, the last episode was the first, whose interview was held.
    rows = list(
        list_8_children_looked_after(datetime.date(2025, 4, 1), datetime.date(2025, 9, 10), None)
    )
    columns = dict(zip(rows[0], rows[1], strict=True))
    offered = "Was the child offered a Return Interview after their last missing episode (Y/N)?"
    accepted = "Did the child accept a Return Interview after their last missing episode (Y/N)?"
    assert (columns[offered], columns[accepted]) == ("Yes", "Yes")
