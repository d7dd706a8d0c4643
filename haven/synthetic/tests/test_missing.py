"""Missing episodes and return home interviews in the generated small county."""

from __future__ import annotations

from typing import Any

import pytest

from haven.synthetic.generator import GenerationReport
from haven.synthetic.tests.conftest import generate_small as _small
from haven.synthetic.tests.test_generate import _rows

MISSING_TABLES = {
    "missing_missingepisode": "person_id, kind, started_at, ended_at, police_reference, team_id",
    "missing_returninterview": "episode_id, offered_at, accepted, completed_at, indicators",
}


def _fingerprint() -> dict[str, tuple[Any, ...]]:
    return {
        table: _rows(
            f"SELECT count(*), md5(string_agg(({columns})::text, '|' ORDER BY id)) FROM {table}"
        )[0]
        for table, columns in MISSING_TABLES.items()
    }


# Whether a child was looked after when the episode began.
LOOKED_AFTER = """
    EXISTS (SELECT 1 FROM care_careperiod c WHERE c.person_id = e.person_id
            AND c.start_date <= (e.started_at AT TIME ZONE 'Europe/London')::date
            AND (c.end_date IS NULL
                 OR c.end_date > (e.started_at AT TIME ZONE 'Europe/London')::date))
"""


@pytest.mark.django_db
def test_episodes_and_interviews_are_generated(small_county: GenerationReport) -> None:
    (episodes, children, open_now, away, interviews, held, found) = _rows(
        """
        SELECT count(*), count(DISTINCT person_id), count(*) FILTER (WHERE ended_at IS NULL),
               count(*) FILTER (WHERE kind = 'A'),
               (SELECT count(*) FROM missing_returninterview),
               (SELECT count(*) FROM missing_returninterview WHERE completed_at IS NOT NULL),
               (SELECT count(*) FROM missing_returninterview WHERE indicators <> '{}')
        FROM missing_missingepisode e
        """
    )[0]
    assert episodes > 20 and children > 3
    assert 0 < away < episodes
    assert open_now <= 3
    assert 0 < held < interviews and found > 0
    # Every interview after its episode's return; none held before it was offered.
    assert _rows(
        "SELECT count(*) FROM missing_returninterview i JOIN missing_missingepisode e "
        "ON e.id = i.episode_id WHERE i.offered_at < e.ended_at OR i.completed_at < i.offered_at"
    ) == [(0,)]


@pytest.mark.django_db
def test_looked_after_children_go_missing_far_more_often(small_county: GenerationReport) -> None:
    ((looked_after, other),) = _rows(
        f"""
        SELECT count(*) FILTER (WHERE {LOOKED_AFTER}), count(*) FILTER (WHERE NOT {LOOKED_AFTER})
        FROM missing_missingepisode e
        """
    )
    ((in_care, known),) = _rows(
        "SELECT (SELECT count(DISTINCT person_id) FROM care_careperiod), "
        "(SELECT count(DISTINCT person_id) FROM people_allocation)"
    )
    assert looked_after > 0 and other > 0
    assert looked_after / in_care > 3 * other / known


@pytest.mark.django_db
def test_most_interviews_are_offered_within_72_hours_and_most_accepted(
    small_county: GenerationReport,
) -> None:
    ((offered, in_time, accepted),) = _rows(
        "SELECT count(*), count(*) FILTER (WHERE i.offered_at <= e.ended_at + interval '72 hours'), "
        "count(*) FILTER (WHERE i.accepted) FROM missing_returninterview i "
        "JOIN missing_missingepisode e ON e.id = i.episode_id"
    )
    assert in_time / offered > 0.5
    assert 0.4 < accepted / offered < 0.9


def test_the_same_seed_gives_the_same_episodes(
    small_county: GenerationReport, django_db_blocker: Any
) -> None:
    # Outside a test transaction: reading the tables in one would hold the locks that the
    # regeneration's TRUNCATE waits for.
    with django_db_blocker.unblock():
        before = _fingerprint()
        again = _small()
        assert _fingerprint() == before
    assert again.counts == small_county.counts
