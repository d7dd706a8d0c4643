"""A small demo county: teams, one user per role, and a few hundred families.

Every record is made through the services, as a user would make it, so the chronology and the
audit trail are real. Logins are listed in the README. Idempotent: a second run adds nothing.
"""

from __future__ import annotations

import datetime
import random

from django.db import transaction
from django.utils import timezone

from haven.accounts.models import Role, Team, TeamKind, User
from haven.accounts.services import user_create
from haven.core.services import audit_context_set
from haven.people import services as people
from haven.people.models import Person, PersonKind, RelationshipType
from haven.people.validators import upn_check_letter

DEMO_PASSWORD = "haven-demo-2026"

TEAMS = [
    ("MASH (front door)", TeamKind.FRONT_DOOR, "County"),
    ("Winchester district assessment", TeamKind.ASSESSMENT, "Winchester"),
    ("Basingstoke district assessment", TeamKind.ASSESSMENT, "Basingstoke"),
    ("Winchester child protection", TeamKind.CHILD_PROTECTION, "Winchester"),
    ("Children looked after", TeamKind.LOOKED_AFTER, "County"),
    ("Leaving care", TeamKind.LEAVING_CARE, "County"),
    ("Early help", TeamKind.EARLY_HELP, "County"),
    ("Independent reviewing officers", TeamKind.REVIEWING, "County"),
    ("Performance and quality", TeamKind.PERFORMANCE, "County"),
]

# username, first, last, role, team names, job title
USERS = [
    (
        "mash",
        "Maya",
        "Ashworth",
        Role.MASH_PRACTITIONER,
        ["MASH (front door)"],
        "MASH social worker",
    ),
    (
        "social.worker",
        "Sam",
        "Okafor",
        Role.PRACTITIONER,
        ["Winchester district assessment"],
        "Social worker",
    ),
    (
        "social.worker2",
        "Priya",
        "Nair",
        Role.PRACTITIONER,
        ["Basingstoke district assessment"],
        "Social worker",
    ),
    (
        "team.manager",
        "Tom",
        "Hughes",
        Role.TEAM_MANAGER,
        ["Winchester district assessment", "Winchester child protection"],
        "Team manager",
    ),
    (
        "chair",
        "Chloe",
        "Bennett",
        Role.REVIEWING_OFFICER,
        ["Independent reviewing officers"],
        "Conference chair",
    ),
    (
        "analyst",
        "Ade",
        "Lewis",
        Role.PERFORMANCE_ANALYST,
        ["Performance and quality"],
        "Performance analyst",
    ),
    (
        "auditor",
        "Alex",
        "Reid",
        Role.AUDITOR,
        ["Performance and quality"],
        "Quality assurance auditor",
    ),
    ("admin", "Ali", "Morgan", Role.ADMINISTRATOR, [], "System administrator"),
]

GIVEN_GIRLS = [
    "Olivia",
    "Amelia",
    "Isla",
    "Ava",
    "Mia",
    "Ivy",
    "Lily",
    "Freya",
    "Grace",
    "Sophia",
    "Ella",
    "Evie",
    "Poppy",
    "Chloe",
    "Ruby",
    "Zara",
    "Aisha",
    "Maja",
    "Niamh",
    "Layla",
]
GIVEN_BOYS = [
    "Oliver",
    "George",
    "Noah",
    "Arthur",
    "Leo",
    "Harry",
    "Oscar",
    "Jack",
    "Charlie",
    "Jacob",
    "Thomas",
    "Alfie",
    "Mohammed",
    "Finley",
    "Kai",
    "Tyler",
    "Reuben",
    "Jayden",
]
ADULT_WOMEN = ["Sarah", "Emma", "Claire", "Lisa", "Kelly", "Gemma", "Hannah", "Laura", "Natalie"]
ADULT_MEN = ["James", "Daniel", "Mark", "Paul", "Lee", "Craig", "Darren", "Wayne", "Ryan"]
FAMILY = [
    "Smith",
    "Jones",
    "Taylor",
    "Brown",
    "Williams",
    "Wilson",
    "Johnson",
    "Davies",
    "Evans",
    "Thomas",
    "Roberts",
    "Walker",
    "Wright",
    "Robinson",
    "Thompson",
    "White",
    "Hughes",
    "Edwards",
    "Green",
    "Hall",
    "Wood",
    "Harris",
    "Lewis",
    "Martin",
    "Jackson",
    "Clarke",
    "Clark",
    "Turner",
    "Hill",
    "Scott",
    "Cooper",
    "Morris",
    "Ward",
    "Moore",
    "King",
    "Watson",
    "Baker",
    "Harrison",
    "Morgan",
    "Patel",
    "Young",
    "Allen",
    "Mitchell",
    "James",
    "Anderson",
]
STREETS = [
    "Station Road",
    "Church Lane",
    "Victoria Road",
    "Park Avenue",
    "Mill Lane",
    "London Road",
    "The Green",
    "Kings Road",
    "Queens Road",
    "New Road",
    "School Lane",
    "Manor Close",
]
TOWNS = [
    ("Winchester", "SO23"),
    ("Winchester", "SO22"),
    ("Basingstoke", "RG21"),
    ("Basingstoke", "RG24"),
    ("Andover", "SP10"),
    ("Eastleigh", "SO50"),
    ("Fareham", "PO14"),
    ("Aldershot", "GU11"),
    ("Havant", "PO9"),
    ("Romsey", "SO51"),
]
POSTCODE_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"


def _nhs_number(rng: random.Random) -> str:
    while True:
        digits = [rng.randint(0, 9) for _ in range(9)]
        check = 11 - sum(d * w for d, w in zip(digits, range(10, 1, -1), strict=True)) % 11
        check = 0 if check == 11 else check
        if check != 10:
            return "".join(map(str, digits)) + str(check)


def _upn(rng: random.Random) -> str:
    body = "850" + "".join(str(rng.randint(0, 9)) for _ in range(9))
    return upn_check_letter(body) + body


def _postcode(rng: random.Random, outward: str) -> str:
    return (
        f"{outward} {rng.randint(1, 9)}{rng.choice(POSTCODE_LETTERS)}{rng.choice(POSTCODE_LETTERS)}"
    )


def _birthday(rng: random.Random, min_age: int, max_age: int) -> datetime.date:
    today = timezone.localdate()
    return today - datetime.timedelta(days=rng.randint(min_age * 365 + 1, max_age * 365 + 300))


@transaction.atomic
def ensure_demo_county(families: int = 120, seed: int = 2026) -> str:
    if User.objects.filter(username="social.worker").exists():
        return "The demo county is already set up."
    audit_context_set(actor_id=None, label="haven demo")
    teams = {
        name: Team.objects.get_or_create(name=name, defaults={"kind": kind, "area": area})[0]
        for name, kind, area in TEAMS
    }
    users = {}
    for username, first, last, role, team_names, title in USERS:
        users[username] = user_create(
            username=username,
            password=DEMO_PASSWORD,
            first_name=first,
            last_name=last,
            role=role,
            teams=[teams[t] for t in team_names],
            job_title=title,
            email=f"{username}@demo-county.example",
        )
    rng = random.Random(seed)
    placements = [
        (teams["Winchester district assessment"], users["social.worker"]),
        (teams["Winchester district assessment"], None),
        (teams["Basingstoke district assessment"], users["social.worker2"]),
        (teams["Winchester child protection"], None),
        (teams["MASH (front door)"], None),
        (teams["Children looked after"], None),
        (teams["Early help"], None),
    ]
    manager = users["team.manager"]
    children = 0
    for _ in range(families):
        family_name = rng.choice(FAMILY)
        town, outward = rng.choice(TOWNS)
        address = people.AddressData(
            line_1=f"{rng.randint(1, 120)} {rng.choice(STREETS)}",
            town=town,
            postcode=_postcode(rng, outward),
            start_date=_birthday(rng, 0, 4),
        )
        mother = people.person_create(
            by=manager,
            kind=PersonKind.ADULT,
            details={
                "given_names": rng.choice(ADULT_WOMEN),
                "family_name": family_name,
                "date_of_birth": _birthday(rng, 22, 45),
                "sex": "F",
            },
            address=address,
        )
        father = None
        if rng.random() < 0.6:
            father = people.person_create(
                by=manager,
                kind=PersonKind.ADULT,
                details={
                    "given_names": rng.choice(ADULT_MEN),
                    "family_name": family_name,
                    "date_of_birth": _birthday(rng, 24, 50),
                    "sex": "M",
                },
            )
        team, worker = rng.choice(placements)
        for _child in range(rng.choice([1, 1, 2, 2, 3])):
            girl = rng.random() < 0.5
            born = _birthday(rng, 0, 17)
            details = {
                "given_names": rng.choice(GIVEN_GIRLS if girl else GIVEN_BOYS),
                "family_name": family_name,
                "date_of_birth": born,
                "sex": "F" if girl else "M",
                "ethnicity": rng.choice(["WBRI"] * 8 + ["WOTH", "MWBC", "APKN", "BAFR", "AIND"]),
                "first_language": "English"
                if rng.random() < 0.9
                else rng.choice(["Polish", "Urdu", "Nepali"]),
                "nhs_number": _nhs_number(rng),
            }
            if born < timezone.localdate() - datetime.timedelta(days=5 * 365):
                details["upn"] = _upn(rng)
            child = people.person_create(by=manager, details=details, address=address, team=team)
            if worker is not None:
                people.allocation_set(person=child, by=manager, team=team, worker=worker)
            people.relationship_add(
                child=child,
                by=manager,
                relative=mother,
                relationship_type=RelationshipType.PARENT,
                parental_responsibility=True,
            )
            if father is not None:
                people.relationship_add(
                    child=child,
                    by=manager,
                    relative=father,
                    relationship_type=RelationshipType.PARENT,
                    parental_responsibility=rng.random() < 0.8,
                )
            if rng.random() < 0.5:
                people.professional_add(
                    person=child, by=manager, role="gp", organisation=f"{town} Medical Centre"
                )
            children += 1
    # One restricted record, seen only by the manager.
    restricted = Person.objects.filter(kind=PersonKind.CHILD).order_by("pk").last()
    if restricted is not None:
        people.person_restrict(person=restricted, by=manager, named_users=[manager])
    return (
        f"Demo county ready: {len(users)} users, {children} children in {families} families. "
        f"Every demo user's password is {DEMO_PASSWORD}"
    )
