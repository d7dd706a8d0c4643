"""Fixtures shared by every test: teams, users of each role, and children allocated to them."""

from __future__ import annotations

import datetime
import itertools
from collections.abc import Iterable, Iterator
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


OWNER_ALIAS = "owner"


def pytest_collection_modifyitems(items: list[Any]) -> None:
    """Give every database test the schema owner's alias as well as the app's.

    In tests "default" (the app's login) mirrors "owner", which creates and migrates the test
    database, is flushed after a transactional test, and runs the bulk loaders (``owner_db``).
    A test that asked for "default" alone would leave "owner" unprepared.
    """
    for item in items:
        marker = item.get_closest_marker("django_db")
        fixtures = set(getattr(item, "fixturenames", ()))
        if marker is not None:
            args, kwargs = marker.args, dict(marker.kwargs)
        elif fixtures & {"db", "transactional_db", "live_server"}:
            args, kwargs = (), {"transaction": bool(fixtures & {"transactional_db", "live_server"})}
        else:
            continue
        databases = kwargs.get("databases") or ["default"]
        if databases == "__all__" or OWNER_ALIAS in databases:
            continue
        kwargs["databases"] = [*databases, OWNER_ALIAS]
        item.add_marker(pytest.mark.django_db(*args, **kwargs), append=False)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup: None) -> Iterator[None]:
    """Refuse to run a test against anything but the test database (a mirror whose primary
    was not set up would point at the real one)."""
    from django.db import connections

    for alias in ("default", OWNER_ALIAS):
        name = connections[alias].settings_dict["NAME"]
        assert name.startswith("test_"), f"the {alias} alias points at {name}, not a test database"
    yield


@pytest.fixture
def owner_db() -> Iterator[None]:
    """Run the whole test on the schema owner's connection, as the bulk loaders must.

    The owner's is another database session, so a test that generates a county reads it back
    through the same session.
    """
    from haven.core.db_roles import owner_mode

    with owner_mode():
        yield


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


def record_contact(by: User, team: Team, children: Iterable[Person], **details: Any) -> Any:
    """A contact about ``children`` recorded by ``by`` for ``team``: a police phone call now,
    unless ``details`` say otherwise (any argument of ``contact_create``)."""
    from django.utils import timezone

    from haven.frontdoor.services import contact_create

    values: dict[str, Any] = {
        "received_at": timezone.now(),
        "channel": "phone",
        "source": "6",
        "summary": "Police attended a domestic incident",
        "consent": "not_sought",
        "consent_basis": "significant_harm",
        **details,
    }
    return contact_create(by=by, team=team, children=list(children), **values)


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


@pytest.fixture(autouse=True)
def _document_files(settings: Any, tmp_path: Any) -> None:
    """Documents' files go to the test's own folder, not var/documents."""
    settings.STORAGES = {
        **settings.STORAGES,
        "documents": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "documents"), "base_url": None},
        },
    }
