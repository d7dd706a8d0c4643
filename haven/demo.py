"""The demo county's teams and users (logins listed in the README); the county itself is the
synthetic "small" scenario (haven.synthetic), generated when the database is empty."""

from __future__ import annotations

from collections.abc import Callable

from haven.accounts.models import Role, TeamKind, User

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


def ensure_demo_county(stdout: Callable[[str], None] = print) -> str:
    """Generate the small scenario into an empty database; leave an existing county alone."""
    from haven.synthetic.generator import generate

    if User.objects.filter(username="social.worker").exists():
        return "The demo county is already set up."
    report = generate("small", stdout=stdout)
    return (
        f"Demo county ready in {report.seconds:.0f} s. "
        f"Every demo user's password is {DEMO_PASSWORD}"
    )
