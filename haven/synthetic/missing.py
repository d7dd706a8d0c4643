"""Missing children in a synthetic county: episodes (missing, or away without authorisation)
for children looked after and for other children open to the service, and the return home
interviews after them.

The scenario's ``[missing]`` table says, for each collection year, what share of the children
looked after in it (aged ``min_age`` or over) go missing, and what share of other children with
an open case; how many episodes each has (a small share of looked-after children go missing
many times, in bursts); how long they last (hours to a few days); and the interviews: offered
mostly within 72 hours, about two in three accepted, some finding signs of exploitation.
``year_factor`` scales both shares by year, which is how a county whose children go missing less
often is described. Episodes still running at the horizon stay open.

A random stream of its own, so the rest of the county is the same with or without this part.
"""

from __future__ import annotations

import datetime
import json
import random
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from haven.chronology.models import ChronologyEvent
from haven.core.calendar import LONDON
from haven.missing import codes, events
from haven.missing.models import RHI_OFFER_WITHIN, MissingEpisode, ReturnInterview
from haven.people.models import Allocation
from haven.synthetic.helpers import DAY
from haven.synthetic.scenario import Buckets, Choice

if TYPE_CHECKING:
    from haven.synthetic.generator import Generator

TABLES = (MissingEpisode, ReturnInterview)

HOUR = datetime.timedelta(hours=1)
PLACES = [
    "a friend's house",
    "the town centre",
    "a park",
    "a railway station",
    "a relative's home",
    "a fast food restaurant",
    "an address in Southampton",
    "an address in Portsmouth",
    "an address in London",
    "a boyfriend's flat",
    "a girlfriend's house",
    "the seafront",
]
PUSH = [
    "Arguments with carers about rules and curfew",
    "Unhappy at the placement; misses family",
    "Conflict at home with a parent's partner",
    "Wanted to avoid school after an incident",
    "Felt no one was listening",
]
PULL = [
    "Wanted to see friends",
    "Older friends asked them to come",
    "Went to see their mother",
    "Offered money and somewhere to stay",
    "A party arranged online",
]
WHO = ["Friends of the same age", "Older friends", "Family", "Adults not known to the service"]
DECLINED = ["Did not want to talk about it", "Said it was none of our business", ""]


@dataclass
class _Episode:
    person: int
    kind: str
    start: datetime.datetime
    end: datetime.datetime | None
    team: int | None
    worker: int | None
    looked_after: bool
    pk: int = 0
    fields: dict[str, Any] = field(default_factory=dict)
    interview: dict[str, Any] | None = None


def _age(dob: datetime.date, day: datetime.date) -> int:
    return day.year - dob.year - ((day.month, day.day) < (dob.month, dob.day))


class _Missing:
    def __init__(self, g: Generator) -> None:
        self.g = g
        m = g.s.section("missing")
        what = f"{g.s.name}: missing"
        self.m = m
        self.rng = random.Random(f"{g.report.seed}-missing")
        self.min_age = int(m["min_age"])
        self.lac_count = Buckets(m["looked_after_episodes"], f"{what}.looked_after_episodes")
        self.other_count = Buckets(m["other_episodes"], f"{what}.other_episodes")
        self.hours = Buckets(m["duration_hours"], f"{what}.duration_hours")
        self.start_hour = Choice(m["start_hour"], f"{what}.start_hour")
        self.risk = Choice(m["risk"], f"{what}.risk")
        self.found_by = Choice(m["found_by"], f"{what}.found_by")
        self.indicators = Choice(m["indicators"], f"{what}.indicators")
        self.offer_hours_late = Buckets(m["rhi_late_hours"], f"{what}.rhi_late_hours")
        self.horizon = g.horizon
        self.services = list(m["rhi_services"])
        self.episodes: list[_Episode] = []
        self.busy: dict[int, datetime.datetime] = {}

    def share(self, key: str, year: int) -> float:
        return float(self.m[key]) * float(self.g.s.per_year("missing", "year_factor", year))

    def at(self, day: datetime.date) -> datetime.datetime:
        minute = self.rng.randint(0, 59)
        return datetime.datetime.combine(
            day, datetime.time(self.start_hour.draw_int(self.rng), minute), tzinfo=LONDON
        )

    def child(
        self,
        person: int,
        first: datetime.date,
        last: datetime.date,
        count: int,
        *,
        looked_after: bool,
        team: int | None,
        worker: int | None,
        until: datetime.date | None = None,
    ) -> None:
        """``count`` episodes of ``person`` from ``first`` to ``last``: a burst around a day,
        the more episodes the closer together."""
        rng = self.rng
        dob = self.g.dob[person]
        if dob is None:
            return
        old_enough = datetime.date(dob.year + self.min_age, dob.month, min(dob.day, 28))
        first = max(first, old_enough)
        if first > last:
            return
        days = (last - first).days
        spread = min(days, 20 + 25 * count)
        centre = first + DAY * rng.randint(0, max(0, days - spread))
        starts = sorted(self.at(centre + DAY * rng.randint(0, spread)) for _ in range(count))
        for start in starts:
            if start < self.busy.get(person, start - HOUR) or start > self.horizon:
                continue
            end: datetime.datetime | None = start + HOUR * self.hours.draw(rng)
            if end is not None and end > self.horizon:
                end = None
            kind = (
                codes.MissingKind.AWAY
                if looked_after and rng.random() < float(self.m["away_share"])
                else codes.MissingKind.MISSING
            )
            if until is not None and (end is None or end.astimezone(LONDON).date() >= until):
                # Not missing on the day their care ended (the DfE's rule 580: only a period
                # of care that ends with E8 may end while the child is missing).
                continue
            self.episodes.append(_Episode(person, kind, start, end, team, worker, looked_after))
            self.busy[person] = end or datetime.datetime.max.replace(tzinfo=LONDON)


def build(g: Generator) -> None:
    """Episodes for the children looked after and the other children open to the service, year
    by year, then their interviews and rows."""
    if "missing" not in g.s.data:
        return
    missing = _Missing(g)
    rng = missing.rng
    lac_team = next((t["id"] for t in g.teams.values() if t["kind"] == "looked_after"), None)
    periods = sorted(getattr(g, "care_periods", []), key=lambda p: (p.start, p.person))
    allocations = g.table(Allocation)
    pi, ti, wi, si, ei = (
        allocations.columns.index(n)
        for n in ("person_id", "team_id", "worker_id", "start_date", "end_date")
    )
    in_care: dict[int, list[tuple[datetime.date, datetime.date]]] = {}
    for p in periods:
        in_care.setdefault(p.person, []).append((p.start, p.end or g.horizon_date))
    for year in g.generated_years:
        first = max(datetime.date(year - 1, 4, 1), g.window_start)
        last = min(datetime.date(year, 3, 31), g.horizon_date)
        if first > last:
            continue
        lac_share = missing.share("looked_after_share", year)
        for p in periods:
            start, end = max(p.start, first), min(p.end or g.horizon_date, last)
            if start > end or rng.random() >= lac_share:
                continue
            missing.child(
                p.person,
                start,
                end,
                missing.lac_count.draw_int(rng),
                looked_after=True,
                team=lac_team,
                worker=p.worker,
                until=p.end,
            )
        other_share = missing.share("other_share", year)
        for row in allocations.rows:
            person = row[pi]
            start, end = max(row[si], first), min(row[ei] or g.horizon_date, last)
            if start > end or person in in_care or rng.random() >= other_share:
                continue
            missing.child(
                person,
                start,
                end,
                missing.other_count.draw_int(rng),
                looked_after=False,
                team=row[ti],
                worker=row[wi],
            )
    _rows(g, missing)
    g.missing_episodes = missing.episodes  # for chronology


def _rows(g: Generator, missing: _Missing) -> None:
    rng, m = missing.rng, missing.m
    episodes_t, interviews_t = g.table(MissingEpisode), g.table(ReturnInterview)
    missing.episodes.sort(key=lambda e: (e.start, e.person))
    created = g.created
    interview_id = 0
    for pk, e in enumerate(missing.episodes, start=1):
        e.pk = pk
        reported = e.kind == codes.MissingKind.MISSING and rng.random() < float(m["police_share"])
        e.fields = {
            "last_seen": rng.choice(PLACES),
            "reported_to_police_at": e.start + HOUR * rng.uniform(0.5, 3) if reported else None,
            "police_reference": f"44{rng.randint(10_000_000, 99_999_999)}" if reported else "",
            "risk": missing.risk.draw(rng) if reported else "",
            "where_found": rng.choice(PLACES) if e.end else "",
            "found_by": missing.found_by.draw(rng) if e.end else "",
        }
        if reported and e.fields["reported_to_police_at"] > missing.horizon:
            e.fields.update(reported_to_police_at=None, police_reference="", risk="")
        episodes_t.add(
            id=pk,
            created_at=created,
            updated_at=created,
            version=1,
            person_id=e.person,
            kind=e.kind,
            started_at=e.start,
            ended_at=e.end,
            placing_council="",
            placing_council_notified_at=None,
            team_id=e.team,
            recorded_by_id=e.worker,
            recorded_at=e.start + HOUR,
            **e.fields,
        )
        if e.end is None or rng.random() >= float(m["rhi_offered_share"]):
            continue
        in_time = rng.random() < float(m["rhi_within_72h_share"])
        offered = e.end + (
            HOUR * rng.uniform(2, 70)
            if in_time
            else RHI_OFFER_WITHIN + HOUR * missing.offer_hours_late.draw(rng)
        )
        if offered > missing.horizon:
            continue
        accepted: bool | None = rng.random() < float(m["rhi_accepted_share"])
        completed = offered + HOUR * rng.uniform(4, 240) if accepted else None
        if completed is not None and completed > missing.horizon:
            accepted, completed = None, None
        found: list[str] = []
        if completed is not None and rng.random() < float(m["indicators_share"]):
            found = sorted({missing.indicators.draw(rng) for _ in range(rng.randint(1, 3))})
        interview_id += 1
        e.interview = {
            "id": interview_id,
            "offered": offered,
            "accepted": accepted,
            "completed": completed,
            "indicators": found,
            "name": rng.choice(missing.services),
            "declined": rng.choice(DECLINED) if accepted is False else "",
        }
        held = completed is not None
        interviews_t.add(
            id=interview_id,
            created_at=created,
            updated_at=created,
            version=1,
            episode_id=pk,
            person_id=e.person,
            offered_at=offered,
            interviewer_id=None,
            interviewer_name=e.interview["name"],
            accepted=accepted,
            declined_reason=e.interview["declined"],
            completed_at=completed,
            push_factors=rng.choice(PUSH) if held else "",
            pull_factors=rng.choice(PULL) if held else "",
            where_they_were=e.fields["where_found"].capitalize() if held else "",
            who_with=rng.choice(WHO) if held else "",
            indicators=found,
            findings=(
                "Signs of exploitation discussed with the child; shared with the police."
                if found
                else ("No concerns of exploitation." if held else "")
            ),
            recorded_by_id=e.worker,
        )
    for model in TABLES:
        g.report.counts[str(model._meta.model_name)] = len(g.table(model))


def chronology(g: Generator) -> None:
    """The episodes' chronology entries, worded and typed by ``haven.missing.events``."""
    table = g.table(ChronologyEvent)

    def add(etype: Any, e: _Episode, when: datetime.datetime, source: str, sid: int, **p: Any):
        table.add(
            person_id=e.person,
            occurred_on=when.astimezone(LONDON).date(),
            kind=etype.kind,
            summary=etype.text(**p),
            detail="",
            event=etype.name,
            params=json.dumps(p),
            source_type=source,
            source_id=sid,
            recorded_by_id=e.worker,
            recorded_at=when,
        )

    for e in getattr(g, "missing_episodes", []):
        add(
            events.MISSING_STARTED,
            e,
            e.start,
            "missing.missingepisode",
            e.pk,
            kind=e.kind,
            at=e.start.isoformat(),
            police_reference=e.fields["police_reference"],
        )
        if e.end is not None:
            add(
                events.MISSING_RETURNED,
                e,
                e.end,
                "missing.missingepisode",
                e.pk,
                at=e.end.isoformat(),
                where_found=e.fields["where_found"],
                found_by=e.fields["found_by"],
            )
        i = e.interview
        if i is None:
            continue
        assert e.end is not None
        add(
            events.RHI_OFFERED,
            e,
            i["offered"],
            "missing.returninterview",
            i["id"],
            interviewer=i["name"],
            in_time=i["offered"] <= e.end + RHI_OFFER_WITHIN,
        )
        if i["completed"] is not None:
            add(
                events.RHI_HELD,
                e,
                i["completed"],
                "missing.returninterview",
                i["id"],
                indicators=i["indicators"],
            )
        elif i["accepted"] is False:
            add(
                events.RHI_DECLINED,
                e,
                i["offered"],
                "missing.returninterview",
                i["id"],
                reason=i["declined"],
            )
