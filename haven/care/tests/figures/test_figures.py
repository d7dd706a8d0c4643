"""The children looked after figures on hand-built children (conftest.py says what each
child shows), the command line's keys, and the page."""

from __future__ import annotations

import datetime
import json
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from conftest import client_for
from haven.care.tests.figures.conftest import Cared, Place, period_of_care
from haven.cli import main
from haven.performance import measures, periods, selectors
from haven.performance.commands import figures_output

pytestmark = pytest.mark.django_db

D = datetime.date
YEAR = periods.dfe_year(2020)
PAGE = reverse("performance:page", args=["care"])
LIST = reverse("performance:measure_list")

CLI_KEYS = {
    "cla_at_year_end",
    "cla_per_10000",
    "cla_started",
    "cla_ceased",
    "uasc_at_year_end",
    "placements_3_plus_pct",
    "long_term_stability_pct",
    "placed_over_20_miles_pct",
    "reviews_in_time_pct",
    "visits_in_time_pct",
    "health_assessments_in_time_pct",
}


def figures(user: Any = None, days: tuple[datetime.date, ...] = ()) -> selectors.Figures:
    return selectors.figures_compute(
        page=measures.get_page("care"), periods=[YEAR], user=user, days=days
    )


def ids(cared: Cared, *keys: str) -> set[int]:
    return {cared.children[k].pk for k in keys}


def listed(measure: str, user: Any = None, denominator: bool = False, **kw: Any) -> set[int]:
    rows = selectors.measure_rows(
        measure=measures.get_page("care")[measure],
        period=kw.get("period", YEAR),
        user=user,
        denominator=denominator,
    )
    return {row["child_id"] for row in rows}


def test_the_years_figures_as_the_dfe_defines_them(cared: Cared) -> None:
    values = figures().values(YEAR)
    # Amy, Dan, Eve, Fay; not Ben (his episode ended on 31 March), Cat (short breaks) or Rex
    # (restricted: the system is named on no record).
    assert values["cla_at_year_end"] == 4
    assert values["cla_per_10000"] == 6666.7  # 4 of the 6 children aged 0-17 counted
    assert values["cla_started"] == 3  # Amy, Ben once, Dan
    assert values["cla_ceased"] == 1  # Ben, once, on his last ceasing
    assert values["uasc_at_year_end"] == 1
    assert values["uasc_per_10000"] == 1666.7
    assert values["nts_threshold"] == 0  # 0.1% of 6 children
    assert values["nts_headroom"] == -1
    assert values["placements_3_plus_pct"] == 25.0  # Dan
    assert values["long_term_stability_pct"] == 50.0  # Eve of Eve and Fay
    assert values["placed_within_20_miles"] == 2
    assert values["placed_over_20_miles"] == 1
    assert values["placed_distance_not_known"] == 1
    assert values["placed_over_20_miles_pct"] == 25.0
    assert values["placed_in_house_pct"] == 50.0  # Amy's foster carers, Eve's home
    assert values["visits_in_time_pct"] == 50.0
    assert values["reviews_in_time_pct"] == 100.0
    assert values["health_assessments_in_time_pct"] == 33.3
    assert values["peps_in_time_pct"] == 100.0
    assert values["placed_for_adoption"] == 1
    assert values["adoption_days_entering_care_to_placed"] == 226  # 3 June 2019 to 15 Jan 2020
    assert values["placed_for_adoption_within_14_months_pct"] == 100.0


def test_each_number_lists_the_children_it_counts(cared: Cared) -> None:
    assert listed("cla_at_year_end") == ids(cared, "amy", "dan", "eve", "fay")
    assert listed("cla_started") == ids(cared, "amy", "ben", "dan")
    assert listed("cla_ceased") == ids(cared, "ben")
    assert listed("uasc_at_year_end") == ids(cared, "dan")
    assert listed("placements_3_plus_pct") == ids(cared, "dan")
    assert listed("placements_3_plus_pct", denominator=True) == ids(
        cared, "amy", "dan", "eve", "fay"
    )
    assert listed("long_term_stability_pct") == ids(cared, "eve")
    assert listed("long_term_stability_pct", denominator=True) == ids(cared, "eve", "fay")
    assert listed("health_assessments_in_time_pct") == ids(cared, "amy")


def test_an_episode_ending_on_31_march_is_counted_on_30_march_not_31(cared: Cared) -> None:
    day = D(2020, 3, 30)
    counted = figures(days=(day,))
    on = periods.Period(key=day.isoformat(), label="30 March 2020", first=day, last=day)
    cla = measures.get_page("care")["cla_at_year_end"]
    assert counted.cell(cla, on).value == 5
    assert listed("cla_at_year_end", period=on) == ids(cared, "amy", "ben", "dan", "eve", "fay")


def test_a_change_of_placement_on_31_march_counts_the_child_once(cared: Cared) -> None:
    fay = cared.periods["fay"]
    current = fay.placements.get(end_date__isnull=True)
    current.end_date = D(2020, 3, 31)
    current.change_reason = "CARPL"
    current.save()
    fay.placements.create(
        person=fay.person, start_date=D(2020, 3, 31), place="U4", provider="PR4", carer_name="New"
    )
    from haven.care import episodes

    episodes.rederive(fay)
    assert figures().values(YEAR)["cla_at_year_end"] == 4


def test_short_breaks_are_never_counted(cared: Cared) -> None:
    cat = ids(cared, "cat")
    for name in ("cla_at_year_end", "cla_started", "cla_ceased", "uasc_at_year_end"):
        assert not listed(name) & cat


def test_restricted_children_are_counted_only_for_users_named_on_them(
    cared: Cared, named_analyst: Any, make_user: Any
) -> None:
    assert figures(named_analyst).values(YEAR)["cla_at_year_end"] == 5
    assert listed("cla_at_year_end", named_analyst) == ids(cared, "amy", "dan", "eve", "fay", "rex")
    other = make_user("performance_analyst", None)
    assert figures(other).values(YEAR)["cla_at_year_end"] == 4


def test_figures_care_on_the_command_line_has_the_required_keys(cared: Cared, capsys: Any) -> None:
    assert main(["figures", "care", "--year", "2020", "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert set(data["2020"]) >= CLI_KEYS | {"nts_threshold", "nts_headroom"}
    assert data["2020"]["cla_at_year_end"] == 4
    assert data["2020"]["long_term_stability_pct"] == 50.0
    text = figures_output("care", [2020], "csv")
    header, row = text.splitlines()
    assert set(header.split(",")) >= CLI_KEYS | {"year"}
    assert row.startswith("2020,4,")


def test_the_page_shows_the_figures_each_linked_to_its_children(cared: Cared, analyst: Any) -> None:
    response = client_for(analyst).get(PAGE, {"year": "2020"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Children looked after: April 2019 to March 2020" in html
    assert f'href="{LIST}?measure=cla_at_year_end&amp;year=2020"' in html
    assert f'href="{LIST}?measure=placed_over_20_miles_pct&amp;year=2020&amp;of=all"' in html
    assert f'href="{LIST}?measure=cla_ceased&amp;year=2020&amp;reason=E4A"' in html
    assert "National Transfer Scheme threshold, 0.1% (10 per 10,000)" in html
    assert "25.0%" in html and "50.0%" in html
    assert "226 days" in html
    assert 'data-derived="nts_headroom">-1<' in html


def test_the_page_counts_on_a_day_chosen(cared: Cared, analyst: Any) -> None:
    html = client_for(analyst).get(PAGE, {"year": "2020", "on": "2020-03-30"}).content.decode()
    assert "On 30 March 2020" in html
    assert f'href="{LIST}?measure=cla_at_year_end&amp;year=2020&amp;on=2020-03-30"' in html
    listing = client_for(analyst).get(
        LIST, {"measure": "cla_at_year_end", "year": "2020", "on": "2020-03-30"}
    )
    assert f">{cared.children['ben'].pk}</td>" in listing.content.decode()


def test_a_list_names_only_the_children_the_user_may_open(
    cared: Cared, analyst: Any, manager: Any
) -> None:
    query = {"measure": "cla_at_year_end", "year": "2020"}
    html = client_for(analyst).get(LIST, query).content.decode()
    assert f">{cared.children['amy'].pk}</td>" in html and "Amy Cared" not in html
    assert f">{cared.children['rex'].pk}</td>" not in html
    html = client_for(manager).get(LIST, query).content.decode()
    assert "Amy Cared" in html and "Rex Cared" not in html


def test_the_page_runs_a_fixed_number_of_queries(
    cared: Cared, analyst: Any, make_child: Any
) -> None:
    client = client_for(analyst)
    client.get(PAGE, {"year": "2020"})  # warm the session and calendar caches
    with CaptureQueriesContext(connection) as before:
        client.get(PAGE, {"year": "2020"})
    for n in range(10):
        child = make_child(given_names=f"More{n}", date_of_birth=D(2010, 1, 1))
        period_of_care(
            child,
            D(2019, 5, 1 + n),
            [(D(2019, 5, 1 + n), "C1")],
            [
                Place(D(2019, 5, 1 + n), D(2019, 8, 1), carer="A", reason="CREQB"),
                Place(D(2019, 8, 1), miles="25"),
            ],
        )
    with CaptureQueriesContext(connection) as after:
        client.get(PAGE, {"year": "2020"})
    # Session, user, 2FA, audit context, alerts; and for the figures: restricted records, one
    # query for each of the 7 kinds of record counted over the year, two for the counts on a
    # day (the episodes, and the episodes with their placement history), one for the child
    # population.
    assert len(after) == len(before) <= 19


def test_the_national_transfer_scheme_threshold_is_a_setting(cared: Cared, settings: Any) -> None:
    settings.HAVEN_NTS_THRESHOLD_PCT = 50  # of the 6 children aged 0-17: 3
    values = figures().values(YEAR)
    assert values["nts_threshold"] == 3
    assert values["nts_headroom"] == 2  # Dan is the one UASC looked after


def test_three_placements_count_the_one_the_child_was_in_when_the_12_months_began(
    cared: Cared, make_child: Any
) -> None:
    from haven.care.annex_a import list_8_children_looked_after

    gus, hal = (make_child(given_names=n, date_of_birth=D(2010, 1, 1)) for n in ("Gus", "Hal"))
    # Gus: in his first placement on 1 April 2019, then two more: 3.
    period_of_care(
        gus,
        D(2019, 1, 7),
        [(D(2019, 1, 7), "C2")],
        [
            Place(D(2019, 1, 7), D(2019, 6, 3), carer="A", reason="CREQB"),
            Place(D(2019, 6, 3), D(2019, 9, 2), carer="B", reason="CREQB"),
            Place(D(2019, 9, 2), carer="C"),
        ],
    )
    # Hal: his first placement ended before the 12 months began: 2.
    period_of_care(
        hal,
        D(2018, 1, 8),
        [(D(2018, 1, 8), "C2")],
        [
            Place(D(2018, 1, 8), D(2018, 6, 4), carer="A", reason="CREQB"),
            Place(D(2018, 6, 4), D(2019, 9, 2), carer="B", reason="CREQB"),
            Place(D(2019, 9, 2), carer="C"),
        ],
    )
    assert listed("placements_3_plus_pct") == ids(cared, "dan") | {gus.pk}
    rows = list(list_8_children_looked_after(D(2020, 3, 1), D(2020, 3, 31), None))
    placements = {
        row[0]: row[rows[0].index("Number of Placements in the Last 12 months")] for row in rows
    }
    assert placements[str(gus.pk)] == "3" and placements[str(hal.pk)] == "2"
