"""What the printed record says of the child's plan for adoption."""

from __future__ import annotations

from typing import Any

from haven.adoption.models import AdoptionPlan
from haven.core.dates import long_date


def adoption_status(person: Any) -> list[str]:
    """The child's open plan for adoption and how far it has come (one query)."""
    plan = AdoptionPlan.objects.filter(
        person=person, adoption_order_on__isnull=True, reversed_on__isnull=True
    ).first()
    if plan is None:
        return []
    line = f"Plan for adoption since {long_date(plan.decided_on)}"
    if plan.placed_on:
        line += f", placed for adoption {long_date(plan.placed_on)}"
    elif plan.matched_on:
        line += f", matched with adopters {long_date(plan.matched_on)}"
    return [line]
