"""Every write of a period of care: keyword-only, one transaction each, audited by the database."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from haven.accounts.models import User
from haven.care import codes, events, timescales
from haven.care.models import (
    CarePeriod,
    CarePlan,
    CareReview,
    CareVisit,
    LegalStatusChange,
    Placement,
    ReviewRecommendation,
)
from haven.core.checks import locked, not_before, not_future
from haven.core.dates import long_date
from haven.core.errors import ConflictError
from haven.core.versioning import update_with_version

# -- The statutory work of a period: care and placement plans, visits, reviews ------------------


def _required_text(value: str, field: str, message: str) -> str:
    value = value.strip()
    if not value:
        raise ValidationError({field: message})
    return value


def _within_period(period: CarePeriod, day: datetime.date, field: str, what: str) -> None:
    """``day`` falls in the period of care: not before it started, not after it ended."""
    not_before(
        day, period.start_date, field, f"{what} cannot be before the child became looked after"
    )
    if period.end_date is not None and day > period.end_date:
        raise ValidationError(
            {
                field: f"{what} cannot be after the child ceased to be looked after "
                f"({long_date(period.end_date)})"
            }
        )


@transaction.atomic
def care_plan_agree(
    *,
    period: CarePeriod,
    by: User,
    agreed_on: datetime.date,
    permanence_plan: str,
    summary: str,
) -> CarePlan:
    """The care plan agreed (CPPCR reg 4: within 10 working days of the child becoming looked
    after), with its permanence plan. Agreeing it again adds a row: the rows are its history."""
    period = locked(period)
    not_future(agreed_on, "agreed_on", "date the plan was agreed")
    _within_period(period, agreed_on, "agreed_on", "A care plan")
    if permanence_plan not in codes.PermanencePlan.values:
        raise ValidationError({"permanence_plan": "Choose the permanence plan"})
    plan = CarePlan.objects.create(
        period=period,
        person_id=period.person_id,
        agreed_on=agreed_on,
        permanence_plan=permanence_plan,
        summary=_required_text(summary, "summary", "Enter what the plan is"),
        recorded_by=by,
    )
    events.care_plan_agreed(plan, by=by)
    return plan


@transaction.atomic
def placement_plan_agree(*, placement: Placement, by: User, agreed_on: datetime.date) -> Placement:
    """The placement plan agreed with the carers (CPPCR reg 9: within 5 working days of the
    placement's start); recorded once for each placement."""
    placement = locked(placement)
    if placement.plan_agreed_on is not None:
        raise ConflictError(
            {
                "agreed_on": f"The placement plan was already agreed on "
                f"{long_date(placement.plan_agreed_on)}"
            }
        )
    not_future(agreed_on, "agreed_on", "date the placement plan was agreed")
    if placement.end_date is not None and agreed_on > placement.end_date:
        raise ValidationError(
            {
                "agreed_on": f"The placement ended on {long_date(placement.end_date)}: "
                "a plan cannot be agreed after it"
            }
        )
    update_with_version(Placement, placement.pk, None, plan_agreed_on=agreed_on)
    placement.refresh_from_db()
    events.placement_plan_agreed(placement, by=by)
    return placement


def _legal_status_on(period: CarePeriod, day: datetime.date) -> str:
    return (
        LegalStatusChange.objects.filter(period=period, start_date__lte=day)
        .order_by("-start_date")
        .values_list("code", flat=True)
        .first()
        or ""
    )


def _first_review(period: CarePeriod) -> datetime.date | None:
    return (
        CareReview.objects.filter(period=period)
        .order_by("held_on")
        .values_list("held_on", flat=True)
        .first()
    )


@transaction.atomic
def care_visit_record(
    *,
    period: CarePeriod,
    by: User,
    visited_on: datetime.date,
    child_seen: bool,
    seen_alone: bool = False,
    notes: str = "",
    child_said: str = "",
) -> CareVisit:
    """A statutory visit (CPPCR reg 28), to the placement the child was in that day. Its words
    are its case note's (haven.casenotes, through haven.protection's visit hooks): a visit is
    written once. The visit keeps when it was due and when the next one is."""
    period = locked(period)
    not_future(visited_on, "visited_on", "date of the visit")
    _within_period(period, visited_on, "visited_on", "A statutory visit")
    if seen_alone and not child_seen:
        raise ValidationError({"seen_alone": "A child not seen cannot have been seen alone"})
    placement = (
        Placement.objects.filter(period=period, start_date__lte=visited_on)
        .order_by("-start_date")
        .first()
    )
    if placement is None or (placement.end_date is not None and placement.end_date <= visited_on):
        raise ValidationError(
            {
                "visited_on": f"The child had no placement on {long_date(visited_on)}: "
                "record the placement first"
            }
        )
    facts = timescales.VisitPlacement.of(placement, _legal_status_on(period, visited_on))
    first_review = _first_review(period)
    previous = (
        CareVisit.objects.filter(placement=placement, visited_on__lte=visited_on)
        .order_by("-visited_on")
        .values_list("visited_on", flat=True)
        .first()
    )
    due = timescales.visit_due(facts, previous, first_review, visited_on)
    following = timescales.visit_due(facts, visited_on, first_review, visited_on)
    visit = CareVisit.objects.create(
        period=period,
        placement=placement,
        person_id=period.person_id,
        visited_on=visited_on,
        child_seen=child_seen,
        seen_alone=seen_alone,
        due_date=due.date,
        next_due=following.date,
        due_rule=due.rule,
        worker=by,
    )
    events.care_visit_recorded(visit, by=by)
    from haven.protection.services import visit_recorded_hooks_run

    visit_recorded_hooks_run(visit, by=by, notes=notes, child_said=child_said)
    return visit


def _age_on(date_of_birth: datetime.date | None, day: datetime.date) -> int | None:
    if date_of_birth is None:
        return None
    before_birthday = (day.month, day.day) < (date_of_birth.month, date_of_birth.day)
    return day.year - date_of_birth.year - before_birthday


@transaction.atomic
def care_review_record(
    *,
    period: CarePeriod,
    by: User,
    held_on: datetime.date,
    participation: str,
    summary: str = "",
) -> CareReview:
    """A review of the child's case (CPPCR reg 33), recorded by its chair: the child's IRO.
    The first is due 20 working days after the child became looked after, the second 3 months
    after the first, then at most 6 months apart."""
    period = locked(period)
    if period.iro_id is None:
        raise ValidationError(
            {"held_on": "The child has no independent reviewing officer: allocate one first"}
        )
    if period.iro_id != by.pk:
        raise ValidationError(
            {"held_on": "Only the child's independent reviewing officer can record their review"}
        )
    not_future(held_on, "held_on", "date of the review")
    _within_period(period, held_on, "held_on", "A review")
    if participation not in codes.Participation.values:
        raise ValidationError({"participation": "Choose how the child took part"})
    age = _age_on(period.person.date_of_birth, held_on)
    if age is not None and age < 4 and participation != codes.Participation.PN0:
        raise ValidationError({"participation": "The child was under 4 at the review: choose PN0"})
    if participation == codes.Participation.PN0 and (age is None or age >= 4):
        raise ValidationError(
            {
                "participation": "PN0 is only for a child under 4 at the review: choose how "
                "the child took part"
            }
        )
    held = list(
        CareReview.objects.filter(period=period, held_on__lt=held_on).values_list(
            "held_on", flat=True
        )
    )
    due = timescales.review_due(period.start_date, len(held), max(held, default=None))
    following = timescales.review_due(period.start_date, len(held) + 1, held_on)
    try:
        with transaction.atomic():
            review = CareReview.objects.create(
                period=period,
                person_id=period.person_id,
                held_on=held_on,
                due_date=due.date,
                participation=participation,
                chair=by,
                summary=summary.strip(),
                next_due=following.date,
            )
    except IntegrityError as exc:
        raise ConflictError(
            {"held_on": f"A review is already recorded on {long_date(held_on)}"}
        ) from exc
    events.care_review_held(review, by=by)
    return review


@transaction.atomic
def review_recommendation_add(
    *, review: CareReview, by: User, text: str, owner: User | None, due_date: datetime.date
) -> ReviewRecommendation:
    """A recommendation of the review, for a named person by a date: it is on their "my work"
    until done. Made by the review's chair (the child's IRO)."""
    review = locked(review)
    if by.pk not in (review.chair_id, review.period.iro_id):
        raise ValidationError({"text": "Only the review's chair can add its recommendations"})
    text = _required_text(text, "text", "Enter the recommendation")
    if owner is None:
        raise ValidationError({"owner": "Choose who will do it"})
    from haven.people.access import visible_ids

    if review.person_id not in visible_ids(owner, [review.person_id]):
        raise ValidationError(
            {
                "owner": f"{owner.display_name} cannot see this child's record: choose someone "
                "working with the child"
            }
        )
    not_before(
        due_date, review.held_on, "due_date", "A recommendation cannot be due before the review"
    )
    recommendation = ReviewRecommendation.objects.create(
        review=review,
        person_id=review.person_id,
        text=text,
        owner=owner,
        due_date=due_date,
    )
    return recommendation


@transaction.atomic
def review_recommendation_done(
    *, recommendation: ReviewRecommendation, by: User, done_on: datetime.date
) -> ReviewRecommendation:
    recommendation = locked(recommendation)
    if recommendation.done_on is not None:
        raise ConflictError(
            {"done_on": f"This was already done on {long_date(recommendation.done_on)}"}
        )
    not_future(done_on, "done_on", "date it was done")
    not_before(
        done_on,
        recommendation.review.held_on,
        "done_on",
        "A recommendation cannot be done before the review made it",
    )
    update_with_version(ReviewRecommendation, recommendation.pk, None, done_on=done_on)
    recommendation.refresh_from_db()
    events.review_recommendation_done(recommendation, by=by)
    return recommendation
