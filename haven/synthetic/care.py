"""Children looked after in a synthetic county: periods of care with their legal statuses and
placements (the SSDA903 episodes derived from them by ``haven.care.episodes.episodes_for``),
carers and homes, care plans, visits, IRO reviews, health and education records, UASC with the
National Transfer Scheme, and adoption.

Target-driven, as the assessments are: the scenario's ``[care]`` table says how many periods of
care start in each collection year. Some come from the child protection pathway already built
(a plan that ended because the child became looked after starts a period that day) and from
children on a child in need plan or whose assessment said they should be looked after; the rest
come directly (police protection out of hours, remand, a teenager accommodated under section 20),
and unaccompanied asylum-seeking children arrive on top. Each period's outcome (home, adoption,
special guardianship, staying until 18...) is drawn by the child's age, and its length from the
outcome. The children already in care when the county starts come from ``burn_in_years`` of the
same starts before the first generated day: only the periods still open then are kept.

A random stream of its own, so the rest of the county is the same with or without this part.
"""

from __future__ import annotations

import datetime
import json
import random
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from haven.adoption.models import AdoptionPlan
from haven.assessments.models import Assessment
from haven.care import codes, health, timescales
from haven.care.episodes import PeriodFacts, PlacementFacts, StatusFacts, episodes_for
from haven.care.models import (
    CarePeriod,
    CarePlan,
    CareReview,
    CareVisit,
    Episode,
    HealthRecord,
    LegalStatusChange,
    PersonalEducationPlan,
    Placement,
)
from haven.carers.geography import distance_miles
from haven.carers.models import AdopterHousehold, ChildrensHome, FosteringHousehold
from haven.childinneed.models import CINPlan
from haven.chronology.models import ChronologyEvent
from haven.core.calendar import LONDON, add_calendar_months
from haven.leavingcare.eligibility import birthday
from haven.people.models import Address, Allocation, Person, PersonDisability
from haven.protection.models import ChildProtectionPlan
from haven.synthetic import names as N
from haven.synthetic.helpers import DAY, YEAR_DAYS
from haven.synthetic.postcodes import following as next_postcode
from haven.synthetic.postcodes import real as real_postcode
from haven.synthetic.scenario import Buckets, Choice, current_collection_year
from haven.uasc.models import NTSTransfer, UASCStatus

if TYPE_CHECKING:
    from haven.synthetic.generator import Generator

TABLES = (
    FosteringHousehold,
    ChildrensHome,
    AdopterHousehold,
    CarePeriod,
    LegalStatusChange,
    Placement,
    Episode,
    CarePlan,
    CareVisit,
    CareReview,
    HealthRecord,
    PersonalEducationPlan,
    UASCStatus,
    NTSTransfer,
    AdoptionPlan,
)

INWARD_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"
HOME_WORDS = ["Willow", "Oak", "Beech", "Cedar", "Rowan", "Hazel", "Maple", "Holly", "Ash", "Elm"]
HOME_KINDS = ["House", "Lodge", "View", "Cottage", "Court", "Place"]
AGENCIES = [
    "Compass Fostering",
    "Foster Care Associates",
    "TACT",
    "Barnardo's Fostering",
    "National Fostering Agency",
    "Capstone Foster Care",
    "Fostering Solutions",
]
SUPPORTED = ["Step Ahead Housing", "Foundry Supported Living", "Bridge Youth Housing", "Next Steps"]
OTHER_COUNCILS = [
    "Kent County Council",
    "Croydon",
    "Portsmouth City Council",
    "Southampton City Council",
    "West Sussex County Council",
    "Surrey County Council",
    "Northamptonshire County Council",
]
UASC_BOYS = [
    "Ahmad",
    "Mohammed",
    "Ali",
    "Yonas",
    "Dawit",
    "Abdullah",
    "Hassan",
    "Amanuel",
    "Samir",
    "Omar",
    "Besnik",
    "Arben",
    "Tuan",
    "Mustafa",
    "Habib",
    "Filmon",
    "Idris",
]
UASC_GIRLS = ["Helen", "Senait", "Fatima", "Maryam", "Aster", "Amina", "Selam", "Lan"]
UASC_SURNAMES = [
    "Ahmadi",
    "Rahimi",
    "Haile",
    "Tesfay",
    "Mohammadi",
    "Hussaini",
    "Osman",
    "Abdi",
    "Gebre",
    "Kelmendi",
    "Hoxha",
    "Nguyen",
    "Karimi",
    "Yousef",
    "Ibrahim",
    "Mahmoud",
    "Berhane",
    "Ali",
    "Hassan",
    "Noori",
]
UASC_ETHNICITY = Choice({"AOTH": 35, "BAFR": 30, "OOTH": 15, "WOTH": 10, "MOTH": 5}, "uasc")
PLAN_SUMMARY = {
    "return_home": "Work with the family so the child can return home safely.",
    "adoption": "Find an adoptive family; contact with birth family by letter.",
    "sgo_cao": "Support the carers towards a special guardianship order.",
    "long_term_fostering": "Stay with the current carers until 18, with support for contact.",
    "residential": "Stay in the children's home with a plan to move to a family.",
    "supported_living": "Build independence skills towards leaving care.",
    "other": "Keep the child safe while the plan is decided.",
}
REVIEW_SUMMARY = "The plan was reviewed; the child's views were heard and the plan continues."


@dataclass
class Stay:
    """One placement as decided (its carer is chosen when the row is written)."""

    start: datetime.date
    place: str
    reason: str = ""  # why the placement before it ended
    intended: bool = False
    end: datetime.date | None = None
    carer: str = ""
    fields: dict[str, Any] = field(default_factory=dict)


@dataclass
class Period:
    person: int
    start: datetime.date
    end: datetime.date | None
    reason: str
    outcome: str
    route: str
    cin: str
    referral: int | None
    statuses: dict[datetime.date, str]
    stays: list[Stay]
    adoption: dict[str, Any] | None = None
    uasc: dict[str, Any] | None = None
    pid: int = 0
    worker: int | None = None
    status_ids: dict[datetime.date, int] = field(default_factory=dict)
    # Chronology entries of its statutory work: (event type, day, source, id, by, parameters).
    entries: list[tuple[str, datetime.date, str, int, int | None, dict[str, Any]]] = field(
        default_factory=list
    )


def _age_18(dob: datetime.date) -> datetime.date:
    try:
        return dob.replace(year=dob.year + 18)
    except ValueError:  # 29 February
        return datetime.date(dob.year + 18, 3, 1)


def _age(dob: datetime.date, day: datetime.date) -> int:
    return day.year - dob.year - ((day.month, day.day) < (dob.month, dob.day))


def _at(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(17, 0), tzinfo=LONDON)


def _col(table: Any, name: str) -> int:
    return table.columns.index(name)


class _Care:
    def __init__(self, g: Generator) -> None:
        self.g = g
        self.s = g.s
        self.c: dict[str, Any] = g.s.section("care")
        self.rng = random.Random(f"{g.report.seed}-care")
        self.horizon = g.horizon_date
        c = self.c
        what = f"{g.s.name}: care"
        self.route = Choice(c["route"], f"{what}.route")
        self.age_at_start = {
            k: Buckets(v, f"{what}.age_at_start.{k}") for k, v in c["age_at_start"].items()
        }
        self.outcome = self._by_age(c["outcome"], "outcome", Choice)
        self.first_place = self._by_age(c["first_place"], "first_place", Choice)
        self.later_place = self._by_age(c["later_place"], "later_place", Choice)
        self.duration = {
            k: Buckets(v, f"{what}.duration_days.{k}") for k, v in c["duration_days"].items()
        }
        self.first_move = Buckets(c["first_move_after_days"], f"{what}.first_move_after_days")
        self.move = Buckets(c["move_after_days"], f"{what}.move_after_days")
        self.move_reason = Choice(c["move_reason"], f"{what}.move_reason")
        self.court_first = Choice(c["court_first_status"], f"{what}.court_first_status")
        self.category = Choice(c["category_of_need"], f"{what}.category_of_need")
        self.at_18 = Choice(c["at_18_reason"], f"{what}.at_18_reason")
        self.c2_after = Buckets(c["full_order_after_days"], f"{what}.full_order_after_days")
        self.remand_end = Choice(c["remand_end"], f"{what}.remand_end")
        self.cost = {k: Buckets(v, f"{what}.weekly_cost.{k}") for k, v in c["weekly_cost"].items()}
        self.participation = Choice(c["participation"], f"{what}.participation")
        self.out_of_county = c["out_of_county_share"]
        self.reviews = c["review"]
        self.visits = c["visit"]
        self.periods: list[Period] = []
        self.busy: dict[int, list[tuple[datetime.date, datetime.date]]] = defaultdict(list)
        self.adopted: set[int] = set()
        self.ids: dict[str, int] = defaultdict(int)
        self.areas = g.s.data["areas"]
        self.outward = [o for a in self.areas for o in a["outward"]]
        self.away = list(c["out_of_county_outward"])
        self.worker_team = next(
            (t for t in g.teams.values() if t["kind"] == "looked_after" and t["worker_choice"]),
            None,
        )

    def _by_age(self, table: dict[str, Any], key: str, kind: Any) -> list[tuple[int, Any]]:
        return sorted(
            ((int(age), kind(v, f"{self.s.name}: care.{key}.{age}")) for age, v in table.items()),
            reverse=True,
        )

    @staticmethod
    def _for_age(table: list[tuple[int, Any]], age: int) -> Any:
        return next(v for low, v in table if age >= low)

    def _id(self, name: str) -> int:
        self.ids[name] += 1
        return self.ids[name]

    def _postcode(self, outward: str | None = None, *, away: bool = False) -> str:
        rng = self.rng
        if outward is None:
            outward = rng.choice(self.away if away else self.outward)
        return real_postcode(
            f"{outward} {rng.randint(0, 9)}{rng.choice(INWARD_LETTERS)}{rng.choice(INWARD_LETTERS)}"
        )

    # -- who is free ---------------------------------------------------------------------------

    def free(self, person: int, start: datetime.date, end: datetime.date | None) -> bool:
        if person in self.adopted:
            return False
        stop = end or datetime.date.max
        return all(stop < s - DAY or start - DAY > e for s, e in self.busy.get(person, ()))

    def take(self, period: Period) -> None:
        self.busy[period.person].append((period.start, period.end or datetime.date.max))
        if period.reason in ("E11", "E12"):
            self.adopted.add(period.person)
        self.periods.append(period)

    # -- a period, decided ---------------------------------------------------------------------

    def decide(
        self, person: int, start: datetime.date, route: str, referral: int | None
    ) -> Period | None:
        rng, c = self.rng, self.c
        dob = self.g.dob[person]
        if dob is None or start < dob:
            return None
        adult = _age_18(dob)
        if start >= adult - DAY * 30:
            return None
        age = _age(dob, start)
        adoption: dict[str, Any] | None = None
        reason = ""
        if route == "remand":
            outcome = "remand"
            reason = self.remand_end.draw(rng)
            end = start + DAY * self.duration["remand"].draw_int(rng)
        elif route == "police" and rng.random() < float(c["police_short_share"]):
            outcome, reason = "home", "E4B"
            end = start + DAY * rng.randint(1, 3)
        else:
            outcome = self._for_age(self.outcome, age).draw(rng)
            if outcome == "adopted" and age >= 5:
                outcome = "sgo"
            if outcome == "adopted":
                adoption = self._adoption(start)
                if adoption["reversed_on"] is not None:
                    outcome = rng.choice(["sgo", "until_18"])
                    end = max(adoption["reversed_on"] + DAY * rng.randint(60, 400), start + DAY)
                else:
                    end = adoption["order"]
            if outcome == "until_18":
                end = adult
            elif outcome != "adopted" and not (adoption and adoption["reversed_on"]):
                end = start + DAY * max(1, self.duration[outcome].draw_int(rng))
        if end >= adult:
            end, reason = adult, self.at_18.draw(rng)
        cin = "N6" if route == "remand" else self.category.draw(rng)
        statuses = self._statuses(route, start, end, adoption)
        stays = _lawful_stays(self._stays(route, outcome, dob, start, end, adoption), statuses)
        if not reason:
            reason = self._reason(outcome, stays)
        ended: datetime.date | None = end
        if end > self.horizon:
            ended, reason = None, ""
        return Period(
            person, start, ended, reason, outcome, route, cin, referral, statuses, stays, adoption
        )

    def _adoption(self, start: datetime.date) -> dict[str, Any]:
        rng, c = self.rng, self.c
        decided = start + DAY * rng.randint(90, 240)
        order = decided + DAY * rng.randint(40, 200)
        matched = order + DAY * rng.randint(30, 240)
        placed = matched + DAY * rng.randint(7, 28)
        adopted = placed + DAY * rng.randint(100, 300)
        reversed_on, why = None, ""
        if rng.random() < float(c["adoption_reversal_share"]):
            why = rng.choice(["RD1", "RD2", "RD3", "RD3", "RD4"])
            reversed_on = (
                decided + DAY * rng.randint(60, 200)
                if why != "RD1"
                else placed + DAY * rng.randint(20, 90)
            )
        return {
            "decided": decided,
            # No placement order after the plan was reversed (rule 553 would find an E1 with
            # no decision to place).
            "po": order if why != "RD2" and (reversed_on is None or reversed_on > order) else None,
            "matched": matched if why in ("", "RD1") else None,
            "placed": placed if why in ("", "RD1") else None,
            "order": adopted if not why else None,
            "reversed_on": reversed_on,
            "reversal_reason": why,
        }

    def _statuses(
        self, route: str, start: datetime.date, end: datetime.date, adoption: dict[str, Any] | None
    ) -> dict[datetime.date, str]:
        rng, c = self.rng, self.c
        out: dict[datetime.date, str] = {}
        if route == "remand":
            out[start] = "J1"
        elif route == "uasc":
            out[start] = "V2"
        else:
            if route == "police":
                first = "L1"
            elif route == "section20":
                first = "V2" if rng.random() < 0.9 else "C1"
            else:
                first = self.court_first.draw(rng)
            out[start] = first
            day, code = start, first
            if code in ("L1", "L2"):
                # Police protection lasts at most 72 hours (the DfE's rule 361).
                day = start + DAY * rng.randint(1, 8 if code == "L2" else 3)
                code = "C1" if rng.random() < 0.65 else "V2"
                out[day] = code
            if code == "V2" and rng.random() < float(c["section20_to_court_share"]):
                day = day + DAY * rng.randint(30, 250)
                code = "C1"
                out[day] = code
            if code == "C1":
                out[day + DAY * self.c2_after.draw_int(rng)] = "C2"
            if adoption and adoption["po"] is not None:
                po = adoption["po"]
                for d in [d for d in out if d >= po]:
                    del out[d]
                out[po] = "E1"
                if adoption["reversed_on"] is not None and adoption["reversed_on"] > po:
                    # The plan reversed, the placement order is revoked: a care order again
                    # (the DfE's rule 553 expects a decision to place beside any E1).
                    out[adoption["reversed_on"]] = "C2"
        return {d: code for d, code in sorted(out.items()) if d == start or d < end}

    def _stays(
        self,
        route: str,
        outcome: str,
        dob: datetime.date,
        start: datetime.date,
        end: datetime.date,
        adoption: dict[str, Any] | None,
    ) -> list[Stay]:
        rng, c = self.rng, self.c
        age = _age(dob, start)
        if route == "remand":
            place = rng.choice(["K1", "K2", "K2", "U6", "U6"])
        elif route == "uasc":
            place = (
                rng.choice(["H5", "H5", "U6", "K2"])
                if age >= 16
                else rng.choice(["U6", "U6", "U6", "K2"])
            )
        else:
            place = self._for_age(self.first_place, age).draw(rng)
        stays = [Stay(start, place)]
        stop = end
        final: Stay | None = None
        if adoption and adoption["placed"] is not None and adoption["placed"] < end:
            stop = adoption["placed"]
            final = Stay(stop, "A6", "CARPL")
        elif (
            outcome == "home"
            and (end - start).days > 120
            and rng.random() < float(c["home_via_parents_share"])
        ):
            stop = end - DAY * rng.randint(20, 90)
            final = Stay(stop, "P1", "CARPL")
        day = start + DAY * self.first_move.draw_int(rng)
        long_term = outcome == "until_18"
        while day < stop:
            a = _age(dob, day)
            place = self._for_age(self.later_place, a).draw(rng)
            intended = False
            if (
                long_term
                and (day - start).days > 300
                and place in ("U6", "U3")
                and rng.random() < float(c["long_term_share"])
            ):
                place, intended = {"U6": "U4", "U3": "U1"}[place], True
            if route == "uasc" and a < 16 and place in ("H5", "K3"):
                place = "U6"
            stays.append(Stay(day, place, self.move_reason.draw(rng), intended))
            day = day + DAY * self.move.draw_int(rng)
        if final is not None:
            stays.append(final)
            back = adoption["reversed_on"] if adoption else None
            if back is not None and stop < back < end:
                stays.append(Stay(back, "U6", "CARPL"))
        for stay in stays:
            if stay.place in ("H5", "K3"):
                stay.place = (
                    "K3" if current_collection_year(stay.start) >= codes.RETIRED["H5"] else "H5"
                )
        return stays

    def _reason(self, outcome: str, stays: list[Stay]) -> str:
        rng = self.rng
        last = stays[-1].place
        if outcome == "home":
            return "E4A" if rng.random() > float(self.c["home_unplanned_share"]) else "E4B"
        if outcome == "adopted":
            return "E11" if rng.random() < 0.8 else "E12"
        if outcome == "sgo":
            if last in codes.CONNECTED_PERSON_PLACEMENTS:
                return "E45"
            if last in codes.FOSTER_PLACEMENTS:
                return "E46"
            return rng.choice(["E47", "E48"])
        return {"cao": "E41", "relatives": "E13", "other_la": "E3", "other": "E8"}.get(
            outcome, "E8"
        )


# -- the stages ------------------------------------------------------------------------------------


def build(g: Generator) -> None:
    """The county's children looked after, carers, UASC and adoption."""
    if "care" not in g.s.data:
        return
    care = _Care(g)
    _starts(g, care)
    _uasc(g, care)
    _rows(g, care)
    g.care_periods = care.periods  # for chronology


def _pools(g: Generator) -> dict[tuple[int, int], list[int]]:
    pools: dict[tuple[int, int], list[int]] = defaultdict(list)
    for kids in g.family_children:
        for kid in kids:
            dob = g.dob[kid]
            if dob is not None:
                pools[(dob.year, dob.month)].append(kid)
    return pools


def _starts(g: Generator, care: _Care) -> None:
    rng, c = care.rng, care.c
    burn = int(c.get("burn_in_years", 0))
    first = g.generated_years[0]
    years = [*range(first - burn, first), *g.generated_years]
    # The pathway's children: a plan ended because they became looked after, an assessment
    # that said so, or a child in need plan under way.
    cp = g.table(ChildProtectionPlan)
    pe, pr, pp, pref = (_col(cp, n) for n in ("end_date", "end_reason", "person_id", "referral_id"))
    fixed: dict[int, list[tuple[datetime.date, int, int]]] = defaultdict(list)
    for row in cp.rows:
        if row[pr] == "looked_after" and row[pe] is not None:
            fixed[current_collection_year(row[pe])].append((row[pe], row[pp], row[pref]))
    candidates: dict[int, list[tuple[datetime.date, datetime.date, int, int]]] = defaultdict(list)
    a = g.table(Assessment)
    ap, ar, ao, aa = (_col(a, n) for n in ("person_id", "referral_id", "outcome", "authorised_on"))
    for row in a.rows:
        if row[ao] == "looked_after" and row[aa] is not None:
            d = row[aa]
            candidates[current_collection_year(d)].append((d, d + DAY * 20, row[ap], row[ar]))
    cin = g.table(CINPlan)
    cp_, cr, cs, ce = (_col(cin, n) for n in ("person_id", "referral_id", "start_date", "end_date"))
    for row in cin.rows:
        s = row[cs] + DAY * 20
        e = min(row[ce] or care.horizon, care.horizon)
        if s < e:
            candidates[current_collection_year(s)].append((s, e, row[cp_], row[cr]))
    pools = _pools(g)
    # A child born before the county's oldest children is an adult when it starts: their
    # period (from the years before it) has ended, so it is not kept.
    earliest = min(pools)
    for year in years:
        first_day = datetime.date(year - 1, 4, 1)
        last_day = min(datetime.date(year, 3, 31), care.horizon)
        if last_day < first_day:
            continue
        share = ((last_day - first_day).days + 1) / (
            (datetime.date(year, 3, 31) - first_day).days + 1
        )
        n = round(g.s.per_year("care", "starts", year) * share)
        made = 0
        for day, person, referral in fixed.get(year, ()):
            period = care.decide(person, day, "cp", referral)
            if period is not None and care.free(person, period.start, period.end):
                care.take(period)
                made += 1
        cands = list(candidates.get(year, ()))
        rng.shuffle(cands)
        for _ in range(max(0, n - made)):
            route = care.route.draw(rng)
            if route == "cin" and year < first:
                route = "court"  # no child in need plans before the county starts
            day = first_day + DAY * rng.randint(0, (last_day - first_day).days)
            if route == "cin":
                while cands:
                    s, e, person, referral = cands.pop()
                    on = s + DAY * rng.randint(0, max(0, (e - s).days))
                    period = care.decide(person, on, "cin", referral)
                    if period is not None and care.free(person, period.start, period.end):
                        care.take(period)
                        break
                else:
                    route = "court"  # no child in need plan to come from: care proceedings
                if route == "cin":
                    continue
            key = route if route in care.age_at_start else "default"
            for _try in range(30):
                years_old = care.age_at_start[key].draw_int(rng)
                dob = day - DAY * int((years_old + rng.random()) * YEAR_DAYS)
                if (dob.year, dob.month) < earliest:
                    break
                pool = pools.get((dob.year, dob.month))
                if not pool:
                    continue
                person = rng.choice(pool)
                period = care.decide(person, day, route, None)
                if period is None:
                    continue
                if year < first and period.end is not None and period.end < g.window_start:
                    break  # ended before the county starts: not kept
                if care.free(person, period.start, period.end):
                    care.take(period)
                    break


def _uasc(g: Generator, care: _Care) -> None:
    """Unaccompanied children arriving, some through the National Transfer Scheme."""
    rng, c = care.rng, care.c
    u = c["uasc"]
    burn = int(c.get("burn_in_years", 0))
    first = g.generated_years[0]
    ages = Buckets(u["age_at_arrival"], "care.uasc.age_at_arrival")
    assessed = Choice(u["age_assessment_outcome"], "care.uasc.age_assessment_outcome")
    nts_from = datetime.date.fromisoformat(str(u["nts_from"]))
    persons = g.table(Person)
    disabilities = g.table(PersonDisability)
    male_share = float(u.get("male_share", 0.9))
    # Arrivals before the county starts: those who left care before it are kept while they
    # can still be care leavers in it (under 25 when it starts); the rest are not.
    before = min(burn, int(u.get("arrivals_before_years", 3)))
    for year in [*range(first - before, first), *g.generated_years]:
        first_day = datetime.date(year - 1, 4, 1)
        last_day = min(datetime.date(year, 3, 31), care.horizon)
        if last_day < first_day:
            continue
        share = ((last_day - first_day).days + 1) / (
            (datetime.date(year, 3, 31) - first_day).days + 1
        )
        for _ in range(round(g.s.per_year("care", "uasc_arrivals", year) * share)):
            day = first_day + DAY * rng.randint(0, (last_day - first_day).days)
            age = ages.draw(rng)
            dob = day - DAY * int(age * YEAR_DAYS)
            adult = _age_18(dob)
            if adult - day < DAY * 40:
                dob = day - DAY * int(17.6 * YEAR_DAYS)
                adult = _age_18(dob)
            end: datetime.date | None = adult
            reason = care.at_18.draw(rng)
            info: dict[str, Any] = {"arrived": day - DAY * rng.randint(0, 3), "nts": None}
            if rng.random() < float(u["age_assessed_share"]):
                on = day + DAY * rng.randint(20, 90)
                outcome = assessed.draw(rng)
                if on < adult:
                    info["assessed"] = (on, outcome)
                    if outcome == "adult":
                        end, reason = on, "E15"
            if day >= nts_from:
                r = rng.random()
                if r < float(u["nts_out_share"]):
                    referred = day + DAY * rng.randint(3, 15)
                    moved = referred + DAY * rng.randint(7, 35)
                    if rng.random() < 0.8 and moved < (end or adult):
                        info["nts"] = ("out", referred, "transferred", moved)
                        end, reason = moved, "E3"
                    else:
                        info["nts"] = ("out", referred, "declined", None)
                elif r < float(u["nts_out_share"]) + float(u["nts_in_share"]):
                    info["nts"] = ("in", day - DAY * rng.randint(5, 25), "transferred", day)
            if (
                year < first
                and end is not None
                and end < g.window_start
                and birthday(dob, 25) <= g.window_start
            ):
                continue
            pid = len(g.dob)
            male = rng.random() < male_share
            persons.add(
                id=pid,
                created_at=g.created,
                updated_at=g.created,
                version=1,
                kind="child" if adult > care.horizon else "adult",
                given_names=rng.choice(UASC_BOYS if male else UASC_GIRLS),
                family_name=rng.choice(UASC_SURNAMES),
                date_of_birth=dob,
                expected_date_of_birth=None,
                sex="M" if male else "F",
                gender_identity="",
                ethnicity=UASC_ETHNICITY.draw(rng),
                first_language="",
                religion="",
                upn="",
                nhs_number="",
                date_of_death=None,
                is_restricted=False,
                merged_into_id=None,
                created_by_id=None,
            )
            disabilities.add(person_id=pid, code="NONE")
            g.dob.append(dob)
            g.child_name.append("")
            stays = _lawful_stays(
                care._stays("uasc", "until_18", dob, day, end or adult, None), {day: "V2"}
            )
            if end is not None and end > care.horizon:
                end, reason = None, ""
            period = Period(
                pid, day, end, reason, "uasc", "uasc", "N8", None, {day: "V2"}, stays, uasc=info
            )
            care.take(period)
    g.report.counts["people"] = len(g.dob) - 1


# -- rows ------------------------------------------------------------------------------------------


class _Carers:
    """The council's fostering households and homes, external homes, and adopters."""

    def __init__(self, g: Generator, care: _Care) -> None:
        self.g, self.care, self.rng = g, care, care.rng
        c = care.c
        rng = self.rng
        self.council_urn = f"SC{rng.randint(100000, 999999)}"
        self.adoption_urn = f"SC{rng.randint(100000, 999999)}"
        self.agency_urn = {a: f"SC{rng.randint(100000, 999999)}" for a in AGENCIES}
        self.supported_urn = {a: f"SC{rng.randint(100000, 999999)}" for a in SUPPORTED}
        self.households: list[int] = []
        self.adopters: list[int] = []  # in-house households also approved as adopters
        self.homes_own: list[int] = []
        self.homes_external: list[int] = []
        self.secure: list[int] = []
        self.home_info: dict[int, tuple[str, str, str, Decimal]] = {}
        self.household_info: dict[int, tuple[str, str]] = {}
        surnames = list(N.COMMON_SURNAMES)
        self.surnames = surnames
        start = g.window_start - DAY * int(10 * YEAR_DAYS)
        for _ in range(int(c["fostering_households"])):
            approved = start + DAY * rng.randint(0, (care.horizon - start).days)
            ended = None
            if rng.random() < 0.25:
                ended = approved + DAY * rng.randint(400, 3000)
                if ended > care.horizon:
                    ended = None
            hid = self.household(approved=approved, ended=ended, adopters=rng.random() < 0.1)
            self.households.append(hid)
        for own in (True, False):
            n = int(c["homes_own"] if own else c["homes_external"])
            for i in range(n):
                secure = not own and i < 2
                self.home(own=own, secure=secure)

    def household(
        self,
        *,
        approved: datetime.date,
        ended: datetime.date | None = None,
        adopters: bool = False,
        connected: bool = False,
        surname: str | None = None,
        age_from: int = 0,
        near: str = "",
    ) -> int:
        rng = self.rng
        hid = self.care._id("household")
        surname = surname or rng.choice(self.surnames)
        name = rng.choice(
            [f"Mr and Mrs {surname}", f"Ms {surname}", f"Mr and Mr {surname}", f"Mrs {surname}"]
        )
        address = f"{rng.randint(1, 120)} {rng.choice(N.STREETS)}"
        postcode = self.care._postcode(near.split(" ")[0] if near else None)
        self.g.table(FosteringHousehold).add(
            id=hid,
            created_at=self.g.created,
            updated_at=self.g.created,
            version=1,
            reference=f"FH{hid:05d}",
            name=name,
            address=address,
            postcode=postcode,
            connected=connected,
            approved_adopters=adopters,
            approved_on=approved,
            approval_ended_on=ended,
            age_from=age_from,
            age_to=18,
            places=1 if connected else rng.randint(1, 3),
        )
        self.household_info[hid] = (name, postcode)
        if adopters:
            self.adopters.append(hid)
        return hid

    def nearest(self, pool: list[int], home_pc: str) -> int:
        """A household for the child: the nearest to their home of a few with a place (the
        matching a placements team does), or any when the home is not known."""
        candidates = [self.rng.choice(pool) for _ in range(4)]
        if not home_pc:
            return candidates[0]

        def miles(hid: int) -> Decimal:
            return distance_miles(home_pc, self.household_info[hid][1]) or Decimal(999)

        return min(candidates, key=miles)

    def home(self, *, own: bool, secure: bool) -> int:
        rng, care = self.rng, self.care
        hid = care._id("home")
        name = f"{rng.choice(HOME_WORDS)} {rng.choice(HOME_KINDS)}"
        operator = "PR1" if own else rng.choice(["PR4", "PR4", "PR4", "PR5"])
        away = not own and rng.random() < float(care.out_of_county["home"])
        # The council's own homes are in its own area (the DfE's rule 1015): the scenario may
        # name districts wholly inside it (``own_home_outward``), for a county whose postcode
        # districts cross its border.
        inside = care.c.get("own_home_outward") if own else None
        postcode = care._postcode(rng.choice(inside)) if inside else care._postcode(away=away)
        cost = Decimal(care.cost["residential"].draw_int(rng))
        if secure:
            cost = cost + Decimal(2000)
        urn = f"SC{400000 + hid:06d}"
        self.g.table(ChildrensHome).add(
            id=hid,
            created_at=self.g.created,
            updated_at=self.g.created,
            version=1,
            name=name,
            operator=operator,
            secure=secure,
            urn=urn,
            address=f"{rng.randint(1, 60)} {rng.choice(N.STREETS)}",
            postcode=postcode,
            places=rng.randint(2, 6) if not secure else rng.randint(8, 16),
            weekly_cost=cost,
            opened_on=None,
            closed_on=None,
        )
        self.home_info[hid] = (name, urn, postcode, cost)
        (self.secure if secure else self.homes_own if own else self.homes_external).append(hid)
        return hid

    def adopter_household(self, matched: datetime.date) -> tuple[int, str]:
        rng = self.rng
        aid = self.care._id("adopters")
        approved = matched - DAY * rng.randint(20, 250)
        stage2 = approved - DAY * rng.randint(90, 130)
        stage1 = stage2 - DAY * rng.randint(45, 70)
        enquiry = stage1 - DAY * rng.randint(10, 60)
        surname = rng.choice(self.surnames)
        two = rng.random() < 0.8
        name = f"Mr and Mrs {surname}" if two else f"Ms {surname}"
        self.g.table(AdopterHousehold).add(
            id=aid,
            created_at=self.g.created,
            updated_at=self.g.created,
            version=1,
            reference=f"AD{aid:05d}",
            name=name,
            number_of_adopters=2 if two else 1,
            sex_of_adopters="MF" if two else "F1",
            legal_status_of_adopters="L11" if two else "L0",
            enquiry_on=enquiry,
            stage1_on=stage1,
            stage2_on=stage2,
            application_on=stage2,
            approved_on=approved,
            left_on=None,
            left_reason="",
        )
        return aid, name

    def placement_fields(
        self, stay: Stay, previous: Stay | None, home_pc: str, dob: datetime.date, adopters: str
    ) -> dict[str, Any]:
        """Provider, carer, address, postcode, URN, cost and distance of a placement."""
        rng, care = self.rng, self.care
        place, day = stay.place, stay.start
        ooc = care.out_of_county
        f: dict[str, Any] = {
            "household_id": None,
            "home_id": None,
            "carer_name": "",
            "address": "",
            "urn": "",
        }
        cost: Decimal | None = None
        away = False
        if place in codes.CONNECTED_PERSON_PLACEMENTS:
            same = previous is not None and previous.place in codes.CONNECTED_PERSON_PLACEMENTS
            if same and previous is not None and previous.fields.get("household_id"):
                hid = previous.fields["household_id"]
            else:
                hid = self.household(
                    approved=day,
                    connected=True,
                    age_from=max(0, _age(dob, day)),
                    near=home_pc if rng.random() < 0.7 else "",
                )
            f.update(household_id=hid, provider="PR1", urn=self.council_urn)
            cost = Decimal(care.cost["connected"].draw_int(rng))
        elif place in codes.FOSTER_PLACEMENTS or place == "A5":
            if place == "A5" and previous is not None and previous.fields.get("household_id"):
                f.update(
                    household_id=previous.fields["household_id"],
                    provider="PR1",
                    urn=self.adoption_urn,
                )
            elif rng.random() < float(care.c["in_house_fostering_share"]):
                pool = self.adopters if place in ("U5", "U2") and self.adopters else self.households
                f.update(
                    household_id=_another(
                        pool,
                        self.nearest(pool, home_pc),
                        previous,
                        "household_id",
                        lambda h: self.household_info[h][1],
                    ),
                    provider="PR1",
                    urn=self.council_urn,
                )
                cost = Decimal(care.cost["in_house"].draw_int(rng))
            else:
                agency = rng.choice(AGENCIES)
                away = rng.random() < float(ooc["agency"])
                f.update(
                    provider="PR4" if rng.random() < 0.7 else "PR5",
                    carer_name=f"{rng.choice(['Mr and Mrs', 'Ms', 'Mrs', 'Mr'])} {rng.choice(self.surnames)} ({agency})",
                    urn=self.agency_urn[agency],
                )
                cost = Decimal(care.cost["agency"].draw_int(rng))
        elif place == "A6":
            f.update(
                provider="PR1" if rng.random() < 0.7 else "PR5",
                carer_name=adopters,
                urn=self.adoption_urn,
            )
            away = rng.random() < float(ooc["agency"])
        elif place in ("K1", "K2"):
            pool = (
                self.secure
                if place == "K1"
                else (
                    self.homes_own
                    if rng.random() < float(care.c["own_home_share"])
                    else self.homes_external
                )
            )
            hid = _another(
                pool, rng.choice(pool), previous, "home_id", lambda h: self.home_info[h][2]
            )
            _name, urn, postcode, base = self.home_info[hid]
            f.update(home_id=hid, urn=urn, postcode=postcode)
            f["provider"] = "PR1" if hid in self.homes_own else "PR4"
            cost = base + Decimal(rng.randint(-300, 300))
        elif place in ("H5", "K3"):
            provider = rng.choice(SUPPORTED)
            away = rng.random() < float(ooc["supported"])
            f.update(
                provider=rng.choice(["PR4", "PR5"]),
                carer_name=provider,
                # Registered with Ofsted (K3 from April 2024; an H5 open on 28 October 2023
                # needs a URN too, the DfE's rule 230): the provider's.
                urn=self.supported_urn[provider],
            )
            cost = Decimal(care.cost["supported"].draw_int(rng))
        elif place == "R3":
            f.update(provider="PR4", carer_name="Ashdown Family Assessment Centre", urn="SC099871")
            cost = Decimal(care.cost["parent_and_child"].draw_int(rng))
        else:  # P1: at home with parents
            f.update(provider="PR0", carer_name="Parents", postcode="")
        if "postcode" not in f:
            hid = f.get("household_id")
            if hid is not None:
                f["postcode"] = self.household_info[hid][1]
            elif place == "P1":
                f["postcode"] = ""
            else:
                near = not away and home_pc and rng.random() < 0.5
                f["postcode"] = care._postcode(home_pc.split(" ")[0] if near else None, away=away)
        if place == "P1":
            f["postcode"] = home_pc
        elif f["postcode"] and f["postcode"] == home_pc:
            # Only a child placed with parents is placed at home (the DfE's rule 392d).
            f["postcode"] = next_postcode(home_pc)
        if (
            previous is not None
            and previous.place == place
            and f["postcode"]
            and f.get("household_id") is None
            and f.get("home_id") is None
            and all(previous.fields.get(k) == f.get(k) for k in ("postcode", "provider"))
        ):
            # A move goes somewhere else: the same type, postcode, URN and provider is no move
            # to the DfE (rule 435), and the return may write two URNs as one (supported
            # accommodation's as XXXXXXX before 2023/24). Two invented postcodes can become one
            # real one (a home's or a household's postcode is where it is).
            f["postcode"] = next_postcode(f["postcode"])
        # As the service works it out (its placement hook), from the postcodes' grid references.
        f["distance_miles"] = distance_miles(home_pc, f["postcode"]) if home_pc else None
        f["weekly_cost"] = cost
        if place in codes.NO_URN:
            f["urn"] = ""
        return f


def _another(
    pool: list[int], chosen: int, previous: Any, field: str, postcode: Callable[[int], str]
) -> int:
    """``chosen``, or the next in ``pool`` that is neither the child's last placement nor at
    its postcode: a move goes somewhere else, and two carers at one postcode with the council's
    one URN are one placement to the DfE (rule 435). No random draw, so the stream is
    unchanged."""
    if previous is None or len(pool) < 2:
        return chosen
    last_postcode = previous.fields.get("postcode")
    start = pool.index(chosen)
    for step in range(len(pool)):
        candidate = pool[(start + step) % len(pool)]
        if candidate != previous.fields.get(field) and (
            not last_postcode or postcode(candidate) != last_postcode
        ):
            return candidate
    return chosen


def _same_placement(before: Any, after: Any) -> bool:
    a, b = before.fields, after.fields
    return (
        before.place == after.place
        and before.carer == after.carer
        and all(
            a.get(k) == b.get(k) for k in ("postcode", "urn", "provider", "household_id", "home_id")
        )
    )


def _lawful_stays(stays: list[Any], statuses: dict[datetime.date, str]) -> list[Any]:
    """A child is placed with parents (P1) only under a care order (C1, C2) or a placement
    order (E1): not while accommodated under section 20 (the DfE's rule 378), so such a move
    home does not happen, and a first placement there is with foster carers instead."""
    first = stays[0]
    if first.place == "P1" and statuses.get(first.start) not in ("C1", "C2", "E1"):
        first = Stay(first.start, "U6", first.reason, first.intended)
    out = [first]
    for stay in stays[1:]:
        if stay.place == "P1":
            in_force = [code for day, code in sorted(statuses.items()) if day <= stay.start]
            if not in_force or in_force[-1] not in ("C1", "C2", "E1"):
                continue
        out.append(stay)
    return out


def _rows(g: Generator, care: _Care) -> None:
    rng = care.rng
    carers = _Carers(g, care)
    addresses = g.table(Address)
    ap, apc = _col(addresses, "person_id"), _col(addresses, "postcode")
    wanted = {p.person for p in care.periods}
    home_postcode = {row[ap]: row[apc] for row in addresses.rows if row[ap] in wanted}
    team = care.worker_team
    periods_t, statuses_t, placements_t = (
        g.table(CarePeriod),
        g.table(LegalStatusChange),
        g.table(Placement),
    )
    episodes_t = g.table(Episode)
    allocations = g.table(Allocation)
    created = g.created
    care.periods.sort(key=lambda p: (p.start, p.person))
    cla_open: dict[int, datetime.date] = {}
    for period in care.periods:
        pid = period.pid = care._id("period")
        dob = g.dob[period.person]
        assert dob is not None
        worker = team["worker_choice"].draw(rng) if team else None
        manager = rng.choice(team["authorisers"]) if team else None
        iro = g.chairs.draw(rng)
        home_pc = home_postcode.get(period.person, "") if period.route != "uasc" else ""
        periods_t.add(
            id=pid,
            created_at=created,
            updated_at=created,
            version=1,
            person_id=period.person,
            referral_id=period.referral,
            start_date=period.start,
            end_date=period.end,
            end_reason=period.reason,
            category_of_need=period.cin,
            home_postcode=home_pc,
            # Most children come into care with no previous permanence order; the generated
            # histories hold none (adoptions and SGOs here end a period, never precede one).
            previous_permanence="Z1",
            previous_permanence_la="",
            previous_permanence_on="",
            iro_id=iro,
            created_by_id=worker,
        )
        status_facts = []
        period.worker = worker
        for day, code in period.statuses.items():
            if day > care.horizon:
                continue
            period.status_ids[day] = sid = care._id("status")
            statuses_t.add(
                id=sid,
                period_id=pid,
                person_id=period.person,
                code=code,
                start_date=day,
                recorded_by_id=worker,
                created_at=created,
            )
            status_facts.append(StatusFacts(day, code))
        adopters_name = ""
        adopters_id = None
        adoption = period.adoption
        if adoption and adoption["matched"] is not None and adoption["matched"] <= care.horizon:
            adopters_id, adopters_name = carers.adopter_household(adoption["matched"])
        stays = [
            s
            for s in period.stays
            if s.start <= care.horizon and (period.end is None or s.start < period.end)
        ]
        placement_facts: list[PlacementFacts] = []
        previous: Stay | None = None
        for i, stay in enumerate(stays):
            stay.end = stays[i + 1].start if i + 1 < len(stays) else period.end
            if (
                stay.place == "A6"
                and previous is not None
                and previous.fields.get("household_id")
                and rng.random() < 0.25
            ):
                stay.place = "A5"
            stay.fields = carers.placement_fields(stay, previous, home_pc, dob, adopters_name)
            f = stay.fields
            if f["household_id"]:
                stay.carer = carers.household_info[f["household_id"]][0]
            elif f["home_id"]:
                stay.carer = carers.home_info[f["home_id"]][0]
            else:
                stay.carer = f["carer_name"]
            if previous is not None and _same_placement(previous, stay):
                # A "move" to the same carer, type, address and provider is no move (the DfE's
                # rule 435): the placement before it carries on.
                row = list(placements_t.rows[-1])
                row[_col(placements_t, "end_date")] = stay.end
                row[_col(placements_t, "change_reason")] = (
                    stays[i + 1].reason if i + 1 < len(stays) else ""
                )
                placements_t.rows[-1] = tuple(row)
                last = placement_facts[-1]
                placement_facts[-1] = PlacementFacts(
                    start_date=last.start_date,
                    end_date=stay.end,
                    place=last.place,
                    provider=last.provider,
                    carer_key=last.carer_key,
                    postcode=last.postcode,
                    urn=last.urn,
                    change_reason=row[_col(placements_t, "change_reason")],
                    key=last.key,
                )
                previous.end = stay.end
                continue
            key = care._id("placement")
            # The placement plan, within 5 working days (the placement_plan rule).
            agreed = g.cal.add_working_days(stay.start, rng.randint(0, 5))
            plan_on = agreed if agreed <= care.horizon else None
            if plan_on is not None:
                entry = ("PLACEMENT_PLAN_AGREED", agreed, "care.placement", key, worker)
                period.entries.append((*entry, {"place": stay.place}))
            change = stays[i + 1].reason if i + 1 < len(stays) else ""
            placements_t.add(
                id=key,
                created_at=created,
                updated_at=created,
                version=1,
                period_id=pid,
                person_id=period.person,
                start_date=stay.start,
                end_date=stay.end,
                place=stay.place,
                change_reason=change,
                intended_until_18=stay.intended,
                plan_agreed_on=plan_on,
                created_by_id=worker,
                **f,
            )
            stay.fields["id"] = key
            carer_key = Placement(
                household_id=f["household_id"],
                home_id=f["home_id"],
                carer_name=f["carer_name"],
                place=stay.place,
            ).carer_key
            placement_facts.append(
                PlacementFacts(
                    start_date=stay.start,
                    end_date=stay.end,
                    place=stay.place,
                    provider=f["provider"],
                    carer_key=carer_key,
                    postcode=f["postcode"],
                    urn=f["urn"],
                    change_reason=change,
                    key=key,
                )
            )
            previous = stay
        stays = [s for s in stays if "id" in s.fields]  # less the moves that were none
        facts = PeriodFacts(period.start, period.end, period.reason, period.cin, home_pc)
        for e in episodes_for(facts, status_facts, placement_facts):
            episodes_t.add(
                id=care._id("episode"),
                period_id=pid,
                person_id=period.person,
                decom=e.decom,
                rne=e.rne,
                ls=e.ls,
                cin=e.cin,
                place=e.place,
                place_provider=e.place_provider,
                dec=e.dec,
                rec=e.rec,
                reason_place_change=e.reason_place_change,
                home_post=e.home_post,
                pl_post=e.pl_post,
                urn=e.urn,
                placement_id=e.placement_key,
            )
        if adoption and adoption["decided"] <= care.horizon:
            _adoption_row(g, care, period, adoption, adopters_id, stays, worker)
        if period.uasc is not None:
            _uasc_rows(g, care, period, dob, worker)
        if (
            team is not None
            and worker is not None
            and (period.end is None or period.end >= g.window_start)
        ):
            allocations.add(
                id=len(allocations) + 1,
                person_id=period.person,
                team_id=team["id"],
                worker_id=worker,
                start_date=period.start,
                end_date=period.end,
                allocated_by_id=manager,
            )
            if period.end is None:
                cla_open[period.person] = period.start
        _statutory(g, care, period, dob, stays, worker, iro)
    _close_other_allocations(g, cla_open, team["id"] if team else None)
    for model in TABLES:
        g.report.counts[str(model._meta.model_name)] = len(g.table(model))


def _close_other_allocations(
    g: Generator, cla_open: dict[int, datetime.date], team_id: int | None
) -> None:
    """A child looked after now is allocated to the looked-after team: another team's open
    allocation ends the day they became looked after (or the day it began, if later)."""
    table = g.table(Allocation)
    pi, ti, si, ei = (_col(table, n) for n in ("person_id", "team_id", "start_date", "end_date"))
    for i, row in enumerate(table.rows):
        start = cla_open.get(row[pi])
        if start is not None and row[ei] is None and row[ti] != team_id:
            new = list(row)
            new[ei] = max(start, row[si])
            table.rows[i] = tuple(new)


def _adoption_row(
    g: Generator,
    care: _Care,
    period: Period,
    a: dict[str, Any],
    adopters: int | None,
    stays: list[Stay],
    worker: int | None,
) -> None:
    h = care.horizon

    def upto(day: datetime.date | None) -> datetime.date | None:
        return day if day is not None and day <= h else None

    matched = upto(a["matched"]) if adopters else None
    placed = upto(a["placed"]) if matched else None
    order = upto(a["order"]) if placed and period.end is not None else None
    reversed_on = upto(a["reversed_on"])
    if reversed_on is not None and placed is not None and reversed_on < placed:
        reversed_on = placed + DAY
    ffa = stays[0].start if stays and stays[0].place in ("U2", "U5") else None
    g.table(AdoptionPlan).add(
        id=care._id("adoption"),
        created_at=g.created,
        updated_at=g.created,
        version=1,
        person_id=period.person,
        period_id=period.pid,
        decided_on=a["decided"],
        placement_order_on=upto(a["po"]),
        fostering_for_adoption_on=ffa,
        adopters_id=adopters if matched else None,
        matched_on=matched,
        placed_on=placed,
        placement_ceased_on=reversed_on if placed and reversed_on else None,
        adoption_order_on=order,
        reversed_on=reversed_on,
        reversal_reason=a["reversal_reason"] if reversed_on else "",
        recorded_by_id=worker,
    )


def _uasc_rows(
    g: Generator, care: _Care, period: Period, dob: datetime.date, worker: int | None
) -> None:
    rng = care.rng
    info = period.uasc
    assert info is not None
    assessed = info.get("assessed")
    if assessed is not None and assessed[0] > care.horizon:
        assessed = None
    adult = _age_18(dob)
    ceased = adult if adult <= care.horizon else None
    if assessed is not None and assessed[1] == "adult":
        ceased = assessed[0]
    g.table(UASCStatus).add(
        id=care._id("uasc"),
        created_at=g.created,
        updated_at=g.created,
        version=1,
        person_id=period.person,
        arrived_on=info["arrived"],
        home_office_reference=f"U{rng.randint(1000000, 9999999)}",
        age_assessed_on=assessed[0] if assessed else None,
        age_assessment_outcome=assessed[1] if assessed else "",
        ceased_on=ceased,
        recorded_by_id=worker,
    )
    nts = info.get("nts")
    if nts is not None and nts[1] <= care.horizon:
        direction, referred, status, moved = nts
        if moved is not None and moved > care.horizon:
            status, moved = "referred", None
        g.table(NTSTransfer).add(
            id=care._id("nts"),
            created_at=g.created,
            updated_at=g.created,
            version=1,
            person_id=period.person,
            direction=direction,
            other_council=rng.choice(OTHER_COUNCILS),
            referred_on=referred,
            status=status,
            transferred_on=moved,
            recorded_by_id=worker,
        )


def _near(
    care: _Care, last: datetime.date, due: datetime.date, on_time: float, late_days: int
) -> datetime.date:
    """When something due on ``due`` (the one before on ``last``) is done: by then, up to a
    quarter of the interval early (at most 10 days), or late."""
    rng = care.rng
    if rng.random() < on_time:
        return due - DAY * rng.randint(0, max(0, min(10, (due - last).days // 4)))
    return due + DAY * rng.randint(1, late_days)


def _statutory(
    g: Generator,
    care: _Care,
    period: Period,
    dob: datetime.date,
    stays: list[Stay],
    worker: int | None,
    iro: int,
) -> None:
    """Reviews and visits over the whole period (the service works out when the next is due
    from them); care plans, health and education records in the generated window."""
    rng, cal = care.rng, g.cal
    stop = min(period.end or datetime.date.max, care.horizon + DAY)
    window = g.window_start
    created = g.created
    r, v = care.reviews, care.visits
    plan = {
        "adopted": "adoption",
        "home": "return_home",
        "sgo": "sgo_cao",
        "cao": "sgo_cao",
        "until_18": "long_term_fostering",
        "uasc": "supported_living",
    }.get(period.outcome, "other")
    # Reviews and visits are due as the service works them out (haven.care.timescales).
    reviews: list[datetime.date] = []
    due = timescales.review_due(period.start, 0, None)
    while True:
        last = reviews[-1] if reviews else period.start
        held = max(
            _near(care, last, due.date, float(r["on_time_share"]), int(r["late_days"])), last + DAY
        )
        if held >= stop:
            break
        following = timescales.review_due(period.start, len(reviews) + 1, held)
        # Every review: the service counts them to know when the next is due.
        age = _age(dob, held)
        rid = care._id("review")
        participation = "PN0" if age < 4 else care.participation.draw(rng)
        g.table(CareReview).add(
            id=rid,
            period_id=period.pid,
            person_id=period.person,
            held_on=held,
            due_date=due.date,
            participation=participation,
            chair_id=iro,
            summary=REVIEW_SUMMARY,
            next_due=following.date,
            created_at=_at(held),
        )
        period.entries.append(
            (
                "CARE_REVIEW_HELD",
                held,
                "care.carereview",
                rid,
                iro,
                {"participation": participation},
            )
        )
        reviews.append(held)
        due = following
    first_review = reviews[0] if reviews else None
    # Care plans: within 10 working days, then agreed again at every other review.
    plan_days = [
        min(
            cal.add_working_days(period.start, rng.randint(0, 10)),
            max(period.start, stop - DAY),
        )
    ]
    plan_days += [d for i, d in enumerate(reviews) if i % 2 == 1]
    for day in plan_days:
        if window <= day < stop:
            kind = plan
            if plan == "long_term_fostering" and _age(dob, day) >= 16:
                kind = "supported_living"
            cid = care._id("plan")
            g.table(CarePlan).add(
                id=cid,
                created_at=created,
                updated_at=created,
                version=1,
                period_id=period.pid,
                person_id=period.person,
                agreed_on=day,
                permanence_plan=kind,
                summary=PLAN_SUMMARY[kind],
                recorded_by_id=worker,
            )
            period.entries.append(
                ("CARE_PLAN_AGREED", day, "care.careplan", cid, worker, {"permanence": kind})
            )
    on_time = float(v["on_time_share"])
    statuses = list(period.statuses.items())
    for stay in stays:
        end = min(stay.end or datetime.date.max, stop)
        previous: datetime.date | None = None
        target = timescales.visit_due(
            timescales.VisitPlacement(stay.start, stay.place, stay.intended), None, None, stay.start
        ).date
        while True:
            last = previous or stay.start - DAY
            visited = max(_near(care, last, target, on_time, int(v["late_days"])), last + DAY)
            if visited >= end:
                break
            status = next(code for day, code in reversed(statuses) if day <= visited)
            facts = timescales.VisitPlacement(stay.start, stay.place, stay.intended, status)
            due = timescales.visit_due(facts, previous, first_review, visited)
            following = timescales.visit_due(facts, visited, first_review, visited)
            seen = rng.random() < float(v["child_seen_share"])
            alone = seen and _age(dob, visited) >= 5 and rng.random() < 0.6
            vid = care._id("visit")
            g.table(CareVisit).add(
                id=vid,
                period_id=period.pid,
                placement_id=stay.fields["id"],
                person_id=period.person,
                visited_on=visited,
                child_seen=seen,
                seen_alone=alone,
                due_date=due.date,
                next_due=following.date,
                due_rule=due.rule,
                worker_id=worker,
            )
            period.entries.append(
                (
                    "CARE_VISIT_RECORDED",
                    visited,
                    "care.carevisit",
                    vid,
                    worker,
                    {"child_seen": seen, "seen_alone": alone},
                )
            )
            previous, target = visited, following.date
    _health(g, care, period, dob, stop, worker)
    _peps(g, care, period, dob, stop, worker)


def _health(
    g: Generator,
    care: _Care,
    period: Period,
    dob: datetime.date,
    stop: datetime.date,
    worker: int | None,
) -> None:
    rng, h = care.rng, care.c["health"]
    table = g.table(HealthRecord)
    window = g.window_start

    def add(kind: str, on: datetime.date, **extra: Any) -> None:
        if window <= on < stop:
            values = {
                "due_date": None,
                "up_to_date": None,
                "sdq_score": None,
                "sdq_reason": "",
                "intervention_offered": None,
                "intervention_received": None,
            } | extra
            table.add(
                id=care._id("health"),
                person_id=period.person,
                period_id=period.pid,
                kind=kind,
                on=on,
                notes="",
                recorded_by_id=worker,
                created_at=_at(on),
                **values,
            )

    on_time = float(h["on_time_share"])
    first = g.cal.add_working_days(
        period.start, rng.randint(10, 20) if rng.random() < on_time else rng.randint(21, 60)
    )
    # Each assessment and dental check carries the day it was due, by the service's rules.
    add("initial_assessment", first, due_date=health.initial_health_assessment_due(period.start))
    day = first
    while day < stop:
        due = health.health_assessment_next_due(dob, day)
        day = due + DAY * (rng.randint(-20, 0) if rng.random() < on_time else rng.randint(6, 60))
        add("review_assessment", day, due_date=due)

    def sdq(draw: random.Random, completed: datetime.date) -> None:
        """The SDQ (or why none) of the collection year whose OC2 first counts the child's
        twelve months to ``completed`` (care from 1 April is 12 months at the next 31 March)."""
        year_began = datetime.date(completed.year - (completed.month < 4), 4, 1)
        if draw.random() < float(h["sdq_share"]):
            score = max(0, min(40, round(draw.gauss(14, 6))))
            on = max(completed - DAY * draw.randint(0, 60), year_began)
            add("sdq", on, sdq_score=score)
        else:
            add(
                "sdq",
                max(completed - DAY * draw.randint(0, 60), year_began),
                sdq_reason=draw.choice(["SDQ2", "SDQ4", "SDQ5", "SDQ4"]),
            )

    last_dental: datetime.date | None = None
    year = 1
    while True:
        anniversary = add_calendar_months(period.start, 12 * year)
        if anniversary >= stop:
            if anniversary - DAY < stop and 4 <= _age(dob, anniversary) <= 16:
                # Twelve months completed on the last day: that year's OC2 wants the SDQ. Drawn
                # from the period's own stream, so the county's stream is unchanged.
                sdq(random.Random(f"{g.report.seed}-sdq-{period.pid}"), anniversary - DAY)
            break
        age = _age(dob, anniversary)
        if rng.random() < float(h["dental_share"]):
            checked = anniversary - DAY * rng.randint(0, 200)
            add(
                "dental_check",
                checked,
                due_date=health.dental_check_due(last_dental, period.start),
            )
            last_dental = checked
        add(
            "immunisations",
            anniversary - DAY * rng.randint(0, 60),
            up_to_date=rng.random() < float(h["immunised_share"]),
        )
        if 4 <= age <= 16:
            sdq(rng, anniversary - DAY)
        if age >= 11 and rng.random() < float(h["substance_misuse_share"]):
            offered = rng.random() < 0.8
            add(
                "substance_misuse",
                anniversary - DAY * rng.randint(30, 300),
                intervention_offered=offered,
                intervention_received=offered and rng.random() < 0.6,
            )
        if age >= 10 and rng.random() < float(h["conviction_share"]):
            add("conviction", anniversary - DAY * rng.randint(30, 300))
        year += 1


def _peps(
    g: Generator,
    care: _Care,
    period: Period,
    dob: datetime.date,
    stop: datetime.date,
    worker: int | None,
) -> None:
    """Personal education plans for children of school age: started within 10 working days (or
    when they start school), then reviewed each term."""
    school_from = datetime.date(dob.year + 4 + (dob.month >= 9), 9, 1)
    school_to = datetime.date(dob.year + 18 - (dob.month < 9), 7, 31)
    day = max(period.start, school_from)
    due = health.first_pep_due(day)
    last: datetime.date | None = None
    while True:
        held = _near(care, last or day, due, float(care.c["pep_on_time_share"]), 30)
        if last is not None:
            held = max(held, last + DAY)
        if held >= stop or held > school_to:
            break
        nxt = health.pep_next_due(held)
        if held >= g.window_start and held >= period.start:
            g.table(PersonalEducationPlan).add(
                id=care._id("pep"),
                period_id=period.pid,
                person_id=period.person,
                held_on=held,
                due_date=due,
                next_due=nxt,
                summary="Targets agreed with the school and the virtual school.",
                recorded_by_id=worker,
            )
        last, due = held, nxt


def chronology(g: Generator) -> None:
    """The periods' chronology entries, worded and typed by ``haven.care.events`` as the
    services record them (the type and parameters stored, so the page words them when read)."""
    from haven.care import events

    table = g.table(ChronologyEvent)
    horizon = g.horizon_date

    def add(
        etype: Any, person: int, day: datetime.date, source: str, sid: int, by: int | None, **p: Any
    ) -> None:
        table.add(
            person_id=person,
            occurred_on=day,
            kind=etype.kind,
            summary=etype.text(**p),
            detail="",
            event=etype.name,
            params=json.dumps(p),
            source_type=source,
            source_id=sid,
            recorded_by_id=by,
            recorded_at=_at(day),
        )

    for period in getattr(g, "care_periods", []):
        person, by, pid = period.person, period.worker, period.pid
        codes_by_day = list(period.statuses.items())
        add(
            events.CARE_STARTED,
            person,
            period.start,
            "care.careperiod",
            pid,
            by,
            ls=codes_by_day[0][1],
        )
        for day, code in codes_by_day[1:]:
            if day <= horizon:
                sid = period.status_ids[day]
                add(
                    events.LEGAL_STATUS_CHANGED,
                    person,
                    day,
                    "care.legalstatuschange",
                    sid,
                    by,
                    ls=code,
                )
        for i, stay in enumerate(period.stays):
            if "id" in stay.fields:
                add(
                    events.PLACEMENT_STARTED,
                    person,
                    stay.start,
                    "care.placement",
                    stay.fields["id"],
                    by,
                    place=stay.place,
                    carer=stay.carer,
                    reason=stay.reason if i else "",
                )
        if period.end is not None:
            add(
                events.CARE_ENDED,
                person,
                period.end,
                "care.careperiod",
                pid,
                by,
                reason=period.reason,
            )
        for name, day, source, sid, who, params in period.entries:
            add(getattr(events, name), person, day, source, sid, who, **params)
