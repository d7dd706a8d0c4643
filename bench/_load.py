"""Load a synthetic population fast, with PostgreSQL COPY.

People come in households (one or two adults, one to four children) sharing a family name most
of the time and an address always, so postcodes and surnames cluster as they do in life. About
40% are adults; children are 0-17, adults 18-60. NHS numbers carry a valid check digit; school
age children mostly have a UPN; ~5% have a known-as or previous name; ~0.5% are restricted;
~0.2% are duplicates already merged into another record.

The load runs as the schema owner with ``session_replication_role = replica``: the audit trigger
and the foreign keys are skipped (a million audit rows would prove nothing), while the
``ENABLE ALWAYS`` name triggers still fire, so every person gets a primary name row with its
search columns filled exactly as the application would.
"""

from __future__ import annotations

import datetime
import random
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from haven.people.validators import upn_check_letter
from haven.synthetic import names as _names
from haven.synthetic.rows import Table, copy_rows

CHUNK = 100_000
INWARD_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"
ETHNICITIES = [
    ("WBRI", 74),
    ("WOTH", 6),
    ("MWBC", 2),
    ("MWAS", 2),
    ("MOTH", 2),
    ("AIND", 2),
    ("APKN", 2),
    ("ABAN", 1),
    ("AOTH", 1),
    ("BAFR", 2),
    ("BCRB", 1),
    ("CHNE", 1),
    ("OOTH", 2),
    ("NOBT", 2),
]


# COPY columns come from the models (haven.synthetic.rows); made when loading, after setup.
def _tables() -> tuple[Table, Table, Table]:
    from haven.people.models import Address, Person, PersonName

    return Table(Person), Table(Address, with_id=False), Table(PersonName, with_id=False)


def _zipf(names: list[str], s: float = 0.9) -> tuple[list[str], list[float]]:
    return names, [1 / (rank**s) for rank in range(1, len(names) + 1)]


@dataclass
class _Pools:
    rng: random.Random
    today: datetime.date
    boys: tuple[list[str], list[float]] = field(default_factory=lambda: _zipf(_names.BOYS))
    girls: tuple[list[str], list[float]] = field(default_factory=lambda: _zipf(_names.GIRLS))
    men: tuple[list[str], list[float]] = field(default_factory=lambda: _zipf(_names.MEN))
    women: tuple[list[str], list[float]] = field(default_factory=lambda: _zipf(_names.WOMEN))
    surnames: list[str] = field(default_factory=list)
    surname_weights: list[float] = field(default_factory=list)
    postcodes: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        common = _names.COMMON_SURNAMES
        tail = [
            p + j + s
            for p in _names.PLACE_PREFIXES
            for j in _names.PLACE_JOINS
            for s in _names.PLACE_SUFFIXES
        ]
        tail = [t for t in tail if t not in common]
        # The common names are ~19% of people; the place names share the rest, unevenly.
        common_total = sum(common.values())
        tail_share = common_total * (81 / 19)
        tail_raw = [1 / (rank**0.3) for rank in range(1, len(tail) + 1)]
        self.rng.shuffle(tail)
        scale = tail_share / sum(tail_raw)
        self.surnames = [*common, *tail]
        self.surname_weights = [*map(float, common.values()), *(w * scale for w in tail_raw)]
        seen: set[str] = set()
        while len(seen) < 40_000:
            outward = self.rng.choice(_names.OUTWARD_CODES)
            inward = (
                f"{self.rng.randint(0, 9)}{self.rng.choice(INWARD_LETTERS)}"
                f"{self.rng.choice(INWARD_LETTERS)}"
            )
            seen.add(f"{outward} {inward}")
        self.postcodes = sorted(seen)

    def surname(self) -> str:
        return self.rng.choices(self.surnames, self.surname_weights)[0]

    def given(self, *, adult: bool, sex: str) -> str:
        if adult:
            names, weights = self.men if sex == "M" else self.women
        else:
            names, weights = self.boys if sex == "M" else self.girls
        first = self.rng.choices(names, weights)[0]
        if self.rng.random() < 0.45:
            middle = self.rng.choices(names, weights)[0]
            if middle != first:
                return f"{first} {middle}"
        return first

    def dob(self, *, adult: bool) -> datetime.date:
        if adult:
            days = self.rng.randint(18 * 365 + 5, 60 * 365)
        else:
            days = self.rng.randint(0, 18 * 365 - 5)
        return self.today - datetime.timedelta(days=days)


def nhs_numbers(rng: random.Random, count: int) -> Iterator[str]:
    """Distinct 10-digit NHS numbers with a valid check digit (in the 4xx-7xx test-ish range)."""
    for body in rng.sample(range(400_000_000, 800_000_000), int(count * 1.15) + 100):
        digits = f"{body:09d}"
        total = sum(int(d) * w for d, w in zip(digits, range(10, 1, -1), strict=True))
        check = 11 - total % 11
        if check == 11:
            check = 0
        if check == 10:
            continue
        yield f"{digits}{check}"


def upn_for(serial: int) -> str:
    body = f"850{serial:09d}"[:12]  # Hampshire's LA number, then school, year and serial
    return upn_check_letter(body) + body


@dataclass
class LoadStats:
    people: int = 0
    names: int = 0
    addresses: int = 0
    seconds: float = 0.0
    phases: dict[str, float] = field(default_factory=dict)


def _households(pools: _Pools, start_id: int, count: int) -> Iterator[dict[str, Any]]:
    """Yield people (as dicts), household by household, with their addresses and names."""
    rng = pools.rng
    nhs = nhs_numbers(rng, count)
    pid = start_id
    made = 0
    while made < count:
        family = pools.surname()
        postcode = rng.choice(pools.postcodes)
        town = _names.TOWNS[postcode[:2]]
        street = f"{rng.randint(1, 180)} {rng.choice(_names.STREETS)}"
        moved_in = pools.today - datetime.timedelta(days=rng.randint(30, 4000))
        n_adults = 1 if rng.random() < 0.45 else 2
        n_children = rng.choices((1, 2, 3, 4), (35, 35, 20, 10))[0]
        members = [True] * n_adults + [False] * n_children
        for adult in members:
            if made >= count:
                break
            sex = "M" if rng.random() < 0.5 else "F"
            if rng.random() < 0.002:
                sex = "U"
            own_family = family if rng.random() < 0.82 else pools.surname()
            dob = pools.dob(adult=adult)
            age = (pools.today - dob).days // 365
            upn = ""
            if not adult and age >= 4 and rng.random() < 0.7:
                upn = upn_for(pid)
            person = {
                "id": pid,
                "kind": "adult" if adult else "child",
                "given_names": pools.given(adult=adult, sex="M" if sex == "U" else sex),
                "family_name": own_family,
                "date_of_birth": dob,
                "sex": sex,
                "ethnicity": rng.choices(*zip(*ETHNICITIES, strict=True))[0],
                "upn": upn,
                "nhs_number": next(nhs) if rng.random() < 0.95 else "",
                "is_restricted": rng.random() < 0.005,
                "merged_into_id": None,
                "addresses": [(street, town, postcode, max(moved_in, dob), None)],
                "names": [],
            }
            if rng.random() < 0.3:
                old = rng.choice(pools.postcodes)
                left = max(moved_in, dob)
                started = max(dob, left - datetime.timedelta(days=rng.randint(100, 3000)))
                person["addresses"].append(
                    (
                        f"{rng.randint(1, 120)} {rng.choice(_names.STREETS)}",
                        _names.TOWNS[old[:2]],
                        old,
                        started,
                        left,
                    )
                )
            if rng.random() < 0.05:
                first = person["given_names"].split()[0]
                nickname = _names.NICKNAMES.get(first)
                if nickname and rng.random() < 0.7:
                    person["names"].append(("known_as", nickname, own_family))
                elif rng.random() < 0.5:
                    person["names"].append(("previous", person["given_names"], pools.surname()))
                else:
                    person["names"].append(("known_as", first, pools.surname()))
            yield person
            pid += 1
            made += 1
            if made < count and rng.random() < 0.002:
                # A duplicate someone created and that was later merged into the real record.
                dup = dict(
                    person,
                    id=pid,
                    merged_into_id=person["id"],
                    upn="",
                    names=[],
                    nhs_number="",
                    addresses=person["addresses"][:1],
                )
                yield dup
                pid += 1
                made += 1


def load_people(
    connection: Any, count: int, *, seed: int = 20250101, log: Callable[[str], None] = print
) -> LoadStats:
    """Append ``count`` synthetic people to the database behind ``connection`` (Django's)."""
    from django.db import transaction

    from haven.core.db_roles import owner_mode

    stats = LoadStats()
    started = time.perf_counter()
    rng = random.Random(seed + count)
    pools = _Pools(rng=rng, today=datetime.date.today())
    now = datetime.datetime.now(datetime.UTC)
    persons, addresses, names = _tables()
    with owner_mode(), connection.cursor() as cursor:
        cursor.execute("SELECT coalesce(max(id), 0) FROM people_person")
        start_id = cursor.fetchone()[0] + 1
        people = _households(pools, start_id, count)
        done = 0
        while done < count:
            batch = [p for _, p in zip(range(CHUNK), people, strict=False)]
            if not batch:
                break
            with transaction.atomic():
                cursor.execute("SET LOCAL session_replication_role = replica")
                cursor.execute("SET LOCAL synchronous_commit = off")
                t0 = time.perf_counter()
                copy_rows(
                    cursor,
                    persons,
                    (
                        persons.row(
                            id=p["id"],
                            created_at=now,
                            updated_at=now,
                            version=1,
                            kind=p["kind"],
                            given_names=p["given_names"],
                            family_name=p["family_name"],
                            date_of_birth=p["date_of_birth"],
                            sex=p["sex"],
                            gender_identity="",
                            ethnicity=p["ethnicity"],
                            first_language="",
                            religion="",
                            upn=p["upn"],
                            nhs_number=p["nhs_number"],
                            is_restricted=p["is_restricted"],
                            merged_into_id=p["merged_into_id"],
                        )
                        for p in batch
                    ),
                )
                t1 = time.perf_counter()
                stats.addresses += copy_rows(
                    cursor,
                    addresses,
                    (
                        addresses.row(
                            person_id=p["id"],
                            line_1=line_1,
                            line_2="",
                            town=town,
                            postcode=postcode,
                            start_date=start,
                            end_date=end,
                            created_at=now,
                        )
                        for p in batch
                        for line_1, town, postcode, start, end in p["addresses"]
                    ),
                )
                # The name trigger fills the search columns, as the application's writes do.
                stats.names += copy_rows(
                    cursor,
                    names,
                    (
                        names.row(
                            person_id=p["id"],
                            name_type=name_type,
                            given_names=given,
                            family_name=family,
                            search_name="",
                            given_code="",
                            family_code="",
                        )
                        for p in batch
                        for name_type, given, family in p["names"]
                    ),
                )
                t2 = time.perf_counter()
            stats.phases["people"] = stats.phases.get("people", 0.0) + (t1 - t0)
            stats.phases["addresses_and_names"] = stats.phases.get("addresses_and_names", 0.0) + (
                t2 - t1
            )
            done += len(batch)
            stats.people = done
            log(f"  loaded {done:,} people ({time.perf_counter() - started:.0f}s)")
        cursor.execute(
            "SELECT setval(pg_get_serial_sequence('people_person', 'id'), "
            "(SELECT max(id) FROM people_person))"
        )
        t0 = time.perf_counter()
        # Outside a transaction: VACUUM also sets the visibility map and flushes the GIN
        # pending list, as autovacuum would soon after a real migration of records.
        cursor.execute("VACUUM (ANALYZE) people_person, people_personname, people_address")
        stats.phases["analyze"] = time.perf_counter() - t0
    stats.seconds = time.perf_counter() - started
    return stats
