"""The missing columns of Ofsted Annex A list 8 (children looked after), filled for
haven.care's list: one query for a chunk of the list's children.

- Missing (M) and absent (A: away without authorisation) episodes that began in the 12 months
  to the window's last day (London dates).
- After the last episode of those 12 months that had ended by that day: was a return home
  interview offered (by that day), and did the child accept it (Yes, No if declined; blank while
  the child has not answered, or if none was offered). No episode in the 12 months: 0 and 0,
  and the interview columns blank.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Collection
from typing import Any

from haven.core.calendar import LONDON
from haven.missing.codes import MissingKind
from haven.missing.models import MissingEpisode
from haven.performance.annex_a import yes_no
from haven.performance.selectors import years_before


def _midnight_after(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time(), LONDON)


def missing_columns(person_ids: Collection[int], last: datetime.date) -> dict[int, list[str]]:
    end = _midnight_after(last)
    since = _midnight_after(years_before(last, 1))
    rows = (
        MissingEpisode.objects.filter(
            person_id__in=list(person_ids), started_at__gte=since, started_at__lt=end
        )
        .values(
            "person_id",
            "kind",
            "started_at",
            "ended_at",
            "return_interview__offered_at",
            "return_interview__accepted",
        )
        .order_by("person_id", "started_at")
    )
    by_child: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        by_child[row["person_id"]].append(dict(row))
    columns = {person_id: ["0", "0", "", ""] for person_id in person_ids}
    for person_id, episodes in by_child.items():
        missing = sum(1 for e in episodes if e["kind"] == MissingKind.MISSING)
        absent = len(episodes) - missing
        ended = [e for e in episodes if e["ended_at"] is not None and e["ended_at"] < end]
        offered = accepted = ""
        if ended:
            latest = ended[-1]
            offered_at = latest["return_interview__offered_at"]
            was_offered = offered_at is not None and offered_at < end
            offered = yes_no(was_offered)
            answer = latest["return_interview__accepted"]
            accepted = yes_no(answer) if was_offered and answer is not None else ""
        columns[person_id] = [str(missing), str(absent), offered, accepted]
    return columns
