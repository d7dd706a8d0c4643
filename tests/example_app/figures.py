from typing import Any

from django.db.models import QuerySet

from haven.people.models import Allocation
from haven.performance.measures import Count, Page, Records


def _allocations() -> QuerySet[Any]:
    return Allocation.objects.all()


ALLOCATIONS = Records(
    key="example_allocations",
    queryset=_allocations,
    date="start_date",
    date_label="Allocated",
    worker="worker",
)
EXAMPLE = Page(
    key="example",
    title="Example",
    measures=[Count("allocations_started", "Allocations started", ALLOCATIONS)],
)
