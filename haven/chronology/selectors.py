from __future__ import annotations

import datetime

from django.db.models import QuerySet

from haven.chronology.models import ChronologyEvent
from haven.people.models import Person
from haven.people.selectors import record_ids


def chronology_for_person(
    *,
    person: Person,
    kinds: list[str] | None = None,
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
) -> QuerySet[ChronologyEvent]:
    """The person's chronology, newest first. The person has already passed the access check."""
    events = ChronologyEvent.objects.filter(person_id__in=record_ids(person)).select_related(
        "recorded_by"
    )
    if kinds:
        events = events.filter(kind__in=kinds)
    if date_from:
        events = events.filter(occurred_on__gte=date_from)
    if date_to:
        events = events.filter(occurred_on__lte=date_to)
    return events.order_by("-occurred_on", "-id")
