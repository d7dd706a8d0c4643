"""Chronology entries born from missing episodes, return home interviews and repeat-missing
strategy discussions. Parameters are codes and ISO times, never display text."""

from __future__ import annotations

import datetime
from typing import Any

from django.db import models

from haven.chronology.events import Params, event_type
from haven.core.dates import long_date
from haven.missing import codes
from haven.missing.models import MissingEpisode, RepeatMissingDiscussion, ReturnInterview


class MissingEvent(models.TextChoices):
    MISSING = "missing", "Missing"
    RETURN_INTERVIEW = "return_interview", "Return home interview"


def _when(value: str | None) -> str:
    return long_date(datetime.datetime.fromisoformat(value)) if value else ""


def _iso(value: datetime.datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


@event_type("missing_started", kind=MissingEvent.MISSING)
def MISSING_STARTED(p: Params) -> str:
    what = (
        "Went missing"
        if p["kind"] == codes.MissingKind.MISSING
        else ("Away from placement without authorisation")
    )
    police = f" (police reference {p['police_reference']})" if p.get("police_reference") else ""
    return f"{what} at {_when(p['at'])}{police}"


@event_type("missing_returned", kind=MissingEvent.MISSING)
def MISSING_RETURNED(p: Params) -> str:
    found_by = f", {codes.FoundBy(p['found_by']).label.lower()}" if p.get("found_by") else ""
    where = f", found at {p['where_found']}" if p.get("where_found") else ""
    return f"Returned at {_when(p['at'])}{where}{found_by}"


@event_type("missing_council_notified", kind=MissingEvent.MISSING)
def MISSING_COUNCIL_NOTIFIED(p: Params) -> str:
    return f"{p['council']} (the placing council) told of the missing episode"


@event_type("missing_episode_removed", kind=MissingEvent.MISSING)
def MISSING_EPISODE_REMOVED(p: Params) -> str:
    return f"A missing episode recorded in error (from {_when(p['at'])}) was removed: {p['reason']}"


@event_type("repeat_missing_discussion", kind=MissingEvent.MISSING)
def REPEAT_MISSING_DISCUSSION(p: Params) -> str:
    return f"Strategy discussion about repeated missing episodes, with {p['agencies']}"


@event_type("rhi_offered", kind=MissingEvent.RETURN_INTERVIEW)
def RHI_OFFERED(p: Params) -> str:
    late = "" if p.get("in_time", True) else " (more than 72 hours after the return)"
    return f"Return home interview offered, with {p['interviewer']}{late}"


@event_type("rhi_declined", kind=MissingEvent.RETURN_INTERVIEW)
def RHI_DECLINED(p: Params) -> str:
    why = f": {p['reason']}" if p.get("reason") else ""
    return f"Return home interview declined{why}"


@event_type("rhi_held", kind=MissingEvent.RETURN_INTERVIEW)
def RHI_HELD(p: Params) -> str:
    found = p.get("indicators") or []
    if not found:
        return "Return home interview held"
    labels = ", ".join(codes.ExploitationIndicator(code).label.lower() for code in found)
    return f"Return home interview held; signs of exploitation: {labels}"


def interviewer_name(interview: ReturnInterview) -> str:
    if interview.interviewer_id is not None and interview.interviewer is not None:
        return interview.interviewer.get_full_name()
    return interview.interviewer_name


def episode_started(episode: MissingEpisode, *, by: Any) -> None:
    MISSING_STARTED.record(
        episode.person_id,
        on=episode.started_at,
        by=by,
        source=episode,
        kind=episode.kind,
        at=_iso(episode.started_at),
        police_reference=episode.police_reference,
    )


def episode_returned(episode: MissingEpisode, *, by: Any) -> None:
    MISSING_RETURNED.record(
        episode.person_id,
        on=episode.ended_at,
        by=by,
        source=episode,
        at=_iso(episode.ended_at),
        where_found=episode.where_found,
        found_by=episode.found_by,
    )


def council_notified(episode: MissingEpisode, *, by: Any) -> None:
    MISSING_COUNCIL_NOTIFIED.record(
        episode.person_id,
        on=episode.placing_council_notified_at,
        by=by,
        source=episode,
        council=episode.placing_council,
    )


def episode_removed(person_id: int, started_at: datetime.datetime, reason: str, *, by: Any) -> None:
    MISSING_EPISODE_REMOVED.record(person_id, on=None, by=by, at=_iso(started_at), reason=reason)


def discussion_held(discussion: RepeatMissingDiscussion, *, by: Any) -> None:
    REPEAT_MISSING_DISCUSSION.record(
        discussion.person_id,
        on=discussion.held_on,
        by=by,
        source=discussion,
        detail=discussion.decision,
        agencies=" ".join(discussion.agencies.split())[:150],
    )


def interview_offered(interview: ReturnInterview, episode: MissingEpisode, *, by: Any) -> None:
    due = episode.interview_due_at
    RHI_OFFERED.record(
        interview.person_id,
        on=interview.offered_at,
        by=by,
        source=interview,
        interviewer=interviewer_name(interview),
        in_time=due is None or interview.offered_at <= due,
    )


def interview_declined(interview: ReturnInterview, *, by: Any, on: Any) -> None:
    RHI_DECLINED.record(
        interview.person_id, on=on, by=by, source=interview, reason=interview.declined_reason
    )


def interview_held(interview: ReturnInterview, *, by: Any) -> None:
    RHI_HELD.record(
        interview.person_id,
        on=interview.completed_at,
        by=by,
        source=interview,
        detail=interview.findings,
        indicators=list(interview.indicators),
    )
