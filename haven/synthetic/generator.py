"""Build a synthetic county from a scenario file, with bulk loading.

Each part of the service is a module here that builds its rows in memory, in order of time;
then every table is written with one PostgreSQL ``COPY``:

1. ``staff``: teams and staff (the demo users too, with the demo password; everyone else has an
   unusable password).
2. ``families``: children, parents, addresses, relationships, disabilities.
3. ``frontdoor``: contacts, MASH checks and (step 5) decisions, feedback and chronology.
4. ``referrals``: referrals and assessments, given to children decided that day; the child
   protection and child in need pathway (``protection``) is decided and written as each
   referral is given.
5. The front door's decisions, referrer feedback and every part's chronology.

A part names its models in ``TABLES`` (a model, or ``(model, False)`` where the database
chooses the ids) and adds rows by field name with ``g.table(Model).add(...)``; the ``COPY``
columns come from the models (``haven.synthetic.rows``). ``STAGES`` below is the order the
parts run in; ``PARTS`` the modules whose tables are loaded.

The load runs as the schema owner with ``session_replication_role = replica``: the per-row
audit trigger is skipped (generated history has no audit trail of its own), while the
``ENABLE ALWAYS`` name triggers still give every person a searchable primary name.

Deterministic: the same scenario, years, seed and "now" give the same records.
"""

from __future__ import annotations

import datetime
import itertools
import random
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any

from django.db import connection, models, transaction
from django.utils import timezone

from haven.chronology.models import ChronologyEvent
from haven.core.calendar import FIRST_YEAR, LONDON, calendar
from haven.synthetic import (
    care,
    exploitation,
    families,
    frontdoor,
    leavingcare,
    missing,
    protection,
    referrals,
    staff,
)
from haven.synthetic.helpers import MONTH_INDEX, days_in_month, year_days
from haven.synthetic.rows import Table, copy_rows
from haven.synthetic.scenario import (
    Choice,
    Scenario,
    ScenarioError,
    current_collection_year,
    load_scenario,
)

if TYPE_CHECKING:
    from haven.synthetic.protection import Pathways

Log = Callable[[str], Any]

# The parts whose tables are loaded, in COPY order; the chronology is everyone's.
PARTS: tuple[ModuleType, ...] = (
    staff,
    families,
    frontdoor,
    referrals,
    protection,
    care,
    missing,
    exploitation,
    leavingcare,
)
SHARED_TABLES: tuple[Any, ...] = ((ChronologyEvent, False),)


def _chronology(g: Generator) -> None:
    # Protection's entries were written as its pathways were; these follow them.
    frontdoor.chronology(g)
    referrals.chronology(g)
    care.chronology(g)
    missing.chronology(g)
    exploitation.chronology(g)
    leavingcare.chronology(g)


# The order the parts build their rows in.
STAGES: tuple[tuple[str, Callable[[Generator], None]], ...] = (
    ("teams and staff", staff.build),
    ("families", families.build),
    ("contacts and MASH checks", frontdoor.contacts),
    ("referrals and assessments", referrals.build),
    ("children looked after", care.build),
    ("care leavers", leavingcare.build),
    ("missing children", missing.build),
    ("exploitation", exploitation.build),
    ("decisions and feedback", frontdoor.decisions),
    ("chronology", _chronology),
)


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
        return Generator(
            scenario, years=years, end_year=end, seed=seed, now=now, stdout=stdout
        ).run(replace=replace)
    except ScenarioError as exc:
        raise GenerationError(str(exc)) from exc


# -- the generator -------------------------------------------------------------------------------


class Generator:
    """The county being built: the scenario, the random stream, the calendar, each table's rows,
    and what the parts hand on to each other (set by the part named beside it)."""

    # staff
    teams: dict[str, dict[str, Any]]
    front_door: dict[str, Any]
    area_team: dict[str, dict[str, Any]]
    area_cp_team: dict[str, dict[str, Any]]
    chairs: Choice
    # families (lists by person id)
    dob: list[datetime.date | None]
    child_name: list[str]
    family_children: list[list[int]]
    family_area: list[int]
    area_names: list[str]
    # frontdoor.contacts: contacts (by id - 1) and their children (by contact child id - 1)
    c_rows: list[dict[str, Any]]
    c_children: list[range]
    cc_contact: list[int]
    cc_person: list[int]
    cc_decided: list[datetime.datetime | None]
    cc_authorised: list[datetime.datetime | None]
    cc_outcome: list[str]
    cc_level: list[int | None]
    candidates: dict[datetime.date, list[int]]
    check_events: bool
    # referrals
    pathways: Pathways
    ref_events: list[tuple[Any, ...]]
    assessment_events: list[tuple[Any, ...]]
    # care
    care_periods: list[Any]
    # missing
    missing_episodes: list[Any]
    # exploitation
    exploitation_events: list[tuple[Any, ...]]
    # leavingcare
    leaving_care_entries: list[Any]

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
        self.tables: dict[type[models.Model], Table] = {}
        for part in [*PARTS, None]:
            for entry in part.TABLES if part is not None else SHARED_TABLES:
                model, with_id = entry if isinstance(entry, tuple) else (entry, True)
                self.tables[model] = Table(model, with_id=with_id)

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
            for name, build in STAGES:
                self._stage(name, lambda build=build: build(self))  # type: ignore[misc]
            self.report.counts["chronology_events"] = len(self.table(ChronologyEvent))
            self.c_rows = []
            indexes = self._stage("drop secondary indexes", lambda: self._drop_indexes(cursor))
            self._stage("COPY", lambda: self._copy(cursor))
            self._stage("rebuild indexes", lambda: self._rebuild_indexes(cursor, indexes))
            self._stage("sequences and ANALYZE", lambda: self._finalise(cursor))
            cursor.execute("SET LOCAL session_replication_role = origin")
        self._vacuum_figures()
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
    def haven_tables() -> list[str]:
        from haven.core.db_roles import haven_models

        keep = {"core_closureday"}
        tables = {m._meta.db_table for m in haven_models()} | {
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
            tables = ", ".join(f'"{t}"' for t in self.haven_tables())
            cursor.execute(f"TRUNCATE {tables} RESTART IDENTITY CASCADE")
            self.log("  wiped the existing records")

    def table(self, model: type[models.Model]) -> Table:
        """The rows to load into ``model``'s table (one of the parts' ``TABLES``)."""
        return self.tables[model]

    # -- spreading a year's volume over its days ---------------------------------------------

    def day_weights(
        self,
        days: Sequence[datetime.date],
        month_weights: Sequence[float],
        weekday_weights: Sequence[float] | None,
    ) -> list[float]:
        weights = []
        for day in days:
            w = float(month_weights[MONTH_INDEX[day.month]]) / days_in_month(day)
            if weekday_weights is not None:
                weekday = day.weekday()
                if weekday < 5 and not self.cal.is_working_day(day):
                    weekday = 6
                w *= float(weekday_weights[weekday])
            weights.append(w)
        return weights

    def spread(
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
        days = year_days(year)
        if working_only:
            days = [d for d in days if self.cal.is_working_day(d)]
        weights = self.day_weights(days, month_weights, weekday_weights)
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

    # -- loading ---------------------------------------------------------------------------------

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
            [[t.name for t in self.tables.values()]],
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
        for table in self.tables.values():
            t0 = time.perf_counter()
            n = copy_rows(cursor, table)
            table.rows = []
            self.log(f"    {table.name}: {n:,} rows in {time.perf_counter() - t0:.1f}s")

    def _vacuum_figures(self) -> None:
        """Set the visibility map of the front door's rows, so the figures are counted from
        their covering index alone (index-only scans) from the first request, not once
        autovacuum has come by. VACUUM cannot run in a transaction (a test's): then skipped."""
        from haven.core.db_roles import owner_mode

        with owner_mode() as owner:
            if owner.in_atomic_block:
                return
            with owner.cursor() as cursor:
                cursor.execute("VACUUM (ANALYZE) frontdoor_contactchild")

    def _finalise(self, cursor: Any) -> None:
        names = [t.name for t in self.tables.values()]
        for table in self.tables.values():
            if "id" in table.columns:
                cursor.execute(
                    f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                    f"coalesce(max(id), 0) + 1, false) FROM {table.name}"
                )
        cursor.execute(f"ANALYZE {', '.join([*names, 'people_personname'])}")
