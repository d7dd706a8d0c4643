"""Health and education items for "my work" and the manager's view: each open period of care's
next health assessment, dental check and personal education plan, with its due date (the
manager's view shows them when overdue)."""

from __future__ import annotations

from haven.accounts.models import User
from haven.care import health
from haven.care.models import CarePeriod
from haven.work.items import Scope, WorkItem, allocated_worker_name, held_by, url_maker

KINDS = {
    "initial_assessment": "Health assessment",
    "review_assessment": "Health assessment",
    "dental_check": "Dental check",
    "pep": "Personal education plan",
}


def health_education_items(user: User, scope: Scope) -> list[WorkItem]:
    """One query, whatever the caseload."""
    url = url_maker("care_health:tab")
    rows = (
        health.open_periods_with_last_dates(
            CarePeriod.objects.filter(held_by(user, scope), end_date__isnull=True)
        )
        .annotate(owner=allocated_worker_name())
        .values(
            "person_id",
            "person__given_names",
            "person__family_name",
            "owner",
            "start_date",
            "born",
            "last_assessment",
            "last_dental",
            "last_pep",
        )
    )
    items = []
    for row in rows:
        people = ((row["person_id"], f"{row['person__given_names']} {row['person__family_name']}"),)
        for due in health.due_for_row(row):
            items.append(
                WorkItem(
                    KINDS[due.kind],
                    f"{due.label} due",
                    due.due,
                    url(row["person_id"]),
                    people,
                    row["owner"] or "",
                )
            )
    return items
