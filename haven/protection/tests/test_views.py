"""The child protection and child in need tab, through the test client."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from conftest import client_for
from haven.accounts.models import Role
from haven.childinneed.models import CINPlan
from haven.core.dates import long_date
from haven.frontdoor.services import referral_create
from haven.protection import services
from haven.protection.models import ChildProtectionPlan, Conference, S47Enquiry

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.fixture
def chair(make_user):
    return make_user(Role.REVIEWING_OFFICER, None, first_name="Chloe", last_name="Bennett")


@pytest.fixture
def referral(child, manager, teams):
    return referral_create(
        person=child, by=manager, referral_date=D(2024, 3, 1), source="6", team=teams["assessment"]
    )


def plan_from_icpc(referral, manager, chair, s47_on, icpc_on):
    services.strategy_discussion_record(
        referral=referral, by=manager, held_on=s47_on, agencies=["police"], decision="start_s47"
    )
    s47 = S47Enquiry.objects.get(referral=referral, start_date=s47_on)
    services.s47_complete(s47=s47, by=manager, end_date=icpc_on, outcome="conference")
    services.conference_hold(
        conference=Conference.objects.get(s47=s47),
        by=manager,
        held_on=icpc_on,
        chair=chair,
        decision="plan",
        category="NEG",
    )
    return ChildProtectionPlan.objects.get(conference__s47=s47)


def plans(referral, manager, chair, count):
    """``count`` child protection plans one after another in the episode, two visits each."""
    made = []
    start = D(2024, 3, 28)
    for n in range(count):
        plan = plan_from_icpc(referral, manager, chair, start, start + datetime.timedelta(days=7))
        for days in (10, 20):
            services.visit_record(
                kind="cp",
                plan=plan,
                by=manager,
                visited_on=plan.start_date + datetime.timedelta(days=days),
                child_seen=True,
            )
        if n < count - 1:
            services.cp_plan_end(
                plan=plan,
                by=manager,
                end_date=plan.start_date + datetime.timedelta(days=30),
                reason="no_longer_at_risk",
            )
        made.append(plan)
        start = start + datetime.timedelta(days=60)
    return made


def date_fields(name, day):
    return {
        f"{name}_day": str(day.day),
        f"{name}_month": str(day.month),
        f"{name}_year": str(day.year),
    }


def tab(child):
    return reverse("protection:child_protection", args=[child.pk])


def action(child, name):
    return reverse("protection:protection_action", args=[child.pk, name])


# The tab's queries for one episode: session, user, two-factor and audit actor (4), teams, the
# child, break-glass and the access-log row (4), the episodes with everything under them (10,
# prefetched), the alerts count (1), the chair list of the open review's form (1: a review has
# no lead practitioner to choose), the plans' outcomes, actions and core group members (3, one
# each for every plan of the child), saving the session (3) and the header asking whether the
# user is in a front-door team (1) and the visits' case notes (1, for every visit of the child).
# None of it is per plan or per visit.
# (What blocks closing the case is shown on the closure page, childinneed:closure.) One more: whether
# the child has been looked after, which the looked-after tabs apply to.
TAB_QUERIES = 29


@pytest.mark.parametrize("count", [1, 3])
def test_the_tab_runs_the_same_queries_whatever_the_number_of_plans_and_visits(
    as_manager, child, referral, manager, chair, count, django_assert_num_queries
):
    made = plans(referral, manager, chair, count)
    as_manager.get(tab(child))  # the working-day calendar is cached once per process
    with django_assert_num_queries(TAB_QUERIES):
        response = as_manager.get(tab(child))
    page = response.content.decode()
    assert page.count('data-testid="cp-plan"') == count
    open_plan = made[-1]
    due = services.visit_due(kind="cp", plan=open_plan)[0]
    assert (
        'Next visit due</dt><dd class="govuk-summary-list__value">'
        f'<span class="haven-due">{long_date(due)}</span>' in page
    )


def test_recording_a_strategy_discussion_starts_an_enquiry_shown_on_the_tab(
    as_manager, child, referral
):
    response = as_manager.post(
        action(child, "strategy-discussion"),
        {
            **date_fields("sd-held_on", D(2024, 3, 28)),
            "sd-agencies": ["police"],
            "sd-decision": "start_s47",
        },
    )
    assert response.status_code == 302 and response["Location"] == tab(child)
    assert S47Enquiry.objects.filter(referral=referral, start_date=D(2024, 3, 28)).exists()
    page = as_manager.get(tab(child)).content.decode()
    assert "Strategy discussion recorded" in page
    assert "Section 47 enquiry from 28 March 2024" in page


def test_a_refused_visit_keeps_what_was_typed_in_its_open_details(
    as_manager, child, referral, manager, chair
):
    (plan,) = plans(referral, manager, chair, 1)
    visits = plan.visits.count()
    before_start = plan.start_date - datetime.timedelta(days=3)
    response = as_manager.post(
        action(child, "cp-visit"),
        {
            "object_id": str(plan.pk),
            **date_fields(f"cpv{plan.pk}-visited_on", before_start),
            f"cpv{plan.pk}-child_seen": "yes",
            f"cpv{plan.pk}-notes": "Visited at the grandparents' house",
        },
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "There is a problem" in page
    assert "A visit under the plan cannot be before it started" in page
    # Only the form that failed is open, with what the worker typed.
    assert page.count('<details class="govuk-details" open>') == 1
    opened = page[page.index('<details class="govuk-details" open>') :]
    assert "Record a child protection visit" in opened[:300]
    assert f'value="{before_start.day}"' in opened
    assert "Visited at the grandparents&#x27; house" in opened
    assert plan.visits.count() == visits


def test_a_child_in_need_plan_is_started_visited_and_ended_from_the_tab(
    as_manager, child, referral
):
    response = as_manager.post(
        action(child, "cin-plan-start"), date_fields("cin-start_date", D(2024, 4, 2))
    )
    assert response.status_code == 302
    cin = CINPlan.objects.get(referral=referral)
    page = as_manager.get(tab(child)).content.decode()
    assert "Child in need plan from 2 April 2024" in page
    assert "No visits yet" in page
    # 20 working days from Tuesday 2 April 2024.
    assert (
        "Next visit due "
        f'<span class="haven-due">{long_date(services.visit_due(kind="cin", plan=cin)[0])}' in page
    )

    as_manager.post(
        action(child, "cin-visit"),
        {
            "object_id": str(cin.pk),
            **date_fields(f"cinv{cin.pk}-visited_on", D(2024, 4, 20)),
            f"cinv{cin.pk}-child_seen": "yes",
            f"cinv{cin.pk}-seen_alone": "on",
        },
    )
    page = as_manager.get(tab(child)).content.decode()
    assert "Visit 20 April 2024: seen alone" in page

    response = as_manager.post(
        action(child, "cin-plan-end"),
        {"object_id": str(cin.pk), **date_fields(f"cine{cin.pk}-end_date", D(2024, 6, 1))},
    )
    assert response.status_code == 302
    cin.refresh_from_db()
    assert cin.end_date == D(2024, 6, 1)
    page = as_manager.get(tab(child)).content.decode()
    assert "Child in need plan from 2 April 2024 to 1 June 2024" in page
    assert "End the child in need plan" not in page


def test_a_visit_is_written_once_its_words_are_its_case_note_shown_on_the_tab(
    as_manager, child, referral, manager
):
    from haven.casenotes.models import CaseNoteChild

    as_manager.post(action(child, "cin-plan-start"), date_fields("cin-start_date", D(2024, 4, 2)))
    cin = CINPlan.objects.get(referral=referral)
    response = as_manager.post(
        action(child, "cin-visit"),
        {
            "object_id": str(cin.pk),
            **date_fields(f"cinv{cin.pk}-visited_on", D(2024, 4, 20)),
            f"cinv{cin.pk}-child_seen": "yes",
            f"cinv{cin.pk}-seen_alone": "on",
            f"cinv{cin.pk}-notes": "Sam showed me his new bedroom.",
            f"cinv{cin.pk}-child_said": "I like my room now",
        },
    )
    assert response.status_code == 302
    (visit,) = cin.visits.all()
    assert visit.notes == ""  # the words live in the case note only
    part = CaseNoteChild.objects.select_related("note").get(visit=visit)
    assert part.note.narrative == "Sam showed me his new bedroom."
    assert part.child_said == "I like my room now" and part.seen_alone
    page = as_manager.get(tab(child)).content.decode()
    listed = page[page.index('data-testid="cin-visits"') :]
    listed = listed[: listed.index("</ul>")]
    assert "Sam showed me his new bedroom." in listed
    assert "What the child said: “I like my room now”" in listed
    note_url = reverse("casenotes:note", args=[child.pk, part.note_id])
    assert f'href="{note_url}"' in listed
    assert as_manager.get(note_url).status_code == 200


def test_an_older_visit_still_shows_the_notes_it_kept(
    as_manager, child, referral, manager, chair, monkeypatch
):
    (plan,) = plans(referral, manager, chair, 1)
    # A visit from before visits carried a case note: nothing took its words, so it kept them.
    monkeypatch.setattr(services, "_visit_recorded_hooks", [])
    services.visit_record(
        kind="cp",
        plan=plan,
        by=manager,
        visited_on=plan.start_date + datetime.timedelta(days=25),
        child_seen=True,
        notes="Written before visits carried a case note",
    )
    page = as_manager.get(tab(child)).content.decode()
    listed = page[page.index('data-testid="cp-visits"') :]
    assert "Written before visits carried a case note" in listed[: listed.index("</ul>")]


def test_an_auditor_reads_the_tab_but_has_no_forms_and_cannot_post(
    make_user, child, referral, manager, chair
):
    plans(referral, manager, chair, 1)
    auditor = client_for(make_user(Role.AUDITOR, None))
    page = auditor.get(tab(child)).content.decode()
    assert "Child protection plan from" in page
    assert "govuk-details" not in page and "Record a strategy discussion" not in page
    response = auditor.post(
        action(child, "strategy-discussion"),
        {**date_fields("sd-held_on", D(2024, 5, 1)), "sd-decision": "start_s47"},
    )
    assert response.status_code == 403
    assert not S47Enquiry.objects.filter(start_date=D(2024, 5, 1)).exists()


def test_another_teams_worker_gets_not_found_and_nothing_is_recorded(as_outsider, child, referral):
    for response in (
        as_outsider.get(tab(child)),
        as_outsider.post(
            action(child, "strategy-discussion"),
            {**date_fields("sd-held_on", D(2024, 3, 28)), "sd-decision": "start_s47"},
        ),
    ):
        assert response.status_code == 404
    assert not S47Enquiry.objects.filter(referral=referral).exists()


def test_an_action_on_another_childs_plan_is_not_found(
    as_manager, child, make_child, referral, manager, chair, teams
):
    (plan,) = plans(referral, manager, chair, 1)
    sibling = make_child(given_names="Jane")
    response = as_manager.post(
        action(sibling, "cp-visit"),
        {
            "object_id": str(plan.pk),
            **date_fields(f"cpv{plan.pk}-visited_on", D(2024, 5, 20)),
            f"cpv{plan.pk}-child_seen": "yes",
        },
    )
    assert response.status_code == 404
    assert not plan.visits.filter(visited_on=D(2024, 5, 20)).exists()
