"""Build a synthetic county from a scenario file, with bulk loading.

The work happens in memory, in order of time, then each table is written with one PostgreSQL
``COPY``:

1. Teams and staff (the demo users too, with the demo password; everyone else has an unusable
   password).
2. Families: children born across the generated years and the 18 before (so the county has the
   scenario's number of children aged 0-17 on the last day, and older children in the early
   years), one or two parents with parental responsibility, an address in one of the
   scenario's districts.
3. Contacts, day by day, with the scenario's volumes by year, month and weekday, sources,
   channels, concerns and sibling groups; a share about families already known. Each contact
   gets MASH checks (deadlines from the working-day calendar's RAG rules) and a threshold
   decision per child, authorised by a MASH manager.
4. Assessments are target-driven: for each collection year the scenario's number of
   authorisations is spread over that year's working days, and each is given a duration from
   start to authorisation (on time or late in the scenario's proportion), so the start date and
   then the referral date follow. Each referral is then given to a child whose contact was
   decided on that day (preferring, in the scenario's proportion, a child referred in the last
   12 months, never a child whose previous referral is still open). Figures are afterwards
   *computed* from these records, like any others.
5. The child protection and child in need pathway (``haven.synthetic.protection``), decided
   while each referral is given to its child: strategy discussions, S47 enquiries, initial and
   review conferences, plans (categories, category changes, how they end, previous plans),
   core groups, CP and CIN visits and CIN plans; the episode closes only once all of it has
   ended. Children on a plan in an area with a child protection team may move to it.
6. Referral closures, allocations (the history of who held the case), referrer feedback and
   the chronology, worded as the application's own events (MASH checks and authorisations
   included).

The load runs as the schema owner with ``session_replication_role = replica``: the per-row
audit trigger is skipped (generated history has no audit trail of its own), while the
``ENABLE ALWAYS`` name triggers still give every person a searchable primary name.

Deterministic: the same scenario, years, seed and "now" give the same records.
"""

from __future__ import annotations

import datetime
import heapq
import itertools
import random
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.contrib.auth.hashers import make_password
from django.db import connection, transaction
from django.utils import timezone

from haven.core.calendar import FIRST_YEAR, LONDON, add_calendar_months, calendar, rule
from haven.core.dates import long_date
from haven.synthetic import names as N
from haven.synthetic.protection import COLUMNS as PROTECTION_COLUMNS
from haven.synthetic.protection import Pathway, Pathways
from haven.synthetic.scenario import (
    Choice,
    Scenario,
    ScenarioError,
    current_collection_year,
    load_scenario,
)

Log = Callable[[str], Any]
DAY = datetime.timedelta(days=1)
YEAR_DAYS = 365.25
INWARD_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"


class GenerationError(ValueError):
    """Bad input to the generator (an unknown scenario, years out of range, a full database)."""


@dataclass
class GenerationReport:
    scenario: str
    seed: int
    years: int
    history_years: int
    first_year: int
    end_year: int
    window_start: datetime.date
    horizon: datetime.datetime
    counts: dict[str, int] = field(default_factory=dict)
    stages: dict[str, float] = field(default_factory=dict)
    seconds: float = 0.0
    dropped_referrals: int = 0

    def as_dict(self) -> dict[str, Any]:
        return {
            "scenario": self.scenario,
            "seed": self.seed,
            "years": self.years,
            "history_years": self.history_years,
            "first_year": self.first_year,
            "end_year": self.end_year,
            "window_start": self.window_start.isoformat(),
            "horizon": self.horizon.isoformat(),
            "counts": self.counts,
            "stages": {k: round(v, 2) for k, v in self.stages.items()},
            "seconds": round(self.seconds, 2),
            "dropped_referrals": self.dropped_referrals,
        }


# -- the public entry point ---------------------------------------------------------------------


def generate(
    scenario_name_or_path: str | Path,
    *,
    years: int | None = None,
    end_year: int | str | None = None,
    seed: int | None = None,
    replace: bool = False,
    stdout: Log = print,
    now: datetime.datetime | None = None,
) -> GenerationReport:
    """Generate the scenario's county into the current database (migrated, and empty unless
    ``replace``, which first wipes every Haven table but the LA's closure days).

    ``end_year`` is a collection year (the year of its 31 March) or "current"; ``now`` (default:
    the current time) is when a "current" county is generated up to, so open work is relative
    to it. Raises ``GenerationError`` for bad input."""
    try:
        scenario = load_scenario(scenario_name_or_path)
    except ScenarioError as exc:
        raise GenerationError(str(exc)) from exc
    now = now or timezone.now()
    today = now.astimezone(LONDON).date()
    years = scenario.default_years if years is None else int(years)
    if years < 1:
        raise GenerationError("--years must be at least 1")
    chosen_end = scenario.default_end_year if end_year is None else end_year
    current = current_collection_year(today)
    if chosen_end == "current":
        end = current
    else:
        try:
            end = int(chosen_end)
        except ValueError:
            raise GenerationError(
                f"--end-year must be a year or 'current', not {chosen_end!r}"
            ) from None
    first_generated = end - years - scenario.history_years + 1
    if end > current:
        raise GenerationError(
            f"--end-year {end} is in the future: the current collection year ends 31 March {current}"
        )
    if first_generated - 1 <= FIRST_YEAR:
        raise GenerationError(
            f"--end-year {end} with {years} years (and {scenario.history_years} history years) "
            f"starts before the working-day calendar ({FIRST_YEAR + 2} is the earliest start)"
        )
    seed = scenario.default_seed if seed is None else int(seed)
    try:
        return _Generator(
            scenario, years=years, end_year=end, seed=seed, now=now, stdout=stdout
        ).run(replace=replace)
    except ScenarioError as exc:
        raise GenerationError(str(exc)) from exc


# -- helpers -------------------------------------------------------------------------------------


def _nhs_numbers(rng: random.Random, count: int) -> Iterable[str]:
    """Distinct 10-digit NHS numbers with a valid check digit."""
    for body in rng.sample(range(400_000_000, 800_000_000), int(count * 1.15) + 100):
        digits = f"{body:09d}"
        check = 11 - sum(int(d) * w for d, w in zip(digits, range(10, 1, -1), strict=True)) % 11
        if check == 11:
            check = 0
        if check != 10:
            yield f"{digits}{check}"


def _upn(la_number: str, serial: int) -> str:
    from haven.people.validators import upn_check_letter

    body = f"{la_number}{serial:09d}"[:12]
    return upn_check_letter(body) + body


def _zipf(names: Sequence[str], s: float = 0.9) -> Choice:
    return Choice([(n, 1 / (rank**s)) for rank, n in enumerate(names, start=1)], "names")


def _ascii(text: str) -> str:
    import unicodedata

    flat = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "".join(c for c in flat.lower() if c.isalnum())


def _year_days(year: int) -> list[datetime.date]:
    first = datetime.date(year - 1, 4, 1)
    return [first + DAY * i for i in range((datetime.date(year, 3, 31) - first).days + 1)]


_MONTH_INDEX = {m: (m - 4) % 12 for m in range(1, 13)}  # April is 0


def _days_in_month(day: datetime.date) -> int:
    following = datetime.date(day.year + (day.month == 12), day.month % 12 + 1, 1)
    return (following - day.replace(day=1)).days


# -- the generator -------------------------------------------------------------------------------


class _Generator:
    def __init__(
        self,
        scenario: Scenario,
        *,
        years: int,
        end_year: int,
        seed: int,
        now: datetime.datetime,
        stdout: Log,
    ) -> None:
        self.s = scenario
        self.log = stdout
        self.rng = random.Random(seed)
        self.cal = calendar()
        self.end_year = end_year
        self.years = years
        self.history = scenario.history_years
        self.first_year = end_year - years + 1
        self.generated_years = list(range(end_year - years - self.history + 1, end_year + 1))
        self.window_start = datetime.date(self.generated_years[0] - 1, 4, 1)
        period_end = datetime.datetime.combine(
            datetime.date(end_year, 3, 31), datetime.time(23, 59, 59), tzinfo=LONDON
        )
        self.horizon = min(period_end, now.astimezone(LONDON))
        self.horizon_date = self.horizon.date()
        self.report = GenerationReport(
            scenario=scenario.name,
            seed=seed,
            years=years,
            history_years=self.history,
            first_year=self.first_year,
            end_year=end_year,
            window_start=self.window_start,
            horizon=self.horizon,
        )
        self.created = timezone.now()
        self._rows: dict[str, list[tuple[Any, ...]]] = defaultdict(list)

    # -- orchestration ---------------------------------------------------------------------------

    def run(self, *, replace: bool) -> GenerationReport:
        from haven.core.db_roles import owner_mode

        started = time.perf_counter()
        self.log(
            f"Generating the {self.s.name} county: collection years {self.first_year - 1}/"
            f"{self.first_year % 100:02d} to {self.end_year - 1}/{self.end_year % 100:02d} "
            f"(+{self.history} history), up to {self.horizon:%d %b %Y %H:%M}, seed "
            f"{self.report.seed}"
        )
        with owner_mode(), transaction.atomic(), connection.cursor() as cursor:
            self._stage("check and wipe", lambda: self._prepare(cursor, replace=replace))
            cursor.execute("SET LOCAL session_replication_role = replica")
            cursor.execute("SET LOCAL synchronous_commit = off")
            self._stage("teams and staff", self._staff)
            self._stage("families", self._families)
            self._stage("contacts and MASH checks", self._contacts)
            self._stage("referrals and assessments", self._referrals)
            self._stage("decisions, feedback and chronology", self._finish_front_door)
            indexes = self._stage("drop secondary indexes", lambda: self._drop_indexes(cursor))
            self._stage("COPY", lambda: self._copy(cursor))
            self._stage("rebuild indexes", lambda: self._rebuild_indexes(cursor, indexes))
            self._stage("sequences and ANALYZE", lambda: self._finalise(cursor))
            cursor.execute("SET LOCAL session_replication_role = origin")
        self.report.seconds = time.perf_counter() - started
        counts = ", ".join(f"{k} {v:,}" for k, v in self.report.counts.items())
        self.log(f"Loaded {counts}")
        if self.report.dropped_referrals:
            self.log(f"  {self.report.dropped_referrals:,} referrals found no contact that day")
        self.log(
            f"Done in {self.report.seconds:.1f}s (generated history has no per-row audit trail)"
        )
        return self.report

    def _stage(self, name: str, work: Callable[[], Any]) -> Any:
        t0 = time.perf_counter()
        result = work()
        seconds = time.perf_counter() - t0
        self.report.stages[name] = seconds
        self.log(f"  {name}: {seconds:.1f}s")
        return result

    # -- check and wipe --------------------------------------------------------------------------

    @staticmethod
    def _haven_tables() -> list[str]:
        from haven.core.db_roles import audited_models

        keep = {"core_closureday"}
        tables = {m._meta.db_table for m in audited_models()} | {
            "core_auditchange",
            "core_accesslog",
        }
        return sorted(tables - keep)

    def _prepare(self, cursor: Any, *, replace: bool) -> None:
        cursor.execute(
            "SELECT (SELECT count(*) FROM people_person), (SELECT count(*) FROM accounts_user),"
            " (SELECT count(*) FROM accounts_team)"
        )
        people, users, teams = cursor.fetchone()
        if people or users or teams:
            if not replace:
                raise GenerationError(
                    f"the database already holds {people:,} people, {users:,} users and "
                    f"{teams:,} teams: use --replace to wipe them (and every other Haven record) "
                    "and generate afresh"
                )
            tables = ", ".join(f'"{t}"' for t in self._haven_tables())
            cursor.execute(f"TRUNCATE {tables} RESTART IDENTITY CASCADE")
            self.log("  wiped the existing records")

    # -- teams and staff -------------------------------------------------------------------------

    def _staff(self) -> None:
        from haven.accounts.models import Role, TeamKind
        from haven.synthetic.demo_staff import DEMO_PASSWORD, TEAMS, USERS

        rng = self.rng
        team_defs = [dict(t) for t in self.s.data["teams"]]
        names = {t["name"] for t in team_defs}
        if self.s.demo_users:
            team_defs += [
                {"name": name, "kind": str(kind), "area": area, "workers": 0, "managers": 0}
                for name, kind, area in TEAMS
                if name not in names
            ]
        valid_kinds = set(TeamKind.values)
        self.teams: dict[str, dict[str, Any]] = {}
        for i, t in enumerate(team_defs, start=1):
            if t.get("kind") not in valid_kinds:
                raise ScenarioError(
                    f"team {t.get('name')!r}: kind must be one of {sorted(valid_kinds)}"
                )
            self.teams[t["name"]] = {
                "id": i,
                "kind": t["kind"],
                "area": t.get("area", ""),
                "workers": [],
                "weights": [],
                "managers": [],
            }
            self._rows["accounts_team"].append((i, t["name"], t["kind"], t.get("area", ""), True))
        worker_role = {
            "front_door": Role.MASH_PRACTITIONER,
            "reviewing": Role.REVIEWING_OFFICER,
            "performance": Role.PERFORMANCE_ANALYST,
        }
        men, women = _zipf(N.MEN), _zipf(N.WOMEN)
        surnames = Choice(N.COMMON_SURNAMES, "surnames")
        usernames: set[str] = set()
        unusable = make_password(None)
        uid = 0
        users = self._rows["accounts_user"]
        members = self._rows["accounts_membership"]
        today = self.created.date()
        domain = f"{_ascii(self.s.name)}.example"
        demo_weight = float(self.s.section("scenario").get("demo_user_weight", 1.0))
        chairs: list[tuple[int, float]] = []

        def add_user(
            username: str,
            first: str,
            last: str,
            role: str,
            title: str,
            password: str,
            team_names: list[str],
            weight: float,
        ) -> None:
            nonlocal uid
            uid += 1
            users.append(
                (
                    uid,
                    password,
                    None,
                    False,
                    username,
                    first,
                    last,
                    f"{username}@{domain}",
                    False,
                    True,
                    self.created,
                    role,
                    title,
                )
            )
            for name in team_names:
                team = self.teams[name]
                members.append((len(members) + 1, uid, team["id"], today))
                if role == Role.TEAM_MANAGER:
                    team["managers"].append(uid)
                elif role in (Role.PRACTITIONER, Role.MASH_PRACTITIONER):
                    team["workers"].append(uid)
                    team["weights"].append(weight)
                elif role == Role.REVIEWING_OFFICER:
                    chairs.append((uid, weight))

        if self.s.demo_users:
            demo_hash = make_password(DEMO_PASSWORD)
            for username, first, last, role, team_names, title in USERS:
                usernames.add(username)
                add_user(
                    username,
                    first,
                    last,
                    str(role),
                    title,
                    demo_hash,
                    list(team_names),
                    demo_weight,
                )
        for t in team_defs:
            for count_key, role in (
                ("workers", worker_role.get(t["kind"], Role.PRACTITIONER)),
                ("managers", Role.TEAM_MANAGER),
            ):
                for _ in range(int(t.get(count_key, 0))):
                    female = rng.random() < 0.8
                    first = (women if female else men).draw(rng)
                    last = surnames.draw(rng)
                    base = f"{_ascii(first)}.{_ascii(last)}"
                    username, n = base, 1
                    while username in usernames:
                        n += 1
                        username = f"{base}{n}"
                    usernames.add(username)
                    title = "Team manager" if role == Role.TEAM_MANAGER else str(Role(role).label)
                    add_user(username, first, last, str(role), title, unusable, [t["name"]], 1.0)
        for name, team in self.teams.items():
            if team["kind"] in ("front_door", "assessment") and not team["workers"]:
                raise ScenarioError(f"team {name!r} needs at least one worker")
        all_managers = [m for t in self.teams.values() for m in t["managers"]]
        if not all_managers:
            raise ScenarioError("the scenario needs at least one team manager")
        for team in self.teams.values():
            team["authorisers"] = team["managers"] or all_managers
            team["worker_choice"] = (
                Choice(list(zip(team["workers"], team["weights"], strict=True)), "workers")
                if team["workers"]
                else None
            )
        front = [t for t in self.teams.values() if t["kind"] == "front_door"]
        if not front:
            raise ScenarioError("the scenario needs a front_door team")
        self.front_door = front[0]
        self.area_team: dict[str, dict[str, Any]] = {}
        self.area_cp_team: dict[str, dict[str, Any]] = {}
        for team in self.teams.values():
            if team["kind"] == "assessment":
                self.area_team.setdefault(team["area"], team)
            elif team["kind"] == "child_protection":
                self.area_cp_team.setdefault(team["area"], team)
        if not chairs:
            raise ScenarioError("the scenario needs a reviewing team with a worker to chair")
        self.chairs = Choice(chairs, "conference chairs")
        self.report.counts["teams"] = len(self.teams)
        self.report.counts["users"] = uid

    # -- families --------------------------------------------------------------------------------

    def _families(self) -> None:
        rng, s = self.rng, self.s
        pop = s.section("population")
        areas = s.data["areas"]
        for area in areas:
            if area["name"] not in self.area_team:
                raise ScenarioError(f"area {area['name']!r} has no district assessment team")
        area_choice = Choice([(i, a["share"]) for i, a in enumerate(areas)], "areas")
        siblings = s.choice("population", "siblings")
        gap = s.buckets("population", "sibling_gap_years")
        mother_age = s.buckets("population", "mother_age_at_first_child")
        father_gap = s.buckets("population", "father_older_by_years")
        two_parents = float(pop["two_parents_share"])
        other_surname = float(pop.get("other_surname_share", 0.0))
        upn_share = float(pop.get("upn_share_school_age", 0.0))
        nhs_share = float(pop.get("nhs_number_share", 1.0))
        ethnicity = s.choice("population", "ethnicity")
        # Disabilities: every child gets a row, "NONE" or one or more DfE codes. A random
        # stream of their own, so the rest of the county is the same with or without them.
        disability_share = float(pop.get("disability_share", 0.0))
        disability_codes = (
            s.choice("population", "disability_codes") if disability_share > 0 else None
        )
        disability_n = (
            s.choice("population", "disabilities_per_child") if disability_share > 0 else None
        )
        disability_rng = random.Random(f"{self.report.seed}-disabilities")
        disabilities = self._rows["people_persondisability"]
        la_number = str(s.section("scenario").get("la_number", "999"))
        boys, girls, men, women = (_zipf(N.BOYS), _zipf(N.GIRLS), _zipf(N.MEN), _zipf(N.WOMEN))
        surnames = self._surnames()

        span_days = (self.horizon_date - self.window_start).days
        children_target = round(
            int(pop["children"]) * (18 * YEAR_DAYS + span_days) / (18 * YEAR_DAYS)
        )
        oldest = self.horizon_date - datetime.timedelta(days=int(18 * YEAR_DAYS) + span_days)
        born_range = (self.horizon_date - oldest).days
        adult_cutoff = self.horizon_date.replace(year=self.horizon_date.year - 18)
        nhs = iter(_nhs_numbers(rng, int(children_target * 2.0)))

        persons = self._rows["people_person"]
        addresses = self._rows["people_address"]
        relationships = self._rows["people_relationship"]
        created = self.created
        self.dob: list[datetime.date | None] = [None]  # by person id
        self.child_name: list[str] = [""]
        self.family_children: list[list[int]] = []
        self.family_area: list[int] = []
        self.area_names = [a["name"] for a in areas]
        pid = 0
        children = 0
        upn_serial = 0

        def person(
            kind: str, given: str, family: str, dob: datetime.date, sex: str, upn: str
        ) -> int:
            nonlocal pid
            pid += 1
            persons.append(
                (
                    pid,
                    created,
                    created,
                    1,
                    kind,
                    given,
                    family,
                    dob,
                    None,
                    sex,
                    "",
                    ethnicity.draw(rng),
                    "",
                    "",
                    upn,
                    next(nhs) if rng.random() < nhs_share else "",
                    None,
                    False,
                    None,
                    None,
                )
            )
            self.dob.append(dob)
            return pid

        while children < children_target:
            area_i = area_choice.draw(rng)
            area = areas[area_i]
            family_name = surnames.draw(rng)
            postcode = (
                f"{rng.choice(area['outward'])} {rng.randint(0, 9)}"
                f"{rng.choice(INWARD_LETTERS)}{rng.choice(INWARD_LETTERS)}"
            )
            line_1 = f"{rng.randint(1, 180)} {rng.choice(N.STREETS)}"
            first_born = oldest + DAY * rng.randrange(born_range)
            dobs = [first_born]
            for _ in range(siblings.draw_int(rng) - 1):
                nxt = dobs[-1] + datetime.timedelta(
                    days=int(gap.draw(rng) * YEAR_DAYS) + rng.randint(-120, 120)
                )
                if nxt > self.horizon_date:
                    break
                dobs.append(nxt)
            mother_dob = first_born - datetime.timedelta(
                days=int(mother_age.draw(rng) * YEAR_DAYS) + rng.randint(0, 364)
            )
            moved_in = max(first_born, self.window_start - DAY * rng.randint(0, 3000))
            parents = [person("adult", women.draw(rng), family_name, mother_dob, "F", "")]
            if rng.random() < two_parents:
                father_dob = mother_dob - datetime.timedelta(
                    days=int(father_gap.draw(rng) * YEAR_DAYS) + rng.randint(0, 364)
                )
                parents.append(person("adult", men.draw(rng), family_name, father_dob, "M", ""))
            kids = []
            for dob in dobs:
                sex = "M" if rng.random() < 0.512 else "F"
                given = (boys if sex == "M" else girls).draw(rng)
                surname = surnames.draw(rng) if rng.random() < other_surname else family_name
                age = (self.horizon_date - dob).days / YEAR_DAYS
                upn = ""
                if 4 <= age < 18 and rng.random() < upn_share:
                    upn_serial += 1
                    upn = _upn(la_number, upn_serial)
                kind = "adult" if dob <= adult_cutoff else "child"
                child = person(kind, given, surname, dob, sex, upn)
                codes = ["NONE"]
                if (
                    disability_codes is not None
                    and disability_n is not None
                    and disability_rng.random() < disability_share
                ):
                    codes = []
                    for _ in range(disability_n.draw_int(disability_rng)):
                        code = disability_codes.draw(disability_rng)
                        if code not in codes:
                            codes.append(code)
                disabilities.extend((child, code) for code in codes)
                self.child_name.extend([""] * (child - len(self.child_name)))
                self.child_name.append(f"{given} {surname}")
                kids.append(child)
                for parent in parents:
                    relationships.append(
                        (len(relationships) + 1, parent, child, "parent", True, dob, None)
                    )
            self.child_name.extend([""] * (pid + 1 - len(self.child_name)))
            for member in [*parents, *kids]:
                addresses.append(
                    (
                        member,
                        line_1,
                        "",
                        area["town"],
                        postcode,
                        max(moved_in, self.dob[member] or moved_in),
                        None,
                        created,
                    )
                )
            self.family_children.append(kids)
            self.family_area.append(area_i)
            children += len(kids)
        self.report.counts["people"] = pid
        self.report.counts["families"] = len(self.family_children)

    def _surnames(self) -> Choice:
        common = N.COMMON_SURNAMES
        tail = [
            p + j + x for p in N.PLACE_PREFIXES for j in N.PLACE_JOINS for x in N.PLACE_SUFFIXES
        ]
        tail = [t for t in tail if t not in common]
        random.Random(7).shuffle(tail)
        common_total = sum(common.values())
        raw = [1 / (rank**0.3) for rank in range(1, len(tail) + 1)]
        scale = common_total * (81 / 19) / sum(raw)
        return Choice(
            [
                *((k, float(v)) for k, v in common.items()),
                *((t, w * scale) for t, w in zip(tail, raw, strict=True)),
            ],
            "surnames",
        )

    # -- contacts --------------------------------------------------------------------------------

    def _day_weights(
        self,
        days: Sequence[datetime.date],
        month_weights: Sequence[float],
        weekday_weights: Sequence[float] | None,
    ) -> list[float]:
        weights = []
        for day in days:
            w = float(month_weights[_MONTH_INDEX[day.month]]) / _days_in_month(day)
            if weekday_weights is not None:
                weekday = day.weekday()
                if weekday < 5 and not self.cal.is_working_day(day):
                    weekday = 6
                w *= float(weekday_weights[weekday])
            weights.append(w)
        return weights

    def _spread(
        self,
        total: float,
        year: int,
        month_weights: Sequence[float],
        weekday_weights: Sequence[float] | None,
        *,
        working_only: bool,
        until: datetime.date,
    ) -> list[datetime.date]:
        """``total`` dates in a collection year, by the weights, sorted; only those up to
        ``until`` are kept, in proportion to the weight up to it."""
        days = _year_days(year)
        if working_only:
            days = [d for d in days if self.cal.is_working_day(d)]
        weights = self._day_weights(days, month_weights, weekday_weights)
        full = sum(weights)
        kept = [(d, w) for d, w in zip(days, weights, strict=True) if d <= until]
        if not kept:
            return []
        share = sum(w for _, w in kept) / full
        n = round(total * share)
        cum = list(itertools.accumulate(w for _, w in kept))
        picks = self.rng.choices([d for d, _ in kept], cum_weights=cum, k=n)
        picks.sort()
        return picks

    def _contacts(self) -> None:
        rng, s, cal = self.rng, self.s, self.cal
        fd = s.section("front_door")
        month_w = fd["month_weights"]
        weekday_w = fd["weekday_weights"]
        ooh = float(fd.get("out_of_hours_share", 0.0))
        source = s.choice("front_door", "source")
        channel = s.choice("front_door", "channel")
        concerns = s.choice("front_door", "concerns")
        concerns_n = s.choice("front_door", "concerns_per_contact")
        urgency = s.choice("front_door", "urgency")
        consent = s.choice("front_door", "consent")
        basis = s.choice("front_door", "consent_basis_without_consent")
        kids_n = s.choice("front_door", "children_per_contact")
        known_share = float(fd["known_family_share"])
        lookback = datetime.timedelta(days=int(fd.get("known_family_lookback_days", 365)))
        decision_wd = s.choice("front_door", "decision_working_days")
        auth_hours = s.buckets("front_door", "authorisation_hours")
        police = str(fd.get("police_force", "Police"))
        mc = s.section("mash_checks")
        checks_n = s.choice("mash_checks", "per_contact")
        agency = s.choice("mash_checks", "agency")
        rag = s.choice("mash_checks", "rag")
        request_minutes = s.buckets("mash_checks", "request_minutes")
        response = {
            r: s.buckets("mash_checks", f"response_hours_{r}") for r in ("red", "amber", "green")
        }
        rules = {r: rule(f"mash_check_{r}") for r in ("red", "amber", "green")}
        self._check_events = bool(mc.get("chronology", True))
        decision_rule = rule("contact_decision")
        del mc
        from haven.core.calendar import working_day_hours

        day_start, day_end = working_day_hours()
        start_s = day_start.hour * 3600 + day_start.minute * 60
        end_s = day_end.hour * 3600 + day_end.minute * 60

        from haven.frontdoor.models import Agency, Concern, ReferralSource

        source_label = {c.value: c.label for c in ReferralSource}
        concern_label = {c.value: c.label for c in Concern}
        agency_label = {a.value: a.label for a in Agency}
        men, women = _zipf(N.MEN), _zipf(N.WOMEN)
        surnames = Choice(N.COMMON_SURNAMES, "surnames")
        places = [p + x for p in N.PLACE_PREFIXES[:30] for x in N.PLACE_SUFFIXES[:10]]

        # Contacts (parallel lists by index; id = index + 1) and their children.
        self.c_rows: list[list[Any]] = []
        self.c_children: list[range] = []
        self.cc_contact: list[int] = []
        self.cc_person: list[int] = []
        self.cc_decided: list[datetime.datetime | None] = []
        self.cc_authorised: list[datetime.datetime | None] = []
        self.cc_outcome: list[str] = []
        self.cc_level: list[int | None] = []
        self.candidates: dict[datetime.date, list[int]] = defaultdict(list)
        checks = self._rows["frontdoor_mashcheck"]
        fd_workers = self.front_door["worker_choice"]
        fd_managers = self.front_door["authorisers"]
        recent: list[tuple[datetime.date, int]] = []
        recent_lo = 0
        n_families = len(self.family_children)

        def eligible(family: int, on: datetime.date) -> list[int]:
            limit = (
                on.replace(year=on.year - 18)
                if not (on.month == 2 and on.day == 29)
                else datetime.date(on.year - 18, 3, 1)
            )
            out = []
            for child in self.family_children[family]:
                dob = self.dob[child]
                if dob is not None and limit < dob <= on:
                    out.append(child)
            return out

        for year in self.generated_years:
            total = s.per_year("front_door", "contacts", year)
            for day in self._spread(
                total, year, month_w, weekday_w, working_only=False, until=self.horizon_date
            ):
                working = cal.is_working_day(day)
                if working and rng.random() >= ooh:
                    secs = rng.randrange(start_s, end_s)
                else:
                    secs = rng.randrange(86400)
                received = datetime.datetime.combine(
                    day, datetime.time(secs // 3600, secs // 60 % 60, secs % 60), tzinfo=LONDON
                )
                if received > self.horizon:
                    continue
                # Which family, and which of its children.
                while recent_lo < len(recent) and recent[recent_lo][0] < day - lookback:
                    recent_lo += 1
                kids: list[int] = []
                for _attempt in range(40):
                    if recent_lo < len(recent) and rng.random() < known_share:
                        family = recent[rng.randrange(recent_lo, len(recent))][1]
                    else:
                        family = rng.randrange(n_families)
                    kids = eligible(family, day)
                    if kids:
                        break
                if not kids:
                    continue
                wanted = kids_n.draw_int(rng)
                if wanted < len(kids):
                    kids = rng.sample(kids, wanted)
                recent.append((day, family))
                cid = len(self.c_rows) + 1
                src = source.draw(rng)
                chosen = []
                for _ in range(concerns_n.draw_int(rng)):
                    c = concerns.draw(rng)
                    if c not in chosen:
                        chosen.append(c)
                cons = consent.draw(rng)
                cons_basis = "consent" if cons == "given" else basis.draw(rng)
                worker = fd_workers.draw(rng)
                ref_first = (women if rng.random() < 0.6 else men).draw(rng)
                ref_last = surnames.draw(rng)
                ref_agency, ref_role = self._referrer(src, rng, places, police, source_label)
                about = ", ".join(concern_label[c].lower() for c in chosen)
                summary = (
                    f"{ref_role or 'The caller'} reported concerns about {about} for "
                    f"{len(kids)} child{'ren' if len(kids) > 1 else ''} in the household."
                )
                local_received = received.date()
                due = decision_rule.due_date(received)
                lag = decision_wd.draw_int(rng)
                if lag == 0 and (not working or secs >= end_s - 1800):
                    lag = 1 if working else 0
                decided_day = cal.add_working_days(local_received, lag)
                if decided_day == local_received:
                    low = max(secs + 900, start_s)
                    dsecs = rng.randrange(min(low, end_s + 1799), end_s + 1800)
                else:
                    dsecs = rng.randrange(start_s, end_s)
                decided = datetime.datetime.combine(
                    decided_day,
                    datetime.time(dsecs // 3600, dsecs // 60 % 60, dsecs % 60),
                    tzinfo=LONDON,
                )
                decided_ok = decided <= self.horizon
                authorised = decided + datetime.timedelta(hours=auth_hours.draw(rng))
                authorised_ok = decided_ok and authorised <= self.horizon
                manager = rng.choice(fd_managers)
                first_cc = len(self.cc_person)
                for i, child in enumerate(kids):
                    self.cc_contact.append(cid)
                    self.cc_person.append(child)
                    this_decided = decided + datetime.timedelta(minutes=2 * i)
                    self.cc_decided.append(this_decided if decided_ok else None)
                    self.cc_authorised.append(authorised if authorised_ok else None)
                    self.cc_outcome.append("")
                    self.cc_level.append(None)
                    if authorised_ok:
                        self.candidates[decided_day].append(len(self.cc_person) - 1)
                self.c_children.append(range(first_cc, len(self.cc_person)))
                self.c_rows.append(
                    [
                        cid,
                        received,
                        channel.draw(rng),
                        src,
                        f"{ref_first} {ref_last}",
                        ref_agency,
                        ref_role,
                        f"0{rng.randint(1000, 9999)} {rng.randint(100000, 999999)}",
                        f"{_ascii(ref_first)}.{_ascii(ref_last)}@example.org" if ref_agency else "",
                        chosen,
                        summary,
                        cons,
                        cons_basis,
                        urgency.draw(rng),
                        worker,
                        due,
                        manager,
                        authorised if authorised_ok else None,
                    ]
                )
                for _ in range(checks_n.draw_int(rng)):
                    rating = rag.draw(rng)
                    requested = received + datetime.timedelta(minutes=request_minutes.draw(rng))
                    if requested > self.horizon:
                        continue
                    if rating == "red":
                        due_at = rules["red"].due_at(requested)
                    else:
                        due_at = datetime.datetime.combine(
                            rules[rating].due_date(requested), day_end, tzinfo=LONDON
                        )
                    answered = cal.add_working_hours(requested, response[rating].draw(rng))
                    agency_code = agency.draw(rng)
                    if answered > self.horizon:
                        answered_at, answer, answered_by = None, "", None
                    else:
                        answered_at = answered
                        answer = (
                            f"{agency_label[agency_code]} shared what they hold about the family."
                        )
                        answered_by = worker
                    checks.append(
                        (
                            len(checks) + 1,
                            cid,
                            agency_code,
                            rating,
                            f"Concerns about {about}: information needed to decide on the contact.",
                            requested,
                            worker,
                            due_at,
                            f"mash_check_{rating}",
                            answer,
                            answered_at,
                            answered_by,
                        )
                    )
        self.report.counts["contacts"] = len(self.c_rows)
        self.report.counts["contact_children"] = len(self.cc_person)
        self.report.counts["mash_checks"] = len(checks)

    @staticmethod
    def _referrer(
        src: str, rng: random.Random, places: list[str], police: str, labels: dict[str, str]
    ) -> tuple[str, str]:
        place = rng.choice(places)
        if src == "6":
            return police, "Police officer"
        if src == "2A":
            return (
                f"{place} {rng.choice(['Primary', 'Junior', 'Infant', 'Academy', 'School'])}",
                "Designated safeguarding lead",
            )
        if src.startswith("3"):
            return f"{place} {rng.choice(['Surgery', 'Health Centre', 'Hospital'])}", labels[
                src
            ].split(": ", 1)[-1].capitalize()
        if src.startswith("1") or src in ("9", "10"):
            return "", labels[src].split(": ", 1)[-1].capitalize()
        return labels[src].split(": ", 1)[-1].split(" (")[0].capitalize(), "Practitioner"

    # -- referrals and assessments ---------------------------------------------------------------

    def _referrals(self) -> None:
        rng, s, cal = self.rng, self.s, self.cal
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
        tail = self.end_year + 1
        for year in [*self.generated_years, tail]:
            n = round(s.per_year("assessments", "authorised", year))
            share = s.per_year("assessments", "within_45_share", year)
            until = datetime.date(year, 3, 31)
            dates = self._spread(n, year, month_w, None, working_only=True, until=until)
            k = round(len(dates) * share)
            flags = [True] * k + [False] * (len(dates) - k)
            rng.shuffle(flags)
            for auth, timely in zip(dates, flags, strict=True):
                duration = (on_time if timely else late).draw_int(rng)
                start = cal.add_working_days(auth, -duration)
                referral = cal.add_working_days(start, -lag.draw_int(rng))
                if referral < self.window_start or start > self.horizon_date:
                    continue
                slots.append((referral, rng.random(), (start, auth, duration)))
            if year != tail and nfa_share > 0:
                for day in self._spread(
                    n * nfa_share / (1 - nfa_share),
                    year,
                    month_w,
                    None,
                    working_only=True,
                    until=self.horizon_date,
                ):
                    slots.append((day, rng.random(), None))
        # A referral finding no child decided that day waits for the next working day's
        # contacts (a few times at most): its assessment then starts no earlier than it.
        heap = [(day, order, 0, spec) for day, order, spec in slots]
        heapq.heapify(heap)
        carry_days = int(self.s.section("referrals").get("carry_working_days", 5))

        open_until: dict[int, datetime.date] = {}
        last_referral: dict[int, datetime.date] = {}
        assigned = bytearray(len(self.cc_person))
        self._referral_specs: list[tuple[Any, ...]] = []
        self._outcome_choice = s.choice("assessments", "outcome")
        self._episode = s.buckets("referrals", "episode_days_after_assessment")
        self.pathways = Pathways(self)
        sd_share = float(s.get("front_door", "strategy_discussion_share"))
        dropped = 0
        while heap:
            day = heap[0][0]
            todays = []
            while heap and heap[0][0] == day:
                todays.append(heapq.heappop(heap))
            window = add_calendar_months(day, -12)
            cands = list(self.candidates.get(day, ()))
            rng.shuffle(cands)
            recent = [
                c
                for c in cands
                if last_referral.get(self.cc_person[c], datetime.date.min) >= window
            ]
            others = [
                c for c in cands if last_referral.get(self.cc_person[c], datetime.date.min) < window
            ]
            queue: list[int] = []  # siblings waiting for the next slots today

            def ok(cc: int) -> bool:
                if assigned[cc]:
                    return False
                until = open_until.get(self.cc_person[cc])
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
                        or later > self.horizon_date
                        or (moved is not None and moved[0] > min(moved[1], self.horizon_date))
                    ):
                        dropped += 1
                    else:
                        heapq.heappush(heap, (later, order, tries + 1, moved))
                    continue
                assigned[cc] = 1
                person = self.cc_person[cc]
                is_re = last_referral.get(person, datetime.date.min) >= window
                contact_sd = self.pathways.contact_strategy(person, rng.random() < sd_share)
                result, closure, reason, path = self._outcome_and_closure(
                    day, spec, person, contact_sd
                )
                open_until[person] = closure if closure is not None else datetime.date.max
                last_referral[person] = day
                self._referral_specs.append(
                    (cc, day, spec, is_re, result, closure, reason, contact_sd, path)
                )
                if rng.random() < together:
                    siblings = self.c_children[self.cc_contact[cc] - 1]
                    queue.extend(x for x in siblings if x != cc and not assigned[x])
        self.report.dropped_referrals = dropped
        self._build_referrals()

    def _outcome_and_closure(
        self, day: datetime.date, spec: tuple[Any, ...] | None, person: int, contact_sd: bool
    ) -> tuple[str, datetime.date | None, str, Pathway | None]:
        """The assessment's outcome, the child protection and child in need pathway, and when
        (and why) the referral closes: it stays open while its assessment, S47 enquiry or plans
        are open, and for a while after one that leads to a plan."""
        if spec is None:
            return "", day, "RC7", None
        _, auth, _ = spec
        outcome = self._outcome_choice.draw(self.rng)
        path, closure, reason = self.pathways.decide(
            person=person, day=day, auth=auth, outcome=outcome, contact_sd=contact_sd
        )
        if reason != "default":
            return outcome, closure, reason, path
        if auth > self.horizon_date:
            return outcome, None, "", None
        if outcome == "nfa":
            return outcome, auth, "RC8", None
        if outcome == "early_help":
            return outcome, auth, "RC9", None
        closure = auth + DAY * self._episode.draw_int(self.rng)
        if closure > self.horizon_date:
            return outcome, None, "", None
        return outcome, closure, "RC7", None

    def _build_referrals(self) -> None:
        rng, s, cal = self.rng, self.s, self.cal
        primary = s.choice("referrals", "primary_need")
        seen = s.buckets("assessments", "child_seen_working_days")
        alone_share = float(s.get("assessments", "seen_alone_share_over_5"))
        submitted_before = s.choice("assessments", "submitted_working_days_before")
        awaiting_wd = int(s.get("assessments", "awaiting_authorisation_working_days"))
        factors = s.choice("assessments", "factors")
        factors_n = s.choice("assessments", "factors_per_assessment")
        due_rule = rule("assessment")
        from haven.assessments import events as assessment_events
        from haven.assessments.models import AssessmentOutcome

        outcome_label = {o.value: o.label for o in AssessmentOutcome}
        referrals = self._rows["frontdoor_referral"]
        assessments = self._rows["assessments_assessment"]
        allocations = self._rows["people_allocation"]
        self.ref_events: list[tuple[Any, ...]] = []
        self.assessment_events: list[tuple[Any, ...]] = []
        created = self.created
        for cc, day, spec, is_re, result, closure, reason, contact_sd, path in self._referral_specs:
            contact = self.c_rows[self.cc_contact[cc] - 1]
            person = self.cc_person[cc]
            team = self._team_for(person)
            worker = team["worker_choice"].draw(rng)
            manager = rng.choice(team["authorisers"])
            rid = len(referrals) + 1
            authorised_at = self.cc_authorised[cc]
            outcome = "strategy_discussion" if contact_sd and spec is not None else "referral"
            self.cc_outcome[cc] = outcome
            self.cc_level[cc] = 4 if outcome == "strategy_discussion" else 3
            need = primary.draw(rng)
            nfa = spec is None
            if spec is not None:
                start, auth, duration = spec
                authorised = auth <= self.horizon_date
                aid = len(assessments) + 1
                due = due_rule.due_date(day)
                seen_on = cal.add_working_days(start, seen.draw_int(rng))
                if authorised:
                    seen_on = min(seen_on, auth)
                dob = self.dob[person]
                over_5 = dob is not None and (start - dob).days > 5 * YEAR_DAYS
                if seen_on > self.horizon_date:
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
                    sub_day = max(
                        start, cal.add_working_days(auth, -submitted_before.draw_int(rng))
                    )
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
                elif cal.working_days_between(self.horizon_date, auth) <= awaiting_wd:
                    status = "submitted"
                    submitted_at = min(
                        self.horizon,
                        datetime.datetime.combine(
                            self.horizon_date, datetime.time(10, 0), tzinfo=LONDON
                        ),
                    )
                    row_outcome, comments, overdue = result, "", ""
                    auth_v, auth_by, sub_by = None, None, worker
                else:
                    status, submitted_at, sub_by = "in_progress", None, None
                    row_outcome, comments, overdue, auth_v, auth_by = "", "", "", None, None
                assessments.append(
                    (
                        aid,
                        created,
                        created,
                        1,
                        rid,
                        person,
                        worker,
                        team["id"],
                        start,
                        due,
                        "assessment",
                        seen_on_v,
                        alone,
                        chosen,
                        None,
                        "",
                        row_outcome,
                        status,
                        submitted_at,
                        sub_by,
                        auth_v,
                        auth_by,
                        comments,
                        overdue,
                    )
                )
                self.assessment_events.append(
                    (
                        person,
                        start,
                        "assessment",
                        assessment_events.ASSESSMENT_STARTED.text(due=due.isoformat()),
                        "",
                        worker,
                        aid,
                    )
                )
                if authorised:
                    self.assessment_events.append(
                        (
                            person,
                            auth,
                            "assessment",
                            assessment_events.AUTHORISED.text(outcome=result),
                            comments,
                            manager,
                            aid,
                        )
                    )
            referrals.append(
                (
                    rid,
                    authorised_at or created,
                    authorised_at or created,
                    1,
                    person,
                    cc + 1,
                    day,
                    contact[3],
                    need,
                    nfa,
                    is_re,
                    team["id"],
                    closure,
                    reason,
                    contact[16],
                )
            )
            if path is None:
                allocations.append(
                    (len(allocations) + 1, person, team["id"], worker, day, closure, manager)
                )
            else:
                self.pathways.emit(
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
                self.pathways.closure_event(person, rid, closure, reason, worker)
            self.ref_events.append((person, day, is_re, need, contact[16], rid))
        for table in PROTECTION_COLUMNS:
            self.report.counts[table.split("_", 1)[1]] = len(self._rows[table])
        self.report.counts["referrals"] = len(referrals)
        self.report.counts["assessments"] = len(assessments)
        self.report.counts["allocations"] = len(allocations)

    def _team_for(self, person: int) -> dict[str, Any]:
        if not hasattr(self, "_person_area"):
            self._person_area: dict[int, int] = {}
            for family, kids in enumerate(self.family_children):
                for kid in kids:
                    self._person_area[kid] = self.family_area[family]
        return self.area_team[self.area_names[self._person_area[person]]]

    # -- decisions, feedback, chronology ---------------------------------------------------------

    def _finish_front_door(self) -> None:
        rng, s = self.rng, self.s
        other = s.choice("front_door", "other_outcomes")
        from haven.frontdoor import events as fd_events
        from haven.frontdoor.models import ContactOutcome, PrimaryNeed

        outcome_label = {o.value: o.label for o in ContactOutcome}
        need_label = {p.value: p.label for p in PrimaryNeed}
        rationale = {
            "nfa": "Information from partner agencies does not indicate a need for services.",
            "advice": "Advice and signposting to universal services meet the child's needs.",
            "early_help": "Needs are best met by early help with the family's consent.",
            "referral": "The child is likely to be in need: a child and family assessment is needed.",
            "strategy_discussion": "Reasonable cause to suspect significant harm: strategy "
            "discussion now.",
        }
        contacts = self._rows["frontdoor_contact"]
        children = self._rows["frontdoor_contactchild"]
        feedback = self._rows["frontdoor_referrerfeedback"]
        events = self._rows["chronology_chronologyevent"]
        front_door_id = self.front_door["id"]
        # MASH checks' own entries (requested, answered), for each child on the contact.
        check_rows = self._rows["frontdoor_mashcheck"] if self._check_events else []
        next_check = 0
        for row in self.c_rows:
            (
                cid,
                received,
                channel,
                src,
                ref_name,
                ref_agency,
                ref_role,
                phone,
                email,
                chosen,
                summary,
                consent,
                basis,
                urgency,
                worker,
                due,
                manager,
                _authorised,
            ) = row
            complete = True
            latest: datetime.datetime | None = None
            local_day = received.astimezone(LONDON).date()
            contact_summary = fd_events.CONTACT_RECEIVED.text(contact_source=src, concerns=chosen)
            first_check = next_check
            while next_check < len(check_rows) and check_rows[next_check][1] == cid:
                next_check += 1
            for cc in self.c_children[cid - 1]:
                person = self.cc_person[cc]
                for check in check_rows[first_check:next_check]:
                    events.append(
                        (
                            person,
                            check[5].astimezone(LONDON).date(),
                            "mash_check",
                            fd_events.MASH_CHECK_REQUESTED.text(agency=check[2]),
                            "",
                            "frontdoor.mashcheck",
                            check[0],
                            check[6],
                            check[5],
                        )
                    )
                    if check[10] is not None:
                        events.append(
                            (
                                person,
                                check[10].astimezone(LONDON).date(),
                                "mash_check",
                                fd_events.MASH_CHECK_ANSWERED.text(agency=check[2]),
                                check[9],
                                "frontdoor.mashcheck",
                                check[0],
                                check[11],
                                check[10],
                            )
                        )
                decided = self.cc_decided[cc]
                outcome = self.cc_outcome[cc]
                level = self.cc_level[cc]
                events.append(
                    (
                        person,
                        local_day,
                        "contact",
                        contact_summary,
                        summary,
                        "frontdoor.contact",
                        cid,
                        worker,
                        received,
                    )
                )
                if decided is not None and not outcome:
                    outcome = other.draw(rng)
                    level = 2 if outcome == "early_help" else 1
                auth_at = self.cc_authorised[cc]
                if decided is None:
                    children.append((cc + 1, cid, person, None, "", "", None, None, None, None))
                    complete = False
                    continue
                children.append(
                    (
                        cc + 1,
                        cid,
                        person,
                        level,
                        outcome,
                        rationale[outcome],
                        worker,
                        decided,
                        manager if auth_at else None,
                        auth_at,
                    )
                )
                events.append(
                    (
                        person,
                        decided.astimezone(LONDON).date(),
                        "decision",
                        fd_events.DECISION_MADE.text(outcome=outcome, level=level),
                        rationale[outcome],
                        "frontdoor.contact",
                        cid,
                        worker,
                        decided,
                    )
                )
                if auth_at is None:
                    complete = False
                    continue
                if manager != worker:
                    events.append(
                        (
                            person,
                            auth_at.astimezone(LONDON).date(),
                            "decision",
                            fd_events.DECISION_AUTHORISED.text(outcome=outcome),
                            "",
                            "frontdoor.contact",
                            cid,
                            manager,
                            auth_at,
                        )
                    )
                latest = auth_at if latest is None or auth_at > latest else latest
                feedback.append(
                    (
                        cc + 1,
                        auth_at,
                        f"Thank you for your contact of {long_date(local_day)}. "
                        f"Outcome for {self.child_name[person]}: {outcome_label[outcome]}.",
                        email or phone,
                    )
                )
            contacts.append(
                (
                    cid,
                    received,
                    received,
                    1,
                    received,
                    channel,
                    src,
                    ref_name,
                    ref_agency,
                    ref_role,
                    phone,
                    email,
                    chosen,
                    summary,
                    consent,
                    basis,
                    urgency,
                    front_door_id,
                    worker,
                    worker,
                    due,
                    "contact_decision",
                    latest if complete else None,
                )
            )
        for person, day, is_re, need, by, rid in self.ref_events:
            at = datetime.datetime.combine(day, datetime.time(17, 0), tzinfo=LONDON)
            events.append(
                (
                    person,
                    day,
                    "referral",
                    fd_events.REFERRAL_OPENED.text(re_referral=is_re),
                    f"Primary need: {need_label[need]}",
                    "frontdoor.referral",
                    rid,
                    by,
                    at,
                )
            )
        for person, day, kind, summary, detail, by, aid in self.assessment_events:
            at = datetime.datetime.combine(day, datetime.time(17, 0), tzinfo=LONDON)
            events.append(
                (person, day, kind, summary, detail, "assessments.assessment", aid, by, at)
            )
        self.report.counts["feedback"] = len(feedback)
        self.report.counts["chronology_events"] = len(events)
        self.c_rows = []

    # -- loading ---------------------------------------------------------------------------------

    COLUMNS: dict[str, tuple[str, ...]] = {
        "accounts_team": ("id", "name", "kind", "area", "is_active"),
        "accounts_user": (
            "id",
            "password",
            "last_login",
            "is_superuser",
            "username",
            "first_name",
            "last_name",
            "email",
            "is_staff",
            "is_active",
            "date_joined",
            "role",
            "job_title",
        ),
        "accounts_membership": ("id", "user_id", "team_id", "since"),
        "people_person": (
            "id",
            "created_at",
            "updated_at",
            "version",
            "kind",
            "given_names",
            "family_name",
            "date_of_birth",
            "expected_date_of_birth",
            "sex",
            "gender_identity",
            "ethnicity",
            "first_language",
            "religion",
            "upn",
            "nhs_number",
            "date_of_death",
            "is_restricted",
            "merged_into_id",
            "created_by_id",
        ),
        "people_address": (
            "person_id",
            "line_1",
            "line_2",
            "town",
            "postcode",
            "start_date",
            "end_date",
            "created_at",
        ),
        "people_persondisability": ("person_id", "code"),
        "people_relationship": (
            "id",
            "person_id",
            "relative_of_id",
            "relationship_type",
            "parental_responsibility",
            "start_date",
            "end_date",
        ),
        "frontdoor_contact": (
            "id",
            "created_at",
            "updated_at",
            "version",
            "received_at",
            "channel",
            "source",
            "referrer_name",
            "referrer_agency",
            "referrer_role",
            "referrer_phone",
            "referrer_email",
            "concerns",
            "summary",
            "consent",
            "consent_basis",
            "urgency",
            "team_id",
            "worker_id",
            "recorded_by_id",
            "decision_due",
            "decision_due_rule",
            "completed_at",
        ),
        "frontdoor_contactchild": (
            "id",
            "contact_id",
            "person_id",
            "level_of_need",
            "outcome",
            "rationale",
            "decided_by_id",
            "decided_at",
            "authorised_by_id",
            "authorised_at",
        ),
        "frontdoor_mashcheck": (
            "id",
            "contact_id",
            "agency",
            "rag",
            "justification",
            "requested_at",
            "requested_by_id",
            "due_at",
            "due_rule",
            "response",
            "responded_at",
            "response_recorded_by_id",
        ),
        "frontdoor_referral": (
            "id",
            "created_at",
            "updated_at",
            "version",
            "person_id",
            "contact_child_id",
            "referral_date",
            "source",
            "primary_need",
            "no_further_action",
            "is_re_referral",
            "team_id",
            "closure_date",
            "closure_reason",
            "created_by_id",
        ),
        "frontdoor_referrerfeedback": ("contact_child_id", "created_at", "message", "sent_to"),
        "assessments_assessment": (
            "id",
            "created_at",
            "updated_at",
            "version",
            "referral_id",
            "person_id",
            "worker_id",
            "team_id",
            "start_date",
            "due_date",
            "due_rule",
            "child_seen_on",
            "seen_alone",
            "factors",
            "internal_review_date",
            "analysis",
            "outcome",
            "status",
            "submitted_at",
            "submitted_by_id",
            "authorised_on",
            "authorised_by_id",
            "manager_comments",
            "overdue_reason",
        ),
        "people_allocation": (
            "id",
            "person_id",
            "team_id",
            "worker_id",
            "start_date",
            "end_date",
            "allocated_by_id",
        ),
        "chronology_chronologyevent": (
            "person_id",
            "occurred_on",
            "kind",
            "summary",
            "detail",
            "source_type",
            "source_id",
            "recorded_by_id",
            "recorded_at",
        ),
        **PROTECTION_COLUMNS,
    }

    def _drop_indexes(self, cursor: Any) -> list[str]:
        """Drop the loaded tables' plain (non-unique) indexes; rebuilt after the COPY. Indexes
        behind a constraint (the plans' no-overlap exclusion) stay, so the load is checked."""
        cursor.execute(
            """
            SELECT i.relname, pg_get_indexdef(x.indexrelid)
            FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid
            JOIN pg_class t ON t.oid = x.indrelid
            WHERE t.relname = ANY(%s) AND NOT x.indisunique AND NOT x.indisprimary
              AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid)
            ORDER BY i.relname
            """,
            [list(self.COLUMNS)],
        )
        found = cursor.fetchall()
        for name, _ in found:
            cursor.execute(f'DROP INDEX "{name}"')
        return [definition for _, definition in found]

    def _rebuild_indexes(self, cursor: Any, definitions: list[str]) -> None:
        cursor.execute("SET LOCAL maintenance_work_mem = '512MB'")
        for definition in definitions:
            cursor.execute(definition)

    def _copy(self, cursor: Any) -> None:
        for table, columns in self.COLUMNS.items():
            rows = self._rows.pop(table, [])
            t0 = time.perf_counter()
            with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            self.log(f"    {table}: {len(rows):,} rows in {time.perf_counter() - t0:.1f}s")

    def _finalise(self, cursor: Any) -> None:
        for table, columns in self.COLUMNS.items():
            if "id" in columns:
                cursor.execute(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                    f"coalesce(max(id), 0) + 1, false) FROM {table}"
                )
        cursor.execute(f"ANALYZE {', '.join([*self.COLUMNS, 'people_personname'])}")
