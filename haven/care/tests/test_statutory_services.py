"""The statutory work of a period of care: care and placement plans, visits (reg 28) across
placement changes, reviews (reg 33) by the child's IRO across month ends, recommendations on
their owner's work, and bad input refused beside its field with nothing saved."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError

from haven.accounts.models import Role
from haven.care import services
from haven.care.models import CarePlan, CareReview, CareVisit, ReviewRecommendation
from haven.care.tests.statutory_data import START, looked_after, move
from haven.casenotes.models import CaseNoteChild
from haven.chronology.models import ChronologyEvent
from haven.core.errors import ConflictError
from haven.work.items import Scope, work_for

pytestmark = pytest.mark.django_db
D = datetime.date


def _field_error(exc: pytest.ExceptionInfo) -> set[str]:
    return set(exc.value.message_dict)


# -- Care plan and placement plan -------------------------------------------------------------


def test_agreeing_the_care_plan_again_adds_a_row(period, worker):
    services.care_plan_agree(
        period=period,
        by=worker,
        agreed_on=D(2026, 1, 12),
        permanence_plan="return_home",
        summary="Rehabilitation home with support",
    )
    services.care_plan_agree(
        period=period,
        by=worker,
        agreed_on=D(2026, 4, 1),
        permanence_plan="long_term_fostering",
        summary="Long-term fostering with the current carers",
    )
    assert list(
        CarePlan.objects.filter(period=period).values_list("permanence_plan", flat=True)
    ) == ["return_home", "long_term_fostering"]
    assert (
        ChronologyEvent.objects.filter(person=period.person, event="care_plan_agreed").count() == 2
    )


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"agreed_on": D(2025, 12, 31)}, "agreed_on"),  # before the child became looked after
        ({"agreed_on": D(2099, 1, 1)}, "agreed_on"),
        ({"permanence_plan": "orphanage"}, "permanence_plan"),
        ({"summary": "   "}, "summary"),
    ],
)
def test_a_bad_care_plan_is_refused_beside_its_field(period, worker, values, field):
    data = {"agreed_on": D(2026, 1, 12), "permanence_plan": "adoption", "summary": "Adoption"}
    with pytest.raises(ValidationError) as exc:
        services.care_plan_agree(period=period, by=worker, **{**data, **values})
    assert _field_error(exc) == {field}
    assert not CarePlan.objects.exists()


def test_placement_plan_is_agreed_once(period, worker):
    placement = period.placements.get()
    services.placement_plan_agree(placement=placement, by=worker, agreed_on=D(2026, 1, 9))
    placement.refresh_from_db()
    assert placement.plan_agreed_on == D(2026, 1, 9)
    with pytest.raises(ConflictError):
        services.placement_plan_agree(placement=placement, by=worker, agreed_on=D(2026, 1, 10))


# -- Visits (reg 28) --------------------------------------------------------------------------


def test_a_visit_keeps_when_it_was_due_and_when_the_next_is(period, worker):
    visit = services.care_visit_record(
        period=period,
        by=worker,
        visited_on=D(2026, 1, 9),
        child_seen=True,
        seen_alone=True,
        notes="Settling in well with the carers.",
        child_said="I like my room",
    )
    assert (visit.due_date, visit.next_due, visit.due_rule) == (
        D(2026, 1, 12),
        D(2026, 2, 20),
        "cla_first_visit",
    )


def test_a_visit_is_written_once_as_its_case_note(period, worker):
    visit = services.care_visit_record(
        period=period,
        by=worker,
        visited_on=D(2026, 1, 9),
        child_seen=True,
        seen_alone=True,
        notes="Settling in well with the carers.",
        child_said="I like my room",
    )
    visit.refresh_from_db()
    assert visit.case_note_id is not None
    part = CaseNoteChild.objects.select_related("note").get(pk=visit.case_note_id)
    assert part.person_id == period.person_id and part.seen_alone and part.visit_id is None
    assert part.note.narrative == "Settling in well with the carers."
    assert part.child_said == "I like my room"
    assert part.note.summary == "Statutory visit to a looked-after child" and part.note.is_final


def test_a_move_restarts_the_one_week_clock(period, worker, manager):
    services.care_visit_record(period=period, by=worker, visited_on=D(2026, 1, 9), child_seen=True)
    moved = move(period, D(2026, 2, 2), by=manager)
    # Visited in the new placement on the 12th: it was due within a week of the move.
    visit = services.care_visit_record(
        period=period, by=worker, visited_on=D(2026, 2, 12), child_seen=True
    )
    assert visit.placement_id == moved.pk
    assert (visit.due_date, visit.due_rule) == (D(2026, 2, 9), "cla_first_visit")
    assert visit.visited_on > visit.due_date  # late


def test_a_visit_on_the_day_of_a_move_is_to_the_new_placement(period, worker, manager):
    moved = move(period, D(2026, 2, 2), by=manager)
    visit = services.care_visit_record(
        period=period, by=worker, visited_on=D(2026, 2, 2), child_seen=True
    )
    assert visit.placement_id == moved.pk and visit.due_date == D(2026, 2, 9)


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"visited_on": D(2026, 1, 2)}, "visited_on"),  # before the child became looked after
        ({"visited_on": D(2099, 1, 1)}, "visited_on"),
        ({"child_seen": False, "seen_alone": True}, "seen_alone"),
    ],
)
def test_a_bad_visit_is_refused_beside_its_field(period, worker, values, field):
    data = {"visited_on": D(2026, 1, 9), "child_seen": True}
    with pytest.raises(ValidationError) as exc:
        services.care_visit_record(period=period, by=worker, **{**data, **values})
    assert _field_error(exc) == {field}
    assert not CareVisit.objects.exists() and not CaseNoteChild.objects.exists()


# -- Reviews (reg 33) -------------------------------------------------------------------------


def _review(period, by, on, participation="PN1"):
    return services.care_review_record(
        period=period, by=by, held_on=on, participation=participation
    )


def test_reviews_at_20_working_days_then_3_months_across_a_month_end_then_6_months(period, iro):
    first = _review(period, iro, D(2026, 1, 30))
    # Looked after from 5 January 2026: 20 working days is 2 February.
    assert (first.due_date, first.next_due) == (D(2026, 2, 2), D(2026, 4, 30))
    assert not first.was_late and first.chair_id == iro.pk
    second = _review(period, iro, D(2026, 5, 1))
    assert second.due_date == D(2026, 4, 30) and second.was_late
    third = _review(period, iro, D(2026, 8, 31))
    assert (third.due_date, third.next_due) == (D(2026, 11, 1), D(2027, 2, 28))


def test_a_review_before_the_child_became_looked_after_is_refused(period, iro):
    with pytest.raises(ValidationError) as exc:
        _review(period, iro, START - datetime.timedelta(days=1))
    assert _field_error(exc) == {"held_on"}
    assert "before the child became looked after" in exc.value.message_dict["held_on"][0]
    assert not CareReview.objects.exists()


def test_only_the_childs_iro_records_their_review(period, worker, make_user):
    other_iro = make_user(Role.REVIEWING_OFFICER, None)
    for user in (worker, other_iro):
        with pytest.raises(ValidationError) as exc:
            _review(period, user, D(2026, 1, 30))
        assert _field_error(exc) == {"held_on"}
    assert not CareReview.objects.exists()


def test_a_child_without_an_iro_cannot_be_reviewed(child, worker, manager):
    period = looked_after(child, by=manager)
    with pytest.raises(ValidationError) as exc:
        _review(period, worker, D(2026, 1, 30))
    assert "allocate one" in exc.value.message_dict["held_on"][0]


def test_pn0_only_for_a_child_under_4(period, iro, make_child, manager):
    with pytest.raises(ValidationError) as exc:
        _review(period, iro, D(2026, 1, 30), participation="PN0")
    assert _field_error(exc) == {"participation"}
    baby = looked_after(make_child(date_of_birth=D(2024, 6, 1)), by=manager, iro=iro)
    with pytest.raises(ValidationError):
        _review(baby, iro, D(2026, 1, 30), participation="PN1")
    assert _review(baby, iro, D(2026, 1, 30), participation="PN0").participation == "PN0"


def test_two_reviews_on_one_day_is_a_conflict(period, iro):
    _review(period, iro, D(2026, 1, 30))
    with pytest.raises(ConflictError):
        _review(period, iro, D(2026, 1, 30))
    assert CareReview.objects.count() == 1


# -- Recommendations --------------------------------------------------------------------------


def test_a_recommendation_is_on_its_owners_work_until_done(period, iro, worker):
    review = _review(period, iro, D(2026, 1, 30))
    rec = services.review_recommendation_add(
        review=review,
        by=iro,
        text="Arrange contact with grandmother",
        owner=worker,
        due_date=D(2026, 3, 1),
    )
    items = [i for i in work_for(worker) if i.kind == "Review recommendation"]
    assert [(i.title, i.due) for i in items] == [
        ("Arrange contact with grandmother", D(2026, 3, 1))
    ]
    services.review_recommendation_done(recommendation=rec, by=worker, done_on=D(2026, 2, 20))
    assert not [i for i in work_for(worker) if i.kind == "Review recommendation"]
    with pytest.raises(ConflictError):
        services.review_recommendation_done(recommendation=rec, by=worker, done_on=D(2026, 2, 21))


def test_a_recommendation_for_someone_who_cannot_see_the_child_is_refused(period, iro, outsider):
    review = _review(period, iro, D(2026, 1, 30))
    with pytest.raises(ValidationError) as exc:
        services.review_recommendation_add(
            review=review, by=iro, text="Do it", owner=outsider, due_date=D(2026, 3, 1)
        )
    assert _field_error(exc) == {"owner"}
    assert not ReviewRecommendation.objects.exists()


# -- Work items -------------------------------------------------------------------------------


def _due(user, scope=Scope.MINE):
    return sorted(
        (i.kind, i.due)
        for i in work_for(user, scope)
        if i.url.endswith("/care/plan-visits-reviews/")
    )


def test_everything_due_is_on_the_workers_work_with_its_due_date(period, worker):
    assert _due(worker) == [
        ("Care plan", D(2026, 1, 19)),
        ("Looked-after review", D(2026, 2, 2)),
        ("Placement plan", D(2026, 1, 12)),
        ("Statutory visit", D(2026, 1, 12)),
    ]
    services.care_plan_agree(
        period=period,
        by=worker,
        agreed_on=D(2026, 1, 12),
        permanence_plan="adoption",
        summary="Adoption",
    )
    services.placement_plan_agree(
        placement=period.placements.get(), by=worker, agreed_on=D(2026, 1, 9)
    )
    services.care_visit_record(period=period, by=worker, visited_on=D(2026, 1, 9), child_seen=True)
    assert _due(worker) == [
        ("Looked-after review", D(2026, 2, 2)),
        ("Statutory visit", D(2026, 2, 20)),
    ]


def test_the_iro_has_the_next_review_and_the_manager_sees_it_overdue(period, iro, manager):
    assert _due(iro) == [("Looked-after review", D(2026, 2, 2))]
    overdue = [
        i
        for i in work_for(manager, Scope.TEAMS)
        if i.is_overdue and i.kind == "Looked-after review"
    ]
    assert [i.owner for i in overdue] == ["Sam Okafor"]


def test_an_ended_period_has_nothing_due(period, worker):
    from haven.care.models import CarePeriod, Placement

    Placement.objects.filter(period=period).update(end_date=D(2026, 3, 1))
    CarePeriod.objects.filter(pk=period.pk).update(end_date=D(2026, 3, 1), end_reason="E4A")
    assert _due(worker) == []


# -- Need-to-know -----------------------------------------------------------------------------


def test_the_iro_sees_the_child_another_reviewing_officer_does_not(period, iro, make_user):
    from haven.people.access import visible_ids

    assert visible_ids(iro, [period.person_id]) == {period.person_id}
    assert visible_ids(make_user(Role.REVIEWING_OFFICER, None), [period.person_id]) == set()
