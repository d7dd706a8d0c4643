"""Referrals and assessments of a synthetic county, target-driven.

For each collection year the scenario's number of authorisations is spread over that year's
working days, and each is given a duration from start to authorisation (on time or late in the
scenario's proportion), so the start date and then the referral date follow. Each referral is
then given to a child whose contact was decided on that day (preferring, in the scenario's
proportion, a child referred in the last 12 months, never a child whose previous referral is
still open). The child protection and child in need pathway (``haven.synthetic.protection``) is
decided as each referral is given. Figures are afterwards *computed* from these records.
"""

from __future__ import annotations

import datetime
import heapq
from typing import TYPE_CHECKING, Any

from haven.assessments.models import Assessment, AssessmentOutcome
from haven.chronology.models import ChronologyEvent
from haven.core.calendar import LONDON, add_calendar_months, rule
from haven.frontdoor.models import PrimaryNeed, Referral
from haven.people.models import Allocation
from haven.synthetic.helpers import DAY, YEAR_DAYS
from haven.synthetic.protection import TABLES as PROTECTION_TABLES
from haven.synthetic.protection import Pathway, Pathways
from haven.synthetic.scenario import Buckets, Choice

if TYPE_CHECKING:
    from haven.synthetic.generator import Generator

TABLES = (Assessment, Referral, Allocation)

# (contact child, referral date, (start, authorised, duration) or None, re-referral, outcome,
#  closure date, closure reason, strategy discussion at the contact, pathway)
_Spec = tuple[
    int,
    datetime.date,
    tuple[Any, ...] | None,
    bool,
    str,
    datetime.date | None,
    str,
    bool,
    Pathway | None,
]


def build(g: Generator) -> None:
    """Referrals and their assessments, given to children decided at the front door that day;
    the protection pathway of each is decided (and its rows written) as it is given."""
    rng, s, cal = g.rng, g.s, g.cal
    a = s.section("assessments")
    month_w = a["month_weights"]
    on_time = s.buckets("assessments", "on_time_working_days")
    late = s.buckets("assessments", "late_working_days")
    lag = s.choice("assessments", "start_lag_working_days")
    nfa_share = float(s.get("referrals", "nfa_share"))
    re_pref = float(s.get("referrals", "re_referral_preference"))
    together = float(s.section("referrals").get("siblings_together", 0.0))

    # Slots: (referral date, order, assessment spec or None for a referral NFA).
    slots: list[tuple[datetime.date, float, tuple[Any, ...] | None]] = []
    tail = g.end_year + 1
    for year in [*g.generated_years, tail]:
        n = round(s.per_year("assessments", "authorised", year))
        share = s.per_year("assessments", "within_45_share", year)
        until = datetime.date(year, 3, 31)
        dates = g.spread(n, year, month_w, None, working_only=True, until=until)
        k = round(len(dates) * share)
        flags = [True] * k + [False] * (len(dates) - k)
        rng.shuffle(flags)
        for auth, timely in zip(dates, flags, strict=True):
            duration = (on_time if timely else late).draw_int(rng)
            start = cal.add_working_days(auth, -duration)
            referral = cal.add_working_days(start, -lag.draw_int(rng))
            if referral < g.window_start or start > g.horizon_date:
                continue
            slots.append((referral, rng.random(), (start, auth, duration)))
        if year != tail and nfa_share > 0:
            for day in g.spread(
                n * nfa_share / (1 - nfa_share),
                year,
                month_w,
                None,
                working_only=True,
                until=g.horizon_date,
            ):
                slots.append((day, rng.random(), None))
    # A referral finding no child decided that day waits for the next working day's
    # contacts (a few times at most): its assessment then starts no earlier than it.
    heap = [(day, order, 0, spec) for day, order, spec in slots]
    heapq.heapify(heap)
    carry_days = int(g.s.section("referrals").get("carry_working_days", 5))

    open_until: dict[int, datetime.date] = {}
    last_referral: dict[int, datetime.date] = {}
    assigned = bytearray(len(g.cc_person))
    specs: list[_Spec] = []
    outcomes = s.choice("assessments", "outcome")
    episode = s.buckets("referrals", "episode_days_after_assessment")
    g.pathways = Pathways(g)
    sd_share = float(s.get("front_door", "strategy_discussion_share"))
    dropped = 0
    while heap:
        day = heap[0][0]
        todays = []
        while heap and heap[0][0] == day:
            todays.append(heapq.heappop(heap))
        window = add_calendar_months(day, -12)
        cands = list(g.candidates.get(day, ()))
        rng.shuffle(cands)
        recent = [
            c for c in cands if last_referral.get(g.cc_person[c], datetime.date.min) >= window
        ]
        others = [c for c in cands if last_referral.get(g.cc_person[c], datetime.date.min) < window]
        queue: list[int] = []  # siblings waiting for the next slots today

        def ok(cc: int) -> bool:
            if assigned[cc]:
                return False
            until = open_until.get(g.cc_person[cc])
            return until is None or until < day  # noqa: B023

        def take(pool: list[int]) -> int | None:
            while pool:
                cc = pool.pop()
                if ok(cc):
                    return cc
            return None

        for _, order, tries, spec in todays:
            cc: int | None = None
            while queue and cc is None:
                cand = queue.pop(0)
                cc = cand if ok(cand) else None
            if cc is None:
                first, second = (recent, others) if rng.random() < re_pref else (others, recent)
                cc = take(first)
                if cc is None:
                    cc = take(second)
            if cc is None:
                later = cal.next_working_day(day)
                moved = spec
                if spec is not None:
                    start, auth, _ = spec
                    start = max(start, later)
                    moved = (start, auth, cal.working_days_between(start, auth))
                if (
                    tries >= carry_days
                    or later > g.horizon_date
                    or (moved is not None and moved[0] > min(moved[1], g.horizon_date))
                ):
                    dropped += 1
                else:
                    heapq.heappush(heap, (later, order, tries + 1, moved))
                continue
            assigned[cc] = 1
            person = g.cc_person[cc]
            is_re = last_referral.get(person, datetime.date.min) >= window
            contact_sd = g.pathways.contact_strategy(person, rng.random() < sd_share)
            result, closure, reason, path = _outcome_and_closure(
                g, outcomes, episode, day, spec, person, contact_sd
            )
            open_until[person] = closure if closure is not None else datetime.date.max
            last_referral[person] = day
            specs.append((cc, day, spec, is_re, result, closure, reason, contact_sd, path))
            if rng.random() < together:
                siblings = g.c_children[g.cc_contact[cc] - 1]
                queue.extend(x for x in siblings if x != cc and not assigned[x])
    g.report.dropped_referrals = dropped
    _rows(g, specs)


def _outcome_and_closure(
    g: Generator,
    outcomes: Choice,
    episode: Buckets,
    day: datetime.date,
    spec: tuple[Any, ...] | None,
    person: int,
    contact_sd: bool,
) -> tuple[str, datetime.date | None, str, Pathway | None]:
    """The assessment's outcome, the child protection and child in need pathway, and when
    (and why) the referral closes: it stays open while its assessment, S47 enquiry or plans
    are open, and for a while after one that leads to a plan."""
    if spec is None:
        return "", day, "RC7", None
    _, auth, _ = spec
    outcome = outcomes.draw(g.rng)
    path, closure, reason = g.pathways.decide(
        person=person, day=day, auth=auth, outcome=outcome, contact_sd=contact_sd
    )
    if reason != "default":
        return outcome, closure, reason, path
    if auth > g.horizon_date:
        return outcome, None, "", None
    if outcome == "nfa":
        return outcome, auth, "RC8", None
    if outcome == "early_help":
        return outcome, auth, "RC9", None
    closure = auth + DAY * episode.draw_int(g.rng)
    if closure > g.horizon_date:
        return outcome, None, "", None
    return outcome, closure, "RC7", None


def _rows(g: Generator, specs: list[_Spec]) -> None:
    rng, s, cal = g.rng, g.s, g.cal
    primary = s.choice("referrals", "primary_need")
    seen = s.buckets("assessments", "child_seen_working_days")
    alone_share = float(s.get("assessments", "seen_alone_share_over_5"))
    submitted_before = s.choice("assessments", "submitted_working_days_before")
    awaiting_wd = int(s.get("assessments", "awaiting_authorisation_working_days"))
    factors = s.choice("assessments", "factors")
    factors_n = s.choice("assessments", "factors_per_assessment")
    due_rule = rule("assessment")
    outcome_label = {o.value: o.label for o in AssessmentOutcome}
    referrals = g.table(Referral)
    assessments = g.table(Assessment)
    allocations = g.table(Allocation)
    g.ref_events = []
    g.assessment_events = []
    created = g.created
    area_of = {kid: g.family_area[f] for f, kids in enumerate(g.family_children) for kid in kids}
    for cc, day, spec, is_re, result, closure, reason, contact_sd, path in specs:
        contact = g.c_rows[g.cc_contact[cc] - 1]
        person = g.cc_person[cc]
        team = g.area_team[g.area_names[area_of[person]]]
        worker = team["worker_choice"].draw(rng)
        manager = rng.choice(team["authorisers"])
        rid = len(referrals) + 1
        authorised_at = g.cc_authorised[cc]
        outcome = "strategy_discussion" if contact_sd and spec is not None else "referral"
        g.cc_outcome[cc] = outcome
        g.cc_level[cc] = 4 if outcome == "strategy_discussion" else 3
        need = primary.draw(rng)
        nfa = spec is None
        if spec is not None:
            start, auth, duration = spec
            authorised = auth <= g.horizon_date
            aid = len(assessments) + 1
            due = due_rule.due_date(day)
            seen_on = cal.add_working_days(start, seen.draw_int(rng))
            if authorised:
                seen_on = min(seen_on, auth)
            dob = g.dob[person]
            over_5 = dob is not None and (start - dob).days > 5 * YEAR_DAYS
            if seen_on > g.horizon_date:
                seen_on_v, alone = None, None
            else:
                seen_on_v, alone = seen_on, over_5 and rng.random() < alone_share
            chosen: list[str] = []
            # "21" (no factors identified) only where the episode then closes as "no
            # further action after assessment" (rule 8873Q).
            if result == "nfa" and reason == "RC8" and rng.random() < 0.3:
                chosen = ["21"]
            else:
                for _ in range(factors_n.draw_int(rng)):
                    f = factors.draw(rng)
                    if f not in chosen:
                        chosen.append(f)
            if authorised:
                status = "authorised"
                sub_day = max(start, cal.add_working_days(auth, -submitted_before.draw_int(rng)))
                submitted_at = datetime.datetime.combine(
                    sub_day,
                    datetime.time(rng.randint(9, 16), rng.randint(0, 59)),
                    tzinfo=LONDON,
                )
                row_outcome = result
                comments = f"Agreed: {outcome_label[result].lower()}."
                overdue = (
                    "Delays in gathering information from partner agencies."
                    if duration > 45
                    else ""
                )
                auth_v, auth_by, sub_by = auth, manager, worker
            elif cal.working_days_between(g.horizon_date, auth) <= awaiting_wd:
                status = "submitted"
                submitted_at = min(
                    g.horizon,
                    datetime.datetime.combine(g.horizon_date, datetime.time(10, 0), tzinfo=LONDON),
                )
                row_outcome, comments, overdue = result, "", ""
                auth_v, auth_by, sub_by = None, None, worker
            else:
                status, submitted_at, sub_by = "in_progress", None, None
                row_outcome, comments, overdue, auth_v, auth_by = "", "", "", None, None
            assessments.add(
                id=aid,
                created_at=created,
                updated_at=created,
                version=1,
                referral_id=rid,
                person_id=person,
                worker_id=worker,
                team_id=team["id"],
                start_date=start,
                due_date=due,
                due_rule="assessment",
                child_seen_on=seen_on_v,
                seen_alone=alone,
                factors=chosen,
                internal_review_date=None,
                analysis="",
                outcome=row_outcome,
                # The worker records the primary need with the assessment they submit.
                primary_need=need if status != "in_progress" else "",
                status=status,
                submitted_at=submitted_at,
                submitted_by_id=sub_by,
                authorised_on=auth_v,
                authorised_by_id=auth_by,
                manager_comments=comments,
                overdue_reason=overdue,
            )
            g.assessment_events.append(
                (
                    person,
                    aid,
                    start,
                    due,
                    worker,
                    auth if authorised else None,
                    result,
                    comments,
                    manager,
                )
            )
        referrals.add(
            id=rid,
            created_at=authorised_at or created,
            updated_at=authorised_at or created,
            version=1,
            person_id=person,
            contact_child_id=cc + 1,
            referral_date=day,
            source=contact["source"],
            primary_need=need,
            no_further_action=nfa,
            is_re_referral=is_re,
            team_id=team["id"],
            closure_date=closure,
            closure_reason=reason,
            created_by_id=contact["authorised_by"],
        )
        if path is None:
            allocations.add(
                id=len(allocations) + 1,
                person_id=person,
                team_id=team["id"],
                worker_id=worker,
                start_date=day,
                end_date=closure,
                allocated_by_id=manager,
            )
        else:
            g.pathways.emit(
                path,
                rid=rid,
                person=person,
                worker=worker,
                team=team,
                day=day,
                closure=closure,
                manager=manager,
            )
        if closure is not None:
            g.pathways.closure_event(person, rid, closure, reason, worker)
        g.ref_events.append((person, day, is_re, need, contact["authorised_by"], rid))
    for model in PROTECTION_TABLES:
        g.report.counts[str(model._meta.model_name)] = len(g.table(model))
    g.report.counts["referrals"] = len(referrals)
    g.report.counts["assessments"] = len(assessments)
    g.report.counts["allocations"] = len(allocations)


def chronology(g: Generator) -> None:
    """The referrals' and assessments' chronology entries, worded as the application's own."""
    from haven.assessments import events as assessment_events
    from haven.frontdoor import events as fd_events

    events = g.table(ChronologyEvent)
    need_label = {p.value: p.label for p in PrimaryNeed}
    for person, day, is_re, need, by, rid in g.ref_events:
        events.add(
            person_id=person,
            occurred_on=day,
            kind="referral",
            summary=fd_events.REFERRAL_OPENED.text(re_referral=is_re),
            detail=f"Primary need: {need_label[need]}",
            source_type="frontdoor.referral",
            source_id=rid,
            recorded_by_id=by,
            recorded_at=_at(day),
        )
    for person, aid, start, due, worker, auth, result, comments, manager in g.assessment_events:
        events.add(
            person_id=person,
            occurred_on=start,
            kind="assessment",
            summary=assessment_events.ASSESSMENT_STARTED.text(due=due.isoformat()),
            detail="",
            source_type="assessments.assessment",
            source_id=aid,
            recorded_by_id=worker,
            recorded_at=_at(start),
        )
        if auth is not None:
            events.add(
                person_id=person,
                occurred_on=auth,
                kind="assessment",
                summary=assessment_events.AUTHORISED.text(outcome=result),
                detail=comments,
                source_type="assessments.assessment",
                source_id=aid,
                recorded_by_id=manager,
                recorded_at=_at(auth),
            )


def _at(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(17, 0), tzinfo=LONDON)
