"""Health and education items for "my work" and the manager's view: each open period of care's
next health assessment, dental check and personal education plan, with its due date (the
manager's view shows them when overdue). Built from the rows of the period query of
``haven.care.work`` (annotated by ``health.open_periods_with_last_dates``): no query of its own."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from haven.care import health
from haven.work.items import PersonRef, WorkItem, url_maker

KINDS = {
    "initial_assessment": "Health assessment",
    "review_assessment": "Health assessment",
    "dental_check": "Dental check",
    "pep": "Personal education plan",
}

# The columns ``items_for`` reads, besides the person and owner.
COLUMNS = ("start_date", "born", "last_assessment", "last_dental", "last_pep")


ItemsFor = Callable[[dict[str, Any], tuple[PersonRef, ...], str], list[WorkItem]]


def item_maker() -> ItemsFor:
    url = url_maker("care_health:tab")

    def items_for(
        row: dict[str, Any], people: tuple[PersonRef, ...], owner: str
    ) -> list[WorkItem]:
        return [
            WorkItem(
                KINDS[due.kind], f"{due.label} due", due.due, url(row["person_id"]), people, owner
            )
            for due in health.due_for_row(row)
        ]

    return items_for
