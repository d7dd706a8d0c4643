"""Families of a synthetic county: children born across the generated years and the 18 before,
one or two parents with parental responsibility, an address in one of the scenario's districts,
and each child's disabilities ("NONE" or DfE codes)."""

from __future__ import annotations

import datetime
import random
from collections.abc import Iterable
from typing import TYPE_CHECKING

from haven.people.models import Address, Person, PersonDisability, Relationship
from haven.synthetic import names as N
from haven.synthetic.helpers import DAY, YEAR_DAYS, zipf
from haven.synthetic.postcodes import real as real_postcode
from haven.synthetic.scenario import Choice, ScenarioError

if TYPE_CHECKING:
    from haven.synthetic.generator import Generator

TABLES = (Person, (Address, False), (PersonDisability, False), Relationship)
INWARD_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"


def nhs_numbers(rng: random.Random, count: int) -> Iterable[str]:
    """Distinct 10-digit NHS numbers with a valid check digit."""
    for body in rng.sample(range(400_000_000, 800_000_000), int(count * 1.15) + 100):
        digits = f"{body:09d}"
        check = 11 - sum(int(d) * w for d, w in zip(digits, range(10, 1, -1), strict=True)) % 11
        if check == 11:
            check = 0
        if check != 10:
            yield f"{digits}{check}"


def upn_for(la_number: str, serial: int) -> str:
    from haven.people.validators import upn_check_letter

    body = f"{la_number}{serial:09d}"[:12]
    return upn_check_letter(body) + body


def build(g: Generator) -> None:
    """The families, their addresses and relationships."""
    rng, s = g.rng, g.s
    pop = s.section("population")
    areas = s.data["areas"]
    for area in areas:
        if area["name"] not in g.area_team:
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
    disability_codes = s.choice("population", "disability_codes") if disability_share > 0 else None
    disability_n = (
        s.choice("population", "disabilities_per_child") if disability_share > 0 else None
    )
    disability_rng = random.Random(f"{g.report.seed}-disabilities")
    disabilities = g.table(PersonDisability)
    la_number = str(s.section("scenario").get("la_number", "999"))
    boys, girls, men, women = (zipf(N.BOYS), zipf(N.GIRLS), zipf(N.MEN), zipf(N.WOMEN))
    surnames = _surnames()

    span_days = (g.horizon_date - g.window_start).days
    children_target = round(int(pop["children"]) * (18 * YEAR_DAYS + span_days) / (18 * YEAR_DAYS))
    oldest = g.horizon_date - datetime.timedelta(days=int(18 * YEAR_DAYS) + span_days)
    born_range = (g.horizon_date - oldest).days
    adult_cutoff = g.horizon_date.replace(year=g.horizon_date.year - 18)
    nhs = iter(nhs_numbers(rng, int(children_target * 2.0)))

    persons = g.table(Person)
    addresses = g.table(Address)
    relationships = g.table(Relationship)
    created = g.created
    g.dob = [None]  # by person id
    g.child_name = [""]
    g.family_children = []
    g.family_area = []
    g.area_names = [a["name"] for a in areas]
    pid = 0
    children = 0
    upn_serial = 0

    def person(kind: str, given: str, family: str, dob: datetime.date, sex: str, upn: str) -> int:
        nonlocal pid
        pid += 1
        persons.add(
            id=pid,
            created_at=created,
            updated_at=created,
            version=1,
            kind=kind,
            given_names=given,
            family_name=family,
            date_of_birth=dob,
            expected_date_of_birth=None,
            sex=sex,
            gender_identity="",
            ethnicity=ethnicity.draw(rng),
            first_language="",
            religion="",
            upn=upn,
            nhs_number=next(nhs) if rng.random() < nhs_share else "",
            date_of_death=None,
            is_restricted=False,
            merged_into_id=None,
            created_by_id=None,
        )
        g.dob.append(dob)
        return pid

    while children < children_target:
        area_i = area_choice.draw(rng)
        area = areas[area_i]
        family_name = surnames.draw(rng)
        postcode = real_postcode(
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
            if nxt > g.horizon_date:
                break
            dobs.append(nxt)
        mother_dob = first_born - datetime.timedelta(
            days=int(mother_age.draw(rng) * YEAR_DAYS) + rng.randint(0, 364)
        )
        moved_in = max(first_born, g.window_start - DAY * rng.randint(0, 3000))
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
            age = (g.horizon_date - dob).days / YEAR_DAYS
            upn = ""
            if 4 <= age < 18 and rng.random() < upn_share:
                upn_serial += 1
                upn = upn_for(la_number, upn_serial)
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
            for code in codes:
                disabilities.add(person_id=child, code=code)
            g.child_name.extend([""] * (child - len(g.child_name)))
            g.child_name.append(f"{given} {surname}")
            kids.append(child)
            for parent in parents:
                relationships.add(
                    id=len(relationships) + 1,
                    person_id=parent,
                    relative_of_id=child,
                    relationship_type="parent",
                    parental_responsibility=True,
                    start_date=dob,
                    end_date=None,
                )
        g.child_name.extend([""] * (pid + 1 - len(g.child_name)))
        for member in [*parents, *kids]:
            addresses.add(
                person_id=member,
                line_1=line_1,
                line_2="",
                town=area["town"],
                postcode=postcode,
                start_date=max(moved_in, g.dob[member] or moved_in),
                end_date=None,
                created_at=created,
            )
        g.family_children.append(kids)
        g.family_area.append(area_i)
        children += len(kids)
    g.report.counts["people"] = pid
    g.report.counts["families"] = len(g.family_children)


def _surnames() -> Choice:
    common = N.COMMON_SURNAMES
    tail = [p + j + x for p in N.PLACE_PREFIXES for j in N.PLACE_JOINS for x in N.PLACE_SUFFIXES]
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
