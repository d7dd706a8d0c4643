"""The demo county's staff: the teams and the users listed in the README, every one with the
password below. They belong to the synthetic "small" scenario (``demo_users = true``), which
``haven demo`` generates into an empty database (haven.demo)."""

from __future__ import annotations

from haven.accounts.models import Role, TeamKind

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
