"""Plans with content (outcomes, actions, core group, contingency; CIN reviews), how a child
protection plan ends, and what a conference chair may see."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from haven.accounts.models import Role
from haven.childinneed import services as cin_services
from haven.childinneed.models import CINPlan
from haven.chronology.models import ChronologyEvent
from haven.core.calendar import rule
from haven.core.errors import ConflictError
from haven.core.versioning import ConcurrentEditError
from haven.people.access import visible_ids
from haven.people.services import allocation_set
from haven.protection import services
from haven.protection.models import Conference
from haven.protection.tests.test_services import ICPC_DAY, plan_from_icpc
from haven.work.items import Scope, work_for

pytestmark = pytest.mark.django_db
D = datetime.date


# -- Outcomes, actions, the core group and the contingency ---------------------------------


def test_a_plan_gets_outcomes_actions_members_and_a_contingency_each_in_the_chronology(
    plan, worker
):
    outcome = services.plan_outcome_add(plan=plan, by=worker, text="  Ava is safe at home  ")
    action = services.plan_action_add(
        plan=plan,
        by=worker,
        who="Mother",
        what="Attend parenting course",
        due_date=D(2024, 6, 1),
        outcome=outcome,
    )
    services.plan_member_add(
        plan=plan, by=worker, name="Jo Bell", role="School nurse", agency="health"
    )
    plan.refresh_from_db()
    services.plan_contingency_update(
        plan=plan, by=worker, contingency="Legal planning meeting", version=plan.version
    )
    plan.refresh_from_db()
    assert outcome.text == "Ava is safe at home" and action.outcome == outcome
    assert plan.contingency == "Legal planning meeting"
    words = list(
        ChronologyEvent.objects.filter(person=plan.person).values_list("summary", flat=True)
    )
    assert "Outcome added to the child protection plan" in words
    assert "Action for Mother added to the child protection plan, due 1 June 2024" in words
    assert "Jo Bell (School nurse) joined the core group of the child protection plan" in words
    assert "Contingency of the child protection plan changed" in words


def test_an_action_is_done_once_and_not_before_the_plan(plan, worker):
    action = services.plan_action_add(
        plan=plan, by=worker, who="School", what="Daily check-in", due_date=D(2024, 5, 1)
    )
    with pytest.raises(ValidationError, match="before the plan started"):
        services.plan_action_done(
            action=action, by=worker, done_on=ICPC_DAY - datetime.timedelta(days=1)
        )
    services.plan_action_done(action=action, by=worker, done_on=D(2024, 4, 30))
    with pytest.raises(ConflictError, match="already done on 30 April 2024"):
        services.plan_action_done(action=action, by=worker, done_on=D(2024, 5, 2))


def test_blank_or_early_content_is_refused_with_the_field_named(plan, worker):
    with pytest.raises(ValidationError) as error:
        services.plan_action_add(plan=plan, by=worker, who=" ", what="x", due_date=D(2024, 6, 1))
    assert error.value.message_dict == {"who": ["Enter who will do it"]}
    with pytest.raises(ValidationError) as error:
        services.plan_action_add(plan=plan, by=worker, who="GP", what="x", due_date=D(2024, 1, 1))
    assert "due_date" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        services.plan_member_add(plan=plan, by=worker, name="Jo", role="Nurse", agency="mi5")
    assert error.value.message_dict == {"agency": ["Choose the agency"]}


def test_a_stale_contingency_edit_does_not_overwrite_a_newer_one(plan, worker, manager):
    version = plan.version
    services.plan_contingency_update(plan=plan, by=manager, contingency="First", version=version)
    with pytest.raises(ConcurrentEditError):
        services.plan_contingency_update(
            plan=plan, by=worker, contingency="Second", version=version
        )
    plan.refresh_from_db()
    assert plan.contingency == "First"


def test_an_ended_plan_takes_no_new_content(plan, manager):
    services.cp_plan_end(plan=plan, by=manager, end_date=D(2024, 6, 1), reason="moved_away")
    with pytest.raises(ConflictError, match="This plan ended on 1 June 2024"):
        services.plan_outcome_add(plan=plan, by=manager, text="Too late")


# -- How a child protection plan ends --------------------------------------------------------


def test_a_worker_cannot_end_a_plan_alone_but_a_manager_can_with_the_reason(plan, worker, manager):
    with pytest.raises(ValidationError) as error:
        services.cp_plan_end(plan=plan, by=worker, end_date=D(2024, 6, 1), reason="moved_away")
    assert error.value.message_dict == {
        "reason": ["Only a team manager can authorise or return work"]
    }
    plan.refresh_from_db()
    assert plan.is_open
    services.cp_plan_end(plan=plan, by=manager, end_date=D(2024, 6, 1), reason="moved_away")
    plan.refresh_from_db()
    assert (plan.end_date, plan.get_end_reason_display()) == (
        D(2024, 6, 1),
        "Moved to another local authority",
    )


def test_only_the_chair_or_a_manager_records_a_review_that_ends_the_plan(plan, worker, chair):
    review = plan.reviews.get(held_on__isnull=True)
    with pytest.raises(ValidationError) as error:
        services.conference_hold(
            conference=review,
            by=worker,
            held_on=D(2024, 7, 10),
            chair=chair,
            decision="end",
            end_reason="no_longer_at_risk",
        )
    assert "Only the conference's chair or a manager" in error.value.message_dict["decision"][0]
    services.conference_hold(
        conference=review,
        by=chair,
        held_on=D(2024, 7, 10),
        chair=chair,
        decision="end",
        end_reason="looked_after",
    )
    plan.refresh_from_db()
    assert (plan.end_date, plan.end_reason) == (D(2024, 7, 10), "looked_after")


def test_a_review_on_the_day_of_the_initial_conference_must_be_confirmed(plan, chair):
    review = plan.reviews.get(held_on__isnull=True)
    with pytest.raises(ValidationError) as error:
        services.conference_hold(
            conference=review, by=chair, held_on=ICPC_DAY, chair=chair, decision="continue"
        )
    assert (
        "same day as the initial conference (17 April 2024)"
        in (error.value.message_dict["same_day_confirmed"][0])
    )
    review.refresh_from_db()
    assert review.held_on is None
    services.conference_hold(
        conference=review,
        by=chair,
        held_on=ICPC_DAY,
        chair=chair,
        decision="continue",
        same_day_confirmed=True,
    )
    review.refresh_from_db()
    assert review.held_on == ICPC_DAY


# -- Child in need plans: not beside a CP plan; reviews ---------------------------------------


def test_a_cin_plan_cannot_start_while_a_cp_plan_is_open(plan, referral, manager):
    with pytest.raises(ValidationError, match="open child protection plan"):
        cin_services.cin_plan_start(referral=referral, by=manager, start_date=D(2024, 5, 1))


def test_a_cin_review_sets_the_next_review_and_can_end_the_plan(referral, worker, manager):
    cin = cin_services.cin_plan_start(referral=referral, by=manager, start_date=D(2024, 4, 2))
    assert cin_services.cin_review_due(cin) == rule("cin_review").due_date(D(2024, 4, 2))
    with pytest.raises(ValidationError) as error:
        cin_services.cin_review_record(
            plan=cin, by=worker, held_on=D(2024, 7, 1), attendees="", progress="", decision=""
        )
    assert set(error.value.message_dict) == {"attendees", "progress", "decision"}
    first = cin_services.cin_review_record(
        plan=cin,
        by=worker,
        held_on=D(2024, 7, 1),
        attendees="Mother, school",
        progress="Attendance up",
        decision="continue",
    )
    assert first.next_review_due == rule("cin_review").due_date(D(2024, 7, 1))
    cin_services.cin_review_record(
        plan=cin,
        by=worker,
        held_on=D(2024, 9, 30),
        attendees="Mother",
        progress="Goals met",
        decision="end",
    )
    cin.refresh_from_db()
    assert cin.end_date == D(2024, 9, 30)
    words = ChronologyEvent.objects.filter(person=cin.person).values_list("summary", flat=True)
    assert "Child in need review: end the plan" in list(words)


def test_cin_plans_take_the_same_content(referral, worker, manager):
    cin = cin_services.cin_plan_start(referral=referral, by=manager, start_date=D(2024, 4, 2))
    services.plan_outcome_add(plan=cin, by=worker, text="Goes to school every day")
    member = services.plan_member_add(
        plan=cin, by=worker, name="Mr Hale", role="Head teacher", agency="education"
    )
    assert member.cin_plan == cin and member.cp_plan is None
    assert CINPlan.objects.get(pk=cin.pk).contingency == ""


# -- Need-to-know: a chair sees the children of the conferences they chair ---------------------


def test_a_chair_sees_children_of_their_conferences_and_of_unchaired_due_ones_only(
    make_child, teams, referral, manager, chair, make_user, reviewing_team
):
    child = referral.person
    elsewhere = make_child("other", given_names="Ottoline")
    assert visible_ids(chair, {child.pk, elsewhere.pk}) == set()
    plan = plan_from_icpc(referral, manager, chair)
    # Chaired the ICPC: sees the child, and never the other team's child.
    assert visible_ids(chair, {child.pk, elsewhere.pk}) == {child.pk}
    # The review is scheduled for the chair of the ICPC (continuity for the family), so another
    # reviewing officer does not see the child...
    review = plan.reviews.get(held_on__isnull=True)
    assert review.chair == chair
    colleague = make_user(Role.REVIEWING_OFFICER, None)
    colleague.memberships.create(team=reviewing_team)
    assert visible_ids(colleague, {child.pk, elsewhere.pk}) == set()
    # ...unless the review has no chair yet: then the reviewing team sees it, to pick it up.
    Conference.objects.filter(pk=review.pk).update(chair=None)
    colleague._haven_team_ids = None
    assert visible_ids(colleague, {child.pk, elsewhere.pk}) == {child.pk}
    loner = make_user(Role.REVIEWING_OFFICER, None)
    assert visible_ids(loner, {child.pk}) == set()
    review.refresh_from_db()
    services.conference_hold(
        conference=review,
        by=chair,
        held_on=D(2024, 7, 10),
        chair=chair,
        decision="end",
        end_reason="no_longer_at_risk",
    )
    assert visible_ids(colleague, {child.pk}) == set()
    assert visible_ids(chair, {child.pk}) == {child.pk}


def test_a_restricted_child_stays_hidden_from_its_chair(referral, manager, chair):
    child = referral.person
    plan_from_icpc(referral, manager, chair)
    child.is_restricted = True
    child.save(update_fields=["is_restricted"])
    assert visible_ids(chair, {child.pk}) == set()


# -- My work ----------------------------------------------------------------------------------


def test_actions_not_done_are_on_the_workers_my_work_overdue_first(plan, worker, manager, teams):
    allocation_set(person=plan.person, by=manager, team=teams["assessment"], worker=worker)
    today = timezone.localdate()
    services.plan_action_add(
        plan=plan,
        by=worker,
        who="Mother",
        what="See the GP",
        due_date=today - datetime.timedelta(days=2),
    )
    done = services.plan_action_add(
        plan=plan, by=worker, who="School", what="Report attendance", due_date=today
    )
    services.plan_action_done(action=done, by=worker, done_on=today)
    items = [i for i in work_for(worker, Scope.MINE) if i.kind == "Plan action"]
    assert [(i.title, i.is_overdue) for i in items] == [("Mother: See the GP", True)]
    assert not [i for i in work_for(manager, Scope.MINE) if i.kind == "Plan action"]
    assert [i.title for i in work_for(manager, Scope.TEAMS) if i.kind == "Plan action"] == [
        "Mother: See the GP"
    ]


def test_a_conference_with_no_chair_yet_is_visible_to_the_reviewing_team(referral, manager, chair):
    services.strategy_discussion_record(
        referral=referral,
        by=manager,
        held_on=D(2024, 3, 28),
        agencies=["police"],
        decision="start_s47",
    )
    s47 = referral.s47_enquiries.get()
    services.s47_complete(s47=s47, by=manager, end_date=D(2024, 4, 10), outcome="conference")
    assert Conference.objects.get(s47=s47).chair is None
    assert visible_ids(chair, {referral.person_id}) == {referral.person_id}


def test_a_cin_review_due_is_on_my_work_and_moves_on_when_held(referral, worker, manager, teams):
    allocation_set(person=referral.person, by=manager, team=teams["assessment"], worker=worker)
    cin = cin_services.cin_plan_start(referral=referral, by=manager, start_date=D(2024, 4, 2))

    def review_due():
        return [i.due for i in work_for(worker, Scope.MINE) if i.kind == "CIN review"]

    assert review_due() == [rule("cin_review").due_date(D(2024, 4, 2))]
    cin_services.cin_review_record(
        plan=cin,
        by=worker,
        held_on=D(2024, 7, 1),
        attendees="Mother",
        progress="Better",
        decision="continue",
    )
    assert review_due() == [rule("cin_review").due_date(D(2024, 7, 1))]
    cin_services.cin_review_record(
        plan=cin,
        by=worker,
        held_on=D(2024, 9, 1),
        attendees="Mother",
        progress="Done",
        decision="end",
    )
    assert review_due() == []
