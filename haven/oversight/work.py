"""Oversight on "my work" and the manager's view: open actions for their owner; overdue
oversight reviews and overdue supervision for the manager. Three queries at most."""

from __future__ import annotations

from typing import Any

from django.db.models import CharField, F, QuerySet, Value
from django.db.models.functions import Concat
from django.utils import timezone

from haven.accounts.models import User
from haven.accounts.permissions import Capability, user_can
from haven.core.lookups import AnyOf
from haven.oversight import selectors
from haven.oversight.models import OversightAction
from haven.oversight.schedule import oversight_review_due, oversight_rule
from haven.people.access import user_team_ids
from haven.work.items import Scope, WorkItem, held_cases, url_maker


def _title(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= 80 else text[:79] + "…"


def _action_items(rows: QuerySet[Any, Any]) -> list[WorkItem]:
    child_url = url_maker("oversight:person")
    worker_url = url_maker("oversight:supervision_worker")
    items = []
    for row in rows:
        if row["person_id"]:
            people: tuple[tuple[int, str], ...] = (
                (row["person_id"], f"{row['person__given_names']} {row['person__family_name']}"),
            )
            url = child_url(row["person_id"]) + f"#action-{row['pk']}"
            kind = "Oversight action"
        else:
            people = ()
            url = worker_url(row["supervision__worker_id"]) + f"#action-{row['pk']}"
            kind = "Supervision action"
        items.append(
            WorkItem(
                kind, _title(row["description"]), row["due_date"], url, people, row["owner_name"]
            )
        )
    return items


def _open_actions() -> QuerySet[Any, Any]:
    return OversightAction.objects.filter(done_at__isnull=True).values(
        "pk",
        "person_id",
        "person__given_names",
        "person__family_name",
        "supervision__worker_id",
        "description",
        "due_date",
        owner_name=Concat(
            "owner__first_name", Value(" "), "owner__last_name", output_field=CharField()
        ),
    )


def oversight_items(user: User, scope: Scope) -> list[WorkItem]:
    """Open actions for their owner; for a manager, their workers' overdue actions and
    supervision (the cases' reviews: ``oversight_review_items``)."""
    if scope is Scope.MINE:
        return _action_items(_open_actions().filter(owner=user))
    if not user_can(user, Capability.RECORD_OVERSIGHT):
        return []
    today = timezone.localdate()
    teams = user_team_ids(user)
    # Actions owned by the manager's workers (the overdue ones show in "Overdue in your teams").
    items = _action_items(
        _open_actions().filter(owner__memberships__team_id__in=teams, due_date__lt=today).distinct()
    )
    worker_url = url_maker("oversight:supervision_worker")
    for status in selectors.supervision_statuses(selectors.supervisees(manager=user)):
        if status.is_overdue and status.next_due is not None:
            items.append(
                WorkItem(
                    "Supervision",
                    f"Supervision with {status.worker.display_name} overdue",
                    status.next_due,
                    worker_url(status.worker.pk),
                    (),
                    status.worker.display_name,
                )
            )
    return items


def shows_reviews(user: User) -> bool:
    return user_can(user, Capability.RECORD_OVERSIGHT)


def oversight_review_items(user: User, scope: Scope) -> list[WorkItem]:
    """A manager's overdue oversight reviews of their teams' cases."""
    if scope is Scope.MINE or not shows_reviews(user):
        return []
    today = timezone.localdate()
    return [item for item in review_items_of_cases(held_cases(user, scope)) if item.due < today]


def review_items_of_cases(held: dict[int, str]) -> list[WorkItem]:
    """Each case's next oversight review, shown once overdue (``only_overdue``)."""
    child_url = url_maker("oversight:person")
    # The children are named by ``work_for`` with need-to-know.
    rule = oversight_rule()
    cases = (
        selectors.open_cases_with_oversight()
        .filter(AnyOf(F("person_id"), held, estimated=False))
        .values_list("person_id", "start_date", "last_oversight", "next_review")
    )
    return [
        WorkItem(
            "Management oversight",
            "Oversight review overdue",
            oversight_review_due(last_on=last_on, next_review=next_review, since=since, rule=rule),
            child_url(person_id),
            ((person_id, ""),),
            held[person_id],
            only_overdue=True,
        )
        for person_id, since, last_on, next_review in cases
    ]
