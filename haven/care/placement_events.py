"""Chronology entries for placement requests: asked for, matched, withdrawn."""

from __future__ import annotations

import datetime
from typing import Any

from haven.care.events import CareEvent
from haven.chronology.events import Params, event_type
from haven.core.dates import long_date

KIND_WORDS = {"fostering": "foster care", "residential": "a children's home", "any": "any kind"}


@event_type("placement_requested", kind=CareEvent.PLACEMENT)
def PLACEMENT_REQUESTED(p: Params) -> str:
    needed = long_date(datetime.date.fromisoformat(p["needed_by"]))
    return f"Placement requested ({KIND_WORDS.get(p['kind'], p['kind'])}), needed by {needed}"


@event_type("placement_request_matched", kind=CareEvent.PLACEMENT)
def PLACEMENT_REQUEST_MATCHED(p: Params) -> str:
    return f"Placement request matched: {p['match']}"


@event_type("placement_request_withdrawn", kind=CareEvent.PLACEMENT)
def PLACEMENT_REQUEST_WITHDRAWN(p: Params) -> str:
    return "Placement request withdrawn"


def requested(request: Any, *, by: Any) -> None:
    PLACEMENT_REQUESTED.record(
        request.person_id,
        on=request.requested_on,
        by=by,
        source=request,
        kind=request.placement_kind,
        needed_by=request.needed_by.isoformat(),
    )


def matched(request: Any, *, by: Any) -> None:
    match = request.matched_household or request.matched_home or request.matched_external
    PLACEMENT_REQUEST_MATCHED.record(
        request.person_id, on=request.matched_on, by=by, source=request, match=str(match)
    )


def withdrawn(request: Any, *, by: Any, on: datetime.date) -> None:
    PLACEMENT_REQUEST_WITHDRAWN.record(request.person_id, on=on, by=by, source=request)
