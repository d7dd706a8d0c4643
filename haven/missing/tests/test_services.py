"""Recording missing episodes, returns and return home interviews: what is saved, and every
refusal (a message on the field at fault, nothing saved)."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from haven.chronology.models import ChronologyEvent
from haven.core.errors import ConflictError
from haven.core.versioning import ConcurrentEditError
from haven.missing import services
from haven.missing.models import MissingEpisode, RepeatMissingDiscussion, ReturnInterview
from haven.missing.tests.conftest import at

pytestmark = pytest.mark.django_db


def _errors(exc: pytest.ExceptionInfo) -> dict:
    return exc.value.message_dict


def test_an_episode_is_recorded_returned_and_in_the_chronology(episode, worker, teams):
    recorded = episode(at(2026, 3, 6, 22, 15), police_reference="HC-1234", risk="medium")
    assert recorded.is_open and recorded.team == teams["assessment"]
    returned = services.episode_return(
        episode=recorded,
        by=worker,
        ended_at=at(2026, 3, 7, 9, 30),
        where_found="A friend's flat in Andover",
        found_by="police",
    )
    assert returned.ended_at == at(2026, 3, 7, 9, 30)
    assert returned.duration_text == "11 hours"
    summaries = list(
        ChronologyEvent.objects.filter(person=recorded.person).values_list("summary", flat=True)
    )
    assert "Went missing at 6 March 2026 at 10:15pm (police reference HC-1234)" in summaries
    assert any("found at A friend's flat in Andover, police" in s for s in summaries)


def test_an_episode_ending_before_it_starts_is_refused(episode):
    with pytest.raises(ValidationError) as exc:
        episode(at(2026, 3, 6, 22), at(2026, 3, 6, 21))
    assert "cannot be before the child went missing" in _errors(exc)["ended_at"][0]
    assert not MissingEpisode.objects.exists()
    assert not ChronologyEvent.objects.filter(kind="missing").exists()


def test_a_return_before_it_started_is_refused(episode, worker):
    open_episode = episode(at(2026, 3, 6, 22))
    with pytest.raises(ValidationError) as exc:
        services.episode_return(episode=open_episode, by=worker, ended_at=at(2026, 3, 6, 20))
    assert "ended_at" in _errors(exc)
    open_episode.refresh_from_db()
    assert open_episode.ended_at is None


def test_overlapping_episodes_are_refused_naming_the_other(episode):
    episode(at(2026, 3, 6, 22), at(2026, 3, 8, 10))
    with pytest.raises(ValidationError) as exc:
        episode(at(2026, 3, 7, 12), at(2026, 3, 7, 18), kind="A")
    message = _errors(exc)["started_at"][0]
    assert "overlaps another episode" in message
    assert "from 6 March 2026 at 10:00pm, to 8 March 2026 at 10:00am" in message
    assert MissingEpisode.objects.count() == 1


def test_an_episode_after_one_still_open_overlaps_it(episode):
    episode(at(2026, 3, 6, 22))
    with pytest.raises(ValidationError) as exc:
        episode(at(2026, 3, 10, 12))
    assert "still open" in _errors(exc)["started_at"][0]


def test_going_missing_again_the_moment_they_returned_is_not_an_overlap(episode):
    episode(at(2026, 3, 6, 22), at(2026, 3, 7, 14))
    episode(at(2026, 3, 7, 14), at(2026, 3, 7, 20), kind="A")
    assert MissingEpisode.objects.count() == 2


def test_the_constraint_catches_an_overlap_the_check_did_not_see(episode, allocated):
    episode(at(2026, 3, 6, 22), at(2026, 3, 8, 10))
    with pytest.raises(ValidationError) as exc:
        services._saved(
            lambda: MissingEpisode.objects.create(
                person=allocated, kind="M", started_at=at(2026, 3, 7), ended_at=at(2026, 3, 9)
            )
        )
    assert "overlaps another episode" in _errors(exc)["started_at"][0]
    assert MissingEpisode.objects.count() == 1


def test_a_future_episode_is_refused(episode):
    with pytest.raises(ValidationError) as exc:
        episode(at(2099, 1, 1, 12))
    assert "started_at" in _errors(exc)


def test_a_place_found_without_a_return_is_refused(episode):
    with pytest.raises(ValidationError) as exc:
        episode(at(2026, 3, 6, 22), where_found="Basingstoke")
    assert "ended_at" in _errors(exc)
    assert not MissingEpisode.objects.exists()


def test_the_interview_is_offered_by_someone_independent(episode, worker, independent):
    over = episode(at(2026, 3, 6, 22), at(2026, 3, 7, 9))
    with pytest.raises(ValidationError) as exc:
        services.rhi_offer(
            episode=over, by=worker, offered_at=at(2026, 3, 7, 12), interviewer=worker
        )
    assert "allocated worker" in _errors(exc)["interviewer"][0]
    assert not ReturnInterview.objects.exists()
    interview = services.rhi_offer(
        episode=over, by=worker, offered_at=at(2026, 3, 7, 12), interviewer=independent
    )
    assert interview.person_id == over.person_id
    assert over.interview_offered_in_time(interview) is True


def test_an_outside_interviewer_by_name_is_allowed(episode, worker):
    over = episode(at(2026, 3, 6, 22), at(2026, 3, 7, 9))
    interview = services.rhi_offer(
        episode=over,
        by=worker,
        offered_at=at(2026, 3, 11, 12),
        interviewer_name="Checkpoint return interviews",
    )
    assert over.interview_offered_in_time(interview) is False
    assert ChronologyEvent.objects.filter(
        summary__contains="more than 72 hours after the return"
    ).exists()


def test_an_interview_needs_an_interviewer(episode, worker):
    over = episode(at(2026, 3, 6, 22), at(2026, 3, 7, 9))
    with pytest.raises(ValidationError) as exc:
        services.rhi_offer(episode=over, by=worker, offered_at=at(2026, 3, 7, 12))
    assert "interviewer" in _errors(exc)


def test_an_interview_before_the_return_is_refused(episode, worker, independent):
    over = episode(at(2026, 3, 6, 22), at(2026, 3, 7, 9))
    with pytest.raises(ValidationError) as exc:
        services.rhi_offer(
            episode=over, by=worker, offered_at=at(2026, 3, 7, 8), interviewer=independent
        )
    assert "before the child returned" in _errors(exc)["offered_at"][0]
    assert not ReturnInterview.objects.exists()


def test_an_interview_on_an_open_episode_is_refused(episode, worker, independent):
    still_missing = episode(at(2026, 3, 6, 22))
    with pytest.raises(ValidationError) as exc:
        services.rhi_offer(
            episode=still_missing, by=worker, offered_at=at(2026, 3, 7), interviewer=independent
        )
    assert "still open" in _errors(exc)["offered_at"][0]
    assert not ReturnInterview.objects.exists()


def test_a_second_offer_is_a_conflict(episode, worker, independent):
    over = episode(at(2026, 3, 6, 22), at(2026, 3, 7, 9))
    services.rhi_offer(episode=over, by=worker, offered_at=at(2026, 3, 7, 12), interviewer_name="X")
    with pytest.raises(ConflictError):
        services.rhi_offer(
            episode=over, by=worker, offered_at=at(2026, 3, 7, 13), interviewer=independent
        )


def test_held_with_findings_and_indicators(episode, worker):
    over = episode(at(2026, 3, 6, 22), at(2026, 3, 7, 9))
    interview = services.rhi_offer(
        episode=over, by=worker, offered_at=at(2026, 3, 7, 12), interviewer_name="Checkpoint"
    )
    held = services.rhi_hold(
        interview=interview,
        by=worker,
        completed_at=at(2026, 3, 9, 16),
        push_factors="Arguments at the placement",
        pull_factors="Older friends in Southampton",
        where_they_were="A flat in Southampton",
        who_with="Two adults",
        indicators=["older_associates", "money_gifts"],
        findings="Given a new phone",
    )
    assert held.accepted is True and held.found_exploitation
    assert held.indicators == ["older_associates", "money_gifts"]
    assert ChronologyEvent.objects.filter(summary__contains="signs of exploitation").exists()


def test_held_before_offered_is_refused(episode, worker):
    over = episode(at(2026, 3, 6, 22), at(2026, 3, 7, 9))
    interview = services.rhi_offer(
        episode=over, by=worker, offered_at=at(2026, 3, 7, 12), interviewer_name="Checkpoint"
    )
    with pytest.raises(ValidationError) as exc:
        services.rhi_hold(interview=interview, by=worker, completed_at=at(2026, 3, 7, 11))
    assert "before it was offered" in _errors(exc)["completed_at"][0]
    interview.refresh_from_db()
    assert interview.completed_at is None and interview.accepted is None


def test_a_declined_interview_cannot_then_be_held(episode, worker):
    over = episode(at(2026, 3, 6, 22), at(2026, 3, 7, 9))
    interview = services.rhi_offer(
        episode=over, by=worker, offered_at=at(2026, 3, 7, 12), interviewer_name="Checkpoint"
    )
    services.rhi_decline(interview=interview, by=worker, declined_reason="Did not want to talk")
    with pytest.raises(ConflictError):
        services.rhi_hold(interview=interview, by=worker, completed_at=at(2026, 3, 8))
    interview.refresh_from_db()
    assert interview.accepted is False and interview.completed_at is None


def test_an_unknown_indicator_is_refused(episode, worker):
    over = episode(at(2026, 3, 6, 22), at(2026, 3, 7, 9))
    interview = services.rhi_offer(
        episode=over, by=worker, offered_at=at(2026, 3, 7, 12), interviewer_name="Checkpoint"
    )
    with pytest.raises(ValidationError) as exc:
        services.rhi_hold(
            interview=interview, by=worker, completed_at=at(2026, 3, 8), indicators=["nonsense"]
        )
    assert "indicators" in _errors(exc)


def test_the_72_hour_clock_runs_through_the_weekend():
    # Back on a Friday at 6pm: the interview is due by Monday at 6pm, not three working days.
    episode = MissingEpisode(started_at=at(2026, 3, 13, 9), ended_at=at(2026, 3, 13, 18))
    assert episode.interview_due_at == at(2026, 3, 16, 18)


def test_the_72_hour_clock_counts_hours_across_the_clocks_going_forward():
    # Friday 27 March 2026 at 6pm GMT; the clocks go forward on Sunday 29 March: 72 hours
    # later is Monday at 7pm British Summer Time.
    episode = MissingEpisode(started_at=at(2026, 3, 27, 9), ended_at=at(2026, 3, 27, 18))
    due = episode.interview_due_at
    assert due is not None
    assert due - at(2026, 3, 27, 18) == datetime.timedelta(hours=72)
    assert due == at(2026, 3, 30, 19)


def test_a_correction_moves_the_times_with_the_version_seen(episode, worker):
    over = episode(at(2026, 3, 6, 22), at(2026, 3, 7, 9))
    fields: dict[str, Any] = {
        "kind": "A",
        "started_at": at(2026, 3, 6, 21),
        "ended_at": at(2026, 3, 7, 8),
    }
    corrected = services.episode_correct(episode=over, by=worker, version=over.version, **fields)
    assert corrected.kind == "A" and corrected.started_at == at(2026, 3, 6, 21)
    with pytest.raises(ConcurrentEditError):
        services.episode_correct(episode=over, by=worker, version=over.version, **fields)


def test_a_correction_cannot_overlap_another_episode(episode, worker):
    first = episode(at(2026, 3, 1, 22), at(2026, 3, 2, 9))
    episode(at(2026, 3, 6, 22), at(2026, 3, 7, 9))
    with pytest.raises(ValidationError) as exc:
        services.episode_correct(
            episode=first,
            by=worker,
            version=first.version,
            kind="M",
            started_at=at(2026, 3, 1, 22),
            ended_at=at(2026, 3, 6, 23),
        )
    assert "overlaps" in _errors(exc)["started_at"][0]
    first.refresh_from_db()
    assert first.ended_at == at(2026, 3, 2, 9)


def test_a_correction_cannot_move_the_return_after_the_interview(episode, worker):
    over = episode(at(2026, 3, 6, 22), at(2026, 3, 7, 9))
    services.rhi_offer(episode=over, by=worker, offered_at=at(2026, 3, 7, 12), interviewer_name="X")
    with pytest.raises(ValidationError) as exc:
        services.episode_correct(
            episode=over,
            by=worker,
            version=over.version,
            kind="M",
            started_at=at(2026, 3, 6, 22),
            ended_at=at(2026, 3, 7, 13),
        )
    assert "ended_at" in _errors(exc)


def test_an_episode_recorded_in_error_is_removed_with_its_interview(episode, worker):
    over = episode(at(2026, 3, 6, 22), at(2026, 3, 7, 9))
    services.rhi_offer(episode=over, by=worker, offered_at=at(2026, 3, 7, 12), interviewer_name="X")
    with pytest.raises(ValidationError):
        services.episode_remove(episode=over, by=worker, reason="  ")
    assert MissingEpisode.objects.exists()
    services.episode_remove(episode=over, by=worker, reason="Recorded for the wrong child")
    assert not MissingEpisode.objects.exists() and not ReturnInterview.objects.exists()
    summaries = list(
        ChronologyEvent.objects.filter(kind__in=["missing", "return_interview"]).values_list(
            "summary", flat=True
        )
    )
    assert summaries == [
        "A missing episode recorded in error (from 6 March 2026 at 10:00pm) was removed: "
        "Recorded for the wrong child"
    ]


def test_the_placing_council_is_told(episode, worker):
    over = episode(at(2026, 3, 6, 22), at(2026, 3, 7, 9), placing_council="Kent County Council")
    with pytest.raises(ValidationError) as exc:
        services.placing_council_notify(episode=over, by=worker, notified_at=at(2026, 3, 6, 20))
    assert "notified_at" in _errors(exc)
    told = services.placing_council_notify(episode=over, by=worker, notified_at=at(2026, 3, 6, 23))
    assert told.placing_council_notified_at == at(2026, 3, 6, 23)
    with pytest.raises(ConflictError):
        services.placing_council_notify(episode=over, by=worker, notified_at=at(2026, 3, 7))


def test_telling_a_council_needs_its_name(episode, worker):
    over = episode(at(2026, 3, 6, 22), at(2026, 3, 7, 9))
    with pytest.raises(ValidationError) as exc:
        services.placing_council_notify(episode=over, by=worker, notified_at=at(2026, 3, 7))
    assert "placing_council" in _errors(exc)


def test_a_repeat_missing_discussion_needs_agencies_and_a_decision(allocated, worker):
    with pytest.raises(ValidationError) as exc:
        services.repeat_discussion_record(
            person=allocated, by=worker, held_on=datetime.date(2026, 3, 9), agencies="", decision=""
        )
    assert set(_errors(exc)) == {"agencies", "decision"}
    assert not RepeatMissingDiscussion.objects.exists()
    services.repeat_discussion_record(
        person=allocated,
        by=worker,
        held_on=datetime.date(2026, 3, 9),
        agencies="Police, school",
        decision="Safety plan; return interviews by the same worker",
    )
    assert ChronologyEvent.objects.filter(summary__contains="with Police, school").exists()
