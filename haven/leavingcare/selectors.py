"""Reading care leavers' records: the looked-after spans eligibility is computed from (one query),
a young person's leaving-care record, and the OC3 position at each birthday from 17 to 21."""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q
from django.utils import timezone

from haven.care.codes import LegalStatus
from haven.care.models import Episode
from haven.core.calendar import add_calendar_months
from haven.leavingcare import codes, timescales
from haven.leavingcare.eligibility import (
    Category,
    Eligibility,
    Span,
    became_eligible_on,
    birthday,
    category_on,
    merge,
)
from haven.leavingcare.models import (
    AccommodationPeriod,
    ActivityPeriod,
    AdviserAllocation,
    AdviserContact,
    HealthDetail,
    InTouchRecord,
    NeedsAssessment,
    PathwayPlan,
    PlanAction,
    PlanReview,
    StayingPut,
    SupportTo25,
)

# Short breaks are not being looked after for leaving care.
SHORT_BREAKS = (LegalStatus.V3, LegalStatus.V4)
OC3_AGES = (17, 18, 19, 20, 21)


def _episodes(person_ids: Iterable[int] | None = None) -> Any:
    rows = Episode.objects.exclude(ls__in=SHORT_BREAKS)
    if person_ids is not None:
        rows = rows.filter(person_id__in=list(person_ids))
    return rows


def spans_for(person: Any) -> list[Span]:
    """The young person's looked-after spans, short breaks left out (one query)."""
    return merge(_episodes([person.pk]).values_list("decom", "dec"))


def spans_by_person(person_ids: Iterable[int] | None = None) -> dict[int, list[Span]]:
    """Everyone's looked-after spans (or those of ``person_ids``), in one query."""
    found: dict[int, list[Span]] = defaultdict(list)
    for pid, start, end in _episodes(person_ids).values_list("person_id", "decom", "dec"):
        found[pid].append((start, end))
    return {pid: merge(spans) for pid, spans in found.items()}


NEVER = datetime.date.max


def supported_from(person_ids: Iterable[int]) -> dict[int, datetime.date]:
    """The day each of these young people asked for support to 25 (one query): they are
    entitled to it from then on, not before (``supported_from(ids).get(pid, NEVER) <= day``)."""
    return dict(
        SupportTo25.objects.filter(person_id__in=list(person_ids)).values_list(
            "person_id", "requested_on"
        )
    )


def support_to_25(person: Any) -> SupportTo25 | None:
    return SupportTo25.objects.filter(person=person).first()


def eligibility(person: Any, day: datetime.date | None = None) -> Eligibility:
    """The young person's category today (or on ``day``), computed from the care history."""
    return category_on(
        person.date_of_birth,
        spans_for(person),
        day or timezone.localdate(),
        support_to_25=SupportTo25.objects.filter(person=person).exists(),
    )


def applies(person: Any) -> bool:
    """The "Leaving care" tab: for those who have been looked after and are 15 or over (so the
    adviser can be allocated by 16), up to 25."""
    age = person.age
    if age is None or age < 15 or age >= 25:
        return False
    from haven.care.selectors import has_been_looked_after

    return has_been_looked_after(person)


@dataclass(frozen=True)
class OC3:
    """The SSDA903 OC3 row at a birthday, from the histories."""

    age: int
    on: datetime.date
    category: Category
    in_touch: str = ""
    activity: str = ""
    accommodation: str = ""

    @property
    def counted(self) -> bool:
        """A care leaver at this birthday (relevant or former relevant)."""
        return self.category in (Category.RELEVANT, Category.FORMER_RELEVANT)

    @property
    def excluded(self) -> bool:
        """Left out of the DfE's percentages: died, returned home, gone abroad or deported."""
        return (
            self.in_touch in codes.IN_TOUCH_EXCLUDED
            or self.accommodation[:1] in codes.ACCOM_EXCLUDED
        )

    @property
    def is_in_touch(self) -> bool:
        return self.in_touch == codes.InTouch.YES

    @property
    def is_eet(self) -> bool:
        return self.activity in codes.EET

    @property
    def is_suitable(self) -> bool:
        return self.accommodation.endswith("1")

    @property
    def in_touch_label(self) -> str:
        return codes.InTouch(self.in_touch).label if self.in_touch else "Not known"

    @property
    def activity_label(self) -> str:
        return codes.Activity(self.activity).label if self.activity else "Not known"

    @property
    def accommodation_label(self) -> str:
        if not self.accommodation:
            return "Not known"
        kind = codes.AccommodationType(self.accommodation[0]).label
        return f"{kind} ({'suitable' if self.is_suitable else 'not suitable'})"


@dataclass
class Histories:
    """A young person's histories, as OC3 needs them."""

    in_touch: list[tuple[datetime.date, str]] = field(default_factory=list)
    contacts: list[datetime.date] = field(default_factory=list)
    activity: list[tuple[datetime.date, datetime.date | None, str]] = field(default_factory=list)
    accommodation: list[tuple[datetime.date, datetime.date | None, str]] = field(
        default_factory=list
    )


def _covering(
    rows: list[tuple[datetime.date, datetime.date | None, str]], day: datetime.date
) -> str:
    for start, end, code in rows:
        if start <= day and (end is None or day < end):
            return code
    return ""


def oc3_at(
    born: datetime.date, spans: list[Span], age: int, histories: Histories, support: bool = False
) -> OC3:
    """The OC3 position at the ``age``-th birthday: in touch from a record (or a contact) in the
    3 months before to the month after it, else not in touch; activity and accommodation on
    the day."""
    on = birthday(born, age)
    category = category_on(born, spans, on, support_to_25=support).category
    first, last = add_calendar_months(on, -3), add_calendar_months(on, 1)
    near = [
        (abs((day - on).days), code) for day, code in histories.in_touch if first <= day <= last
    ]
    in_touch = min(near)[1] if near else ""
    if not in_touch:
        seen = any(first <= day <= last for day in histories.contacts)
        in_touch = codes.InTouch.YES if seen else codes.InTouch.NO
    if in_touch in codes.IN_TOUCH_EXCLUDED:
        return OC3(age, on, category, in_touch)
    return OC3(
        age,
        on,
        category,
        in_touch,
        _covering(histories.activity, on),
        _covering(histories.accommodation, on),
    )


def histories_by_person(person_ids: Iterable[int]) -> dict[int, Histories]:
    """The OC3 histories of these young people (four queries)."""
    ids = list(person_ids)
    found: dict[int, Histories] = defaultdict(Histories)
    for pid, on, code in InTouchRecord.objects.filter(person_id__in=ids).values_list(
        "person_id", "on", "code"
    ):
        found[pid].in_touch.append((on, code))
    for pid, on in AdviserContact.objects.filter(person_id__in=ids, child_seen=True).values_list(
        "person_id", "visited_on"
    ):
        found[pid].contacts.append(on)
    for pid, start, end, code in ActivityPeriod.objects.filter(person_id__in=ids).values_list(
        "person_id", "start_date", "end_date", "activity"
    ):
        found[pid].activity.append((start, end, code))
    for pid, start, end, kind, ok in AccommodationPeriod.objects.filter(
        person_id__in=ids
    ).values_list("person_id", "start_date", "end_date", "accommodation", "suitable"):
        found[pid].accommodation.append((start, end, f"{kind}{1 if ok else 2}"))
    return found


@dataclass(frozen=True)
class Record:
    eligibility: Eligibility
    adviser: AdviserAllocation | None
    advisers: list[AdviserAllocation]
    assessments: list[NeedsAssessment]
    assessment_due: datetime.date | None
    plan: PathwayPlan | None
    plans: list[PathwayPlan]
    actions: list[PlanAction]
    reviews: list[PlanReview]
    review_due: datetime.date | None
    contacts: list[AdviserContact]
    contact_due: timescales.Due | None
    accommodation: list[AccommodationPeriod]
    activity: list[ActivityPeriod]
    staying_put: list[StayingPut]
    in_touch: list[InTouchRecord]
    support: SupportTo25 | None
    health: list[HealthDetail]
    oc3: list[OC3]


def next_review_due(plan: PathwayPlan | None, reviews: list[PlanReview]) -> datetime.date | None:
    if plan is None:
        return None
    last = max([plan.agreed_on, *(r.held_on for r in reviews if r.plan_id == plan.pk)])
    return timescales.plan_review_due(last)


def contact_due_for(
    adviser: AdviserAllocation | None,
    contacts: list[datetime.date],
    moves: list[datetime.date],
    review_due: datetime.date | None,
    last_review: datetime.date | None,
) -> timescales.Due | None:
    if adviser is None:
        return None
    last = max(contacts) if contacts else None
    # Before each review: unless there has been a contact since the last review (or plan).
    before_review = review_due if last is None or (last_review and last < last_review) else None
    return timescales.contact_due(
        allocated_on=adviser.start_date, last_contact=last, moves=moves, review_due=before_review
    )


def leaving_care_record(*, person: Any) -> Record:
    """Everything on the "Leaving care" tab (a fixed number of queries)."""
    spans = spans_for(person)
    support = support_to_25(person)
    today = timezone.localdate()
    result = category_on(person.date_of_birth, spans, today, support_to_25=support is not None)
    advisers = list(
        AdviserAllocation.objects.filter(person=person)
        .select_related("adviser")
        .order_by("start_date")
    )
    adviser = next((a for a in advisers if a.end_date is None), None)
    assessments = list(NeedsAssessment.objects.filter(person=person))
    assessment_due = None
    if not assessments and result.entitled:
        became = became_eligible_on(person.date_of_birth, spans)
        if became is not None:
            assessment_due = timescales.needs_assessment_due(became)
    plans = list(PathwayPlan.objects.filter(person=person))
    plan = plans[-1] if plans else None
    actions = list(PlanAction.objects.filter(plan=plan)) if plan else []
    reviews = list(PlanReview.objects.filter(person=person))
    review_due = next_review_due(plan, reviews) if result.entitled else None
    contacts = list(
        AdviserContact.objects.filter(person=person)
        .select_related("adviser", "case_note__note")
        .order_by("visited_on")
    )
    accommodation = list(AccommodationPeriod.objects.filter(person=person))
    last_review = max(
        [r.held_on for r in reviews] + ([plan.agreed_on] if plan else []), default=None
    )
    due = contact_due_for(
        adviser if result.entitled else None,
        [c.visited_on for c in contacts],
        [a.start_date for a in accommodation[1:]],
        review_due,
        last_review,
    )
    activity = list(ActivityPeriod.objects.filter(person=person))
    in_touch = list(InTouchRecord.objects.filter(person=person))
    histories = Histories(
        in_touch=[(r.on, r.code) for r in in_touch],
        contacts=[c.visited_on for c in contacts if c.child_seen],
        activity=[(a.start_date, a.end_date, a.activity) for a in activity],
        accommodation=[(a.start_date, a.end_date, a.code) for a in accommodation],
    )
    oc3 = []
    if person.date_of_birth is not None:
        for age in OC3_AGES:
            if birthday(person.date_of_birth, age) <= today:
                oc3.append(oc3_at(person.date_of_birth, spans, age, histories, support is not None))
    return Record(
        eligibility=result,
        adviser=adviser,
        advisers=advisers,
        assessments=assessments,
        assessment_due=assessment_due,
        plan=plan,
        plans=plans,
        actions=actions,
        reviews=reviews,
        review_due=review_due,
        contacts=contacts,
        contact_due=due,
        accommodation=accommodation,
        activity=activity,
        staying_put=list(StayingPut.objects.filter(person=person)),
        in_touch=in_touch,
        support=support,
        health=list(HealthDetail.objects.filter(person=person)),
        oc3=oc3,
    )


def caseload_q(user: Any) -> Q:
    """The young people ``user`` is the personal adviser of now."""
    return Q(
        pk__in=AdviserAllocation.objects.filter(adviser=user, end_date__isnull=True).values(
            "person_id"
        )
    )


# -- what is due, for "my work", the manager's view and the caseload (a fixed number of queries) --


@dataclass(frozen=True)
class DueRow:
    person_id: int
    name: str
    born: datetime.date | None
    eligibility: Eligibility
    adviser_name: str
    adviser_from: datetime.date | None
    last_contact: datetime.date | None
    assessment_due: datetime.date | None  # while none is recorded
    review_due: datetime.date | None
    contact_due: timescales.Due | None


def _latest(model: Any, field: str, **where: Any) -> Any:
    from django.db.models import OuterRef, Subquery

    return Subquery(
        model.objects.filter(person=OuterRef("pk"), **where).order_by(f"-{field}").values(field)[:1]
    )


def due_rows(people: Q, today: datetime.date | None = None) -> list[DueRow]:
    """For the young people ``people`` (a filter on Person) aged 15 to 25 who have been looked
    after: their category and what is due (five queries whatever their number)."""
    from django.db.models import CharField, Exists, OuterRef, Subquery, Value
    from django.db.models.functions import Concat

    from haven.care.models import CarePeriod
    from haven.people.models import Person

    today = today or timezone.localdate()
    youngest, oldest = add_calendar_months(today, -15 * 12), add_calendar_months(today, -25 * 12)
    open_adviser = AdviserAllocation.objects.filter(
        Q(end_date__isnull=True) | Q(end_date__gt=today),
        person=OuterRef("pk"),
        start_date__lte=today,
    )
    rows = list(
        Person.objects.filter(
            people,
            Exists(CarePeriod.objects.filter(person=OuterRef("pk"))),
            date_of_birth__lte=youngest,
            date_of_birth__gt=oldest,
            merged_into__isnull=True,
        )
        .annotate(
            adviser_name=Subquery(
                open_adviser.annotate(
                    n=Concat(
                        "adviser__first_name",
                        Value(" "),
                        "adviser__last_name",
                        output_field=CharField(),
                    )
                ).values("n")[:1]
            ),
            adviser_from=Subquery(open_adviser.values("start_date")[:1]),
            last_contact=_latest(AdviserContact, "visited_on", visited_on__lte=today),
            plan_agreed=_latest(PathwayPlan, "agreed_on", agreed_on__lte=today),
            last_review=_latest(PlanReview, "held_on", held_on__lte=today),
            assessed=Exists(
                NeedsAssessment.objects.filter(person=OuterRef("pk"), completed_on__lte=today)
            ),
        )
        .values(
            "pk",
            "given_names",
            "family_name",
            "date_of_birth",
            "adviser_name",
            "adviser_from",
            "last_contact",
            "plan_agreed",
            "last_review",
            "assessed",
        )
        .order_by("family_name", "given_names", "pk")
    )
    ids = [r["pk"] for r in rows]
    spans = spans_by_person(ids)
    supported = supported_from(ids)
    moves: dict[int, list[datetime.date]] = defaultdict(list)
    for pid, start in (
        AccommodationPeriod.objects.filter(person_id__in=ids, start_date__lte=today)
        .order_by("person_id", "start_date")
        .values_list("person_id", "start_date")
    ):
        moves[pid].append(start)
    found = []
    for r in rows:
        pid, born = r["pk"], r["date_of_birth"]
        result = category_on(
            born, spans.get(pid, []), today, support_to_25=supported.get(pid, NEVER) <= today
        )
        assessment_due = review_due = contact = None
        if result.entitled:
            if not r["assessed"] and result.category != Category.FORMER_RELEVANT:
                became = became_eligible_on(born, spans.get(pid, []))
                if became is not None:
                    assessment_due = timescales.needs_assessment_due(became)
            plan_agreed, last_review = r["plan_agreed"], r["last_review"]
            if plan_agreed is not None:
                review_due = timescales.plan_review_due(
                    max(plan_agreed, last_review or plan_agreed)
                )
            if r["adviser_from"] is not None:
                last = r["last_contact"]
                since_review = max(plan_agreed, last_review or plan_agreed) if plan_agreed else None
                contact = timescales.contact_due(
                    allocated_on=r["adviser_from"],
                    last_contact=last,
                    moves=moves.get(pid, [])[1:],
                    review_due=review_due
                    if review_due and (last is None or (since_review and last < since_review))
                    else None,
                )
        found.append(
            DueRow(
                person_id=pid,
                name=f"{r['given_names']} {r['family_name']}",
                born=born,
                eligibility=result,
                adviser_name=r["adviser_name"] or "",
                adviser_from=r["adviser_from"],
                last_contact=r["last_contact"],
                assessment_due=assessment_due,
                review_due=review_due,
                contact_due=contact,
            )
        )
    return found


def caseload(*, user: Any, request: Any = None) -> list[DueRow]:
    """The young people ``user`` is personal adviser of (and may see), each listed in the
    access log."""
    from haven.core.services import access_log_listed
    from haven.people.access import visible_q

    rows = due_rows(caseload_q(user) & visible_q(user))
    access_log_listed(
        user=user,
        person_ids=[r.person_id for r in rows],
        request=request,
        detail="Personal adviser's caseload",
    )
    return rows
