"""Case notes figures, counted from the notes themselves: notes recorded (by worker and week on
their own page) and the share of visits at which the child was seen alone."""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import Count as DbCount
from django.db.models import Q, QuerySet
from django.db.models.functions import TruncWeek
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone

from haven.accounts.http import AuthenticatedRequest
from haven.accounts.models import User
from haven.accounts.permissions import Capability, requires
from haven.casenotes.models import VISIT_TYPES, CaseNote, CaseNoteChild, NoteStatus
from haven.performance.measures import Count, Page, Rate, Records

WEEKS = 8


def _note_children() -> QuerySet[Any]:
    return CaseNoteChild.objects.filter(is_final=True)


NOTE_CHILDREN = Records(
    key="case_note_children",
    queryset=_note_children,
    date="occurred_on",
    date_label="Note of",
    team="note__team",
    worker="author",
)
VISITS = Count(
    "visit_notes",
    "Children visited (visit notes, a row per child)",
    NOTE_CHILDREN,
    where=Q(note__note_type__in=VISIT_TYPES),
)
SEEN_ALONE = Count(
    "visit_notes_seen_alone",
    "Children seen alone at a visit",
    NOTE_CHILDREN,
    where=Q(note__note_type__in=VISIT_TYPES, seen_alone=True),
)
CASE_NOTES = Page(
    key="casenotes",
    title="Case notes",
    measures=[
        Count(
            "notes_recorded",
            "Case notes recorded (a row per child the note is about)",
            NOTE_CHILDREN,
            hint="Final notes, by the day they happened; by worker and week: see the weekly page",
        ),
        VISITS,
        SEEN_ALONE,
        Rate(
            "seen_alone_rate",
            "Visits with the child seen alone",
            SEEN_ALONE,
            VISITS,
            hint="Home and office visit notes; a note for three siblings counts three visits",
        ),
    ],
)


def notes_per_worker_week(*, today: datetime.date, weeks: int = WEEKS) -> dict[str, Any]:
    """Final notes recorded per worker per week (Monday to Sunday), the last ``weeks`` weeks."""
    monday = today - datetime.timedelta(days=today.weekday())
    starts = [monday - datetime.timedelta(weeks=w) for w in range(weeks - 1, -1, -1)]
    counts = (
        CaseNote.objects.filter(status=NoteStatus.FINAL, occurred_on__gte=starts[0])
        .annotate(week=TruncWeek("occurred_on"))
        .values("author_id", "week")
        .annotate(n=DbCount("pk"))
    )
    table: dict[int, dict[datetime.date, int]] = {}
    for row in counts:
        week = row["week"]
        week = week.date() if isinstance(week, datetime.datetime) else week
        table.setdefault(row["author_id"], {})[week] = row["n"]
    workers = User.objects.filter(pk__in=table).order_by("first_name", "last_name", "pk")
    return {
        "weeks": starts,
        "rows": [
            {
                "worker": w,
                "counts": [table[w.pk].get(s, 0) for s in starts],
                "total": sum(table[w.pk].values()),
            }
            for w in workers
        ],
    }


@requires(Capability.VIEW_FIGURES)
def weekly(request: AuthenticatedRequest) -> HttpResponse:
    return render(
        request,
        "casenotes/weekly.html",
        notes_per_worker_week(today=timezone.localdate()),
    )
