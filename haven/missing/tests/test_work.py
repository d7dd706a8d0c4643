"""Missing children on "my work": missing now, the return home interview to offer by the hour,
and the strategy discussion when a child keeps going missing."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from haven.missing import services
from haven.missing.selectors import RepeatRule, discussion_due, repeat_trigger
from haven.missing.tests.conftest import at
from haven.missing.work import missing_items, repeat_missing_items
from haven.people import services as people
from haven.work.items import Scope, work_for

pytestmark = pytest.mark.django_db
H = datetime.timedelta(hours=1)


def _mine(user):
    return [i for i in work_for(user, Scope.MINE) if i.url.endswith("/missing/")]


def test_a_child_missing_now_is_urgent_on_the_workers_list(episode, worker, manager):
    episode(timezone.now() - 5 * H)
    (item,) = _mine(worker)
    assert item.title == "Missing now" and item.urgent
    assert item.person_names == "John Smith"
    assert [i.title for i in work_for(manager, Scope.TEAMS) if i.url.endswith("/missing/")] == [
        "Missing now"
    ]


def test_the_interview_to_offer_is_due_72_hours_after_the_return(episode, worker):
    returned = timezone.now() - 80 * H
    over = episode(returned - 5 * H, returned)
    (item,) = _mine(worker)
    assert item.title == "Return home interview to offer"
    assert item.due == returned + 72 * H
    assert item.is_overdue
    services.rhi_offer(
        episode=over, by=worker, offered_at=timezone.now() - H, interviewer_name="Checkpoint"
    )
    assert _mine(worker) == []


def test_an_interview_due_in_hours_is_not_yet_overdue(episode, worker):
    returned = timezone.now() - 70 * H
    episode(returned - 5 * H, returned)
    (item,) = _mine(worker)
    assert not item.is_overdue


def test_three_episodes_in_90_days_call_for_a_strategy_discussion(episode, worker, allocated):
    now = timezone.now()
    for days in (60, 30, 2):
        start = now - datetime.timedelta(days=days)
        episode(start, start + 3 * H)
    titles = sorted(i.title for i in _mine(worker))
    assert "Strategy discussion: repeat missing" in titles
    services.repeat_discussion_record(
        person=allocated,
        by=worker,
        held_on=timezone.localdate(),
        agencies="Police",
        decision="A safety plan",
    )
    assert "Strategy discussion: repeat missing" not in [i.title for i in _mine(worker)]


def test_two_episodes_are_not_a_repeat(episode, worker):
    now = timezone.now()
    for days in (30, 2):
        start = now - datetime.timedelta(days=days)
        episode(start, start + 3 * H)
    assert "Strategy discussion: repeat missing" not in [i.title for i in _mine(worker)]


def test_the_repeat_rule_is_a_setting(episode, worker, settings):
    settings.HAVEN_REPEAT_MISSING_EPISODES = 2
    now = timezone.now()
    for days in (30, 2):
        start = now - datetime.timedelta(days=days)
        episode(start, start + 3 * H)
    assert "Strategy discussion: repeat missing" in [i.title for i in _mine(worker)]


def test_repeat_rule_counts_episodes_within_the_days():
    rule = RepeatRule(episodes=3, days=90)
    starts = [at(2026, 1, 1), at(2026, 2, 1), at(2026, 5, 1), at(2026, 6, 1)]
    assert repeat_trigger(starts, rule) is None
    starts.append(at(2026, 6, 10))
    assert repeat_trigger(starts, rule) == at(2026, 6, 10)
    now = at(2026, 6, 12)
    assert discussion_due(starts, None, rule, now) == at(2026, 6, 10)
    assert discussion_due(starts, datetime.date(2026, 6, 11), rule, now) is None
    # A pattern over long ago asks for nothing.
    assert discussion_due(starts, None, rule, at(2026, 12, 1)) is None


def test_the_provider_runs_a_fixed_number_of_queries(
    make_child, manager, worker, teams, django_assert_num_queries
):
    now = timezone.now()

    def caseload(n):
        for i in range(n):
            child = make_child(given_names=f"Child{i}")
            people.case_allocate(person=child, by=manager, team=teams["assessment"], worker=worker)
            for days in (40, 20, 1):
                start = now - datetime.timedelta(days=days)
                services.episode_record(
                    person=child, by=worker, kind="M", started_at=start, ended_at=start + H
                )

    def items():
        return missing_items(worker, Scope.MINE) + repeat_missing_items(worker, Scope.MINE)

    # The cases held and their episodes; the recent episodes and the last discussions.
    caseload(1)
    with django_assert_num_queries(4):
        assert len(items()) == 4
    caseload(4)
    with django_assert_num_queries(4):
        assert len(items()) == 20
