"""The Missing tab through the test client."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from haven.missing import services
from haven.missing.models import MissingEpisode, ReturnInterview
from haven.missing.tests.conftest import at

pytestmark = pytest.mark.django_db


def moment(name: str, when: datetime.datetime) -> dict[str, str]:
    return {
        f"{name}_day": str(when.day),
        f"{name}_month": str(when.month),
        f"{name}_year": str(when.year),
        f"{name}_time": f"{when:%H:%M}",
    }


def act(client, child, action, data):
    return client.post(reverse("missing:action", args=[child.pk, action]), data)


def tab(child):
    return reverse("missing:tab", args=[child.pk])


def test_any_child_has_the_missing_tab(as_worker, child):
    page = as_worker.get(tab(child)).content.decode()
    assert "No missing episodes recorded." in page
    assert f'href="/people/{child.pk}/missing/"' in page


def test_a_worker_records_an_episode_the_return_and_the_interview(
    as_worker, allocated, independent
):
    response = act(
        as_worker,
        allocated,
        "record",
        {
            "episode-kind": "M",
            **moment("episode-started_at", at(2026, 3, 13, 21, 40)),
            "episode-police_reference": "HC-77",
            "episode-risk": "high",
        },
    )
    assert response.status_code == 302
    episode = MissingEpisode.objects.get(person=allocated)
    assert episode.started_at == at(2026, 3, 13, 21, 40) and episode.ended_at is None
    page = as_worker.get(tab(allocated)).content.decode()
    assert "Missing since 13 March 2026 at 9:40pm" in page
    act(
        as_worker,
        allocated,
        "return",
        {
            "object_id": episode.pk,
            **moment(f"return{episode.pk}-ended_at", at(2026, 3, 13, 23, 5)),
            f"return{episode.pk}-where_found": "Winchester station",
            f"return{episode.pk}-found_by": "police",
        },
    )
    page = as_worker.get(tab(allocated)).content.decode()
    assert "Not offered yet: due by 16 March 2026 at 11:05pm" in page
    response = act(
        as_worker,
        allocated,
        "offer",
        {
            "object_id": episode.pk,
            **moment(f"offer{episode.pk}-offered_at", at(2026, 3, 14, 10, 0)),
            f"offer{episode.pk}-interviewer": independent.pk,
        },
    )
    assert response.status_code == 302
    interview = ReturnInterview.objects.get(episode=episode)
    act(
        as_worker,
        allocated,
        "held",
        {
            "object_id": interview.pk,
            **moment(f"held{interview.pk}-completed_at", at(2026, 3, 15, 14, 0)),
            f"held{interview.pk}-push_factors": "Arguments at home",
            f"held{interview.pk}-indicators": ["older_associates", "drugs"],
        },
    )
    page = as_worker.get(tab(allocated)).content.decode()
    assert "Within 72 hours" in page
    assert "Held 15 March 2026 at 2:00pm" in page
    assert "Carrying or dealing drugs, or in debt for them" in page


def test_a_time_in_words_and_a_12_hour_time_are_understood(as_worker, allocated):
    data = {
        "episode-kind": "A",
        **moment("episode-started_at", at(2026, 3, 13)),
        **moment("episode-ended_at", at(2026, 3, 13)),
    }
    data["episode-started_at_time"] = "midday"
    data["episode-ended_at_time"] = "2.30pm"
    assert act(as_worker, allocated, "record", data).status_code == 302
    episode = MissingEpisode.objects.get()
    assert (episode.started_at, episode.ended_at) == (at(2026, 3, 13, 12), at(2026, 3, 13, 14, 30))


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("25:00", "Time they went missing must be a real time"),
        ("half past", "Time they went missing must be a time such as 14:30 or 2:30pm"),
        ("", "Enter the time they went missing"),
    ],
)
def test_a_bad_time_is_refused_beside_the_box(as_worker, allocated, typed, message):
    data = {"episode-kind": "M", **moment("episode-started_at", at(2026, 3, 13, 9))}
    data["episode-started_at_time"] = typed
    response = act(as_worker, allocated, "record", data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not MissingEpisode.objects.exists()


def test_an_hour_the_clocks_skip_is_refused(as_worker, allocated):
    data = {"episode-kind": "M", **moment("episode-started_at", at(2026, 3, 29))}
    data["episode-started_at_time"] = "01:30"
    response = act(as_worker, allocated, "record", data)
    assert "the clocks went forward" in response.content.decode()
    assert not MissingEpisode.objects.exists()


def test_an_episode_ending_before_it_starts_shows_the_error(as_worker, allocated):
    response = act(
        as_worker,
        allocated,
        "record",
        {
            "episode-kind": "M",
            **moment("episode-started_at", at(2026, 3, 13, 21)),
            **moment("episode-ended_at", at(2026, 3, 13, 20)),
        },
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "The return cannot be before the child went missing" in html
    assert "<title>Error: " in html
    assert not MissingEpisode.objects.exists()


def test_an_overlapping_episode_shows_the_clash(as_worker, allocated, episode):
    episode(at(2026, 3, 13, 21), at(2026, 3, 14, 9))
    response = act(
        as_worker,
        allocated,
        "record",
        {"episode-kind": "A", **moment("episode-started_at", at(2026, 3, 14, 8))},
    )
    assert "This overlaps another episode for this child" in response.content.decode()
    assert MissingEpisode.objects.count() == 1


def test_an_interview_offered_before_the_return_shows_the_error(as_worker, allocated, episode):
    over = episode(at(2026, 3, 13, 21), at(2026, 3, 14, 9))
    response = act(
        as_worker,
        allocated,
        "offer",
        {
            "object_id": over.pk,
            **moment(f"offer{over.pk}-offered_at", at(2026, 3, 14, 8)),
            f"offer{over.pk}-interviewer_name": "Checkpoint",
        },
    )
    assert "cannot be offered before the child returned" in response.content.decode()
    assert not ReturnInterview.objects.exists()


def test_an_outsider_cannot_open_the_tab_or_record(as_outsider, allocated):
    assert as_outsider.get(tab(allocated)).status_code == 404
    response = act(
        as_outsider,
        allocated,
        "record",
        {"episode-kind": "M", **moment("episode-started_at", at(2026, 3, 13, 21))},
    )
    assert response.status_code == 404
    assert not MissingEpisode.objects.exists()


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured.captured_queries)


def test_the_tab_runs_a_fixed_number_of_queries(as_worker, allocated, episode, worker):
    first = episode(at(2026, 1, 5, 21), at(2026, 1, 6, 9))
    services.rhi_offer(
        episode=first, by=worker, offered_at=at(2026, 1, 6, 12), interviewer_name="X"
    )
    one = _queries(as_worker, tab(allocated))
    for day in range(10, 20):
        over = episode(at(2026, 2, day, 21), at(2026, 2, day, 23))
        services.rhi_offer(
            episode=over, by=worker, offered_at=at(2026, 2, day + 1, 9), interviewer_name="X"
        )
    assert _queries(as_worker, tab(allocated)) == one
