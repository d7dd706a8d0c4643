"""The SSDA903 return (children looked after), produced from the records.

A collection year is named by the 31 March that ends it, as the CIN census's is: 2025 is
1 April 2024 to 31 March 2025 (the validator's ruleset ``lac2024_25``). The return is a set of
CSV files, one per table; the DfE's validator recognises a table by its exact columns, not its
file name (``COLUMNS``, checked against the validator's own list by a test).

Every row is derived from what was recorded, never typed for the return:

- Header: every child in Episodes or OC3; MOTHER from a parent relationship to a child born
  before the year's end (females only), MC_DOB the child's date of birth.
- Episodes: ``care.Episode`` (derived from legal statuses and placements) open at any time in
  the year, as they stood on 31 March (an episode that ended later is open in the return).
- Reviews: the IRO's reviews held in the year; UASC: ``uasc.UASCStatus``; OC2:
  ``care.health.oc2_rows``; OC3: ``leavingcare.figures.oc3_rows``; AD1, PlacedAdoption:
  ``adoption.AdoptionPlan`` (and, for a child adopted before Haven, the rows another system's
  return gave, kept by the import: ``_kept``); PrevPerm: the period of care's previous permanence; Missing:
  ``missing.MissingEpisode``; SWEpisodes: the allocations of a named worker; DoLo (2026/27):
  Haven records no deprivation of liberty orders yet, so the table is its header alone.

One query set per table, none per child (a county's year in a few seconds).
"""

from __future__ import annotations

import datetime
import io
import os
import time
import zipfile
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db.models import Q

from haven.care.health import OC2_COLUMNS
from haven.core import csv_safe
from haven.returns.census import CollectionYear, la_child_id, sex_code

# The validator's column sets (lac_validator.config.column_names), in its order.
COLUMNS: dict[str, tuple[str, ...]] = {
    "Header": ("CHILD", "SEX", "DOB", "ETHNIC", "UPN", "MOTHER", "MC_DOB"),
    "Episodes": (
        "CHILD",
        "DECOM",
        "RNE",
        "LS",
        "CIN",
        "PLACE",
        "PLACE_PROVIDER",
        "DEC",
        "REC",
        "REASON_PLACE_CHANGE",
        "HOME_POST",
        "PL_POST",
        "URN",
    ),
    "Reviews": ("CHILD", "DOB", "REVIEW", "REVIEW_CODE"),
    "UASC": ("CHILD", "SEX", "DOB", "DUC"),
    "OC2": OC2_COLUMNS,
    "OC3": ("CHILD", "DOB", "IN_TOUCH", "ACTIV", "ACCOM"),
    "AD1": (
        "CHILD",
        "DOB",
        "DATE_INT",
        "DATE_MATCH",
        "FOSTER_CARE",
        "NB_ADOPTR",
        "SEX_ADOPTR",
        "LS_ADOPTR",
    ),
    "PlacedAdoption": (
        "CHILD",
        "DOB",
        "DATE_PLACED",
        "DATE_PLACED_CEASED",
        "REASON_PLACED_CEASED",
    ),
    "PrevPerm": ("CHILD", "DOB", "PREV_PERM", "LA_PERM", "DATE_PERM"),
    "Missing": ("CHILD", "DOB", "MISSING", "MIS_START", "MIS_END"),
    "SWEpisodes": ("CHILD", "DOB", "SW_ID", "SW_DECOM", "SW_DEC", "SW_REASON"),
    "DoLo": ("CHILD", "DOB", "DOLO_START", "DOLO_END"),
}

# File names, as the DfE's sample sets name them.
FILE_NAMES = {
    "Header": "header.csv",
    "Episodes": "episodes.csv",
    "Reviews": "reviews.csv",
    "UASC": "uasc.csv",
    "OC2": "oc2.csv",
    "OC3": "oc3.csv",
    "AD1": "ad1.csv",
    "PlacedAdoption": "placed_for_adoption.csv",
    "PrevPerm": "previous_permanence.csv",
    "Missing": "missing.csv",
    "SWEpisodes": "sw_episodes.csv",
    "DoLo": "dolo.csv",
}
PREVIOUS_DIR = "previous_year"

# Where on the child's record each table's facts are recorded (a tab's URL name, registered
# with ``haven.ui.pages.register_tab``): the validation page sends whoever fixes an issue there.
RECORDED_ON = {
    "Header": "people:person_detail",
    "Episodes": "care:tab",
    "PrevPerm": "care:tab",
    "Reviews": "care:statutory",
    "OC2": "care_health:tab",
    "OC3": "leavingcare:tab",
    "AD1": "adoption:adoption",
    "PlacedAdoption": "adoption:adoption",
    "UASC": "uasc:uasc",
    "Missing": "missing:tab",
    "SWEpisodes": "people:person_detail",
    "DoLo": "care:tab",
}

# Dates in the rows an import keeps (ISO there, as the return writes them here).
_KEPT_DATES = frozenset(
    {"DATE_INT", "DATE_MATCH", "DATE_PLACED", "DATE_PLACED_CEASED"}
    | {"SW_DECOM", "SW_DEC", "DOLO_START", "DOLO_END"}
)

FIRST_SWEPISODES_YEAR = 2024
FIRST_DOLO_YEAR = 2027


def la_code() -> str:
    """The LA's nine-character ONS code (Hampshire: E10000014): the validator works out which
    placements are outside the authority from it."""
    value = os.environ.get("HAVEN_LA_CODE", "E10000014").strip()
    if not (len(value) == 9 and value[0] in "EWSN" and value[1:].isdigit()):
        raise ValueError(f"HAVEN_LA_CODE must be an ONS code such as E10000014, not {value!r}")
    return value


def tables_for(year: int) -> list[str]:
    """The tables a collection year asks for."""
    names = [n for n in COLUMNS if n not in ("SWEpisodes", "DoLo")]
    if year >= FIRST_SWEPISODES_YEAR:
        names.append("SWEpisodes")
    if year >= FIRST_DOLO_YEAR:
        names.append("DoLo")
    return names


def place_code(code: str, year: int) -> str:
    """A placement type in the codes of the collection year: K3 (supported accommodation) was
    H5 before 2024/25; Z11-Z14 were Z1 before 2025/26; P2 went in October 2023 and H5 in
    2025/26, both to K3 (supported accommodation)."""
    if code == "K3" and year < 2025:
        return "H5"
    if code in ("Z11", "Z12", "Z13", "Z14") and year < 2026:
        return "Z1"
    if code == "P2" and year >= 2024:
        return "H5" if year < 2025 else "K3"
    if code == "H5" and year >= 2026:
        return "K3"
    return code


def urn_code(place: str, urn: str, year: int) -> str:
    """A placement's URN as the year's return has it: supported accommodation (H5) was not
    registered with Ofsted before 2023/24, whose rules first ask for its URN (230); the years
    before refuse one (222), so a provider's URN is written XXXXXXX there."""
    if place == "H5" and year < 2024 and urn:
        return "XXXXXXX"
    return urn


def _d(day: datetime.date | None) -> str:
    return day.strftime("%d/%m/%Y") if day else ""


def _birthday(born: datetime.date | None, age: int) -> datetime.date | None:
    if born is None:
        return None
    try:
        return born.replace(year=born.year + age)
    except ValueError:  # 29 February
        return born.replace(year=born.year + age, day=28)


def _age(born: datetime.date | None, day: datetime.date) -> int | None:
    if born is None:
        return None
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


@dataclass
class SSDA903Export:
    year: CollectionYear
    tables: dict[str, list[dict[str, str]]]
    seconds: float
    # Haven person id for each CHILD in the return, for linking issues to records.
    person_ids: dict[str, int] = field(default_factory=dict)
    previous: SSDA903Export | None = None

    @property
    def children(self) -> int:
        return len(self.tables.get("Header", []))

    @property
    def episodes(self) -> int:
        return len(self.tables.get("Episodes", []))

    def csv(self, table: str) -> bytes:
        out = io.StringIO()
        columns = COLUMNS[table]
        writer = csv_safe.writer(out, lineterminator="\r\n")
        writer.writerow(columns)
        writer.writerows([row.get(c, "") for c in columns] for row in self.tables[table])
        return out.getvalue().encode("utf-8")

    def files(self) -> dict[str, bytes]:
        """File name -> content, this year's tables then the previous year's in a folder."""
        out = {FILE_NAMES[t]: self.csv(t) for t in self.tables}
        if self.previous is not None:
            for name, content in self.previous.files().items():
                out[f"{PREVIOUS_DIR}/{name}"] = content
        return out

    def write(self, folder: str | Path) -> list[Path]:
        base = Path(folder)
        written = []
        for name, content in self.files().items():
            path = base / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(content)
            written.append(path)
        return written

    def zip_bytes(self) -> bytes:
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
            for name, content in self.files().items():
                archive.writestr(f"SSDA903_{self.year.year}/{name}", content)
        return out.getvalue()


def ssda903_build(
    *,
    year: int,
    person_ids: Iterable[int] | None = None,
    with_previous: bool = True,
    progress: Callable[[int, int | None, str], None] | None = None,
    sex_codes_of: int | None = None,
) -> SSDA903Export:
    """Every table of the return for a collection year (and, by default, the previous year's,
    which the DfE rules compare against). ``person_ids`` limits it to some children (tests).
    The previous year's files give SEX in this year's codes: rule 202 compares the two years'
    codes as they stand, so 2023/24's 1 and 2 against 2024/25's M and F would all differ."""
    previous = None
    if with_previous:
        if progress:
            progress(0, None, f"Making the {year - 1} return (the DfE rules compare with it)")
        previous = ssda903_build(
            year=year - 1, person_ids=person_ids, with_previous=False, sex_codes_of=year
        )
    if progress:
        progress(0, None, f"Making the {year} return")
    started = time.perf_counter()
    export = _Builder(
        CollectionYear(year),
        None if person_ids is None else list(person_ids),
        uses_sex=CollectionYear(sex_codes_of or year).uses_sex,
    )
    tables = export.build()
    return SSDA903Export(
        year=export.cy,
        tables=tables,
        seconds=time.perf_counter() - started,
        person_ids={la_child_id(pid): pid for pid in export.children},
        previous=previous,
    )


class _Builder:
    def __init__(self, cy: CollectionYear, only: list[int] | None, *, uses_sex: bool) -> None:
        self.cy = cy
        self.uses_sex = uses_sex
        self.start, self.end = cy.start, cy.reference_date
        self.only = only
        self.children: list[int] = []
        self.people: dict[int, dict[str, Any]] = {}

    def _limit(self, qs: Any, field_name: str = "person_id") -> Any:
        if self.only is not None:
            return qs.filter(**{f"{field_name}__in": self.only})
        return qs

    def _child(self, pid: int) -> str:
        return la_child_id(pid)

    def _dob(self, pid: int) -> str:
        return _d(self.people[pid]["date_of_birth"])

    def build(self) -> dict[str, list[dict[str, str]]]:
        year = self.cy.year
        episodes = self._episodes()
        looked_after = sorted({e["person_id"] for e in episodes})
        oc3 = self._oc3_asked(self._oc3_rows(), episodes)
        self.children = sorted(set(looked_after) | {pid for pid, _ in oc3})
        self._load_people()
        tables: dict[str, list[dict[str, str]]] = {}
        tables["Header"] = self._header(set(looked_after))
        tables["Episodes"] = [self._episode_row(e) for e in episodes]
        tables["Reviews"] = self._reviews(looked_after)
        tables["UASC"] = self._uasc()
        tables["OC2"] = self._oc2()
        tables["OC3"] = self._oc3(oc3)
        tables["AD1"] = self._ad1(looked_after, episodes)
        tables["PlacedAdoption"] = self._placed_adoption(looked_after)
        tables["PrevPerm"] = self._prev_perm(looked_after)
        tables["Missing"] = self._missing(looked_after)
        if year >= FIRST_SWEPISODES_YEAR:
            tables["SWEpisodes"] = self._sw_episodes(looked_after)
        if year >= FIRST_DOLO_YEAR:
            # Haven records no deprivation of liberty orders yet: an import's, as given.
            tables["DoLo"] = [values for _, values in self._kept("DoLo", looked_after, set())]
        return {name: tables[name] for name in tables_for(year)}

    # -- the children ------------------------------------------------------------------------

    def _episodes(self) -> list[dict[str, Any]]:
        from haven.care.models import Episode

        qs = self._limit(
            Episode.objects.filter(decom__lte=self.end).filter(
                Q(dec__isnull=True) | Q(dec__gte=self.start)
            )
        )
        return list(
            qs.order_by("person_id", "decom", "id").values(
                "person_id",
                "decom",
                "rne",
                "ls",
                "cin",
                "place",
                "place_provider",
                "dec",
                "rec",
                "reason_place_change",
                "home_post",
                "pl_post",
                "urn",
            )
        )

    def _load_people(self) -> None:
        from haven.people.models import Person

        self.people = {
            p["id"]: dict(p)
            for p in Person.objects.filter(id__in=self.children).values(
                "id", "date_of_birth", "sex", "ethnicity", "upn"
            )
        }

    def _header(self, looked_after: set[int]) -> list[dict[str, str]]:
        from haven.people.models import Relationship, RelationshipType

        mothers: dict[int, datetime.date] = {}
        births = (
            Relationship.objects.filter(
                person_id__in=self.children,
                person__sex="F",
                relationship_type=RelationshipType.PARENT,
                relative_of__date_of_birth__lte=self.end,
            )
            .order_by("relative_of__date_of_birth")
            .values_list("person_id", "relative_of__date_of_birth")
        )
        for pid, born in births:
            if born is not None:
                mothers.setdefault(pid, born)
        uasc = self._uasc_people()
        rows = []
        for pid in self.children:
            p = self.people[pid]
            sex = sex_code(p["sex"], uses_sex=self.uses_sex)
            mother = ""
            # Motherhood is asked of girls looked after in the year, not of care leavers (628).
            if p["sex"] == "F" and pid in looked_after:
                mother = "1" if pid in mothers else "0"
            rows.append(
                {
                    "CHILD": self._child(pid),
                    "SEX": sex,
                    "DOB": _d(p["date_of_birth"]),
                    "ETHNIC": p["ethnicity"] or "NOBT",
                    "UPN": p["upn"] or self._upn_unknown(p, pid in uasc),
                    "MOTHER": mother,
                    "MC_DOB": _d(mothers.get(pid)) if mother else "",
                }
            )
        return rows

    def _upn_unknown(self, person: dict[str, Any], uasc: bool) -> str:
        """UN1: not yet of school age (under 4 on the 31 August before the year began, as
        the DfE's rule 209 reads it); UN2: an unaccompanied asylum-seeking child newly in
        England; else UN5 (sources exhausted, a pupil number not found)."""
        cutoff = datetime.date(self.start.year - 1, 8, 31)
        fourth = _birthday(person["date_of_birth"], 4)
        if fourth is not None and fourth > cutoff:
            return "UN1"
        if uasc:
            return "UN2"
        return "UN5"

    def _uasc_people(self) -> dict[int, datetime.date | None]:
        from haven.uasc.models import UASCStatus

        if not hasattr(self, "_uasc_cache"):
            self._uasc_cache = dict(
                UASCStatus.objects.filter(person_id__in=self.children).values_list(
                    "person_id", "ceased_on"
                )
            )
        return self._uasc_cache

    def _episode_row(self, e: dict[str, Any]) -> dict[str, str]:
        ended = e["dec"] if e["dec"] is not None and e["dec"] <= self.end else None
        place = place_code(e["place"], self.cy.year)
        return {
            "CHILD": self._child(e["person_id"]),
            "DECOM": _d(e["decom"]),
            "RNE": e["rne"],
            "LS": e["ls"],
            "CIN": e["cin"],
            "PLACE": place,
            "PLACE_PROVIDER": e["place_provider"],
            "DEC": _d(ended),
            "REC": e["rec"] if ended else "",
            "REASON_PLACE_CHANGE": e["reason_place_change"] if ended else "",
            "HOME_POST": e["home_post"],
            "PL_POST": e["pl_post"],
            "URN": urn_code(place, e["urn"], self.cy.year),
        }

    # -- the other tables --------------------------------------------------------------------

    def _reviews(self, looked_after: list[int]) -> list[dict[str, str]]:
        from haven.care.models import CareReview

        rows = CareReview.objects.filter(
            person_id__in=looked_after, held_on__gte=self.start, held_on__lte=self.end
        ).order_by("person_id", "held_on", "id")
        return [
            {
                "CHILD": self._child(pid),
                "DOB": self._dob(pid),
                "REVIEW": _d(held),
                "REVIEW_CODE": code,
            }
            for pid, held, code in rows.values_list("person_id", "held_on", "participation")
        ]

    def _uasc(self) -> list[dict[str, str]]:
        """Children unaccompanied in the year. DUC is the date their status ceased or will
        cease: as recorded, else their 18th birthday, the same in every year's return (the
        DfE's rule 205B compares the two years)."""
        rows = []
        for pid, ceased in sorted(self._uasc_people().items()):
            if ceased is not None and ceased < self.start:
                continue  # no longer unaccompanied in the year (rule 104)
            p = self.people[pid]
            sex = sex_code(p["sex"], uses_sex=self.uses_sex)
            rows.append(
                {
                    "CHILD": self._child(pid),
                    "SEX": sex,
                    "DOB": self._dob(pid),
                    "DUC": _d(ceased or _birthday(p["date_of_birth"], 18)),
                }
            )
        return rows

    def _oc2(self) -> list[dict[str, str]]:
        from haven.care.health import oc2_rows

        return [
            row.as_903(self._child(row.person_id))
            for row in oc2_rows(self.end, person_ids=self.only)
        ]

    def _oc3_rows(self) -> list[tuple[int, Any]]:
        from haven.leavingcare.figures import oc3_rows

        rows = oc3_rows(self.start, self.end, hidden=(), include_excluded=True)
        if self.only is not None:
            rows = [r for r in rows if r[0] in self.only]
        return rows

    def _oc3_asked(
        self, oc3: list[tuple[int, Any]], episodes: list[dict[str, Any]]
    ) -> list[tuple[int, Any]]:
        """The care leavers' birthdays the DfE asks about: not one still to come (in the year
        under way), none of a young person whose care another council took over, and at 17
        and 18 not one on which the young person was still looked after
        (rule 1016: their care leaver information is not asked for)."""
        from django.utils import timezone

        from haven.care.models import CarePeriod

        today = timezone.localdate()
        # Care taken over by another council (E3): that council reports them (rule 1011).
        last_reason: dict[int, str] = {}
        for pid, reason in (
            CarePeriod.objects.filter(person_id__in=[pid for pid, _ in oc3])
            .order_by("person_id", "start_date")
            .values_list("person_id", "end_reason")
        ):
            last_reason[pid] = reason
        care_end: dict[int, datetime.date] = {}
        for e in episodes:
            ended = e["dec"] if e["dec"] is not None else datetime.date.max
            care_end[e["person_id"]] = max(ended, care_end.get(e["person_id"], ended))
        asked = []
        for pid, row in oc3:
            if row.on > today or last_reason.get(pid) == "E3":
                continue
            ended = care_end.get(pid)
            if row.age in (17, 18) and ended is not None and ended >= row.on:
                continue
            asked.append((pid, row))
        return asked

    def _oc3(self, oc3: list[tuple[int, Any]]) -> list[dict[str, str]]:
        """A care leaver's position at their birthday in the year. Activity and accommodation
        are 0 unless the council is in touch (the DfE's rules 344, 345)."""
        rows = []
        for pid, row in oc3:
            in_touch, activity, accom = row.in_touch, row.activity or "0", row.accommodation or "0"
            if in_touch != "YES":
                activity = accom = "0"
            rows.append(
                {
                    "CHILD": self._child(pid),
                    "DOB": self._dob(pid),
                    "IN_TOUCH": in_touch,
                    "ACTIV": activity,
                    "ACCOM": accom,
                }
            )
        return rows

    def _adoption_plans(self, looked_after: list[int]) -> list[Any]:
        """The looked-after children's plans for adoption (one query, for AD1 and
        PlacedAdoption both)."""
        from haven.adoption.models import AdoptionPlan

        if not hasattr(self, "_plans"):
            self._plans = list(
                AdoptionPlan.objects.filter(person_id__in=looked_after)
                .select_related("adopters")
                .order_by("person_id", "decided_on", "id")
            )
        return self._plans

    def _ad1(self, looked_after: list[int], episodes: list[dict[str, Any]]) -> list[dict[str, str]]:
        """Children adopted in the year. FOSTER_CARE: adopted by their foster carers, as the
        placement for adoption says (A3, A5: with the current foster carer; the DfE's rule
        335), else from a fostering for adoption placement."""
        adopted_from = {e["person_id"]: e["place"] for e in episodes if e["rec"] in ("E11", "E12")}
        rows = []
        for plan in self._adoption_plans(looked_after):
            order = plan.adoption_order_on
            if order is None or not (self.start <= order <= self.end):
                continue
            adopters = plan.adopters
            rows.append(
                {
                    "CHILD": self._child(plan.person_id),
                    "DOB": self._dob(plan.person_id),
                    "DATE_INT": _d(plan.decided_on),
                    "DATE_MATCH": _d(plan.matched_on),
                    "FOSTER_CARE": _by_foster_carers(
                        adopted_from.get(plan.person_id, ""), plan.fostering_for_adoption_on
                    ),
                    "NB_ADOPTR": str(adopters.number_of_adopters) if adopters else "",
                    "SEX_ADOPTR": getattr(adopters, "sex_of_adopters", "") if adopters else "",
                    "LS_ADOPTR": getattr(adopters, "legal_status_of_adopters", "")
                    if adopters
                    else "",
                }
            )
        rows.extend(
            values for _, values in self._kept("AD1", looked_after, self._planned(looked_after))
        )
        rows.sort(key=lambda r: r["CHILD"])
        return rows

    def _planned(self, looked_after: list[int]) -> set[int]:
        """The children with an adoption plan recorded in Haven: their adoption is there."""
        return {plan.person_id for plan in self._adoption_plans(looked_after)}

    def _kept(
        self, table: str, looked_after: list[int], held: set[int]
    ) -> list[tuple[int, dict[str, str]]]:
        """An imported child's rows of ``table`` for this year, as another system's return gave
        them (``haven.returns.import903.KEPT_AS_GIVEN``: what Haven cannot make records of),
        but for the children in ``held``, whose Haven records give the table. One query;
        none for a county of its own."""
        from haven.returns.import903 import KEPT_AS_GIVEN
        from haven.returns.models import ImportedHistory

        if not hasattr(self, "_kept_rows"):
            self._kept_rows: list[tuple[int, dict[str, Any]]] = [
                (pid, row)
                for pid, rows in ImportedHistory.objects.filter(
                    person_id__in=looked_after, rows__contains=[{"year": self.cy.year}]
                ).values_list("person_id", "rows")
                for row in rows
                if row["year"] == self.cy.year and row["table"] in KEPT_AS_GIVEN
            ]
        out = []
        for pid, row in self._kept_rows:
            if row["table"] != table or pid in held:
                continue
            given = {**row["values"], "CHILD": self._child(pid), "DOB": self._dob(pid)}
            values = {}
            for column in COLUMNS[table]:
                value = given.get(column, "")
                if column in _KEPT_DATES and value:
                    value = _d(datetime.date.fromisoformat(value))
                values[column] = value
            out.append((pid, values))
        return out

    def _placed_adoption(self, looked_after: list[int]) -> list[dict[str, str]]:
        """A child's latest decision that they should be placed for adoption, made by the
        year's end and not reversed before it began; its reversal if in the year. A decision
        reversed in an earlier year is not reported again (the DfE's rules 118, 561, 584)."""
        latest: dict[int, Any] = {}
        for plan in self._adoption_plans(looked_after):
            if plan.decided_on > self.end:
                continue
            if plan.reversed_on is not None and plan.reversed_on < self.start:
                continue
            latest[plan.person_id] = plan
        rows = []
        for pid, plan in sorted(latest.items()):
            reversed_on = (
                plan.reversed_on
                if plan.reversed_on is not None and plan.reversed_on <= self.end
                else None
            )
            rows.append(
                {
                    "CHILD": self._child(pid),
                    "DOB": self._dob(pid),
                    "DATE_PLACED": _d(plan.decided_on),
                    "DATE_PLACED_CEASED": _d(reversed_on),
                    "REASON_PLACED_CEASED": plan.reversal_reason if reversed_on else "",
                }
            )
        planned = self._planned(looked_after)
        rows.extend(values for _, values in self._kept("PlacedAdoption", looked_after, planned))
        rows.sort(key=lambda r: r["CHILD"])
        return rows

    def _prev_perm(self, looked_after: list[int]) -> list[dict[str, str]]:
        """The previous permanence recorded on a period of care that began in the year (the
        latest, for a child with two): the DfE asks it of children who started to be looked
        after (rules 630, 634)."""
        from haven.care.models import CarePeriod

        latest: dict[int, tuple[str, str, str]] = {}
        periods = (
            CarePeriod.objects.filter(
                person_id__in=looked_after, start_date__gte=self.start, start_date__lte=self.end
            )
            .order_by("person_id", "start_date", "id")
            .values_list(
                "person_id",
                "previous_permanence",
                "previous_permanence_la",
                "previous_permanence_on",
            )
        )
        for pid, code, la, on in periods:
            latest[pid] = (code, la, on)
        return [
            {
                "CHILD": self._child(pid),
                "DOB": self._dob(pid),
                "PREV_PERM": code,
                "LA_PERM": la,
                "DATE_PERM": on,
            }
            for pid, (code, la, on) in sorted(latest.items())
            if code
        ]

    def _missing(self, looked_after: list[int]) -> list[dict[str, str]]:
        """The year's missing and away episodes, and one still open when the year began: the
        DfE's rule 576 looks in this year's return for a period open in last year's."""
        from haven.core.calendar import LONDON
        from haven.missing.models import MissingEpisode

        def day(at: datetime.datetime | None) -> datetime.date | None:
            return at.astimezone(LONDON).date() if at is not None else None

        first = datetime.datetime.combine(self.start, datetime.time.min, tzinfo=LONDON)
        after = datetime.datetime.combine(
            self.end + datetime.timedelta(days=1), datetime.time.min, tzinfo=LONDON
        )
        rows = []
        episodes = (
            MissingEpisode.objects.filter(
                Q(started_at__gte=first) | Q(ended_at__isnull=True) | Q(ended_at__gte=first),
                person_id__in=looked_after,
                started_at__lt=after,
            )
            .order_by("person_id", "started_at", "id")
            .values_list("person_id", "kind", "started_at", "ended_at")
        )
        for pid, kind, started, ended in episodes:
            back = day(ended)
            rows.append(
                {
                    "CHILD": self._child(pid),
                    "DOB": self._dob(pid),
                    "MISSING": kind,
                    "MIS_START": _d(day(started)),
                    "MIS_END": _d(back if back is not None and back <= self.end else None),
                }
            )
        return rows

    def _sw_episodes(self, looked_after: list[int]) -> list[dict[str, str]]:
        """Each child's social workers while looked after in the year. The DfE's rule SW12
        refuses a social worker episode that starts before the period of care or after it
        ended, so each allocation is cut to the periods of care; SW17 wants the last episode
        open, so the one open when care ended (or at 31 March) has no end date. Consecutive
        allocations of the same worker are one episode; one of a day or less is none (SW09).
        Haven records no reason for a change of worker: the first episode in a period, or one
        after more than 7 days with no worker, is FCONTA (first contact, as SW10a asks); any
        other change is OTHERS."""
        from haven.care.models import CarePeriod
        from haven.people.models import Allocation

        periods: dict[int, list[tuple[datetime.date, datetime.date | None]]] = defaultdict(list)
        for pid, began, ended in (
            CarePeriod.objects.filter(person_id__in=looked_after, start_date__lte=self.end)
            .filter(Q(end_date__isnull=True) | Q(end_date__gte=self.start))
            .order_by("person_id", "start_date")
            .values_list("person_id", "start_date", "end_date")
        ):
            periods[pid].append((began, ended if ended is not None and ended <= self.end else None))
        allocations: dict[int, list[tuple[int, datetime.date, datetime.date | None]]] = defaultdict(
            list
        )
        for pid, worker, start, end in (
            Allocation.objects.filter(
                person_id__in=looked_after, worker__isnull=False, start_date__lte=self.end
            )
            .order_by("person_id", "start_date", "id")
            .values_list("person_id", "worker_id", "start_date", "end_date")
        ):
            allocations[pid].append((worker, start, end))
        rows = []
        workers_in_year: set[int] = set()  # the children Haven's allocations give rows
        for pid in looked_after:
            timeline = _worker_timeline(allocations.get(pid, []))
            spells = periods.get(pid, [])
            for n, (began, ended) in enumerate(spells):
                last_period = n == len(spells) - 1
                spans: list[list[Any]] = []
                for worker, start, end in timeline:
                    start = max(start, began)
                    if ended is not None:
                        if start >= ended:
                            continue
                        if end is None or end >= ended:
                            # Their worker when care ended: the episode stays open in the
                            # child's last period (SW17), and ends with an earlier one (SW08).
                            end = None if last_period else ended
                    if end is not None and end <= start:
                        continue
                    spans.append([worker, start, end])
                for i, (worker, start, end) in enumerate(spans):
                    if end is not None and end < self.start:
                        continue  # before the year (SW07)
                    if start > self.end:
                        break  # after the year: a later year's (SW06)
                    shown_end = end if end is not None and end <= self.end else None
                    gap = i > 0 and (start - spans[i - 1][2]).days > 7
                    workers_in_year.add(pid)
                    rows.append(
                        {
                            "CHILD": self._child(pid),
                            "DOB": self._dob(pid),
                            "SW_ID": sw_id(worker),
                            "SW_DECOM": _d(start),
                            "SW_DEC": _d(shown_end),
                            "SW_REASON": "FCONTA" if i == 0 or gap else "OTHERS",
                        }
                    )
        # An imported child's workers before Haven, as the return gave them (their workers
        # were another system's), unless Haven's allocations give the year's.
        rows.extend(values for _, values in self._kept("SWEpisodes", looked_after, workers_in_year))
        return rows


def _worker_timeline(
    allocations: list[tuple[int, datetime.date, datetime.date | None]],
) -> list[tuple[int, datetime.date, datetime.date | None]]:
    """Who was the child's worker from when to when: where allocations overlap (a team
    holding the case for a while beside the looked-after team), the latest to start. Spans
    end to end; consecutive spans of one worker are one; a worker's day or less is none."""
    bounds = sorted({a[1] for a in allocations} | {a[2] for a in allocations if a[2] is not None})
    spans: list[list[Any]] = []
    for i, day in enumerate(bounds):
        active = [a for a in allocations if a[1] <= day and (a[2] is None or a[2] > day)]
        nxt = bounds[i + 1] if i + 1 < len(bounds) else None
        if not active:
            continue
        worker = max(active, key=lambda a: a[1])[0]
        if spans and spans[-1][0] == worker and spans[-1][2] == day:
            spans[-1][2] = nxt
            continue
        spans.append([worker, day, nxt])
    return [(w, s, e) for w, s, e in spans if e is None or e > s]


def _by_foster_carers(place: str, fostering_for_adoption: datetime.date | None) -> str:
    if place in ("A3", "A5"):
        return "1"
    if place in ("A4", "A6"):
        return "0"
    return "1" if fostering_for_adoption else "0"


def sw_id(user_id: int) -> str:
    """A worker's SW_ID: "SW" and Haven's account number (Haven does not hold Social Work
    England registration numbers; the DfE asks only that the ID be stable and start SW)."""
    return f"SW{user_id:06d}"


def ssda903_export(
    *,
    year: int,
    user: Any,
    request: Any = None,
    person_ids: Iterable[int] | None = None,
    progress: Callable[[int, int | None, str], None] | None = None,
) -> SSDA903Export:
    """Build the return and record the export in the access log (no person: the files cover
    every child looked after in the year; the detail says which year and how many)."""
    from haven.core.models import AccessAction
    from haven.core.services import access_log_record

    export = ssda903_build(year=year, person_ids=person_ids, progress=progress)
    access_log_record(
        user=user,
        action=AccessAction.EXPORT,
        request=request,
        person_id=None,
        detail=f"SSDA903 {year}: {export.children} children, {export.episodes} episodes",
    )
    return export
