"""Every write about care leavers: keyword-only, one transaction each, refusals on their field.

Who is entitled comes from ``eligibility`` (computed from the care history), never a stored
category: a pathway plan for a young person who is not entitled is refused with the reason."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from haven.accounts.models import User
from haven.accounts.permissions import Capability, service_require, user_can
from haven.core.checks import locked, not_before, not_future
from haven.core.dates import long_date
from haven.core.errors import ConflictError
from haven.leavingcare import codes, events, selectors, timescales
from haven.leavingcare.eligibility import ENTITLED, Category, birthday, category_on
from haven.leavingcare.models import (
    AccommodationPeriod,
    ActivityPeriod,
    AdviserAllocation,
    AdviserContact,
    HealthDetail,
    HealthDetailKind,
    InTouchRecord,
    NeedsAssessment,
    PathwayPlan,
    PlanAction,
    PlanReview,
    StayingPut,
    SupportTo25,
)
from haven.people.models import Person


def _text(value: str, field: str, message: str) -> str:
    value = (value or "").strip()
    if not value:
        raise ValidationError({field: message})
    return value


def _date(value: datetime.date | None, field: str, label: str) -> datetime.date:
    if value is None:
        raise ValidationError({field: f"Enter the {label}"})
    not_future(value, field, label)
    return value


def _care_leaver(person: Person, field: str) -> list[Any]:
    """The young person's looked-after spans; refuses someone never looked after."""
    spans = selectors.spans_for(person)
    if not spans:
        raise ValidationError({field: f"{person.full_name} has never been looked after"})
    return spans


def _entitled(person: Person, day: datetime.date, field: str, what: str) -> None:
    result = category_on(
        person.date_of_birth,
        _care_leaver(person, field),
        day,
        support_to_25=SupportTo25.objects.filter(person=person).exists(),
    )
    if result.category not in ENTITLED:
        raise ValidationError(
            {
                field: f"{person.full_name} is not entitled to {what} on {long_date(day)} "
                f"({result.category.label.lower()}: {result.reason})"
            }
        )


# -- personal adviser -----------------------------------------------------------------------------


@transaction.atomic
def adviser_allocate(
    *, person: Person, by: User, adviser: User | None, start_date: datetime.date | None
) -> AdviserAllocation:
    """A personal adviser from ``start_date``; the previous adviser's allocation ends that day."""
    service_require(by, Capability.WRITE_RECORDS, field="adviser")
    person = locked(person)
    if adviser is None:
        raise ValidationError({"adviser": "Choose the personal adviser"})
    if not adviser.is_active or not user_can(adviser, Capability.HOLD_CASES):
        raise ValidationError({"adviser": f"{adviser.get_full_name()} cannot hold cases"})
    start = _date(start_date, "start_date", "date the adviser is allocated from")
    _care_leaver(person, "adviser")
    if person.date_of_birth and person.age_on(start) is not None:
        age = person.age_on(start) or 0
        if age < 15 or age >= 25:
            raise ValidationError(
                {"start_date": f"{person.full_name} was {age} then: advisers are for 15 to 25"}
            )
    current = (
        AdviserAllocation.objects.select_for_update()
        .filter(person=person, end_date__isnull=True)
        .first()
    )
    if current is not None:
        if current.adviser_id == adviser.pk:
            raise ConflictError({"adviser": f"{adviser.get_full_name()} is already the adviser"})
        if start <= current.start_date:
            raise ValidationError(
                {
                    "start_date": "The new adviser must start after the current one "
                    f"({long_date(current.start_date)})"
                }
            )
        AdviserAllocation.objects.filter(pk=current.pk).update(end_date=start)
    if AdviserAllocation.objects.filter(person=person, end_date__gt=start).exists():
        raise ValidationError(
            {"start_date": "Another adviser was allocated after that date: choose a later one"}
        )
    allocation = AdviserAllocation.objects.create(
        person=person, adviser=adviser, start_date=start, allocated_by=by
    )
    events.ADVISER_ALLOCATED.record(
        person.pk, on=start, by=by, source=allocation, adviser=adviser.get_full_name()
    )
    return allocation


@transaction.atomic
def adviser_contact_record(
    *,
    person: Person,
    by: User,
    visited_on: datetime.date | None,
    child_seen: bool,
    seen_alone: bool = False,
    notes: str = "",
    child_said: str = "",
) -> AdviserContact:
    """A personal adviser's contact, written once as a case note (seen or not)."""
    from haven.casenotes.services import note_for_visit

    service_require(by, Capability.WRITE_RECORDS, field="visited_on")
    person = locked(person)
    day = _date(visited_on, "visited_on", "date of the contact")
    if seen_alone and not child_seen:
        raise ValidationError({"seen_alone": "A young person not seen cannot be seen alone"})
    allocation = (
        AdviserAllocation.objects.filter(person=person, start_date__lte=day)
        .order_by("-start_date")
        .first()
    )
    if allocation is None or (allocation.end_date is not None and allocation.end_date <= day):
        first = (
            AdviserAllocation.objects.filter(person=person)
            .order_by("start_date")
            .values_list("start_date", flat=True)
            .first()
        )
        raise ValidationError(
            {
                "visited_on": "A personal adviser's contact must be on or after the adviser's "
                + (
                    f"allocation ({long_date(first)})"
                    if first
                    else "allocation: allocate one first"
                )
            }
        )
    record = selectors.leaving_care_record(person=person)
    due = record.contact_due.date if record.contact_due else None
    contact = AdviserContact.objects.create(
        person=person,
        adviser=allocation.adviser,
        visited_on=day,
        child_seen=child_seen,
        seen_alone=seen_alone,
        due_date=due,
    )
    note_for_visit(contact, by=by, notes=notes, child_said=child_said)
    return contact


# -- needs assessment, pathway plan and reviews ---------------------------------------------------


@transaction.atomic
def needs_assessment_record(
    *, person: Person, by: User, completed_on: datetime.date | None, summary: str
) -> NeedsAssessment:
    service_require(by, Capability.WRITE_RECORDS, field="completed_on")
    person = locked(person)
    day = _date(completed_on, "completed_on", "date the assessment was completed")
    summary = _text(summary, "summary", "Enter what the young person needs")
    spans = _care_leaver(person, "completed_on")
    if person.date_of_birth:
        not_before(
            day,
            birthday(person.date_of_birth, 15),
            "completed_on",
            "The needs assessment is for young people from 15",
        )
    from haven.leavingcare.eligibility import became_eligible_on

    became = became_eligible_on(person.date_of_birth, spans)
    due = timescales.needs_assessment_due(became) if became else day
    assessment = NeedsAssessment.objects.create(
        person=person, completed_on=day, due_date=due, summary=summary, recorded_by=by
    )
    events.NEEDS_ASSESSMENT_COMPLETED.record(person.pk, on=day, by=by, source=assessment)
    return assessment


PLAN_AREAS = tuple(codes.PLAN_FIELDS.values())


@transaction.atomic
def pathway_plan_agree(
    *, person: Person, by: User, agreed_on: datetime.date | None, **areas: str
) -> PathwayPlan:
    """The pathway plan, in its seven areas, for a young person entitled to one."""
    service_require(by, Capability.WRITE_RECORDS, field="agreed_on")
    person = locked(person)
    day = _date(agreed_on, "agreed_on", "date the plan was agreed")
    unknown = set(areas) - set(PLAN_AREAS)
    if unknown:
        raise ValidationError(f"Unknown parts of a pathway plan: {', '.join(sorted(unknown))}")
    values = {}
    for area, name in codes.PLAN_FIELDS.items():
        values[name] = _text(areas.get(name, ""), name, f"Enter the plan for {area.label.lower()}")
    _entitled(person, day, "agreed_on", "a pathway plan")
    latest = PathwayPlan.objects.filter(person=person).order_by("-agreed_on").first()
    if latest is not None and day < latest.agreed_on:
        raise ValidationError(
            {"agreed_on": f"A later plan was agreed on {long_date(latest.agreed_on)}"}
        )
    plan = PathwayPlan.objects.create(person=person, agreed_on=day, recorded_by=by, **values)
    events.PATHWAY_PLAN_AGREED.record(person.pk, on=day, by=by, source=plan)
    return plan


@transaction.atomic
def plan_action_add(
    *,
    plan: PathwayPlan,
    by: User,
    area: str,
    text: str,
    owner: str,
    due_date: datetime.date | None,
) -> PlanAction:
    service_require(by, Capability.WRITE_RECORDS, field="text")
    plan = locked(plan)
    if area not in codes.PlanArea.values:
        raise ValidationError({"area": "Choose the part of the plan"})
    text = _text(text, "text", "Enter what will be done")
    owner = _text(owner, "owner", "Enter who will do it")
    if due_date is None:
        raise ValidationError({"due_date": "Enter when it will be done by"})
    not_before(due_date, plan.agreed_on, "due_date", "The action cannot be due before the plan")
    return PlanAction.objects.create(
        plan=plan, person_id=plan.person_id, area=area, text=text, owner=owner, due_date=due_date
    )


@transaction.atomic
def plan_action_done(*, action: PlanAction, by: User, done_on: datetime.date | None) -> PlanAction:
    service_require(by, Capability.WRITE_RECORDS, field="done_on")
    action = locked(action)
    if action.done_on is not None:
        raise ConflictError({"done_on": f"Already done on {long_date(action.done_on)}"})
    day = _date(done_on, "done_on", "date it was done")
    not_before(day, action.plan.agreed_on, "done_on", "It cannot be done before the plan")
    PlanAction.objects.filter(pk=action.pk).update(done_on=day, version=action.version + 1)
    action.refresh_from_db()
    return action


@transaction.atomic
def plan_review_record(
    *, person: Person, by: User, held_on: datetime.date | None, summary: str
) -> PlanReview:
    service_require(by, Capability.WRITE_RECORDS, field="held_on")
    person = locked(person)
    day = _date(held_on, "held_on", "date of the review")
    summary = _text(summary, "summary", "Enter what the review found")
    plan = (
        PathwayPlan.objects.filter(person=person, agreed_on__lte=day).order_by("-agreed_on").first()
    )
    if plan is None:
        raise ValidationError({"held_on": "There was no pathway plan to review on that date"})
    _entitled(person, day, "held_on", "a pathway plan review")
    reviews = list(PlanReview.objects.filter(plan=plan, held_on__lt=day))
    due = selectors.next_review_due(plan, reviews)
    assert due is not None
    if PlanReview.objects.filter(person=person, held_on=day).exists():
        raise ConflictError({"held_on": "A review is already recorded on that date"})
    review = PlanReview.objects.create(
        plan=plan, person=person, held_on=day, due_date=due, summary=summary, recorded_by=by
    )
    events.PATHWAY_PLAN_REVIEWED.record(person.pk, on=day, by=by, source=review)
    return review


# -- where they live and what they do ------------------------------------------------------------


def _history_add(
    model: Any,
    *,
    person: Person,
    start_date: datetime.date | None,
    end_date: datetime.date | None,
    what: str,
    **values: Any,
) -> Any:
    """A dated period in a history with no overlaps. A period starting after the open one
    ends it (a move); any other overlap is refused, naming the period it overlaps."""
    start = _date(start_date, "start_date", "start date")
    if end_date is not None and end_date <= start:
        raise ValidationError({"end_date": "The end date must be after the start date"})
    _care_leaver(person, "start_date")
    if person.date_of_birth:
        not_before(
            start,
            birthday(person.date_of_birth, 16),
            "start_date",
            f"The {what} history starts at 16",
        )
    rows = list(model.objects.select_for_update().filter(person=person))
    current = next((r for r in rows if r.end_date is None), None)
    closing = current is not None and end_date is None and current.start_date < start
    for other in rows:
        other_end = start if closing and other is current else other.end_date
        if other.start_date < (end_date or datetime.date.max) and (
            other_end is None or start < other_end
        ):
            until = f"to {long_date(other_end)}" if other_end else "and still going on"
            raise ValidationError(
                {
                    "start_date": f"This overlaps the {what} from {long_date(other.start_date)} "
                    f"{until}: {what} periods cannot overlap"
                }
            )
    if closing and current is not None:
        model.objects.filter(pk=current.pk).update(end_date=start)
    try:
        with transaction.atomic():
            return model.objects.create(
                person=person, start_date=start, end_date=end_date, **values
            )
    except IntegrityError as exc:
        raise ValidationError({"start_date": f"This overlaps another {what} period"}) from exc


@transaction.atomic
def accommodation_record(
    *,
    person: Person,
    by: User,
    start_date: datetime.date | None,
    accommodation: str,
    suitable: bool | None,
    end_date: datetime.date | None = None,
) -> AccommodationPeriod:
    """Where the young person lives from ``start_date`` (ACCOM: type and suitability)."""
    service_require(by, Capability.WRITE_RECORDS, field="start_date")
    person = locked(person)
    if accommodation not in codes.AccommodationType.values:
        raise ValidationError({"accommodation": "Choose the type of accommodation"})
    if suitable is None:
        raise ValidationError({"suitable": "Say whether the accommodation is suitable"})
    if suitable and accommodation in codes.NEVER_SUITABLE:
        label = codes.AccommodationType(accommodation).label.lower()
        raise ValidationError({"suitable": f"{label.capitalize()} is never suitable"})
    period = _history_add(
        AccommodationPeriod,
        person=person,
        start_date=start_date,
        end_date=end_date,
        what="accommodation",
        accommodation=accommodation,
        suitable=suitable,
        recorded_by=by,
    )
    events.CARE_LEAVER_MOVED.record(
        person.pk,
        on=period.start_date,
        by=by,
        source=period,
        accommodation=accommodation,
        suitable=suitable,
    )
    return period


@transaction.atomic
def activity_record(
    *,
    person: Person,
    by: User,
    start_date: datetime.date | None,
    activity: str,
    end_date: datetime.date | None = None,
) -> ActivityPeriod:
    """What the young person does from ``start_date`` (ACTIV)."""
    service_require(by, Capability.WRITE_RECORDS, field="start_date")
    person = locked(person)
    if activity not in codes.Activity.values:
        raise ValidationError({"activity": "Choose what the young person is doing"})
    return _history_add(
        ActivityPeriod,
        person=person,
        start_date=start_date,
        end_date=end_date,
        what="activity",
        activity=activity,
        recorded_by=by,
    )


@transaction.atomic
def staying_put_record(
    *,
    person: Person,
    by: User,
    start_date: datetime.date | None,
    carer_name: str,
    end_date: datetime.date | None = None,
) -> StayingPut:
    """Staying put with former foster carers, from 18 to 21 at most."""
    service_require(by, Capability.WRITE_RECORDS, field="start_date")
    person = locked(person)
    carer_name = _text(carer_name, "carer_name", "Enter the former foster carers' names")
    start = _date(start_date, "start_date", "start date")
    if person.date_of_birth:
        at_18, at_21 = birthday(person.date_of_birth, 18), birthday(person.date_of_birth, 21)
        not_before(start, at_18, "start_date", "Staying put starts at 18")
        if end_date is not None and end_date > at_21:
            raise ValidationError(
                {"end_date": f"Staying put ends by the 21st birthday ({long_date(at_21)})"}
            )
    _entitled(person, start, "start_date", "staying put")
    arrangement = _history_add(
        StayingPut,
        person=person,
        start_date=start,
        end_date=end_date,
        what="staying put",
        carer_name=carer_name,
        recorded_by=by,
    )
    events.STAYING_PUT_STARTED.record(
        person.pk, on=start, by=by, source=arrangement, carer=carer_name
    )
    return arrangement


@transaction.atomic
def in_touch_record(
    *, person: Person, by: User, on: datetime.date | None, code: str
) -> InTouchRecord:
    service_require(by, Capability.WRITE_RECORDS, field="code")
    person = locked(person)
    day = _date(on, "on", "date")
    if code not in codes.InTouch.values:
        raise ValidationError({"code": "Choose whether the council is in touch"})
    _care_leaver(person, "code")
    if InTouchRecord.objects.filter(person=person, on=day).exists():
        raise ConflictError({"on": "Whether in touch is already recorded for that day"})
    return InTouchRecord.objects.create(person=person, on=day, code=code, recorded_by=by)


@transaction.atomic
def support_to_25_record(
    *, person: Person, by: User, requested_on: datetime.date | None
) -> SupportTo25:
    """The young person asked for an adviser's support after 21: only a former relevant care
    leaver, from 21 (or before) up to 25."""
    service_require(by, Capability.WRITE_RECORDS, field="requested_on")
    person = locked(person)
    day = _date(requested_on, "requested_on", "date they asked")
    spans = _care_leaver(person, "requested_on")
    born = person.date_of_birth
    if born is None:
        raise ValidationError({"requested_on": "Record the date of birth first"})
    if category_on(born, spans, day, support_to_25=True).category != Category.FORMER_RELEVANT:
        raise ValidationError(
            {
                "requested_on": "Support to 25 is for former relevant care leavers (18 and over "
                "who were in care, or relevant, at 18)"
            }
        )
    if day >= birthday(born, 25):
        raise ValidationError({"requested_on": "Support to 25 ends at the 25th birthday"})
    if SupportTo25.objects.filter(person=person).exists():
        raise ConflictError({"requested_on": "Support to 25 is already recorded"})
    support = SupportTo25.objects.create(person=person, requested_on=day, recorded_by=by)
    events.SUPPORT_TO_25_REQUESTED.record(person.pk, on=day, by=by, source=support)
    return support


@transaction.atomic
def health_detail_add(
    *,
    person: Person,
    by: User,
    kind: str,
    description: str,
    since: datetime.date | None = None,
) -> HealthDetail:
    service_require(by, Capability.WRITE_RECORDS, field="description")
    if kind not in HealthDetailKind.values:
        raise ValidationError({"kind": "Choose what it is"})
    description = _text(description, "description", "Enter the details")
    not_future(since, "since", "date")
    return HealthDetail.objects.create(
        person=person, kind=kind, description=description[:300], since=since, recorded_by=by
    )


def today() -> datetime.date:
    return timezone.localdate()
