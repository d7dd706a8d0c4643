"""The child protection and child in need pathway of a synthetic county.

Two steps, so that a child's episode stays open exactly as long as its work does:

1. ``Pathways.decide`` runs while referrals are given to children, in order of time. From the
   referral (and its assessment) it decides, by the scenario's ``[protection]`` rates, the
   strategy discussion, S47 enquiry, initial conference, child protection plan (its reviews
   and how it ends), CIN plan, and so when and why the episode closes. Because a child gets no
   new referral while an episode is open, each child's plans come one after another, so the
   number of previous plans is known when a plan starts.
2. ``Pathways.emit`` turns a decided pathway into rows (ids explicit), chronology entries worded
   as ``haven.protection.services`` words them, core groups, visits and allocations.

Every date that a deadline drives comes from the working-day calendar's rules.
"""

from __future__ import annotations

import datetime
import random
from collections import defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from haven.childinneed.models import CINPlan
from haven.chronology.models import ChronologyEvent
from haven.core.calendar import LONDON, add_calendar_months, rule
from haven.people.models import Allocation
from haven.protection.models import (
    CategoryChange,
    ChildProtectionPlan,
    Conference,
    CoreGroup,
    S47Enquiry,
    StrategyDiscussion,
    Visit,
)
from haven.synthetic.scenario import Buckets, Choice, current_collection_year

if TYPE_CHECKING:
    from haven.synthetic.generator import Generator

DAY = datetime.timedelta(days=1)

TABLES = (
    StrategyDiscussion,
    S47Enquiry,
    ChildProtectionPlan,
    Conference,
    CategoryChange,
    CoreGroup,
    CINPlan,
    Visit,
)

AGENCIES = ("police", "health", "education", "probation", "housing", "youth_justice", "other")


@dataclass
class Review:
    due: datetime.date
    due_rule: str
    held: datetime.date | None
    decision: str = ""
    category: str = ""


@dataclass
class Plan:
    start: datetime.date
    category: str
    end: datetime.date | None
    reason: str
    previous: int
    reviews: list[Review] = field(default_factory=list)


@dataclass
class Pathway:
    """What happened on one referral beyond its assessment."""

    sd_day: datetime.date | None = None
    sd_decision: str = ""
    s47_target: datetime.date | None = None
    s47_end: datetime.date | None = None
    s47_outcome: str = ""
    icpc_held: datetime.date | None = None
    icpc_decision: str = ""
    icpc_category: str = ""
    plan: Plan | None = None
    cin_start: datetime.date | None = None
    cin_end: datetime.date | None = None


def _age_18(dob: datetime.date | None) -> datetime.date:
    if dob is None:
        return datetime.date.max
    try:
        return dob.replace(year=dob.year + 18)
    except ValueError:  # 29 February
        return datetime.date(dob.year + 18, 3, 1)


def _at(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(17, 0), tzinfo=LONDON)


class Pathways:
    def __init__(self, gen: Generator) -> None:
        self.g = gen
        self.rng: random.Random = gen.rng
        self.cal = gen.cal
        s = gen.s
        p = s.section("protection")
        self.p = p

        def ch(key: str) -> Choice:
            return s.choice("protection", key)

        def bk(key: str) -> Buckets:
            return s.buckets("protection", key)

        self.sd_lag = ch("strategy_discussion_lag_working_days")
        self.assessment_sd_share = float(p["assessment_strategy_discussion_share"])
        self.sd_decision = ch("strategy_decision")
        self.sd_agencies = int(p.get("strategy_agencies", 3))
        self.no_conference = ch("s47_no_conference_outcome")
        self.s47_days = bk("s47_working_days_without_conference")
        self.icpc_within = float(p["icpc_within_15_share"])
        self.icpc_on_time = bk("icpc_on_time_working_days")
        self.icpc_late = bk("icpc_late_working_days")
        self.category = ch("category")
        self.plan_days = bk("plan_days")
        self.end_reason = ch("plan_end_reason")
        self.review_on_time = float(p["review_on_time_share"])
        self.review_early = bk("review_early_working_days")
        self.review_late = bk("review_late_working_days")
        self.category_change = float(p["category_change_share"])
        self.core_on_time = float(p["core_group_on_time_share"])
        self.core_early = bk("core_group_early_working_days")
        self.core_late = bk("core_group_late_working_days")
        self.visit_on_time = {
            "cp": float(p["cp_visit_on_time_share"]),
            "cin": float(p["cin_visit_on_time_share"]),
        }
        self.visit_early = bk("visit_early_working_days")
        self.visit_late = bk("visit_late_working_days")
        self.child_seen = float(p["child_seen_share"])
        self.seen_alone = float(p["seen_alone_share_over_5"])
        months = int(p.get("visit_history_months", 0))
        self.visits_from = (
            add_calendar_months(gen.horizon_date, -months) if months > 0 else datetime.date.min
        )
        self.step_down = float(p["step_down_cin_share"])
        self.no_plan_cin = float(p["no_plan_cin_share"])
        self.no_s47_cin = float(p["no_s47_cin_share"])
        self.cin_days = bk("cin_plan_days")
        self.cin_lag = ch("cin_plan_start_working_days")
        self.closure_days = bk("closure_days_after_plan")
        self.repeat_keep = float(p["repeat_within_2_years_plan_share"])
        self.previous_strategy = float(p.get("previous_plan_strategy_share", 0.0))
        self.previous_conference = float(p.get("previous_plan_conference_share", 0.0))
        self.cp_team_share = float(p.get("cp_team_share", 0.0))
        self.wd = {k: int(rule(k).amount) for k in ("icpc", "first_core_group", "cp_visit")}
        self.wd["cin_visit"] = int(rule("cin_visit").amount)
        self.months = {
            k: int(rule(k).amount)
            for k in ("first_cp_review", "later_cp_review", "later_core_group")
        }
        self.plans_of: dict[int, list[Plan]] = defaultdict(list)
        self.ids: dict[str, int] = defaultdict(int)
        # Chronology entries are worded by the services' own event types.
        from haven.childinneed import events as cin_events
        from haven.protection import events as cp_events

        self.cp_events, self.cin_events = cp_events, cin_events

    # -- step 1: decide --------------------------------------------------------------------------

    def _wd(self, day: datetime.date, n: int) -> datetime.date:
        return self.cal.add_working_days(day, n)

    def _near(
        self, due: datetime.date, on_time: float, early: Buckets, late: Buckets
    ) -> datetime.date:
        if self.rng.random() < on_time:
            back = early.draw_int(self.rng)
            if back == 0:
                return due if self.cal.is_working_day(due) else self._wd(due, -1)
            return self._wd(due, -back)
        return self._wd(due, late.draw_int(self.rng))

    def contact_strategy(self, person: int, drawn: bool) -> bool:
        """Whether the referral's contact decision is a strategy discussion: ``drawn`` (the
        front door's own share), or more often for a child who has had a plan before."""
        if drawn or not self.plans_of.get(person):
            return drawn
        return self.rng.random() < self.previous_strategy

    def decide(
        self,
        *,
        person: int,
        day: datetime.date,
        auth: datetime.date | None,
        outcome: str,
        contact_sd: bool,
    ) -> tuple[Pathway, datetime.date | None, str]:
        """The pathway of a referral made on ``day`` whose assessment is authorised on ``auth``
        (None: no assessment) with ``outcome``; and the episode's closure date and reason
        (None: open at the horizon)."""
        rng, g = self.rng, self.g
        horizon = g.horizon_date
        path = Pathway()
        if contact_sd:
            path.sd_day = self._wd(day, self.sd_lag.draw_int(rng))
        elif (
            outcome == "strategy_discussion"
            and auth is not None
            and rng.random() < self.assessment_sd_share
        ):
            path.sd_day = self._wd(auth, self.sd_lag.draw_int(rng))
        if path.sd_day is not None and path.sd_day > horizon:
            path.sd_day = None
        ends: list[datetime.date | None] = [auth if auth is not None and auth <= horizon else None]
        after: datetime.date | None = None  # when a CIN plan may start
        cin_wanted = False
        if path.sd_day is not None:
            path.sd_decision = self.sd_decision.draw(rng)
            if path.sd_decision == "start_s47":
                self._s47(path, person)
                ends.append(path.s47_end)
                plan = path.plan
                if plan is not None:
                    ends.append(plan.end)
                    if plan.end is not None:
                        after = plan.end
                        cin_wanted = (
                            plan.reason == "no_longer_at_risk" and rng.random() < self.step_down
                        )
                elif path.icpc_held is not None and path.icpc_held <= horizon:
                    ends.append(path.icpc_held)  # the episode closes after its conference
                    after = path.icpc_held
                    cin_wanted = rng.random() < self.no_plan_cin
                elif path.icpc_held is not None:
                    ends.append(None)  # the conference is still to be held
                elif path.s47_end is not None:
                    after = path.s47_end
                    cin_wanted = (
                        path.s47_outcome == "substantiated_no_icpc" or outcome == "cin_plan"
                    ) and rng.random() < self.no_plan_cin
            elif path.sd_decision == "no_s47":
                after = path.sd_day
                cin_wanted = rng.random() < self.no_s47_cin
        elif outcome == "cin_plan" and auth is not None:
            after = auth
            cin_wanted = True
        if cin_wanted and after is not None and auth is not None:
            start = self._wd(max(after, auth), self.cin_lag.draw_int(rng))
            if start <= horizon:
                path.cin_start = start
                end = start + DAY * max(1, self.cin_days.draw_int(rng))
                path.cin_end = end if end <= horizon else None
                ends.append(path.cin_end)
        if path.sd_day is None and path.cin_start is None:
            return path, None, "default"  # the generator's own episode rules apply
        if any(e is None for e in ends):
            return path, None, ""
        last = max(e for e in ends if e is not None)
        if path.sd_day is not None:
            last = max(last, path.sd_day)
        plan = path.plan
        # RC8/RC9 ("closed after assessment") only for an episode with no S47 enquiry, no
        # conference and no plan (rule 2990); it closes when the assessment (or the strategy
        # discussion that followed it) ends, in the same collection year as the assessment's
        # authorisation, so the return for that year shows the assessment (8825Q).
        after_assessment = {"nfa": "RC8", "early_help": "RC9"}.get(outcome, "")
        if (
            after_assessment
            and path.sd_decision != "start_s47"
            and plan is None
            and path.cin_start is None
            and auth is not None
            and current_collection_year(last) == current_collection_year(auth)
        ):
            closure, reason = last, after_assessment
        elif plan is not None and path.cin_start is None and plan.reason != "no_longer_at_risk":
            closure, reason = last, "RC5" if plan.reason == "moved_away" else "RC7"
        else:
            closure, reason = last + DAY * self.closure_days.draw_int(rng), "RC7"
        return (path, closure, reason) if closure <= horizon else (path, None, "")

    def _s47(self, path: Pathway, person: int) -> None:
        rng, g = self.rng, self.g
        horizon = g.horizon_date
        start = path.sd_day
        assert start is not None
        path.s47_target = self._wd(start, self.wd["icpc"])
        year = current_collection_year(start)
        share = g.s.per_year("protection", "s47_conference_share", year)
        if self.plans_of.get(person):
            share = max(share, self.previous_conference)
        conference = rng.random() < share
        if not conference:
            end = self._wd(start, self.s47_days.draw_int(rng))
            if end <= horizon:
                path.s47_end, path.s47_outcome = end, self.no_conference.draw(rng)
            return
        if rng.random() < self.icpc_within:
            held = self._wd(start, self.icpc_on_time.draw_int(rng))
        else:
            held = self._wd(start, self.icpc_late.draw_int(rng))
        end = max(start, self._wd(held, -rng.randint(0, 3)))
        if end > horizon:
            return  # the enquiry is still open
        path.s47_end, path.s47_outcome = end, "conference"
        path.icpc_held = held
        if held > horizon:
            return  # the conference is booked
        dob = g.dob[person]
        adult = _age_18(dob)
        plans = self.plans_of[person]
        recent = (
            plans and plans[-1].end is not None and add_calendar_months(plans[-1].end, 24) > held
        )
        year = current_collection_year(held)
        wanted = rng.random() < g.s.per_year("protection", "icpc_plan_share", year)
        if recent and rng.random() >= self.repeat_keep:
            wanted = False
        if not wanted or adult <= self._wd(held, 20):
            path.icpc_decision = "no_plan"
            return
        path.icpc_decision = "plan"
        path.icpc_category = self.category.draw(rng)
        path.plan = self._plan(held, path.icpc_category, len(plans), adult)
        plans.append(path.plan)

    def _plan(
        self, start: datetime.date, category: str, previous: int, adult: datetime.date
    ) -> Plan:
        rng, horizon = self.rng, self.g.horizon_date
        intended = start + DAY * max(1, self.plan_days.draw_int(rng))
        reason = self.end_reason.draw(rng)
        if adult <= intended:
            intended, reason = adult, "adult"
        plan = Plan(start=start, category=category, end=None, reason="", previous=previous)
        at_review = reason == "no_longer_at_risk"
        held_before = start
        current = category
        first = True
        while True:
            key = "first_cp_review" if first else "later_cp_review"
            due = add_calendar_months(held_before, self.months[key])
            held = self._near(due, self.review_on_time, self.review_early, self.review_late)
            held = max(held, held_before + DAY)
            if not at_review and held >= intended:
                break  # the plan ends between reviews
            if held > horizon:
                plan.reviews.append(Review(due, key, None))
                break
            if at_review and held >= intended:
                plan.reviews.append(Review(due, key, held, "end"))
                plan.end, plan.reason = held, reason
                return plan
            new = ""
            if rng.random() < self.category_change:
                new = self.category.draw(rng)
                if new == current:
                    new = ""
                current = new or current
            plan.reviews.append(Review(due, key, held, "continue", new))
            held_before, first = held, False
        if not at_review and intended <= horizon:
            plan.end, plan.reason = intended, reason
        return plan

    # -- step 2: rows ----------------------------------------------------------------------------

    def _id(self, table: str) -> int:
        self.ids[table] += 1
        return self.ids[table]

    def _event(
        self,
        person: int,
        day: datetime.date,
        kind: str,
        summary: str,
        source: str,
        source_id: int,
        by: int | None,
        detail: str = "",
    ) -> None:
        self.g.table(ChronologyEvent).add(
            person_id=person,
            occurred_on=day,
            kind=kind,
            summary=summary,
            detail=detail,
            source_type=source,
            source_id=source_id,
            recorded_by_id=by,
            recorded_at=_at(day),
        )

    def _agencies(self, k: int) -> list[str]:
        return ["police", *self.rng.sample(AGENCIES[1:], min(k, len(AGENCIES) - 1))]

    def emit(
        self,
        path: Pathway,
        *,
        rid: int,
        person: int,
        worker: int,
        team: dict[str, Any],
        day: datetime.date,
        closure: datetime.date | None,
        manager: int,
    ) -> None:
        """Rows for one decided pathway; also the referral's allocations (one, or two when the
        child's plan moves the case to a child protection team)."""
        g, rng = self.g, self.rng
        created = g.created
        plan = path.plan
        allocations = g.table(Allocation)
        lead = worker
        cp_team = g.area_cp_team.get(team["area"])
        if (
            plan is not None
            and cp_team is not None
            and cp_team["worker_choice"] is not None
            and rng.random() < self.cp_team_share
        ):
            lead = cp_team["worker_choice"].draw(rng)
            allocations.add(
                id=len(allocations) + 1,
                person_id=person,
                team_id=team["id"],
                worker_id=worker,
                start_date=day,
                end_date=plan.start,
                allocated_by_id=manager,
            )
            allocations.add(
                id=len(allocations) + 1,
                person_id=person,
                team_id=cp_team["id"],
                worker_id=lead,
                start_date=plan.start,
                end_date=closure,
                allocated_by_id=rng.choice(cp_team["authorisers"]),
            )
        else:
            allocations.add(
                id=len(allocations) + 1,
                person_id=person,
                team_id=team["id"],
                worker_id=worker,
                start_date=day,
                end_date=closure,
                allocated_by_id=manager,
            )
        if path.sd_day is not None:
            sid = self._id("sd")
            agencies = self._agencies(rng.randint(1, self.sd_agencies))
            g.table(StrategyDiscussion).add(
                id=sid,
                referral_id=rid,
                person_id=person,
                held_on=path.sd_day,
                agencies=agencies,
                decision=path.sd_decision,
                notes="",
                recorded_by_id=worker,
                created_at=created,
            )
            self._event(
                person,
                path.sd_day,
                "strategy_discussion",
                self.cp_events.STRATEGY_DISCUSSION_HELD.text(decision=path.sd_decision),
                "protection.strategydiscussion",
                sid,
                worker,
            )
            if path.sd_decision == "start_s47":
                self._emit_s47(path, rid, person, worker, lead, sid)
        if path.cin_start is not None:
            self._emit_cin(path, rid, person, lead if plan is not None else worker)

    def _emit_s47(
        self, path: Pathway, rid: int, person: int, worker: int, lead: int, sid: int
    ) -> None:
        g, rng = self.g, self.rng
        created = g.created
        start = path.sd_day
        assert start is not None and path.s47_target is not None
        qid = self._id("s47")
        g.table(S47Enquiry).add(
            id=qid,
            created_at=created,
            updated_at=created,
            version=1,
            referral_id=rid,
            person_id=person,
            strategy_discussion_id=sid,
            start_date=start,
            icpc_target=path.s47_target,
            icpc_target_rule="icpc",
            end_date=path.s47_end,
            outcome=path.s47_outcome,
            worker_id=worker,
        )
        self._event(
            person,
            start,
            "s47",
            self.cp_events.S47_STARTED.text(),
            "protection.s47enquiry",
            qid,
            worker,
        )
        if path.s47_end is None:
            return
        self._event(
            person,
            path.s47_end,
            "s47",
            self.cp_events.S47_COMPLETED.text(outcome=path.s47_outcome),
            "protection.s47enquiry",
            qid,
            worker,
        )
        if path.icpc_held is None:
            return
        invited = self._agencies(rng.randint(2, 4))
        held = path.icpc_held if path.icpc_held <= g.horizon_date else None
        chair = g.chairs.draw(rng)
        cid = self._id("conference")
        plan = path.plan
        pid = self._id("plan") if plan is not None else 0
        g.table(Conference).add(
            id=cid,
            created_at=created,
            updated_at=created,
            version=1,
            person_id=person,
            referral_id=rid,
            kind="initial",
            s47_id=qid,
            plan_id=None,
            due_date=path.s47_target,
            due_rule="icpc",
            held_on=held,
            chair_id=chair,
            agencies_invited=invited,
            agencies_attended=[a for a in invited if rng.random() < 0.85] if held else [],
            child_views="",
            family_views="",
            decision=path.icpc_decision,
            category=path.icpc_category,
        )
        if held is None:
            return
        category = path.icpc_category
        self._event(
            person,
            held,
            "conference",
            self.cp_events.CONFERENCE_HELD.text(
                conference_kind="initial", decision=path.icpc_decision, category=category
            ),
            "protection.conference",
            cid,
            worker,
        )
        if plan is None:
            return
        self._emit_plan(plan, pid, cid, rid, person, lead, invited)

    def _emit_plan(
        self,
        plan: Plan,
        pid: int,
        icpc: int,
        rid: int,
        person: int,
        lead: int,
        invited: list[str],
    ) -> None:
        g, rng = self.g, self.rng
        created, horizon = g.created, g.horizon_date
        latest = plan.category
        for review in plan.reviews:
            rcid = self._id("conference")
            held = review.held
            g.table(Conference).add(
                id=rcid,
                created_at=created,
                updated_at=created,
                version=1,
                person_id=person,
                referral_id=rid,
                kind="review",
                s47_id=None,
                plan_id=pid,
                due_date=review.due,
                due_rule=review.due_rule,
                held_on=held,
                chair_id=g.chairs.draw(rng),
                agencies_invited=invited,
                agencies_attended=[a for a in invited if rng.random() < 0.8] if held else [],
                child_views="",
                family_views="",
                decision=review.decision,
                category=review.category,
            )
            if held is None:
                continue
            self._event(
                person,
                held,
                "conference",
                self.cp_events.CONFERENCE_HELD.text(
                    conference_kind="review", decision=review.decision, category=review.category
                ),
                "protection.conference",
                rcid,
                lead,
            )
            if review.category:
                g.table(CategoryChange).add(
                    id=self._id("change"),
                    plan_id=pid,
                    changed_on=held,
                    category=review.category,
                    conference_id=rcid,
                )
                latest = review.category
        g.table(ChildProtectionPlan).add(
            id=pid,
            created_at=created,
            updated_at=created,
            version=1,
            person_id=person,
            referral_id=rid,
            conference_id=icpc,
            start_date=plan.start,
            initial_category=plan.category,
            latest_category=latest,
            end_date=plan.end,
            end_reason=plan.reason,
            previous_plans=plan.previous,
            lead_practitioner_id=lead,
        )
        self._event(
            person,
            plan.start,
            "cp_plan",
            self.cp_events.CP_PLAN_STARTED.text(
                category=plan.category, previous_plans=plan.previous
            ),
            "protection.childprotectionplan",
            pid,
            lead,
        )
        if plan.end is not None:
            self._event(
                person,
                plan.end,
                "cp_plan",
                self.cp_events.CP_PLAN_ENDED.text(reason=plan.reason),
                "protection.childprotectionplan",
                pid,
                lead,
            )
        stop = plan.end or datetime.date.max
        # Core groups: the first 10 working days after the ICPC, then monthly.
        due, key = self._wd(plan.start, self.wd["first_core_group"]), "first_core_group"
        groups = g.table(CoreGroup)
        while True:
            held = self._near(due, self.core_on_time, self.core_early, self.core_late)
            held = max(held, plan.start + DAY)
            if held >= stop:
                break
            gid = self._id("core")
            if held > horizon:
                groups.add(
                    id=gid,
                    plan_id=pid,
                    person_id=person,
                    due_date=due,
                    due_rule=key,
                    held_on=None,
                    agencies_attended=[],
                    notes="",
                )
                break
            groups.add(
                id=gid,
                plan_id=pid,
                person_id=person,
                due_date=due,
                due_rule=key,
                held_on=held,
                agencies_attended=self._agencies(rng.randint(1, 3)),
                notes="",
            )
            self._event(
                person,
                held,
                "core_group",
                self.cp_events.CORE_GROUP_HELD.text(),
                "protection.coregroup",
                gid,
                lead,
            )
            due, key = (
                add_calendar_months(held, self.months["later_core_group"]),
                "later_core_group",
            )
        self._visits("cp", pid, plan.start, stop, person, lead)

    def _visits(
        self,
        kind: str,
        plan_id: int,
        start: datetime.date,
        stop: datetime.date,
        person: int,
        worker: int,
    ) -> None:
        g, rng = self.g, self.rng
        horizon = g.horizon_date
        key = f"{kind}_visit"
        every = self.wd[key]
        on_time = self.visit_on_time[kind]
        rows = g.table(Visit)
        over_5 = _age_18(g.dob[person]) - datetime.timedelta(days=4749)  # 13 years before 18
        last = start
        end = min(stop, horizon + DAY)
        while True:
            due = self._wd(last, every)
            visited = self._near(due, on_time, self.visit_early, self.visit_late)
            visited = max(visited, last + DAY)
            if visited >= end:
                break
            nxt = self._wd(visited, every)
            if visited >= self.visits_from:
                seen = rng.random() < self.child_seen
                alone = seen and visited >= over_5 and rng.random() < self.seen_alone
                vid = self._id("visit")
                rows.add(
                    id=vid,
                    person_id=person,
                    kind=kind,
                    cp_plan_id=plan_id if kind == "cp" else None,
                    cin_plan_id=plan_id if kind == "cin" else None,
                    visited_on=visited,
                    child_seen=seen,
                    seen_alone=alone,
                    due_date=due,
                    next_due=nxt,
                    due_rule=key,
                    worker_id=worker,
                    notes="",
                )
                words = self.cp_events.VISIT_RECORDED.text(
                    visit_kind=kind, child_seen=seen, seen_alone=alone
                )
                self._event(person, visited, "visit", words, "protection.visit", vid, worker)
            last = visited

    def _emit_cin(self, path: Pathway, rid: int, person: int, worker: int) -> None:
        g = self.g
        assert path.cin_start is not None
        iid = self._id("cin")
        g.table(CINPlan).add(
            id=iid,
            created_at=g.created,
            updated_at=g.created,
            version=1,
            referral_id=rid,
            person_id=person,
            start_date=path.cin_start,
            end_date=path.cin_end,
            worker_id=worker,
        )
        self._event(
            person,
            path.cin_start,
            "cin_plan",
            self.cin_events.CIN_PLAN_STARTED.text(),
            "childinneed.cinplan",
            iid,
            worker,
        )
        if path.cin_end is not None:
            self._event(
                person,
                path.cin_end,
                "cin_plan",
                self.cin_events.CIN_PLAN_ENDED.text(),
                "childinneed.cinplan",
                iid,
                worker,
            )
        self._visits("cin", iid, path.cin_start, path.cin_end or datetime.date.max, person, worker)

    def closure_event(
        self, person: int, rid: int, closure: datetime.date, reason: str, by: int
    ) -> None:
        self._event(
            person,
            closure,
            "closure",
            self.cin_events.EPISODE_CLOSED.text(reason=reason),
            "frontdoor.referral",
            rid,
            by,
        )
