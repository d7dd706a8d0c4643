"""Reads of oversight and supervision, always given the user.

A child's oversight is read through the child's page (need-to-know already checked). A worker's
supervision is read by the worker or a manager of one of their teams (``worker_get_for_user``);
the reflective part of a session only by the worker and that session's supervisor
(``reflection_visible``), and never listed anywhere else.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.db.models import Exists, Max, Min, OuterRef, Prefetch, QuerySet, Subquery
from django.http import Http404
from django.utils import timezone

from haven.accounts.models import Membership, User
from haven.accounts.permissions import Capability, roles_with, user_can
from haven.oversight import schedule
from haven.oversight.models import Oversight, OversightAction, Supervision, SupervisionProfile
from haven.people.access import user_team_ids, visible_ids, visible_q
from haven.people.models import Allocation, Person


def may_see_child(user: User, person_id: int) -> bool:
    """Need-to-know without emergency access: a colleague given an action must hold the case."""
    return Person.objects.filter(visible_q(user, break_glass=False), pk=person_id).exists()


# -- a child's oversight ---------------------------------------------------------------------


def oversights_for_person(*, person: Person, user: User) -> list[Oversight]:
    """The child's oversight, newest first, with its actions (the child's page has checked
    need-to-know). A case discussion names its session's date and supervisor, never the
    session's reflective part."""
    return list(
        Oversight.objects.filter(person=person)
        .select_related("recorded_by", "supervision")
        .defer("supervision__reflection")
        .prefetch_related(
            Prefetch(
                "actions",
                queryset=OversightAction.objects.select_related("owner", "done_by").order_by(
                    "due_date", "pk"
                ),
            )
        )
        .order_by("-recorded_on", "-pk")
    )


def action_owner_choices(*, person: Person, manager: User) -> list[User]:
    """Who a manager may give an action on this child to: active colleagues in the manager's
    teams who change records and may see the child (the manager too)."""
    candidates = list(
        User.objects.filter(
            is_active=True,
            role__in=roles_with(Capability.WRITE_RECORDS),
            memberships__team_id__in=user_team_ids(manager),
        )
        .distinct()
        .order_by("last_name", "first_name")
    )
    return [u for u in candidates if may_see_child(u, person.pk)]


def action_for_person(*, person: Person, action_id: Any) -> OversightAction:
    action = OversightAction.objects.filter(person=person, pk=_int(action_id)).first()
    if action is None:
        raise Http404("No such action on this child's record")
    return action


def _int(value: Any) -> int:
    try:
        number = int(str(value))
    except ValueError:
        return 0
    return number if 0 < number < 2**63 else 0


# -- supervision -------------------------------------------------------------------------------


def supervised_roles() -> set[str]:
    """The roles that are supervised: they hold cases and do not themselves record oversight."""
    return set(roles_with(Capability.HOLD_CASES)) - set(roles_with(Capability.RECORD_OVERSIGHT))


def supervisees(*, manager: User) -> QuerySet[User]:
    """The workers a manager supervises: active members of their teams in a supervised role."""
    return (
        User.objects.filter(
            is_active=True,
            role__in=supervised_roles(),
            memberships__team_id__in=user_team_ids(manager),
        )
        .exclude(pk=manager.pk)
        .distinct()
    )


def may_supervise(manager: User, worker: User) -> bool:
    return (
        user_can(manager, Capability.RECORD_OVERSIGHT)
        and manager.pk != worker.pk
        and Membership.objects.filter(user=worker, team_id__in=user_team_ids(manager)).exists()
    )


def worker_get_for_user(*, user: User, worker_id: int) -> User:
    """The worker whose supervision ``user`` may read: themselves, or a worker in a team the
    user manages (Http404 otherwise, whether or not the account exists)."""
    if worker_id == user.pk:
        return user
    worker = User.objects.filter(pk=worker_id).first()
    if worker is None or not may_supervise(user, worker):
        raise Http404("No such worker in your teams")
    return worker


@dataclass(frozen=True)
class SupervisionStatus:
    worker: User
    last: datetime.date | None
    next_due: datetime.date | None
    frequency: str
    asye: bool
    employment_start: datetime.date | None

    @property
    def is_overdue(self) -> bool:
        return self.next_due is not None and self.next_due < timezone.localdate()

    @property
    def frequency_label(self) -> str:
        return schedule.FREQUENCY_LABELS[self.frequency]


def supervision_statuses(workers: QuerySet[User]) -> list[SupervisionStatus]:
    """Each worker's last supervision and when the next is due, in one query."""
    rows = (
        workers.annotate(
            last_supervision=Max("supervisions__held_on"),
            joined=Min("memberships__since"),
            asye=Subquery(
                SupervisionProfile.objects.filter(worker=OuterRef("pk")).values("asye")[:1]
            ),
            employment_start=Subquery(
                SupervisionProfile.objects.filter(worker=OuterRef("pk")).values("employment_start")[
                    :1
                ]
            ),
        )
        .only("first_name", "last_name", "username", "role", "is_active")
        .order_by("last_name", "first_name", "pk")
    )
    today = timezone.localdate()
    statuses = []
    for worker in rows:
        asye = bool(worker.asye)  # type: ignore[attr-defined]
        start = worker.employment_start  # type: ignore[attr-defined]
        last = worker.last_supervision  # type: ignore[attr-defined]
        statuses.append(
            SupervisionStatus(
                worker=worker,
                last=last,
                next_due=schedule.next_supervision_due(
                    last=last,
                    asye=asye,
                    employment_start=start,
                    joined=worker.joined,  # type: ignore[attr-defined]
                ),
                frequency=schedule.supervision_frequency(today, asye=asye, employment_start=start),
                asye=asye,
                employment_start=start,
            )
        )
    return statuses


def supervision_status(worker: User) -> SupervisionStatus:
    return supervision_statuses(User.objects.filter(pk=worker.pk))[0]


def reflection_visible(session: Supervision, user: User) -> bool:
    """The reflective part is between the worker and the supervisor who held the session."""
    return user.pk in (session.worker_id, session.supervisor_id)


@dataclass
class SessionView:
    session: Supervision
    discussions: list[Oversight]
    actions: list[OversightAction]
    hidden_discussions: int  # about children the reader may not see: counted, not shown
    reflection: str | None  # None: not the reader's to see


def supervision_history(
    *, worker: User, user: User, limit: int = 50
) -> tuple[list[SessionView], list[int]]:
    """The worker's sessions, newest first, as ``user`` may see them (call after
    ``worker_get_for_user``), and the children named in them (for the access log)."""
    sessions = list(
        Supervision.objects.filter(worker=worker)
        .select_related("supervisor")
        .prefetch_related(
            Prefetch(
                "case_discussions",
                queryset=Oversight.objects.select_related("person")
                .prefetch_related(
                    Prefetch(
                        "actions",
                        queryset=OversightAction.objects.select_related("owner", "done_by"),
                    )
                )
                .order_by("pk"),
            ),
            Prefetch(
                "actions",
                queryset=OversightAction.objects.select_related("owner", "done_by").order_by(
                    "due_date", "pk"
                ),
            ),
        )
        .order_by("-held_on", "-pk")[:limit]
    )
    named = {d.person_id for s in sessions for d in s.case_discussions.all()}
    visible = visible_ids(user, named)
    views = []
    for session in sessions:
        discussions = [d for d in session.case_discussions.all() if d.person_id in visible]
        views.append(
            SessionView(
                session=session,
                discussions=discussions,
                actions=[a for a in session.actions.all() if a.oversight_id is None],
                hidden_discussions=len(session.case_discussions.all()) - len(discussions),
                reflection=session.reflection if reflection_visible(session, user) else None,
            )
        )
    return views, sorted(visible)


def supervision_action_get(*, worker: User, action_id: Any) -> OversightAction:
    action = OversightAction.objects.filter(
        supervision__worker=worker, oversight__isnull=True, pk=_int(action_id)
    ).first()
    if action is None:
        raise Http404("No such action from this worker's supervision")
    return action


def case_discussion_children(*, worker: User, manager: User) -> list[Person]:
    """Children a case discussion may be about: the open cases of the manager's teams that the
    manager may see, the worker's own first (one query)."""
    held = Allocation.objects.filter(person=OuterRef("pk"), end_date__isnull=True)
    return list(
        Person.objects.filter(
            visible_q(manager, break_glass=False),
            Exists(held.filter(team_id__in=user_team_ids(manager))),
        )
        .annotate(workers_own=Exists(held.filter(worker=worker)))
        .order_by("-workers_own", "family_name", "given_names", "pk")
    )


# -- open cases and their oversight --------------------------------------------------------------


def open_cases_with_oversight() -> QuerySet[Any]:
    """Open cases (a team holds the child) with the date of their last oversight and the
    review date then set; one query."""
    latest = Oversight.objects.filter(person=OuterRef("person")).order_by("-recorded_on", "-pk")
    # Merged records left out by id (an anti-join on the few merged), not by reading each
    # case's person: a team's cases are then read from the allocations' index alone.
    merged = Person.objects.filter(merged_into__isnull=False).values("pk")
    rows = Allocation.objects.filter(end_date__isnull=True).exclude(person__in=merged)
    return rows.annotate(
        last_oversight=Subquery(latest.values("recorded_on")[:1]),
        next_review=Subquery(latest.values("next_review_date")[:1]),
    )


def oversight_due(allocation: Allocation) -> datetime.date:
    return schedule.oversight_review_due(
        last_on=allocation.last_oversight,  # type: ignore[attr-defined]
        next_review=allocation.next_review,  # type: ignore[attr-defined]
        since=allocation.start_date,
    )
