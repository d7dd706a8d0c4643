"""Fixtures shared by every test: teams, users of each role, and children allocated to them."""

from __future__ import annotations

import datetime
import itertools
from typing import Any

import pytest
from django.contrib.auth.hashers import Argon2PasswordHasher
from django.test import Client

from haven.accounts.models import Role, Team, TeamKind, User
from haven.accounts.services import user_create
from haven.people import services as people
from haven.people.models import Person, PersonKind

PASSWORD = "correct horse battery staple"


class CheapArgon2PasswordHasher(Argon2PasswordHasher):
    """Argon2 at a test-sized cost: the algorithm is production's, the work is not."""

    time_cost = 1
    memory_cost = 64
    parallelism = 1


def pytest_configure(config: Any) -> None:
    from django.conf import settings

    settings.PASSWORD_HASHERS = ["conftest.CheapArgon2PasswordHasher"]
_names = itertools.count(1)


@pytest.fixture
def teams(db: Any) -> dict[str, Team]:
    return {
        "assessment": Team.objects.create(name="Winchester assessment", kind=TeamKind.ASSESSMENT),
        "other": Team.objects.create(name="Basingstoke assessment", kind=TeamKind.ASSESSMENT),
        "front_door": Team.objects.create(name="MASH", kind=TeamKind.FRONT_DOOR),
    }


@pytest.fixture
def make_user(db: Any, teams: dict[str, Team]) -> Any:
    def make(role: str = Role.PRACTITIONER, team: str | None = "assessment", **kw: Any) -> User:
        n = next(_names)
        return user_create(
            username=kw.pop("username", f"user{n}"),
            password=kw.pop("password", PASSWORD),
            first_name=kw.pop("first_name", "Pat"),
            last_name=kw.pop("last_name", f"Worker{n}"),
            role=Role(role),
            teams=[teams[team]] if team else [],
            **kw,
        )

    return make


@pytest.fixture
def worker(make_user: Any) -> User:
    return make_user(Role.PRACTITIONER, "assessment", first_name="Sam", last_name="Okafor")


@pytest.fixture
def manager(make_user: Any) -> User:
    return make_user(Role.TEAM_MANAGER, "assessment", first_name="Tom", last_name="Hughes")


@pytest.fixture
def outsider(make_user: Any) -> User:
    """A practitioner in another team: entitled to none of the assessment team's children."""
    return make_user(Role.PRACTITIONER, "other", first_name="Olive", last_name="Outsider")


@pytest.fixture
def make_child(db: Any, teams: dict[str, Team], manager: User) -> Any:
    def make(team: str | None = "assessment", **details: Any) -> Person:
        values = {
            "given_names": "John",
            "family_name": "Smith",
            "date_of_birth": datetime.date(2015, 3, 12),
            "sex": "M",
        }
        values.update(details)
        return people.person_create(
            by=manager,
            kind=PersonKind.CHILD,
            details=values,
            team=teams[team] if team else None,
        )

    return make


@pytest.fixture
def child(make_child: Any) -> Person:
    return make_child()


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def as_worker(worker: User) -> Client:
    return client_for(worker)


@pytest.fixture
def as_outsider(outsider: User) -> Client:
    return client_for(outsider)


@pytest.fixture
def as_manager(manager: User) -> Client:
    return client_for(manager)


@pytest.fixture(autouse=True)
def _job_files(settings: Any, tmp_path: Any) -> None:
    """Jobs' uploads and results go to the test's own folder, not var/jobs."""
    settings.HAVEN_JOB_FILES_DIR = tmp_path / "jobs"
