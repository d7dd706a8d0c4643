"""Care leavers in a synthetic county, from the looked-after pathway (``haven.synthetic.care``):
for each young person who, by their care history, became eligible (13 weeks looked after since
14, some of it at 16 or over), a personal adviser from 16 (or when they became eligible), the
needs assessment, a pathway plan with its reviews, and after leaving care where they live, what
they do and whether the council is in touch around each birthday from 17 to 21; staying put for
those who stayed with their carers at 18 (E17); support to 25 for some.

Eligibility is worked out by ``haven.leavingcare.eligibility`` from the same spans the care
part wrote (short breaks left out), never drawn. A random stream of its own, so the rest of the
county is the same with or without this part. Scenario parameters in ``[leavingcare]``:
``support_to_25_share`` and ``former_uasc_support_to_25_share`` (former relevant care leavers
who ask for support after 21), ``support_to_25_from`` (the first day anyone asks: the offer to
all care leavers began on 1 April 2018, Children and Social Work Act 2017; of those already 21
then, ``support_to_25_at_once_share`` ask in the weeks after and the rest within
``support_to_25_later_days``), ``in_touch_share``, ``eet_share``, ``suitable_share``, and the personal adviser's contacts:
``contact_on_time_share`` (made by the day the next is due: 8 weeks, or 7 days after a move)
and ``contact_seen_share``."""

from __future__ import annotations

import datetime
import json
import random
from typing import TYPE_CHECKING, Any

from haven.chronology.models import ChronologyEvent
from haven.core.calendar import LONDON, add_calendar_months
from haven.leavingcare import codes, timescales
from haven.leavingcare.eligibility import (
    ENTITLED,
    became_eligible_on,
    birthday,
    category_on,
)
from haven.leavingcare.models import (
    AccommodationPeriod,
    ActivityPeriod,
    AdviserAllocation,
    AdviserContact,
    InTouchRecord,
    NeedsAssessment,
    PathwayPlan,
    PlanReview,
    StayingPut,
    SupportTo25,
)

if TYPE_CHECKING:
    from haven.synthetic.generator import Generator

TABLES = (
    AdviserAllocation,
    AdviserContact,
    NeedsAssessment,
    PathwayPlan,
    PlanReview,
    AccommodationPeriod,
    ActivityPeriod,
    StayingPut,
    InTouchRecord,
    SupportTo25,
)

DAY = datetime.timedelta(days=1)
SHORT_BREAKS = ("V3", "V4")
DEFAULTS = {
    "support_to_25_share": 0.3,
    "former_uasc_support_to_25_share": 0.6,
    "support_to_25_from": "2018-04-01",
    "support_to_25_at_once_share": 1.0,
    "support_to_25_later_days": 450,
    "in_touch_share": 0.9,
    "eet_share": 0.55,
    "suitable_share": 0.85,
    "contact_on_time_share": 0.85,
    "contact_seen_share": 0.85,
}
PLAN_TEXT = {
    "accommodation": "Stay where you are until you are ready to move on; look at supported "
    "lodgings together.",
    "education_employment": "Keep going with college; your adviser will help with applications.",
    "health": "Register with a GP near where you live and keep your dental checks.",
    "money": "Open a bank account and make a budget together.",
    "relationships": "Keep in touch with your family and friends in the way you want.",
    "identity": "Get your birth certificate and an ID card.",
    "practical_skills": "Learn to cook, shop and pay bills.",
}
EET = list(codes.EET)
NEET = ["G4", "G5", "G6"]
SUITABLE = ["D", "E", "U", "Z", "B", "K", "T"]
UNSUITABLE = ["S", "V", "W", "U", "D"]


def _at(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(16, 0), tzinfo=LONDON)


def build(g: Generator) -> None:
    periods = getattr(g, "care_periods", None)
    if not periods:
        return
    rng = random.Random(f"{g.report.seed}-leavingcare")
    # The contacts draw from a stream of their own: the rest of leaving care stays as it was.
    contact_rng = random.Random(f"{g.report.seed}-leavingcare-contacts")
    p = {**DEFAULTS, **g.s.data.get("leavingcare", {})}
    horizon = g.horizon_date
    offered_from = datetime.date.fromisoformat(str(p["support_to_25_from"]))
    team = next((t for t in g.teams.values() if t["kind"] == "leaving_care"), None)
    advisers: list[int] = (team or {}).get("workers") or []
    if not advisers:
        return
    by_person: dict[int, list[Any]] = {}
    for period in periods:
        by_person.setdefault(period.person, []).append(period)
    ids = {m: 0 for m in TABLES}
    entries: list[tuple[str, int, datetime.date, str, int, int, dict[str, Any]]] = []
    g.leaving_care_entries = entries

    def next_id(model: Any) -> int:
        ids[model] += 1
        return ids[model]

    def add(model: Any, **values: Any) -> int:
        pk = next_id(model)
        g.table(model).add(id=pk, **values)
        return pk

    for person in sorted(by_person):
        born = g.dob[person]
        if born is None:
            continue
        mine = by_person[person]
        spans = [
            (pd.start, pd.end)
            for pd in mine
            if not all(code in SHORT_BREAKS for code in pd.statuses.values())
        ]
        became = became_eligible_on(born, spans)
        if became is None or became > horizon:
            continue
        uasc = any(pd.uasc for pd in mine)
        adviser = advisers[rng.randrange(len(advisers))]
        at_16, at_21 = birthday(born, 16), birthday(born, 21)
        supported = rng.random() < float(
            p["former_uasc_support_to_25_share"] if uasc else p["support_to_25_share"]
        )
        ends_on = birthday(born, 25) if supported else at_21
        left = max((pd.end for pd in mine if pd.end is not None), default=None)
        if any(pd.end is None for pd in mine):
            left = None
        # Support to 25 is asked for before 21, and only by a former relevant care leaver.
        asked = at_21 - DAY * rng.randint(10, 120)
        if asked < offered_from:  # already 21 when the offer began: most ask at once
            at_once = float(p["support_to_25_at_once_share"])
            later = at_once < 1 and rng.random() >= at_once
            asked = offered_from + DAY * (
                rng.randint(21, int(p["support_to_25_later_days"])) if later else rng.randint(0, 20)
            )
        if supported and (
            asked > horizon
            or category_on(born, spans, asked, support_to_25=True).category != "former_relevant"
        ):
            supported, ends_on = False, at_21
        start = max(became, at_16 - DAY * rng.randint(0, 60))
        end = ends_on if ends_on <= horizon else None
        add(
            AdviserAllocation,
            person_id=person,
            adviser_id=adviser,
            start_date=start,
            end_date=end,
            allocated_by_id=None,
        )
        if supported:
            sid = add(SupportTo25, person_id=person, requested_on=asked, recorded_by_id=adviser)
            entries.append(
                (
                    "SUPPORT_TO_25_REQUESTED",
                    person,
                    asked,
                    "leavingcare.supportto25",
                    sid,
                    adviser,
                    {},
                )
            )
        assessed = became + DAY * rng.randint(20, 100)
        if assessed <= horizon:
            add(
                NeedsAssessment,
                person_id=person,
                completed_on=assessed,
                due_date=add_calendar_months(became, 3),
                summary="Needs help to get ready to live independently.",
                recorded_by_id=adviser,
            )
        agreed = assessed + DAY * rng.randint(10, 45)
        if agreed <= horizon and category_on(born, spans, agreed).category in ENTITLED:
            plan = add(
                PathwayPlan,
                person_id=person,
                created_at=g.created,
                updated_at=g.created,
                version=1,
                agreed_on=agreed,
                recorded_by_id=adviser,
                **PLAN_TEXT,
            )
            entries.append(
                (
                    "PATHWAY_PLAN_AGREED",
                    person,
                    agreed,
                    "leavingcare.pathwayplan",
                    plan,
                    adviser,
                    {},
                )
            )
            last = agreed
            while True:
                due = add_calendar_months(last, 6)
                held = due - DAY * rng.randint(-25, 40)
                if held > horizon or held >= ends_on:
                    break
                if category_on(born, spans, held, support_to_25=supported).category not in ENTITLED:
                    break
                add(
                    PlanReview,
                    plan_id=plan,
                    person_id=person,
                    held_on=held,
                    due_date=due,
                    summary="The plan was reviewed with the young person.",
                    recorded_by_id=adviser,
                )
                last = held
        moves: list[datetime.date] = []
        if left is not None and left <= horizon:
            moves = _after_care(
                add, entries, rng, p, person, born, adviser, mine, left, ends_on, horizon
            )
        _contacts(add, contact_rng, p, person, adviser, start, min(end or horizon, horizon), moves)
    g.report.counts["care leavers"] = ids[AdviserAllocation]


def _after_care(
    add: Any,
    entries: list[Any],
    rng: random.Random,
    p: dict[str, Any],
    person: int,
    born: datetime.date,
    adviser: int,
    mine: list[Any],
    left: datetime.date,
    ends_on: datetime.date,
    horizon: datetime.date,
) -> list[datetime.date]:
    """Where a care leaver lives and what they do after care, staying put and in touch around
    each birthday; returns the days they moved (each wants a contact within 7 days)."""
    at_16, at_18, at_21 = birthday(born, 16), birthday(born, 18), birthday(born, 21)
    moves: list[datetime.date] = []
    # After care: where they live and what they do, changing now and then.
    staying = next((pd for pd in mine if pd.end == left and pd.reason == "E17"), None)
    day = left
    if staying is not None and left >= at_18:
        until = min(at_21, left + DAY * rng.randint(200, 900))
        staying_id = add(
            StayingPut,
            person_id=person,
            start_date=left,
            end_date=until if until <= horizon else None,
            carer_name="Former foster carers",
            recorded_by_id=adviser,
        )
        entries.append(
            (
                "STAYING_PUT_STARTED",
                person,
                left,
                "leavingcare.stayingput",
                staying_id,
                adviser,
                {"carer": "Former foster carers"},
            )
        )
    stop = min(ends_on, horizon)
    first = True
    while day < stop:
        length = DAY * rng.randint(150, 700)
        upto = day + length
        closed = upto if upto <= horizon and upto < ends_on else None
        if first and staying is not None:
            kind, ok = "Z", True
        elif rng.random() < float(p["suitable_share"]):
            kind, ok = rng.choice(SUITABLE), True
            if kind == "Z" and day < at_18:
                # Living with former foster carers is staying put, from 18 (the DfE's rule
                # 3001): before then, supported accommodation.
                kind = "D"
        else:
            kind, ok = rng.choice(UNSUITABLE), False
        if not first:
            moves.append(max(day, at_16))
        add(
            AccommodationPeriod,
            person_id=person,
            start_date=max(day, at_16),
            end_date=closed,
            accommodation=kind,
            suitable=ok,
            recorded_by_id=adviser,
        )
        activity = rng.choice(EET) if rng.random() < float(p["eet_share"]) else rng.choice(NEET)
        add(
            ActivityPeriod,
            person_id=person,
            start_date=max(day, at_16),
            end_date=closed,
            activity=activity,
            recorded_by_id=adviser,
        )
        first = False
        if closed is None:
            break
        day = closed
    for age in (17, 18, 19, 20, 21):
        on = birthday(born, age)
        if on < left or on > horizon:
            continue
        seen = on - DAY * rng.randint(0, 80)
        code = (
            "YES" if rng.random() < float(p["in_touch_share"]) else rng.choice(["NO", "REFU", "NO"])
        )
        add(InTouchRecord, person_id=person, on=seen, code=code, recorded_by_id=adviser)
    return moves


def _contacts(
    add: Any,
    rng: random.Random,
    p: dict[str, Any],
    person: int,
    adviser: int,
    allocated: datetime.date,
    until: datetime.date,
    moves: list[datetime.date],
) -> None:
    """The personal adviser's contacts from the allocation to ``until``: most by the day the
    next is due (``timescales.contact_due``: the weeks a setting gives, or 7 days after a
    move), the rest late; most see the young person."""
    on_time, seen_share = float(p["contact_on_time_share"]), float(p["contact_seen_share"])
    last: datetime.date | None = None
    while True:
        since = last or allocated
        due = timescales.contact_due(allocated_on=allocated, last_contact=last, moves=moves).date
        gap = max((due - since).days, 1)
        if rng.random() < on_time:
            day = since + DAY * rng.randint(max(gap // 2, 1), gap)
        else:
            day = due + DAY * rng.randint(1, 35)
        if day > until:
            return
        seen = rng.random() < seen_share
        add(
            AdviserContact,
            person_id=person,
            adviser_id=adviser,
            visited_on=day,
            child_seen=seen,
            seen_alone=seen and rng.random() < 0.7,
            due_date=due,
            case_note_id=None,
        )
        last = day


def chronology(g: Generator) -> None:
    from haven.leavingcare import events

    table = g.table(ChronologyEvent)
    for name, person, day, source, sid, by, params in getattr(g, "leaving_care_entries", []):
        etype = getattr(events, name)
        table.add(
            person_id=person,
            occurred_on=day,
            kind=etype.kind,
            summary=etype.text(**params),
            detail="",
            event=etype.name,
            params=json.dumps(params),
            source_type=source,
            source_id=sid,
            recorded_by_id=by,
            recorded_at=_at(day),
        )
