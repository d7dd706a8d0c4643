"""Scenario files: every volume, mix and rate of a synthetic county, read from TOML.

The generator's code is generic: nothing about a particular county (how many contacts, how fast
assessments are authorised) lives in Python. A scenario's ``[calibration]`` table holds the
published figures the scenario was tuned against; only the benchmark reads it, to compare what
Haven computes from the generated records with what was published.
"""

from __future__ import annotations

import bisect
import datetime
import itertools
import random
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

SCENARIO_DIR = Path(__file__).parent / "scenarios"


class ScenarioError(ValueError):
    """A scenario that cannot be found or does not hold what the generator needs."""


def available_scenarios() -> list[str]:
    return sorted(p.stem for p in SCENARIO_DIR.glob("*.toml"))


def scenario_path(name_or_path: str | Path) -> Path:
    text = str(name_or_path)
    if text.endswith(".toml") or "/" in text:
        path = Path(text)
        if not path.is_file():
            raise ScenarioError(f"no scenario file {text}")
        return path
    path = SCENARIO_DIR / f"{text}.toml"
    if not path.is_file():
        known = ", ".join(available_scenarios())
        raise ScenarioError(f"unknown scenario {text!r}: choose one of {known}, or a .toml path")
    return path


class Choice:
    """A weighted choice among values (the weights need not sum to 1)."""

    def __init__(self, table: Mapping[str, Any] | Sequence[tuple[Any, float]], what: str) -> None:
        items = list(table.items()) if isinstance(table, Mapping) else list(table)
        if not items or any(float(w) < 0 for _, w in items) or sum(float(w) for _, w in items) <= 0:
            raise ScenarioError(f"{what}: needs at least one positive weight")
        self.values = [k for k, _ in items]
        self.cum = list(itertools.accumulate(float(w) for _, w in items))
        self.total = self.cum[-1]

    def draw(self, rng: random.Random) -> Any:
        return self.values[bisect.bisect_right(self.cum, rng.random() * self.total)]

    def draw_int(self, rng: random.Random) -> int:
        return int(self.draw(rng))

    def share(self, value: Any) -> float:
        i = self.values.index(value)
        return (self.cum[i] - (self.cum[i - 1] if i else 0.0)) / self.total


class Buckets:
    """A distribution given as ``[[low, high, weight], ...]``: a bucket by weight, then a
    uniform value within it (whole numbers if both bounds are whole)."""

    def __init__(self, rows: Sequence[Sequence[float]], what: str) -> None:
        if not rows or any(len(r) != 3 or r[1] < r[0] for r in rows):
            raise ScenarioError(f"{what}: give [[low, high, weight], ...] with low <= high")
        self.rows = [(r[0], r[1]) for r in rows]
        self.whole = all(isinstance(r[0], int) and isinstance(r[1], int) for r in rows)
        self.choice = Choice([(i, r[2]) for i, r in enumerate(rows)], what)

    def draw(self, rng: random.Random) -> float:
        low, high = self.rows[self.choice.draw(rng)]
        if self.whole:
            return rng.randint(int(low), int(high))
        return rng.uniform(low, high)

    def draw_int(self, rng: random.Random) -> int:
        return round(self.draw(rng))


@dataclass
class Scenario:
    name: str
    path: Path
    data: dict[str, Any] = field(repr=False)

    def section(self, name: str) -> dict[str, Any]:
        value = self.data.get(name)
        if not isinstance(value, dict):
            raise ScenarioError(f"scenario {self.name}: missing table [{name}]")
        return value

    def get(self, section: str, key: str) -> Any:
        table = self.section(section)
        if key not in table:
            raise ScenarioError(f"scenario {self.name}: missing {section}.{key}")
        return table[key]

    def choice(self, section: str, key: str) -> Choice:
        return Choice(self.get(section, key), f"{self.name}: {section}.{key}")

    def buckets(self, section: str, key: str) -> Buckets:
        return Buckets(self.get(section, key), f"{self.name}: {section}.{key}")

    def per_year(self, section: str, key: str, year: int) -> float:
        """A value from a table keyed by collection year (the year the 31 March falls in),
        or its ``default``."""
        table = self.get(section, key)
        if not isinstance(table, dict):
            return float(table)
        if str(year) in table:
            return float(table[str(year)])
        if "default" in table:
            return float(table["default"])
        raise ScenarioError(
            f"scenario {self.name}: {section}.{key} has no value for the year ending "
            f"31 March {year} and no default"
        )

    # -- the [scenario] table ----------------------------------------------------------------

    @property
    def default_years(self) -> int:
        return int(self.get("scenario", "years"))

    @property
    def default_end_year(self) -> int | str:
        value = self.get("scenario", "end_year")
        return value if value == "current" else int(value)

    @property
    def history_years(self) -> int:
        return int(self.section("scenario").get("history_years", 0))

    @property
    def default_seed(self) -> int:
        return int(self.section("scenario").get("seed", 1))

    @property
    def demo_users(self) -> bool:
        return bool(self.section("scenario").get("demo_users", False))


def load_scenario(name_or_path: str | Path) -> Scenario:
    path = scenario_path(name_or_path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ScenarioError(f"{path}: {exc}") from exc
    scenario = Scenario(
        name=str(data.get("scenario", {}).get("name", path.stem)), path=path, data=data
    )
    for section in (
        "scenario",
        "population",
        "front_door",
        "mash_checks",
        "referrals",
        "assessments",
        "protection",
    ):
        scenario.section(section)
    if not scenario.data.get("areas") or not scenario.data.get("teams"):
        raise ScenarioError(f"scenario {scenario.name}: needs [[areas]] and [[teams]]")
    return scenario


def current_collection_year(today: datetime.date) -> int:
    """The collection year ``today`` falls in, named by the year of its 31 March."""
    return today.year + 1 if today.month >= 4 else today.year
