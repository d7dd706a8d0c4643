"""Missing episodes for tests, recorded through the services as a worker would."""

from __future__ import annotations

import datetime

import pytest

from haven.core.calendar import LONDON
from haven.missing import services
from haven.people import services as people


def at(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime.datetime:
    """A London time."""
    return datetime.datetime(year, month, day, hour, minute, tzinfo=LONDON)


@pytest.fixture
def allocated(child, manager, worker, teams):
    """``child``'s case held by ``worker`` in the assessment team."""
    people.case_allocate(person=child, by=manager, team=teams["assessment"], worker=worker)
    return child


@pytest.fixture
def episode(allocated, worker):
    """``record(start, end=None, **details)``: an episode of ``allocated``, recorded by
    ``worker``."""

    def record(start, end=None, kind="M", **details):
        return services.episode_record(
            person=allocated, by=worker, kind=kind, started_at=start, ended_at=end, **details
        )

    return record


@pytest.fixture
def independent(make_user):
    """A colleague in another team: independent of the case."""
    return make_user("practitioner", "other", first_name="Ivy", last_name="Interviewer")
