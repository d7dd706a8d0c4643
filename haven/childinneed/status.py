"""What the printed record says of the child in need plan (a selector; its own file so it
needs no edit to the plans' selectors)."""

from __future__ import annotations

from typing import Any

from haven.childinneed.models import CINPlan
from haven.core.dates import long_date


def cin_plan_status(person: Any) -> list[str]:
    """The child's open child in need plan, for the printed record (one query)."""
    plan = (
        CINPlan.objects.filter(person=person, end_date__isnull=True)
        .select_related("worker")
        .first()
    )
    if plan is None:
        return []
    line = f"Child in need plan since {long_date(plan.start_date)}"
    if plan.worker is not None:
        line += f", worker {plan.worker.display_name}"
    return [line]
