"""The CIN census's shape: collection years, the format of each year, code lists, schemas.

A collection year is named by the 31 March that ends it: 2025 is 1 April 2024 to 31 March 2025
(the DfE's "2024 to 2025" census, validator ruleset ``cin2024_25``).
"""

from __future__ import annotations

import datetime
import functools
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from lxml import etree

SCHEMA_DIR = Path(__file__).resolve().parent / "schemas"
# The first collection year whose ChildIdentifiers has Sex (M/F/U) in place of GenderCurrent.
FIRST_SEX_YEAR = 2025
# The validator's oldest and newest rulesets: older years are checked with the oldest.
FIRST_RULESET_YEAR = 2023
LAST_RULESET_YEAR = 2027

# GenderCurrent (before 2024/25) <-> Haven's sex: 0 "not recorded or unborn" is U (not known;
# an unborn child must be 0), 9 "indeterminate" (not stated) is N. The Sex code (2024/25 on)
# has U for both.
SEX_TO_GENDER = {"M": "1", "F": "2", "U": "0", "N": "9"}
GENDER_TO_SEX = {v: k for k, v in SEX_TO_GENDER.items()}


def sex_code(sex: str, *, uses_sex: bool) -> str:
    """A person's sex in a return's codes: Sex M, F or U (2024/25 on), else GenderCurrent."""
    if uses_sex:
        return sex if sex in ("M", "F") else "U"
    return SEX_TO_GENDER.get(sex, "0")


@dataclass(frozen=True)
class CollectionYear:
    year: int

    @property
    def start(self) -> datetime.date:
        return datetime.date(self.year - 1, 4, 1)

    @property
    def reference_date(self) -> datetime.date:
        return datetime.date(self.year, 3, 31)

    @property
    def uses_sex(self) -> bool:
        return self.year >= FIRST_SEX_YEAR

    @property
    def ruleset(self) -> str:
        """The name of the validator's ruleset for this year, e.g. ``cin2024_25``."""
        y = min(max(self.year, FIRST_RULESET_YEAR), LAST_RULESET_YEAR)
        return f"cin{y - 1}_{y % 100:02d}"

    @property
    def label(self) -> str:
        return f"April {self.year - 1} to March {self.year}"

    def contains(self, day: datetime.date | None) -> bool:
        return day is not None and self.start <= day <= self.reference_date


def collection_year_of(day: datetime.date) -> int:
    """The collection year a date falls in."""
    return day.year + 1 if day.month >= 4 else day.year


def la_number() -> str:
    """The LA's three-digit DfE number, for the header's LEA (Hampshire: 850)."""
    value = os.environ.get("HAVEN_LA_NUMBER", "850").strip()
    if not (len(value) == 3 and value.isdigit()):
        raise ValueError(f"HAVEN_LA_NUMBER must be three digits, not {value!r}")
    return value


def la_child_id(person_id: int) -> str:
    """Haven's LAchildID for a person: stable across years (derived from the record's id, which
    never changes), alphanumeric and at most 20 characters (rules 1570, 1580)."""
    return f"H{person_id:08d}"


def person_id_from_la_child_id(value: str) -> int | None:
    if len(value) >= 2 and value[0] == "H" and value[1:].isdigit():
        return int(value[1:])
    return None


@functools.cache
def schema(uses_sex: bool) -> Any:
    """The XSD for a year's format (see the comment at the top of each file for how it differs
    from the published CIN_schema_2024.xsd)."""
    name = "cin_sex.xsd" if uses_sex else "cin_gendercurrent.xsd"
    return etree.XMLSchema(etree.parse(str(SCHEMA_DIR / name)))


def schema_errors(xml: bytes, *, uses_sex: bool) -> list[str]:
    """Where a census file breaks the year's XSD (empty if it is valid)."""
    xsd = schema(uses_sex)
    doc = etree.fromstring(xml, parser=safe_parser())
    if xsd.validate(doc):
        return []
    return [f"line {e.line}: {e.message}" for e in xsd.error_log]  # type: ignore[attr-defined]


def safe_parser() -> Any:
    """An XML parser that never fetches anything or expands entities (files come from outside)."""
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)


# -- code lists (the DfE's, as in the XSD) --------------------------------------------------------

ETHNICITY = frozenset(
    [
        "WBRI",
        "WIRI",
        "WOTH",
        "WIRT",
        "WROM",
        "MWBC",
        "MWBA",
        "MWAS",
        "MOTH",
        "AIND",
        "APKN",
        "ABAN",
        "AOTH",
        "BCRB",
        "BAFR",
        "BOTH",
        "CHNE",
        "OOTH",
        "REFU",
        "NOBT",
    ]
)
DISABILITY = frozenset(
    ["NONE", "MOB", "HAND", "PC", "INC", "COMM", "LD", "HEAR", "VIS", "BEH", "CON", "AUT", "DDA"]
)
REFERRAL_SOURCE = frozenset(
    [
        "1A",
        "1B",
        "1C",
        "1D",
        "2A",
        "2B",
        "3A",
        "3B",
        "3C",
        "3D",
        "3E",
        "3F",
        "4",
        "5A",
        "5B",
        "5C",
        "5D",
        "6",
        "7",
        "8",
        "9",
        "10",
    ]
)
PRIMARY_NEED = frozenset(f"N{i}" for i in range(10))
REASON_FOR_CLOSURE = frozenset(f"RC{i}" for i in range(1, 10))
CATEGORY_OF_ABUSE = frozenset(["NEG", "PHY", "SAB", "EMO", "MUL"])
UPN_UNKNOWN = frozenset(f"UN{i}" for i in range(1, 9))
ASSESSMENT_FACTORS = frozenset(
    [
        "1A",
        "1B",
        "1C",
        "2A",
        "2B",
        "2C",
        "3A",
        "3B",
        "3C",
        "4A",
        "4B",
        "4C",
        "5A",
        "5B",
        "5C",
        "6A",
        "6B",
        "6C",
        "7A",
        "8B",
        "8C",
        "8D",
        "8E",
        "8F",
        "9A",
        "10A",
        "11A",
        "12A",
        "13A",
        "14A",
        "15A",
        "16A",
        "17A",
        "18B",
        "18C",
        "19B",
        "19C",
        "20",
        "21",
        "22A",
        "23A",
        "24A",
    ]
)
YES = frozenset({"true", "TRUE", "1", "True"})
NO = frozenset({"false", "FALSE", "0", "False"})
