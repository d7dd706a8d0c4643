"""Every write about a child going missing: the episode (open, or already over), the return,
corrections and removal of one recorded in error, telling the placing council; the return home
interview (offered by someone independent of the case, declined or held with what it found); and
a strategy discussion held because the child keeps going missing.

One child is never in two episodes at once: checked here first, to name the clashing episode,
and by the exclusion constraint behind it (two workers saving at once)."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from haven.accounts.models import User
from haven.chronology.models import ChronologyEvent
from haven.core.checks import locked, not_future
from haven.core.dates import long_date
from haven.core.errors import ConflictError
from haven.core.versioning import update_with_version
from haven.missing import codes, events
from haven.missing.models import MissingEpisode, RepeatMissingDiscussion, ReturnInterview
from haven.people.models import Allocation, Person

OVERLAP_CONSTRAINT = "missing_episode_no_overlap"
REMOVAL_REASON_LENGTH = 200


# -- checks ------------------------------------------------------------------------------------


def _text(value: str, field: str, label: str, model: Any = MissingEpisode) -> str:
    text = " ".join((value or "").split())
    limit = model._meta.get_field(field).max_length
    if limit and len(text) > limit:
        raise ValidationError({field: f"{label} must be {limit} characters or fewer"})
    return text


def _choice(value: str, field: str, choices: Any, message: str, *, required: bool) -> str:
    if not value and not required:
        return ""
    if value not in choices.values:
        raise ValidationError({field: message})
    return value


def _not_future(at: datetime.datetime | None, field: str, label: str) -> None:
    if at is not None and at > timezone.now():
        raise ValidationError({field: f"The {label} cannot be in the future"})


def _span(
    person: Person, started_at: datetime.datetime, ended_at: datetime.datetime | None
) -> None:
    _not_future(started_at, "started_at", "time they went missing")
    _not_future(ended_at, "ended_at", "time they returned")
    if person.date_of_birth and timezone.localtime(started_at).date() < person.date_of_birth:
        raise ValidationError(
            {
                "started_at": "A child cannot go missing before they were born "
                f"({long_date(person.date_of_birth)})"
            }
        )
    if ended_at is not None and ended_at < started_at:
        raise ValidationError(
            {
                "ended_at": "The return cannot be before the child went missing "
                f"({long_date(started_at)})"
            }
        )


def _describe(episode: MissingEpisode) -> str:
    end = f"to {long_date(episode.ended_at)}" if episode.ended_at else "still open"
    return f"{episode.get_kind_display().lower()} from {long_date(episode.started_at)}, {end}"


def _no_overlap(
    person: Person,
    started_at: datetime.datetime,
    ended_at: datetime.datetime | None,
    *,
    field: str = "started_at",
    exclude: int | None = None,
) -> None:
    """Refuse an episode overlapping another of the child's, naming it (half-open spans, as the
    constraint has them: a return at 14:00 and going missing again at 14:00 do not overlap)."""
    clash = MissingEpisode.objects.filter(person=person).filter(
        Q(ended_at__isnull=True) | Q(ended_at__gt=started_at)
    )
    if ended_at is not None:
        clash = clash.filter(started_at__lt=ended_at)
    if exclude is not None:
        clash = clash.exclude(pk=exclude)
    found = clash.order_by("started_at").first()
    if found is not None:
        raise ValidationError(
            {field: f"This overlaps another episode for this child: {_describe(found)}"}
        )


def _saved(write: Any) -> Any:
    """Run ``write`` in a savepoint; the exclusion constraint's refusal (someone recorded an
    overlapping episode in the moment since the check) as a ValidationError."""
    try:
        with transaction.atomic():
            return write()
    except IntegrityError as exc:
        if OVERLAP_CONSTRAINT in str(exc):
            raise ValidationError(
                {"started_at": "This overlaps another episode recorded for this child just now"}
            ) from None
        raise


def _team_now(person: Person) -> int | None:
    return (
        Allocation.objects.filter(person=person, end_date__isnull=True)
        .values_list("team_id", flat=True)
        .first()
    )


def _details(
    *,
    kind: str,
    last_seen: str = "",
    reported_to_police_at: datetime.datetime | None = None,
    police_reference: str = "",
    risk: str = "",
    where_found: str = "",
    found_by: str = "",
    placing_council: str = "",
) -> dict[str, Any]:
    _not_future(reported_to_police_at, "reported_to_police_at", "time it was reported")
    return {
        "kind": _choice(
            kind,
            "kind",
            codes.MissingKind,
            "Choose whether the child was missing or away without authorisation",
            required=True,
        ),
        "last_seen": _text(last_seen, "last_seen", "Where last seen"),
        "reported_to_police_at": reported_to_police_at,
        "police_reference": _text(police_reference, "police_reference", "The police reference"),
        "risk": _choice(
            risk, "risk", codes.PoliceRisk, "Choose the police risk grading", required=False
        ),
        "where_found": _text(where_found, "where_found", "Where found"),
        "found_by": _choice(
            found_by, "found_by", codes.FoundBy, "Choose who found them", required=False
        ),
        "placing_council": _text(placing_council, "placing_council", "The placing council"),
    }


def _police_after_start(details: dict[str, Any], started_at: datetime.datetime) -> None:
    reported = details["reported_to_police_at"]
    if reported is not None and reported < started_at:
        raise ValidationError(
            {
                "reported_to_police_at": "The report to the police cannot be before the child "
                f"went missing ({long_date(started_at)})"
            }
        )


# -- episodes ----------------------------------------------------------------------------------


@transaction.atomic
def episode_record(
    *,
    person: Person,
    by: User,
    kind: str,
    started_at: datetime.datetime,
    ended_at: datetime.datetime | None = None,
    last_seen: str = "",
    reported_to_police_at: datetime.datetime | None = None,
    police_reference: str = "",
    risk: str = "",
    where_found: str = "",
    found_by: str = "",
    placing_council: str = "",
) -> MissingEpisode:
    """A missing (M) or away (A) episode: still open, or already over (``ended_at``)."""
    person = locked(person)
    details = _details(
        kind=kind,
        last_seen=last_seen,
        reported_to_police_at=reported_to_police_at,
        police_reference=police_reference,
        risk=risk,
        where_found=where_found,
        found_by=found_by,
        placing_council=placing_council,
    )
    _span(person, started_at, ended_at)
    _police_after_start(details, started_at)
    if ended_at is None and (details["where_found"] or details["found_by"]):
        raise ValidationError({"ended_at": "Enter when the child returned or was found"})
    _no_overlap(person, started_at, ended_at)
    episode = _saved(
        lambda: MissingEpisode.objects.create(
            person=person,
            started_at=started_at,
            ended_at=ended_at,
            team_id=_team_now(person),
            recorded_by=by,
            **details,
        )
    )
    events.episode_started(episode, by=by)
    if ended_at is not None:
        events.episode_returned(episode, by=by)
    return episode


@transaction.atomic
def episode_return(
    *,
    episode: MissingEpisode,
    by: User,
    ended_at: datetime.datetime,
    where_found: str = "",
    found_by: str = "",
) -> MissingEpisode:
    """The child came back or was found: the episode ends, and the 72 hours to offer a return
    home interview begin."""
    episode = locked(episode)
    if episode.ended_at is not None:
        raise ConflictError(
            {"ended_at": f"This episode already ended at {long_date(episode.ended_at)}"}
        )
    where = _text(where_found, "where_found", "Where found")
    who = _choice(found_by, "found_by", codes.FoundBy, "Choose who found them", required=False)
    _span(episode.person, episode.started_at, ended_at)
    _no_overlap(episode.person, episode.started_at, ended_at, field="ended_at", exclude=episode.pk)
    _saved(
        lambda: update_with_version(
            MissingEpisode, episode.pk, None, ended_at=ended_at, where_found=where, found_by=who
        )
    )
    episode.refresh_from_db()
    events.episode_returned(episode, by=by)
    return episode


@transaction.atomic
def episode_correct(
    *,
    episode: MissingEpisode,
    by: User,
    version: int,
    kind: str,
    started_at: datetime.datetime,
    ended_at: datetime.datetime | None = None,
    last_seen: str = "",
    reported_to_police_at: datetime.datetime | None = None,
    police_reference: str = "",
    risk: str = "",
    where_found: str = "",
    found_by: str = "",
    placing_council: str = "",
) -> MissingEpisode:
    """Correct what was recorded of an episode (with the version the user saw)."""
    episode = locked(episode)
    details = _details(
        kind=kind,
        last_seen=last_seen,
        reported_to_police_at=reported_to_police_at,
        police_reference=police_reference,
        risk=risk,
        where_found=where_found,
        found_by=found_by,
        placing_council=placing_council,
    )
    person = episode.person
    _span(person, started_at, ended_at)
    _police_after_start(details, started_at)
    interview = ReturnInterview.objects.filter(episode=episode).first()
    if interview is not None:
        if ended_at is None:
            raise ValidationError(
                {
                    "ended_at": "A return home interview has been offered, so the episode has "
                    "ended: enter when the child returned"
                }
            )
        if interview.offered_at < ended_at:
            raise ValidationError(
                {
                    "ended_at": "The return cannot be after the return home interview was "
                    f"offered ({long_date(interview.offered_at)})"
                }
            )
    if not details["placing_council"] and episode.placing_council_notified_at is not None:
        raise ValidationError(
            {"placing_council": "The placing council has been told: it cannot be left out"}
        )
    _no_overlap(person, started_at, ended_at, exclude=episode.pk)
    _saved(
        lambda: update_with_version(
            MissingEpisode,
            episode.pk,
            version,
            started_at=started_at,
            ended_at=ended_at,
            **details,
        )
    )
    episode.refresh_from_db()
    return episode


@transaction.atomic
def episode_remove(*, episode: MissingEpisode, by: User, reason: str) -> None:
    """Remove an episode recorded in error (the wrong child, a duplicate), with its return home
    interview and chronology entries. The audit trail keeps every row removed; the chronology
    says that one was, and why."""
    episode = locked(episode)
    reason = " ".join((reason or "").split())
    if not reason:
        raise ValidationError({"reason": "Say why the episode is removed"})
    if len(reason) > REMOVAL_REASON_LENGTH:
        raise ValidationError(
            {"reason": f"The reason must be {REMOVAL_REASON_LENGTH} characters or fewer"}
        )
    interview_ids = list(
        ReturnInterview.objects.filter(episode=episode).values_list("pk", flat=True)
    )
    ChronologyEvent.objects.filter(
        Q(source_type="missing.missingepisode", source_id=episode.pk)
        | Q(source_type="missing.returninterview", source_id__in=interview_ids)
    ).delete()
    ReturnInterview.objects.filter(pk__in=interview_ids).delete()
    MissingEpisode.objects.filter(pk=episode.pk).delete()
    events.episode_removed(episode.person_id, episode.started_at, reason, by=by)


@transaction.atomic
def placing_council_notify(
    *,
    episode: MissingEpisode,
    by: User,
    notified_at: datetime.datetime,
    placing_council: str = "",
) -> MissingEpisode:
    """The council that placed the child here has been told of the episode."""
    episode = locked(episode)
    if episode.placing_council_notified_at is not None:
        raise ConflictError(
            {
                "notified_at": f"{episode.placing_council} was told at "
                f"{long_date(episode.placing_council_notified_at)}"
            }
        )
    council = _text(placing_council, "placing_council", "The placing council") or (
        episode.placing_council
    )
    if not council:
        raise ValidationError({"placing_council": "Enter the council that placed the child"})
    _not_future(notified_at, "notified_at", "time the council was told")
    if notified_at < episode.started_at:
        raise ValidationError(
            {
                "notified_at": "The council cannot be told before the child went missing "
                f"({long_date(episode.started_at)})"
            }
        )
    update_with_version(
        MissingEpisode,
        episode.pk,
        None,
        placing_council=council,
        placing_council_notified_at=notified_at,
    )
    episode.refresh_from_db()
    events.council_notified(episode, by=by)
    return episode


# -- return home interviews ----------------------------------------------------------------------


def allocated_worker_id(person: Person) -> int | None:
    return (
        Allocation.objects.filter(person=person, end_date__isnull=True)
        .values_list("worker_id", flat=True)
        .first()
    )


@transaction.atomic
def rhi_offer(
    *,
    episode: MissingEpisode,
    by: User,
    offered_at: datetime.datetime,
    interviewer: User | None = None,
    interviewer_name: str = "",
) -> ReturnInterview:
    """A return home interview offered after the child's return, by someone independent of the
    case: a colleague who is not the child's allocated worker, or an outside service by name."""
    episode = locked(episode)
    if episode.ended_at is None:
        raise ValidationError(
            {"offered_at": "Record the child's return first: the episode is still open"}
        )
    existing = ReturnInterview.objects.filter(episode=episode).first()
    if existing is not None:
        raise ConflictError(
            {
                "offered_at": "A return home interview was already offered at "
                f"{long_date(existing.offered_at)}"
            }
        )
    _not_future(offered_at, "offered_at", "time the interview was offered")
    if offered_at < episode.ended_at:
        raise ValidationError(
            {
                "offered_at": "A return home interview cannot be offered before the child "
                f"returned ({long_date(episode.ended_at)})"
            }
        )
    name = _text(interviewer_name, "interviewer_name", "The interviewer's name", ReturnInterview)
    if interviewer is None and not name:
        raise ValidationError(
            {
                "interviewer": "Choose who will hold the interview, or enter the name of someone "
                "outside the council"
            }
        )
    if interviewer is not None and name:
        raise ValidationError(
            {"interviewer_name": "Choose a colleague or enter an outside interviewer, not both"}
        )
    if interviewer is not None and interviewer.pk == allocated_worker_id(episode.person):
        raise ValidationError(
            {
                "interviewer": f"{interviewer.get_full_name()} is the child's allocated worker: "
                "the interview must be held by someone independent of the case"
            }
        )
    interview = ReturnInterview.objects.create(
        episode=episode,
        person_id=episode.person_id,
        offered_at=offered_at,
        interviewer=interviewer,
        interviewer_name=name,
        recorded_by=by,
    )
    events.interview_offered(interview, episode, by=by)
    return interview


def _open_interview(interview: ReturnInterview, field: str) -> ReturnInterview:
    interview = locked(interview)
    if interview.completed_at is not None:
        raise ConflictError(
            {field: f"The interview was held at {long_date(interview.completed_at)}"}
        )
    if interview.accepted is False:
        raise ConflictError({field: "The child declined this interview"})
    return interview


@transaction.atomic
def rhi_decline(
    *, interview: ReturnInterview, by: User, declined_reason: str = ""
) -> ReturnInterview:
    """The child (or their carer) declined the interview."""
    interview = _open_interview(interview, "declined_reason")
    reason = _text(declined_reason, "declined_reason", "Why declined", ReturnInterview)
    update_with_version(ReturnInterview, interview.pk, None, accepted=False, declined_reason=reason)
    interview.refresh_from_db()
    events.interview_declined(interview, by=by, on=timezone.localdate())
    return interview


@transaction.atomic
def rhi_hold(
    *,
    interview: ReturnInterview,
    by: User,
    completed_at: datetime.datetime,
    push_factors: str = "",
    pull_factors: str = "",
    where_they_were: str = "",
    who_with: str = "",
    indicators: list[str] | tuple[str, ...] = (),
    findings: str = "",
) -> ReturnInterview:
    """The interview was held (so accepted): what made the child leave and drew them away,
    where and with whom they were, and any signs of exploitation."""
    interview = _open_interview(interview, "completed_at")
    _not_future(completed_at, "completed_at", "time the interview was held")
    if completed_at < interview.offered_at:
        raise ValidationError(
            {
                "completed_at": "The interview cannot be held before it was offered "
                f"({long_date(interview.offered_at)})"
            }
        )
    unknown = [code for code in indicators if code not in codes.ExploitationIndicator.values]
    if unknown:
        raise ValidationError({"indicators": "Choose signs of exploitation from the list"})
    if codes.ExploitationIndicator.OTHER in indicators and not findings.strip():
        raise ValidationError(
            {"findings": "Describe the other sign of exploitation in what the interview found"}
        )
    update_with_version(
        ReturnInterview,
        interview.pk,
        None,
        accepted=True,
        completed_at=completed_at,
        push_factors=push_factors.strip(),
        pull_factors=pull_factors.strip(),
        where_they_were=where_they_were.strip(),
        who_with=who_with.strip(),
        indicators=list(dict.fromkeys(indicators)),
        findings=findings.strip(),
    )
    interview.refresh_from_db()
    events.interview_held(interview, by=by)
    return interview


# -- repeat missing ------------------------------------------------------------------------------


@transaction.atomic
def repeat_discussion_record(
    *,
    person: Person,
    by: User,
    held_on: datetime.date,
    agencies: str,
    decision: str,
    participants: str = "",
) -> RepeatMissingDiscussion:
    """A strategy discussion held because the child keeps going missing."""
    person = locked(person)
    not_future(held_on, "held_on", "date of the discussion")
    if person.date_of_birth and held_on < person.date_of_birth:
        raise ValidationError({"held_on": "The discussion cannot be before the child was born"})
    errors = {}
    if not agencies.strip():
        errors["agencies"] = "Enter the agencies that took part"
    if not decision.strip():
        errors["decision"] = "Enter what was decided, and the actions"
    if errors:
        raise ValidationError(errors)
    discussion = RepeatMissingDiscussion.objects.create(
        person=person,
        held_on=held_on,
        agencies=agencies.strip(),
        participants=participants.strip(),
        decision=decision.strip(),
        recorded_by=by,
    )
    events.discussion_held(discussion, by=by)
    return discussion
