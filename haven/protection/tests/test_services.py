import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from haven.accounts.models import Role
from haven.childinneed import services as cin_services
from haven.childinneed.models import CINPlan
from haven.core.errors import ConflictError
from haven.frontdoor.services import referral_create
from haven.protection import services
from haven.protection.models import ChildProtectionPlan, Conference, CoreGroup, S47Enquiry

pytestmark = pytest.mark.django_db
D = datetime.date
S47_DAY = D(2024, 3, 28)
ICPC_DAY = D(2024, 4, 17)


@pytest.fixture
def chair(make_user):
    return make_user(Role.REVIEWING_OFFICER, None, first_name="Chloe", last_name="Bennett")


@pytest.fixture
def referral(child, manager, teams):
    return referral_create(
        person=child, by=manager, referral_date=D(2024, 3, 1), source="6", team=teams["assessment"]
    )


def start_s47(referral, manager, on=S47_DAY):
    services.strategy_discussion_record(
        referral=referral,
        by=manager,
        held_on=on,
        agencies=["police", "health"],
        decision="start_s47",
    )
    return S47Enquiry.objects.get(referral=referral, start_date=on)


def plan_from_icpc(referral, manager, chair, s47_on=S47_DAY, icpc_on=ICPC_DAY):
    s47 = start_s47(referral, manager, s47_on)
    services.s47_complete(s47=s47, by=manager, end_date=icpc_on, outcome="conference")
    icpc = Conference.objects.get(s47=s47)
    services.conference_hold(
        conference=icpc, by=manager, held_on=icpc_on, chair=chair, decision="plan", category="NEG"
    )
    return ChildProtectionPlan.objects.get(conference=icpc)


def test_the_icpc_target_is_15_working_days_from_the_strategy_discussion_across_easter(
    referral, manager
):
    # Thursday 28 March 2024; Good Friday and Easter Monday are not working days.
    assert start_s47(referral, manager).icpc_target == D(2024, 4, 22)


def test_completing_an_s47_that_needs_a_conference_schedules_it_for_the_target(referral, manager):
    s47 = start_s47(referral, manager)
    services.s47_complete(s47=s47, by=manager, end_date=D(2024, 4, 10), outcome="conference")
    assert Conference.objects.get(s47=s47).due_date == s47.icpc_target


def test_a_plan_sets_its_first_core_group_at_10_working_days_and_review_at_3_months(
    referral, manager, chair
):
    plan = plan_from_icpc(referral, manager, chair, icpc_on=D(2024, 4, 30))
    # 10 working days from Tuesday 30 April 2024 skip the 6 May bank holiday.
    assert plan.core_groups.get().due_date == D(2024, 5, 15)
    assert plan.reviews.get(held_on__isnull=True).due_date == D(2024, 7, 30)


def test_later_reviews_are_at_most_6_months_apart_at_month_ends(referral, manager, chair):
    plan = plan_from_icpc(referral, manager, chair, s47_on=D(2024, 8, 1), icpc_on=D(2024, 8, 20))
    first_review = plan.reviews.get(held_on__isnull=True)
    services.conference_hold(
        conference=first_review,
        by=manager,
        held_on=D(2024, 8, 31),
        chair=chair,
        decision="continue",
        category="NEG",
    )
    # 31 August + 6 months is the last day of February.
    assert plan.reviews.get(held_on__isnull=True).due_date == D(2025, 2, 28)


def test_core_groups_after_the_first_follow_monthly(referral, manager, chair):
    plan = plan_from_icpc(referral, manager, chair)
    services.core_group_hold(
        core_group=plan.core_groups.get(),
        by=manager,
        held_on=D(2024, 1 + 4, 31),
        agencies_attended=["health"],
    )
    assert plan.core_groups.get(held_on__isnull=True).due_date == D(2024, 6, 30)


def test_cp_visits_fall_due_every_10_working_days(referral, manager, chair):
    plan = plan_from_icpc(referral, manager, chair, icpc_on=D(2024, 4, 17))
    assert services.visit_due(kind="cp", plan=plan)[0] == D(2024, 5, 1)
    visit = services.visit_record(
        kind="cp", plan=plan, by=manager, visited_on=D(2024, 5, 3), child_seen=True, seen_alone=True
    )
    assert visit.due_date == D(2024, 5, 1) and visit.next_due == D(2024, 5, 20)


def test_cin_visits_fall_due_every_20_working_days(referral, manager):
    plan = cin_services.cin_plan_start(referral=referral, by=manager, start_date=D(2024, 12, 2))
    # Christmas, Boxing Day and New Year's Day are skipped.
    assert services.visit_due(kind="cin", plan=plan)[0] == D(2025, 1, 2)


def test_a_second_plan_counts_the_previous_one(referral, manager, chair, teams, child):
    first = plan_from_icpc(referral, manager, chair)
    services.cp_plan_end(plan=first, by=manager, end_date=D(2024, 9, 1), reason="no_longer_at_risk")
    referral.assessments.update(
        status="authorised",
        authorised_on=D(2024, 4, 1),
        authorised_by=manager,
        outcome="strategy_discussion",
    )
    cin_services.episode_close(
        referral=referral, by=manager, closure_date=D(2024, 9, 2), reason="RC7"
    )
    again = referral_create(
        person=child, by=manager, referral_date=D(2025, 1, 6), source="2A", team=teams["assessment"]
    )
    second = plan_from_icpc(again, manager, chair, s47_on=D(2025, 1, 7), icpc_on=D(2025, 1, 20))
    assert second.previous_plans == 1


def test_a_plan_ending_before_it_starts_is_refused(referral, manager, chair):
    plan = plan_from_icpc(referral, manager, chair)
    with pytest.raises(ValidationError, match="must end after it starts"):
        services.cp_plan_end(plan=plan, by=manager, end_date=D(2024, 4, 1), reason="other")
    plan.refresh_from_db()
    assert plan.end_date is None


def test_a_second_open_plan_is_refused(referral, manager, chair):
    plan = plan_from_icpc(referral, manager, chair)
    s47 = start_s47(referral, manager, D(2024, 5, 1))
    services.s47_complete(s47=s47, by=manager, end_date=D(2024, 5, 2), outcome="conference")
    with pytest.raises(ValidationError, match="already has an open child protection plan"):
        services.conference_hold(
            conference=Conference.objects.get(s47=s47),
            by=manager,
            held_on=D(2024, 5, 3),
            chair=chair,
            decision="plan",
            category="PHY",
        )
    assert ChildProtectionPlan.objects.filter(person=plan.person).count() == 1
    assert Conference.objects.get(s47=s47).held_on is None  # nothing half-saved


def test_the_database_refuses_overlapping_plans(referral, manager, chair):
    plan = plan_from_icpc(referral, manager, chair)
    with pytest.raises(IntegrityError), transaction.atomic():
        ChildProtectionPlan.objects.create(
            person=plan.person,
            referral=referral,
            conference=Conference.objects.create(
                person=plan.person,
                referral=referral,
                kind="transfer_in",
                due_date=D(2024, 5, 1),
                due_rule="icpc",
            ),
            start_date=D(2024, 5, 1),
            end_date=D(2024, 6, 1),
            end_reason="other",
            initial_category="NEG",
            latest_category="NEG",
        )


def test_a_review_dated_before_its_conference_is_refused(referral, manager, chair):
    plan = plan_from_icpc(referral, manager, chair, icpc_on=D(2024, 4, 17))
    with pytest.raises(ValidationError, match="cannot be dated before"):
        services.conference_hold(
            conference=plan.reviews.get(held_on__isnull=True),
            by=manager,
            held_on=D(2024, 4, 10),
            chair=chair,
            decision="continue",
        )


def test_an_icpc_without_an_s47_is_refused(referral, manager, child):
    with pytest.raises(ValidationError, match="section 47"):
        services.conference_schedule(
            person_id=child.pk, referral=referral, kind="initial", by=manager
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        Conference.objects.create(
            person=child, referral=referral, kind="initial", due_date=D(2024, 4, 1), due_rule="icpc"
        )


def test_a_review_that_changes_category_records_the_change(referral, manager, chair):
    plan = plan_from_icpc(referral, manager, chair, icpc_on=D(2024, 4, 17))
    services.conference_hold(
        conference=plan.reviews.get(held_on__isnull=True),
        by=manager,
        held_on=D(2024, 7, 10),
        chair=chair,
        decision="continue",
        category="EMO",
    )
    plan.refresh_from_db()
    assert (plan.initial_category, plan.latest_category) == ("NEG", "EMO")
    assert plan.category_changes.get().category == "EMO"


def test_a_review_that_ends_the_plan_ends_it_and_cancels_what_was_due(referral, manager, chair):
    plan = plan_from_icpc(referral, manager, chair)
    services.conference_hold(
        conference=plan.reviews.get(held_on__isnull=True),
        by=manager,
        held_on=D(2024, 7, 10),
        chair=chair,
        decision="end",
    )
    plan.refresh_from_db()
    assert plan.end_date == D(2024, 7, 10)
    assert not CoreGroup.objects.filter(plan=plan, held_on__isnull=True).exists()


def test_closure_is_blocked_while_a_plan_or_s47_is_open_and_says_which(referral, manager, chair):
    start_s47(referral, manager)
    with pytest.raises(ValidationError) as error:
        cin_services.episode_close(
            referral=referral, by=manager, closure_date=D(2024, 4, 1), reason="RC7"
        )
    message = error.value.message_dict["reason"][0]
    assert "section 47 enquiry started 28 March 2024" in message
    assert "assessment started 1 March 2024" in message
    referral.refresh_from_db()
    assert referral.closure_date is None


def test_a_second_open_cin_plan_is_refused(referral, manager):
    cin_services.cin_plan_start(referral=referral, by=manager, start_date=D(2024, 3, 5))
    with pytest.raises(ValidationError, match="already has an open"):
        cin_services.cin_plan_start(referral=referral, by=manager, start_date=D(2024, 3, 6))
    assert CINPlan.objects.count() == 1


def test_everything_is_in_the_chronology(referral, manager, chair, child):
    plan = plan_from_icpc(referral, manager, chair)
    services.visit_record(
        kind="cp", plan=plan, by=manager, visited_on=D(2024, 4, 25), child_seen=True
    )
    kinds = set(child.chronology_events.values_list("kind", flat=True))
    assert {"strategy_discussion", "s47", "conference", "cp_plan", "visit"} <= kinds


def test_cp_work_for_an_allocated_child_is_the_workers_not_unallocated(
    referral, manager, chair, worker, teams
):
    from haven.people.services import allocation_set
    from haven.work.selectors import team_sections

    plan_from_icpc(referral, manager, chair)
    allocation_set(person=referral.person, by=manager, team=teams["assessment"], worker=worker)
    sections = team_sections(user=manager)
    cp_items = [
        i for i in sections["overdue"] if i.kind in ("Core group", "Conference", "CP visit")
    ]
    assert cp_items and all(i.owner == worker.display_name for i in cp_items)
    assert not [
        i for i in sections["unallocated"] if i.kind in ("Core group", "Conference", "CP visit")
    ]


def test_an_episode_with_an_s47_cannot_close_as_after_assessment(referral, manager):
    s47 = start_s47(referral, manager)
    services.s47_complete(s47=s47, by=manager, end_date=D(2024, 4, 2), outcome="not_substantiated")
    referral.assessments.update(
        status="authorised", authorised_on=D(2024, 4, 1), authorised_by=manager, outcome="nfa"
    )
    with pytest.raises(ValidationError, match="did not close straight after"):
        cin_services.episode_close(
            referral=referral, by=manager, closure_date=D(2024, 4, 3), reason="RC8"
        )
    assert cin_services.episode_close(
        referral=referral, by=manager, closure_date=D(2024, 4, 3), reason="RC7"
    ).closure_date == D(2024, 4, 3)


def test_a_cp_plan_ends_the_child_in_need_plan(referral, manager, chair):
    cin = cin_services.cin_plan_start(referral=referral, by=manager, start_date=D(2024, 3, 5))
    plan_from_icpc(referral, manager, chair)
    cin.refresh_from_db()
    assert cin.end_date == D(2024, 4, 17)


def test_a_core_group_posted_twice_is_recorded_once(referral, manager, chair):
    plan = plan_from_icpc(referral, manager, chair)
    first = plan.core_groups.get()
    services.core_group_hold(
        core_group=first,
        by=manager,
        held_on=D(2024, 5, 1),
        agencies_attended=["health"],
        notes="First meeting",
    )
    with pytest.raises(ConflictError) as error:
        # The same form posted again (a double click, or a second tab) with another date.
        services.core_group_hold(
            core_group=first,
            by=manager,
            held_on=D(2024, 5, 2),
            agencies_attended=["police"],
            notes="Typed again",
        )
    assert "already recorded as held on 1 May 2024" in error.value.message_dict["held_on"][0]
    first.refresh_from_db()
    assert (first.held_on, first.notes) == (D(2024, 5, 1), "First meeting")
    assert plan.core_groups.filter(held_on__isnull=True).count() == 1


def test_a_second_core_group_on_the_same_day_is_refused(referral, manager, chair):
    plan = plan_from_icpc(referral, manager, chair)
    services.core_group_hold(
        core_group=plan.core_groups.get(),
        by=manager,
        held_on=D(2024, 5, 1),
        agencies_attended=["health"],
    )
    with pytest.raises(ConflictError):
        services.core_group_hold(
            core_group=plan.core_groups.get(held_on__isnull=True),
            by=manager,
            held_on=D(2024, 5, 1),
            agencies_attended=["health"],
        )
    assert plan.core_groups.count() == 2


def test_a_core_group_after_the_plan_ended_is_refused(referral, manager, chair):
    plan = plan_from_icpc(referral, manager, chair)
    held = plan.core_groups.get()
    services.core_group_hold(
        core_group=held, by=manager, held_on=D(2024, 5, 1), agencies_attended=["health"]
    )
    due = plan.core_groups.get(held_on__isnull=True)
    services.cp_plan_end(plan=plan, by=manager, end_date=D(2024, 6, 1), reason="no_longer_at_risk")
    assert not CoreGroup.objects.filter(pk=due.pk).exists()  # ending the plan cancelled it
    # A core group row left due after the end (imported, or made before the end was recorded).
    due = CoreGroup.objects.create(
        plan=plan, person_id=plan.person_id, due_rule="later_core_group", due_date=D(2024, 6, 10)
    )
    with pytest.raises(ValidationError) as error:
        services.core_group_hold(
            core_group=due, by=manager, held_on=D(2024, 6, 5), agencies_attended=["health"]
        )
    assert "The plan ended on 1 June 2024" in error.value.message_dict["held_on"][0]
    assert not plan.core_groups.filter(held_on=D(2024, 6, 5)).exists()


def test_a_plan_cannot_end_twice_and_a_closed_episode_cannot_close_again(referral, manager, chair):
    plan = plan_from_icpc(referral, manager, chair)
    stale = ChildProtectionPlan.objects.get(pk=plan.pk)
    services.cp_plan_end(plan=plan, by=manager, end_date=D(2024, 6, 1), reason="no_longer_at_risk")
    with pytest.raises(ConflictError):
        services.cp_plan_end(
            plan=stale, by=manager, end_date=D(2024, 7, 1), reason="no_longer_at_risk"
        )
    plan.refresh_from_db()
    assert plan.end_date == D(2024, 6, 1)


def test_nothing_is_recorded_in_an_episode_closed_meanwhile(referral, manager):
    from haven.frontdoor.models import Referral

    # Closed in another tab after this page was loaded: ``referral`` is the stale copy.
    Referral.objects.filter(pk=referral.pk).update(
        closure_date=D(2024, 4, 20), closure_reason="RC7"
    )
    with pytest.raises(ConflictError):
        services.strategy_discussion_record(
            referral=referral,
            by=manager,
            held_on=D(2024, 4, 2),
            agencies=["police"],
            decision="start_s47",
        )
    with pytest.raises(ConflictError):
        cin_services.episode_close(
            referral=referral, by=manager, closure_date=D(2024, 4, 21), reason="RC7"
        )
    assert not referral.strategy_discussions.exists()
