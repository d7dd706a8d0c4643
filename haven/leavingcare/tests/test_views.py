"""The leaving care tab, the young person's own plan, the caseload, work items and figures
through the test client."""

from __future__ import annotations

import datetime
import json

import pytest
from django.urls import reverse

from conftest import client_for
from haven.leavingcare import services
from haven.leavingcare.models import AccommodationPeriod, PathwayPlan
from haven.leavingcare.tests.test_services import PLAN

pytestmark = pytest.mark.django_db
D = datetime.date


def date_fields(name: str, day: datetime.date) -> dict[str, str]:
    return {
        f"{name}_day": str(day.day),
        f"{name}_month": str(day.month),
        f"{name}_year": str(day.year),
    }


def act(client, person, action, data):
    return client.post(reverse("leavingcare:action", args=[person.pk, action]), data)


def test_the_tab_shows_the_category_and_its_reason(as_worker, young_person):
    page = as_worker.get(reverse("leavingcare:tab", args=[young_person.pk])).content.decode()
    assert "Relevant" in page
    assert "Left care on 1 July 2026" in page
    assert "OC3" in page


def test_the_tab_is_offered_to_care_leavers_only(as_worker, young_person, child):
    url = reverse("leavingcare:tab", args=[young_person.pk])
    assert (
        url
        in as_worker.get(reverse("people:person_detail", args=[young_person.pk])).content.decode()
    )
    assert (
        reverse("leavingcare:tab", args=[child.pk])
        not in as_worker.get(reverse("people:person_detail", args=[child.pk])).content.decode()
    )


def test_a_worker_allocates_an_adviser_agrees_a_plan_and_records_a_move(
    as_worker, young_person, adviser
):
    response = act(
        as_worker,
        young_person,
        "adviser",
        {"adviser-adviser": str(adviser.pk), **date_fields("adviser-start_date", D(2026, 5, 1))},
    )
    assert response.status_code == 302
    response = act(
        as_worker,
        young_person,
        "plan",
        {
            **date_fields("plan-agreed_on", D(2026, 7, 10)),
            **{f"plan-{k}": v for k, v in PLAN.items()},
        },
    )
    assert response.status_code == 302
    assert PathwayPlan.objects.filter(person=young_person).exists()
    response = act(
        as_worker,
        young_person,
        "accommodation",
        {
            **date_fields("accommodation-start_date", D(2026, 7, 1)),
            "accommodation-accommodation": "E",
            "accommodation-suitable": "yes",
        },
    )
    assert response.status_code == 302
    page = as_worker.get(reverse("leavingcare:tab", args=[young_person.pk])).content.decode()
    assert "Priya Adviser" in page and "Supported lodgings" in page and "E1" in page
    own = as_worker.get(reverse("leavingcare:my_plan", args=[young_person.pk])).content.decode()
    assert "Jade, this is your plan" in own and "Learn to cook five meals" in own


def test_overlapping_accommodation_is_shown_beside_the_field_and_nothing_saved(
    as_worker, young_person, worker
):
    services.accommodation_record(
        person=young_person, by=worker, start_date=D(2026, 7, 1), accommodation="E", suitable=True
    )
    response = act(
        as_worker,
        young_person,
        "accommodation",
        {
            **date_fields("accommodation-start_date", D(2026, 7, 1)),
            "accommodation-accommodation": "B",
            "accommodation-suitable": "yes",
        },
    )
    assert response.status_code == 200
    assert "cannot overlap" in response.content.decode()
    assert AccommodationPeriod.objects.count() == 1


def test_a_plan_for_someone_never_looked_after_is_refused_on_the_page(as_worker, child):
    response = act(
        as_worker,
        child,
        "plan",
        {
            **date_fields("plan-agreed_on", D(2026, 7, 10)),
            **{f"plan-{k}": v for k, v in PLAN.items()},
        },
    )
    assert response.status_code == 200
    assert "never been looked after" in response.content.decode()
    assert not PathwayPlan.objects.exists()


def test_the_advisers_caseload_and_my_work(
    young_person, worker, adviser, django_assert_num_queries
):
    services.adviser_allocate(
        person=young_person, by=worker, adviser=adviser, start_date=D(2026, 5, 1)
    )
    client = client_for(adviser)
    page = client.get(reverse("leaving_care:caseload")).content.decode()
    assert "Jade Brown" in page and "Relevant" in page
    from haven.work.items import Scope, work_for

    items = [i for i in work_for(adviser, Scope.MINE) if i.kind == "Leaving care"]
    titles = {i.title for i in items}
    assert "Personal adviser contact (8 weeks since the adviser was allocated)" in titles
    assert "Needs assessment" in titles
    contact = next(i for i in items if i.title.startswith("Personal adviser contact"))
    assert contact.due == D(2026, 6, 26) and contact.is_overdue


def test_the_caseload_runs_a_fixed_number_of_queries(
    make_child, worker, adviser, manager, django_assert_max_num_queries
):
    from haven.care import services as care
    from haven.care.tests.factories import looked_after_child

    for n in range(3):
        person = make_child(given_names=f"Young{n}", date_of_birth=D(2009, 6, 1))
        period = looked_after_child(person, manager, start=D(2023, 9, 4), legal_status="C2")
        care.period_end(period=period, by=manager, end_date=D(2026, 7, 1), reason="E6")
        services.adviser_allocate(
            person=person, by=worker, adviser=adviser, start_date=D(2026, 5, 1)
        )
    client = client_for(adviser)
    client.get(reverse("leaving_care:caseload"))
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as three:
        client.get(reverse("leaving_care:caseload"))
    person = make_child(given_names="Young9", date_of_birth=D(2009, 6, 1))
    period = looked_after_child(person, manager, start=D(2023, 9, 4), legal_status="C2")
    care.period_end(period=period, by=manager, end_date=D(2026, 7, 1), reason="E6")
    services.adviser_allocate(person=person, by=worker, adviser=adviser, start_date=D(2026, 5, 1))
    with CaptureQueriesContext(connection) as four:
        client.get(reverse("leaving_care:caseload"))
    assert len(four) == len(three)


def test_figures_count_a_care_leaver_at_19_from_the_histories(make_child, manager, worker):
    """Looked after from 14 to 18, 19 on 1 October 2025: in touch, in education, suitable."""
    from haven.care import services as care
    from haven.care.tests.factories import looked_after_child
    from haven.performance.commands import figures_output
    from haven.uasc.models import UASCStatus

    person = make_child(given_names="Ali", date_of_birth=D(2006, 10, 1))
    period = looked_after_child(person, manager, start=D(2021, 1, 4), legal_status="C2")
    care.period_end(period=period, by=manager, end_date=D(2024, 10, 1), reason="E17")
    UASCStatus.objects.create(person=person, arrived_on=D(2020, 12, 20))
    services.accommodation_record(
        person=person, by=worker, start_date=D(2024, 10, 1), accommodation="Z", suitable=True
    )
    services.activity_record(person=person, by=worker, start_date=D(2024, 9, 1), activity="F2")
    services.in_touch_record(person=person, by=worker, on=D(2025, 9, 20), code="YES")
    data = json.loads(figures_output("leaving-care", [2026], "json"))["2026"]
    assert data["care_leavers_19_21"] == 1
    assert data["in_touch_19_21_pct"] == 100.0
    assert data["eet_19_21_pct"] == 100.0
    assert data["suitable_accommodation_19_21_pct"] == 100.0
    assert data["former_uasc_at_quarter_end"] == [
        {"quarter_end": "2025-06-30", "count": 1},
        {"quarter_end": "2025-09-30", "count": 1},
        {"quarter_end": "2025-12-31", "count": 1},
        {"quarter_end": "2026-03-31", "count": 1},
    ]
    csv_text = figures_output("leaving-care", [2026], "csv")
    assert "quarter_end=2025-06-30 count=1" in csv_text


def test_an_overdue_contact_is_on_the_leaving_care_managers_view(
    young_person, worker, adviser, make_user
):
    from haven.accounts.models import Role, Team
    from haven.work.items import Scope, work_for

    services.adviser_allocate(
        person=young_person, by=worker, adviser=adviser, start_date=D(2026, 5, 1)
    )
    boss = make_user(Role.TEAM_MANAGER, None, first_name="Lee", last_name="Manager")
    boss.memberships.create(team=Team.objects.get(name="Leaving care"))
    items = [i for i in work_for(boss, Scope.TEAMS) if i.title.startswith("Personal adviser")]
    assert len(items) == 1
    assert items[0].is_overdue and items[0].owner == "Priya Adviser"
    assert items[0].people == ((young_person.pk, "Jade Brown"),)
    # Another team's manager does not see it.
    assert not [
        i
        for i in work_for(make_user(Role.TEAM_MANAGER, "other"), Scope.TEAMS)
        if i.kind == "Leaving care"
    ]


def test_each_figure_links_to_the_young_people_it_counts(make_child, manager, worker, make_user):
    """The 19-21 figures and the former UASC quarter list name the young person to a manager
    who holds the case; an analyst who does not hold it sees the Haven ID only; a restricted
    record is not counted for someone not named on it."""
    from haven.accounts.models import Role
    from haven.care import services as care
    from haven.care.tests.factories import looked_after_child
    from haven.uasc.models import UASCStatus

    person = make_child(given_names="Ali", family_name="Karimi", date_of_birth=D(2006, 10, 1))
    period = looked_after_child(person, manager, start=D(2021, 1, 4), legal_status="C2")
    care.period_end(period=period, by=manager, end_date=D(2024, 10, 1), reason="E17")
    UASCStatus.objects.create(person=person, arrived_on=D(2020, 12, 20))
    services.in_touch_record(person=person, by=worker, on=D(2025, 9, 20), code="YES")

    as_manager = client_for(manager)
    page = as_manager.get(reverse("leaving_care:figures"), {"year": "2026"}).content.decode()
    link = reverse("leaving_care:figures_list", args=["19_21"]) + "?year=2026"
    assert link in page
    listed = as_manager.get(link).content.decode()
    assert "Ali Karimi" in listed and "1 October 2025" in listed and "In touch" in listed
    quarter = as_manager.get(
        reverse("leaving_care:figures_list", args=["former_uasc"]),
        {"year": "2026", "on": "2025-09-30"},
    ).content.decode()
    assert "Ali Karimi" in quarter and "Former relevant" in quarter

    analyst = client_for(make_user(Role.PERFORMANCE_ANALYST, None))
    shown = analyst.get(link).content.decode()
    assert "Ali Karimi" not in shown and str(person.pk) in shown and "Not shown" in shown

    person.is_restricted = True
    person.save(update_fields=["is_restricted"])
    assert "No young people are counted here" in analyst.get(link).content.decode()
    outside_year = analyst.get(
        reverse("leaving_care:figures_list", args=["former_uasc"]),
        {"year": "2026", "on": "2024-09-30"},
    )
    assert outside_year.status_code == 404
    assert analyst.get(reverse("leaving_care:figures_list", args=["nonsense"])).status_code == 404


def test_support_to_25_counts_from_the_day_it_was_asked_for(make_child, manager, worker):
    """A former UASC care leaver who turned 21 on 1 October 2025 and asked for support to 25
    on 1 February 2026 is not counted at the December quarter end, and is at March's."""
    from haven.care import services as care
    from haven.care.tests.factories import looked_after_child
    from haven.leavingcare.figures import former_uasc_on
    from haven.uasc.models import UASCStatus

    person = make_child(given_names="Ali", date_of_birth=D(2004, 10, 1))
    period = looked_after_child(person, manager, start=D(2020, 1, 6), legal_status="V2")
    care.period_end(period=period, by=manager, end_date=D(2022, 10, 1), reason="E5")
    UASCStatus.objects.create(person=person, arrived_on=D(2020, 1, 2))
    days = [D(2025, 9, 30), D(2025, 12, 31), D(2026, 3, 31)]
    assert former_uasc_on(days, []) == [1, 0, 0]
    services.support_to_25_record(person=person, by=worker, requested_on=D(2026, 2, 1))
    assert former_uasc_on(days, []) == [1, 0, 1]
