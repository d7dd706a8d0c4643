"""Teams and staff of a synthetic county; the demo teams and logins of the ``small`` scenario.

The demo staff (README's logins) are added to any scenario with ``demo_users = true``, with the
demo password; every generated colleague has an unusable password.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib.auth.hashers import make_password

from haven.accounts.models import Membership, Role, Team, TeamKind, User
from haven.synthetic import names as N
from haven.synthetic.helpers import ascii_name, zipf
from haven.synthetic.scenario import Choice, ScenarioError

if TYPE_CHECKING:
    from haven.synthetic.generator import Generator

TABLES = (Team, User, Membership)

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

# The county's exploitation (specialist) team, Hampshire's Willow team: added to any scenario
# that names none, after its own teams (so their ids and staff stay as they were).
EXPLOITATION_TEAM = {
    "name": "Willow (exploitation)",
    "kind": str(TeamKind.EXPLOITATION),
    "area": "County",
    "workers": 1,
    "managers": 1,
}

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
        ["Winchester district assessment", "Winchester child protection", "Children looked after"],
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
    # Added after the first eight so the generated colleagues before them keep their order.
    (
        "mash.manager",
        "Martha",
        "Shah",
        Role.TEAM_MANAGER,
        ["MASH (front door)"],
        "MASH team manager",
    ),
    (
        "cp.worker",
        "Callum",
        "Price",
        Role.PRACTITIONER,
        ["Winchester child protection"],
        "Child protection social worker",
    ),
    (
        "cla.worker",
        "Cara",
        "Lindqvist",
        Role.PRACTITIONER,
        ["Children looked after"],
        "Children looked after social worker",
    ),
    (
        "exploitation.worker",
        "Ellis",
        "Hartley",
        Role.PRACTITIONER,
        ["Willow (exploitation)"],
        "Exploitation practitioner (Willow team)",
    ),
    ("pa", "Jess", "Okoro", Role.PRACTITIONER, ["Leaving care"], "Personal adviser"),
]


def build(g: Generator) -> None:
    """The scenario's teams and staff (and the demo staff if it has them)."""
    rng = g.rng
    team_defs = [dict(t) for t in g.s.data["teams"]]
    if not any(t.get("kind") == TeamKind.EXPLOITATION for t in team_defs):
        team_defs.append(dict(EXPLOITATION_TEAM))
    names = {t["name"] for t in team_defs}
    if g.s.demo_users:
        team_defs += [
            {"name": name, "kind": str(kind), "area": area, "workers": 0, "managers": 0}
            for name, kind, area in TEAMS
            if name not in names
        ]
    valid_kinds = set(TeamKind.values)
    g.teams = {}
    for i, t in enumerate(team_defs, start=1):
        if t.get("kind") not in valid_kinds:
            raise ScenarioError(
                f"team {t.get('name')!r}: kind must be one of {sorted(valid_kinds)}"
            )
        g.teams[t["name"]] = {
            "id": i,
            "kind": t["kind"],
            "area": t.get("area", ""),
            "workers": [],
            "weights": [],
            "managers": [],
        }
        g.table(Team).add(
            id=i, name=t["name"], kind=t["kind"], area=t.get("area", ""), is_active=True
        )
    worker_role = {
        "front_door": Role.MASH_PRACTITIONER,
        "reviewing": Role.REVIEWING_OFFICER,
        "performance": Role.PERFORMANCE_ANALYST,
    }
    men, women = zipf(N.MEN), zipf(N.WOMEN)
    surnames = Choice(N.COMMON_SURNAMES, "surnames")
    usernames: set[str] = set()
    unusable = make_password(None)
    uid = 0
    users = g.table(User)
    members = g.table(Membership)
    today = g.created.date()
    domain = f"{ascii_name(g.s.name)}.example"
    demo_weight = float(g.s.section("scenario").get("demo_user_weight", 1.0))
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
        users.add(
            id=uid,
            password=password,
            last_login=None,
            is_superuser=False,
            username=username,
            first_name=first,
            last_name=last,
            email=f"{username}@{domain}",
            is_staff=False,
            is_active=True,
            date_joined=g.created,
            role=role,
            job_title=title,
        )
        for name in team_names:
            team = g.teams[name]
            members.add(id=len(members) + 1, user_id=uid, team_id=team["id"], since=today)
            if role == Role.TEAM_MANAGER:
                team["managers"].append(uid)
            elif role in (Role.PRACTITIONER, Role.MASH_PRACTITIONER):
                team["workers"].append(uid)
                team["weights"].append(weight)
            elif role == Role.REVIEWING_OFFICER:
                chairs.append((uid, weight))

    if g.s.demo_users:
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
                base = f"{ascii_name(first)}.{ascii_name(last)}"
                username, n = base, 1
                while username in usernames:
                    n += 1
                    username = f"{base}{n}"
                usernames.add(username)
                title = "Team manager" if role == Role.TEAM_MANAGER else str(Role(role).label)
                add_user(username, first, last, str(role), title, unusable, [t["name"]], 1.0)
    for name, team in g.teams.items():
        if team["kind"] in ("front_door", "assessment") and not team["workers"]:
            raise ScenarioError(f"team {name!r} needs at least one worker")
    all_managers = [m for t in g.teams.values() for m in t["managers"]]
    if not all_managers:
        raise ScenarioError("the scenario needs at least one team manager")
    for team in g.teams.values():
        team["authorisers"] = team["managers"] or all_managers
        team["worker_choice"] = (
            Choice(list(zip(team["workers"], team["weights"], strict=True)), "workers")
            if team["workers"]
            else None
        )
    front = [t for t in g.teams.values() if t["kind"] == "front_door"]
    if not front:
        raise ScenarioError("the scenario needs a front_door team")
    g.front_door = front[0]
    g.area_team = {}
    g.area_cp_team = {}
    for team in g.teams.values():
        if team["kind"] == "assessment":
            g.area_team.setdefault(team["area"], team)
        elif team["kind"] == "child_protection":
            g.area_cp_team.setdefault(team["area"], team)
    if not chairs:
        raise ScenarioError("the scenario needs a reviewing team with a worker to chair")
    g.chairs = Choice(chairs, "conference chairs")
    g.report.counts["teams"] = len(g.teams)
    g.report.counts["users"] = uid
