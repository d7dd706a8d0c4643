"""Plans with content on the child protection tab, as workers, managers and chairs use it."""

import datetime

import pytest

from conftest import client_for
from haven.protection import services
from haven.protection.models import PlanAction, PlanOutcome
from haven.protection.tests.test_views import action, date_fields, tab

pytestmark = pytest.mark.django_db
D = datetime.date


def test_a_worker_adds_outcomes_actions_and_members_and_sees_them(as_worker, child, plan):
    p = plan.pk
    assert (
        as_worker.post(
            action(child, "cp-outcome"), {"object_id": p, f"cpo{p}-text": "Ava is safe at home"}
        ).status_code
        == 302
    )
    chosen = PlanOutcome.objects.get(cp_plan=plan)
    assert (
        as_worker.post(
            action(child, "cp-action"),
            {
                "object_id": p,
                f"cpa{p}-what": "Attend the parenting course",
                f"cpa{p}-who": "Mother",
                **date_fields(f"cpa{p}-due_date", D(2030, 6, 1)),
                f"cpa{p}-outcome": chosen.pk,
            },
        ).status_code
        == 302
    )
    assert (
        as_worker.post(
            action(child, "cp-member"),
            {
                "object_id": p,
                f"cpm{p}-name": "Jo Bell",
                f"cpm{p}-role": "School nurse",
                f"cpm{p}-agency": "health",
            },
        ).status_code
        == 302
    )
    page = as_worker.get(tab(child)).content.decode()
    assert "Ava is safe at home" in page
    assert "Attend the parenting course" in page and "1 June 2030" in page
    assert "Jo Bell, School nurse (Health)" in page
    assert PlanAction.objects.get(cp_plan=plan).outcome == chosen


def test_an_action_with_blanks_is_refused_beside_its_fields_and_nothing_saved(
    as_worker, child, plan
):
    p = plan.pk
    response = as_worker.post(
        action(child, "cp-action"),
        {
            "object_id": p,
            f"cpa{p}-what": "",
            f"cpa{p}-who": "",
            f"cpa{p}-due_date_day": "30",
            f"cpa{p}-due_date_month": "2",
            f"cpa{p}-due_date_year": "2030",
        },
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "Enter what will be done" in page and "Enter who will do it" in page
    assert "By when must be a real date" in page
    assert not PlanAction.objects.exists()


def test_a_worker_is_not_offered_ending_the_plan_and_cannot_post_it(as_worker, child, plan):
    page = as_worker.get(tab(child)).content.decode()
    # Neither the manager's form nor the review's "end" decision (which is the chair's).
    assert "End the plan" not in page
    assert "ends at a review conference, recorded by its chair" in page
    response = as_worker.post(
        action(child, "cp-plan-end"),
        {
            "object_id": plan.pk,
            **date_fields(f"cpe{plan.pk}-end_date", D(2024, 6, 1)),
            f"cpe{plan.pk}-reason": "other",
        },
    )
    assert response.status_code == 403
    plan.refresh_from_db()
    assert plan.is_open


def test_starting_a_cin_plan_is_not_offered_while_a_plan_is_open(as_manager, child, referral, plan):
    assert "Start a child in need plan" not in as_manager.get(tab(child)).content.decode()
    response = as_manager.post(
        action(child, "cp-plan-end"),
        {
            "object_id": plan.pk,
            **date_fields(f"cpe{plan.pk}-end_date", D(2024, 6, 1)),
            f"cpe{plan.pk}-reason": "moved_away",
        },
    )
    assert response.status_code == 302
    page = as_manager.get(tab(child)).content.decode()
    assert "Start a child in need plan" in page
    assert "Moved to another local authority" in page


def test_what_was_said_is_shown_after_saving(as_manager, child, referral, manager, chair):
    services.strategy_discussion_record(
        referral=referral,
        by=manager,
        held_on=D(2024, 3, 28),
        agencies=["police", "health"],
        decision="start_s47",
        attendees="DS Khan, police",
        notes="Bruising seen at school",
    )
    s47 = referral.s47_enquiries.get()
    services.s47_complete(s47=s47, by=manager, end_date=D(2024, 4, 10), outcome="conference")
    services.conference_hold(
        conference=referral.conferences.get(),
        by=manager,
        held_on=D(2024, 4, 12),
        chair=chair,
        decision="plan",
        category="PHY",
        agencies_attended=["education"],
        child_views="Wants to stay with gran",
        family_views="Mother disagrees",
    )
    plan = referral.cp_plans.get()
    services.visit_record(
        kind="cp",
        plan=plan,
        by=manager,
        visited_on=D(2024, 4, 20),
        child_seen=True,
        notes="Bedroom now has a bed",
    )
    page = as_manager.get(tab(child)).content.decode()
    for said in (
        "DS Khan, police",
        "Bruising seen at school",
        "Police, Health",
        "Education",
        "Wants to stay with gran",
        "Mother disagrees",
        "Bedroom now has a bed",
    ):
        assert said in page, said


def test_the_chair_opens_their_conference_and_records_the_review_that_ends_the_plan(
    child, make_child, plan, chair
):
    other = make_child("other", given_names="Ottoline")
    as_chair = client_for(chair)
    assert as_chair.get(tab(other)).status_code == 404
    page = as_chair.get(tab(child)).content.decode()
    assert "Record the review conference" in page
    review = plan.reviews.get(held_on__isnull=True)
    prefix = f"conf{review.pk}"
    post = {
        "object_id": review.pk,
        **date_fields(f"{prefix}-held_on", plan.start_date),
        f"{prefix}-chair": chair.pk,
        f"{prefix}-decision": "end",
    }
    # Ending is chosen with its reason ("end" alone is not an answer).
    response = as_chair.post(action(child, "conference"), post)
    assert response.status_code == 200 and "There is a problem" in response.content.decode()
    review.refresh_from_db()
    assert review.held_on is None
    # A review the same day as the ICPC asks to be confirmed.
    post[f"{prefix}-decision"] = "end:no_longer_at_risk"
    page = as_chair.post(action(child, "conference"), post).content.decode()
    assert "same day as the initial conference" in page
    assert "Yes, this review was held on the same day" in page
    post.update(date_fields(f"{prefix}-held_on", D(2024, 7, 10)))
    assert as_chair.post(action(child, "conference"), post).status_code == 302
    plan.refresh_from_db()
    assert (plan.end_date, plan.end_reason) == (D(2024, 7, 10), "no_longer_at_risk")
    page = as_chair.get(tab(child)).content.decode()
    assert "No longer at risk of significant harm" in page


def test_a_stale_contingency_keeps_what_was_typed_and_shows_the_newer_one(
    as_worker, child, plan, manager
):
    p = plan.pk
    stale = plan.version
    services.plan_contingency_update(
        plan=plan, by=manager, contingency="Call the EDT", version=stale
    )
    response = as_worker.post(
        action(child, "cp-contingency"),
        {"object_id": p, f"cpc{p}-contingency": "Legal planning meeting", f"cpc{p}-version": stale},
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "Someone else saved changes" in page and "Legal planning meeting" in page
    plan.refresh_from_db()
    assert plan.contingency == "Call the EDT"


# As tests/test_hostile_input.py attacks every page's forms (that world has no plan to attack).
HOSTILE = [
    "99999999999999999999",
    "²",
    "a\x00b",
    "Zoë 🧒 \u202e",
    "x" * 100_000,
    "0001-01-01",
    "9999-12-31",
    "-1",
    "",
]
PLAN_FORMS = {
    "cp-outcome": ("cpo", ["text"]),
    "cp-action": (
        "cpa",
        ["what", "who", "due_date_day", "due_date_month", "due_date_year", "outcome"],
    ),
    "cp-member": ("cpm", ["name", "role", "agency"]),
    "cp-contingency": ("cpc", ["contingency", "version"]),
}


def test_hostile_values_in_the_plan_forms_never_fail_the_server_or_store_nuls(
    as_worker, child, plan
):
    from haven.protection.models import PlanMember

    p = plan.pk
    for name, (prefix, fields) in PLAN_FORMS.items():
        for value in HOSTILE:
            for object_id in (p, value):
                data = {"object_id": object_id, **{f"{prefix}{p}-{f}": value for f in fields}}
                response = as_worker.post(action(child, name), data)
                assert response.status_code < 500, (name, value[:20])
                if object_id != p:
                    assert response.status_code == 404, (name, value[:20])
    plan.refresh_from_db()
    stored = [
        plan.contingency,
        *PlanOutcome.objects.values_list("text", flat=True),
        *PlanAction.objects.values_list("what", flat=True),
        *PlanMember.objects.values_list("name", flat=True),
    ]
    assert stored and not any("\x00" in text for text in stored)
    # An action needs a real date: none of the hostile ones made one.
    assert not PlanAction.objects.exists()


def test_a_cin_plan_is_reviewed_and_given_content_from_the_tab(as_worker, child, referral, manager):
    from haven.childinneed import services as cin_services

    cin = cin_services.cin_plan_start(referral=referral, by=manager, start_date=D(2024, 4, 2))
    c = cin.pk
    assert (
        as_worker.post(
            action(child, "cin-outcome"),
            {"object_id": c, f"cino{c}-text": "Goes to school every day"},
        ).status_code
        == 302
    )
    response = as_worker.post(
        action(child, "cin-review"),
        {
            "object_id": c,
            **date_fields(f"cinr{c}-held_on", D(2024, 7, 1)),
            f"cinr{c}-attendees": "",
            f"cinr{c}-progress": "Attendance up to 92%",
            f"cinr{c}-decision": "continue",
        },
    )
    assert (
        response.status_code == 200 and "Enter who attended the review" in response.content.decode()
    )
    assert not cin.reviews.exists()
    assert (
        as_worker.post(
            action(child, "cin-review"),
            {
                "object_id": c,
                **date_fields(f"cinr{c}-held_on", D(2024, 7, 1)),
                f"cinr{c}-attendees": "Mother, class teacher",
                f"cinr{c}-progress": "Attendance up to 92%",
                f"cinr{c}-decision": "continue",
            },
        ).status_code
        == 302
    )
    page = as_worker.get(tab(child)).content.decode()
    assert "Goes to school every day" in page
    assert (
        "1 July 2024" in page and "Mother, class teacher" in page and "Attendance up to 92%" in page
    )
    # Starting another CIN plan is not offered while this one is open.
    assert "Start a child in need plan" not in page


def test_a_chair_records_an_initial_conference_due_with_no_chair_and_a_plan_starts(
    child, referral, manager, chair
):
    services.strategy_discussion_record(
        referral=referral,
        by=manager,
        held_on=D(2024, 3, 28),
        agencies=["police"],
        decision="start_s47",
    )
    s47 = referral.s47_enquiries.get()
    services.s47_complete(s47=s47, by=manager, end_date=D(2024, 4, 10), outcome="conference")
    icpc = referral.conferences.get()
    as_chair = client_for(chair)
    page = as_chair.get(tab(child)).content.decode()
    # The chair is offered as the conference's chair.
    assert f'<option value="{chair.pk}" selected>' in page
    response = as_chair.post(
        action(child, "conference"),
        {
            "object_id": icpc.pk,
            **date_fields(f"conf{icpc.pk}-held_on", D(2024, 4, 12)),
            f"conf{icpc.pk}-chair": chair.pk,
            f"conf{icpc.pk}-decision": "plan",
            f"conf{icpc.pk}-category": "EMO",
            f"conf{icpc.pk}-child_views": "Scared of shouting",
        },
    )
    assert response.status_code == 302
    icpc.refresh_from_db()
    assert (icpc.chair, icpc.held_on) == (chair, D(2024, 4, 12))
    page = as_chair.get(tab(child)).content.decode()
    assert "Scared of shouting" in page and "Child protection plan from 12 April 2024" in page
