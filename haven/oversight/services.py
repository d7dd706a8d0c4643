"""Every write of oversight and supervision: one transaction each, with who did it (the audit
trigger records every row; oversight on a child also writes the child's chronology)."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from haven.accounts.models import User
from haven.accounts.permissions import Capability, service_require
from haven.core.checks import not_future
from haven.core.dates import long_date
from haven.core.errors import ConflictError
from haven.core.versioning import ConcurrentEditError, update_with_version
from haven.oversight import events, schedule
from haven.oversight.models import Oversight, OversightAction, Supervision, SupervisionProfile
from haven.oversight.selectors import may_see_child, may_supervise
from haven.people.models import Person

TEXT_LIMIT = 20_000


@dataclass(frozen=True)
class ActionSpec:
    """An action asked for: who, what, by when. ``field`` names the form field to blame."""

    owner: User
    description: str
    due_date: datetime.date
    field: str = "actions"


@dataclass(frozen=True)
class CaseDiscussion:
    person: Person
    direction: str
    actions: Sequence[ActionSpec] = ()
    field: str = "case_discussions"


def _text(value: str, field: str, missing: str) -> str:
    value = value.strip()
    if not value:
        raise ValidationError({field: missing})
    if len(value) > TEXT_LIMIT:
        raise ValidationError({field: f"Keep this under {TEXT_LIMIT:,} characters"})
    return value


def _check_action(spec: ActionSpec, *, person: Person | None, today: datetime.date) -> None:
    _text(spec.description, spec.field, "Say what needs doing")
    if spec.due_date < today:
        raise ValidationError({spec.field: "The due date must be today or in the future"})
    if not spec.owner.is_active:
        raise ValidationError({spec.field: f"{spec.owner.display_name} can no longer sign in"})
    if person is not None and not may_see_child(spec.owner, person.pk):
        raise ValidationError(
            {spec.field: f"{spec.owner.display_name} cannot see {person.full_name}'s record"}
        )


def _create_actions(
    specs: Sequence[ActionSpec],
    *,
    by: User,
    oversight: Oversight | None = None,
    supervision: Supervision | None = None,
    person: Person | None = None,
) -> list[OversightAction]:
    """The actions, each owner told (by case number only: an alert names no child)."""
    from haven.accounts.notifications import notify

    created = []
    for spec in specs:
        action = OversightAction.objects.create(
            oversight=oversight,
            supervision=supervision,
            person=person,
            owner=spec.owner,
            description=spec.description.strip(),
            due_date=spec.due_date,
        )
        where = f"on case {person.pk}" if person is not None else "from your supervision"
        notify(
            recipients=[spec.owner],
            by=by,
            message=f"{by.display_name} gave you an action {where}, due by "
            f"{long_date(spec.due_date)}",
            link=(
                f"/people/{person.pk}/oversight/#action-{action.pk}"
                if person is not None
                else f"/supervision/{spec.owner.pk}/#action-{action.pk}"
            ),
        )
        created.append(action)
    return created


def _oversight_create(
    *,
    person: Person,
    by: User,
    direction: str,
    next_review_date: datetime.date | None,
    actions: Sequence[ActionSpec],
    supervision: Supervision | None = None,
    field: str = "direction",
) -> Oversight:
    today = timezone.localdate()
    direction = _text(direction, field, "Write the decision and direction")
    if not may_see_child(by, person.pk):
        raise ValidationError({field: f"You cannot see {person.full_name}'s record"})
    if next_review_date is None:
        next_review_date = schedule.oversight_rule().due_date(today)
    elif next_review_date < today:
        raise ValidationError(
            {"next_review_date": "The next review must be today or in the future"}
        )
    for spec in actions:
        _check_action(spec, person=person, today=today)
    oversight = Oversight.objects.create(
        person=person,
        recorded_by=by,
        recorded_on=today,
        direction=direction,
        next_review_date=next_review_date,
        supervision=supervision,
    )
    _create_actions(actions, by=by, oversight=oversight, person=person)
    events.oversight_recorded(oversight, by=by)
    return oversight


@transaction.atomic
def oversight_record(
    *,
    person: Person,
    by: User,
    direction: str,
    next_review_date: datetime.date | None = None,
    actions: Sequence[ActionSpec] = (),
) -> Oversight:
    """A manager's direction on a child's case, with its actions and the next review (the
    local interval from today unless the manager sets an earlier or later date)."""
    service_require(by, Capability.RECORD_OVERSIGHT, field="direction")
    # A double click (or a second tab) must not record the same direction twice.
    Person.objects.select_for_update().filter(pk=person.pk).first()
    if Oversight.objects.filter(
        person=person,
        recorded_by=by,
        recorded_on=timezone.localdate(),
        supervision__isnull=True,
        direction=direction.strip(),
    ).exists():
        raise ConflictError({"direction": "You have already recorded this oversight today"})
    return _oversight_create(
        person=person,
        by=by,
        direction=direction,
        next_review_date=next_review_date,
        actions=actions,
    )


@transaction.atomic
def supervision_record(
    *,
    worker: User,
    by: User,
    held_on: datetime.date,
    reflection: str = "",
    case_discussions: Sequence[CaseDiscussion] = (),
    actions: Sequence[ActionSpec] = (),
) -> Supervision:
    """A supervision session: each case discussion becomes oversight on that child's record;
    the reflective part stays on the session, for the worker and the supervisor only."""
    service_require(by, Capability.RECORD_OVERSIGHT, field="held_on")
    if not may_supervise(by, worker):
        raise ValidationError({"held_on": f"{worker.display_name} is not in a team you manage"})
    not_future(held_on, "held_on", "date of supervision")
    User.objects.select_for_update().filter(pk=worker.pk).first()
    if Supervision.objects.filter(
        worker=worker, supervisor=by, held_on=held_on, reflection=reflection.strip()
    ).exists():
        raise ConflictError(
            {"held_on": f"This supervision on {long_date(held_on)} is already recorded"}
        )
    if reflection and len(reflection) > TEXT_LIMIT:
        raise ValidationError({"reflection": f"Keep this under {TEXT_LIMIT:,} characters"})
    seen: set[int] = set()
    for discussion in case_discussions:
        if discussion.person.pk in seen:
            raise ValidationError(
                {discussion.field: f"{discussion.person.full_name} is discussed twice"}
            )
        seen.add(discussion.person.pk)
    today = timezone.localdate()
    for spec in actions:
        _check_action(spec, person=None, today=today)
    session = Supervision.objects.create(
        worker=worker, supervisor=by, held_on=held_on, reflection=reflection.strip()
    )
    for discussion in case_discussions:
        _oversight_create(
            person=discussion.person,
            by=by,
            direction=discussion.direction,
            next_review_date=None,
            actions=discussion.actions,
            supervision=session,
            field=discussion.field,
        )
    _create_actions(actions, by=by, supervision=session)
    return session


@transaction.atomic
def oversight_action_complete(*, action: OversightAction, by: User) -> OversightAction:
    """The owner (or the manager who set it) marks an action done; a second click is told
    who did it first."""
    action = (
        OversightAction.objects.select_for_update(of=("self",))
        .select_related("oversight", "supervision")
        .get(pk=action.pk)
    )
    setter = (
        action.oversight.recorded_by_id if action.oversight else action.supervision.supervisor_id  # type: ignore[union-attr]
    )
    if by.pk not in (action.owner_id, setter):
        raise ValidationError(
            {"action": "Only the action's owner or the manager who set it can mark it done"}
        )
    if action.done_at is not None:
        done_by = action.done_by.display_name if action.done_by else "someone"
        raise ConflictError(
            {
                "action": f"This action was already marked done by {done_by} on "
                f"{long_date(timezone.localtime(action.done_at).date())}"
            }
        )
    update_with_version(OversightAction, action.pk, None, done_at=timezone.now(), done_by=by)
    action.refresh_from_db()
    return action


@transaction.atomic
def supervision_profile_set(
    *,
    worker: User,
    by: User,
    asye: bool,
    employment_start: datetime.date | None,
    version: int | None = None,
) -> SupervisionProfile:
    """The manager says whether the worker is newly qualified, and when they started: the
    supervision schedule follows from it."""
    service_require(by, Capability.RECORD_OVERSIGHT, field="asye")
    if not may_supervise(by, worker):
        raise ValidationError({"asye": f"{worker.display_name} is not in a team you manage"})
    if asye and employment_start is None:
        raise ValidationError(
            {"employment_start": "Enter the employment start date of a newly qualified worker"}
        )
    not_future(employment_start, "employment_start", "employment start date")
    User.objects.select_for_update().filter(pk=worker.pk).first()  # one profile at a time
    profile = SupervisionProfile.objects.filter(worker=worker).first()
    if profile is None:
        return SupervisionProfile.objects.create(
            worker=worker, asye=asye, employment_start=employment_start
        )
    if version == 0:
        # The form was drawn before anyone set a profile; someone has set one since.
        raise ConcurrentEditError(profile)
    update_with_version(
        SupervisionProfile,
        profile.pk,
        version,
        asye=asye,
        employment_start=employment_start,
    )
    profile.refresh_from_db()
    return profile
