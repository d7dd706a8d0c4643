"""Security probes of the missing package (a security review): ways a user might see or change
what need-to-know forbids, each checked to be refused."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from conftest import client_for
from haven.core.models import AccessLog, AuditChange
from haven.missing import services
from haven.missing.figures import PAGE
from haven.missing.models import MissingEpisode, ReturnInterview
from haven.missing.tests.conftest import at
from haven.people import services as people
from haven.performance import periods
from haven.performance import selectors as perf
from haven.work.items import Scope, work_for

pytestmark = pytest.mark.django_db


def moment(name: str, when: datetime.datetime) -> dict[str, str]:
    return {
        f"{name}_day": str(when.day),
        f"{name}_month": str(when.month),
        f"{name}_year": str(when.year),
        f"{name}_time": f"{when:%H:%M}",
    }


def ended(person, by, start=None):
    start = start or at(2026, 3, 1, 20)
    return services.episode_record(
        person=person,
        by=by,
        kind="M",
        started_at=start,
        ended_at=start + datetime.timedelta(hours=3),
    )


# -- finding: the "independent" interviewer can be the worker who holds the case ---------------


def test_probe_team_held_case_worker_names_self_independent(child, worker):
    """``child`` is held by the assessment team with no named worker; ``worker`` in that team
    works the case and names themselves as the independent interviewer."""
    episode = ended(child, worker)
    client = client_for(worker)
    client.post(
        reverse("missing:action", args=[child.pk, "offer"]),
        {
            "object_id": episode.pk,
            **moment(f"offer{episode.pk}-offered_at", at(2026, 3, 2, 10)),
            f"offer{episode.pk}-interviewer": worker.pk,
        },
    )
    interview = ReturnInterview.objects.filter(episode=episode).first()
    assert interview is None or interview.interviewer_id != worker.pk, (
        "a worker of the team holding the case was accepted as the independent interviewer"
    )


def test_probe_allocated_workers_manager_or_recorder_as_independent(allocated, worker, manager):
    """The allocated worker's own team manager (who holds the case for the team) is accepted."""
    episode = ended(allocated, worker)
    try:
        services.rhi_offer(
            episode=episode, by=manager, offered_at=at(2026, 3, 2, 10), interviewer=manager
        )
    except ValidationError:
        return
    pytest.fail("the manager of the team holding the case was accepted as independent")


def test_probe_allocated_worker_cannot_name_self(allocated, worker):  # held
    episode = ended(allocated, worker)
    with pytest.raises(ValidationError):
        services.rhi_offer(
            episode=episode, by=worker, offered_at=at(2026, 3, 2, 10), interviewer=worker
        )


# -- held: IDOR with another child's episode / interview ------------------------------------------


def test_probe_idor_episode_and_interview_of_another_child(child, make_child, worker, make_user):
    other = make_child(given_names="Other", family_name="Kid")
    independent = make_user("practitioner", "other")
    episode = ended(other, worker)
    interview = services.rhi_offer(
        episode=episode, by=worker, offered_at=at(2026, 3, 2, 10), interviewer=independent
    )
    open_other = services.episode_record(
        person=other, by=worker, kind="M", started_at=at(2026, 3, 5, 20)
    )
    client = client_for(worker)
    for action, obj in (
        ("return", open_other),
        ("correct", episode),
        ("remove", episode),
        ("notify", episode),
        ("offer", episode),
        ("decline", interview),
        ("held", interview),
    ):
        r = client.post(
            reverse("missing:action", args=[child.pk, action]),
            {"object_id": obj.pk, f"remove{obj.pk}-reason": "x"},
        )
        assert r.status_code == 404, action
    assert MissingEpisode.objects.filter(person=other).count() == 2


def test_probe_outsider_and_restricted(child, worker, outsider, make_child, manager):
    zeph = make_child(given_names="Zephyrine", family_name="Quillfeather")
    people.person_restrict(person=zeph, by=manager, named_users=[])
    ended(zeph, manager)
    for user, who in ((outsider, child), (worker, zeph)):
        c = client_for(user)
        assert c.get(reverse("missing:tab", args=[who.pk])).status_code == 404
        r = c.post(
            reverse("missing:action", args=[who.pk, "record"]),
            {"episode-kind": "M", **moment("episode-started_at", at(2026, 3, 13, 21, 40))},
        )
        assert r.status_code == 404
    assert not MissingEpisode.objects.filter(person=child).exists()
    # My work (team scope) of the worker's manager does not name the restricted child.
    for item in work_for(worker, Scope.TEAMS) + work_for(worker, Scope.MINE):
        assert all(pid != zeph.pk for pid, _ in item.people)


def test_probe_missing_figures_list_hides_restricted(child, worker, manager, make_child, make_user):
    other_manager = make_user("team_manager", "other")
    zeph = make_child(given_names="Zephyrine", family_name="Quillfeather")
    people.person_restrict(person=zeph, by=manager, named_users=[])
    ended(zeph, manager, start=at(2025, 6, 1, 20))
    ended(child, worker, start=at(2025, 6, 2, 20))
    year = periods.dfe_year(2026)
    rows = list(
        perf.measure_rows(measure=PAGE["missing_episodes"], period=year, user=other_manager)
    )
    shown = list(perf.rows_for_user(rows, user=other_manager, detail="probe"))
    ids = {r["child_id"] for r in shown}
    assert zeph.pk not in ids
    assert child.pk in ids
    assert all(not r["given_names"] for r in shown if r["child_id"] == child.pk)


def test_probe_tab_read_is_access_logged_and_writes_audited(child, worker):
    client = client_for(worker)
    assert client.get(reverse("missing:tab", args=[child.pk])).status_code == 200
    assert AccessLog.objects.filter(user=worker, person_id=child.pk).exists()
    episode = ended(child, worker)
    assert AuditChange.objects.filter(
        table_name=MissingEpisode._meta.db_table, row_id=str(episode.pk), person_id=child.pk
    ).exists()
