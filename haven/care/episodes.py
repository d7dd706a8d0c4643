"""SSDA903 episodes, derived from what the social worker recorded: the period of care, its legal
statuses and its placements. A new episode starts wherever the legal status or the placement
changes; why (RNE) follows from which changed and whether the carer stayed the same:

- the period starts: S
- legal status only: L
- placement and carer: P; placement, same carer: T
- legal status with placement and carer: B; legal status with placement, same carer: U

Each episode but the last ends with X1 (a new one the same day); the last ends with the period's
reason, or stays open. The reason for a move (REASON_PLACE_CHANGE) is on the episode the move
ends. ``episodes_for`` is pure (the synthetic county calls it for a million rows);
``rederive`` replaces a period's stored episodes with it."""

from __future__ import annotations

import datetime
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from django.db import transaction

from haven.care.codes import ReasonNewEpisode


@dataclass(frozen=True)
class PeriodFacts:
    start_date: datetime.date
    end_date: datetime.date | None
    end_reason: str
    category_of_need: str
    home_postcode: str = ""
    # An imported period that began before its known history: its first episode's RNE.
    known_from_rne: str = ""


@dataclass(frozen=True)
class StatusFacts:
    start_date: datetime.date
    code: str


@dataclass(frozen=True)
class PlacementFacts:
    start_date: datetime.date
    end_date: datetime.date | None
    place: str
    provider: str
    carer_key: tuple[Any, ...]
    postcode: str = ""
    urn: str = ""
    change_reason: str = ""
    key: Any = None  # the placement's id, carried to the episode


@dataclass(frozen=True)
class EpisodeFacts:
    decom: datetime.date
    rne: str
    ls: str
    cin: str
    place: str
    place_provider: str
    dec: datetime.date | None
    rec: str
    reason_place_change: str
    home_post: str
    pl_post: str
    urn: str
    placement_key: Any


def _reason(ls_changed: bool, placement_changed: bool, same_carer: bool) -> str:
    if ls_changed and placement_changed:
        return ReasonNewEpisode.U if same_carer else ReasonNewEpisode.B
    if placement_changed:
        return ReasonNewEpisode.T if same_carer else ReasonNewEpisode.P
    return ReasonNewEpisode.L


def episodes_for(
    period: PeriodFacts,
    statuses: Sequence[StatusFacts],
    placements: Sequence[PlacementFacts],
) -> list[EpisodeFacts]:
    """The period's episodes. Expects what the services guarantee: a legal status and a
    placement from the period's first day, placements end to end, nothing after its end."""
    statuses = sorted(statuses, key=lambda s: s.start_date)
    placements = sorted(placements, key=lambda p: p.start_date)
    if not statuses or not placements:
        return []
    # A legal status recorded again with the same code is not a change.
    status_starts: dict[datetime.date, str] = {}
    current = ""
    for status in statuses:
        if status.code != current:
            status_starts[status.start_date] = status.code
            current = status.code
    placement_starts = {p.start_date: p for p in placements}
    dates = sorted(set(status_starts) | set(placement_starts))
    episodes: list[EpisodeFacts] = []
    ls = ""
    placement: PlacementFacts | None = None
    for i, day in enumerate(dates):
        previous = placement
        ls_changed = day in status_starts
        if ls_changed:
            ls = status_starts[day]
        placement_changed = day in placement_starts
        if placement_changed:
            placement = placement_starts[day]
        assert placement is not None and ls
        rne: str
        if i == 0:
            rne = period.known_from_rne or ReasonNewEpisode.S
        else:
            same_carer = previous is not None and previous.carer_key == placement.carer_key
            rne = _reason(ls_changed, placement_changed, same_carer)
        following = dates[i + 1] if i + 1 < len(dates) else None
        moves_next = following is not None and following in placement_starts
        episodes.append(
            EpisodeFacts(
                decom=day,
                rne=rne,
                ls=ls,
                cin=period.category_of_need,
                place=placement.place,
                place_provider=placement.provider,
                dec=following if following is not None else period.end_date,
                rec="X1"
                if following is not None
                else (period.end_reason if period.end_date else ""),
                reason_place_change=placement.change_reason if moves_next else "",
                home_post=period.home_postcode,
                pl_post=placement.postcode,
                urn=placement.urn,
                placement_key=placement.key,
            )
        )
    return episodes


def period_facts(period: Any) -> tuple[PeriodFacts, list[StatusFacts], list[PlacementFacts]]:
    """The facts of a stored period of care."""
    facts = PeriodFacts(
        start_date=period.start_date,
        end_date=period.end_date,
        end_reason=period.end_reason,
        category_of_need=period.category_of_need,
        home_postcode=period.home_postcode,
        known_from_rne=period.known_from_rne,
    )
    statuses = [StatusFacts(s.start_date, s.code) for s in period.legal_statuses.all()]
    placements = [
        PlacementFacts(
            start_date=p.start_date,
            end_date=p.end_date,
            place=p.place,
            provider=p.provider,
            carer_key=p.carer_key,
            postcode=p.postcode,
            urn=p.urn,
            change_reason=p.change_reason,
            key=p.pk,
        )
        for p in period.placements.all()
    ]
    return facts, statuses, placements


# The periods whose episodes wait to be derived at the end of ``derived_once``'s block.
_waiting: ContextVar[dict[int, Any] | None] = ContextVar("episodes_waiting", default=None)


@contextmanager
def derived_once() -> Iterator[None]:
    """Derive each period's episodes once, when the block ends, however many of its records the
    block writes (an import's chain of moves and legal statuses, each of which would derive
    them again). The services in the block read legal statuses and placements, never
    episodes; if the block fails, nothing is derived (its records are rolled back with it)."""
    waiting: dict[int, Any] = {}
    token = _waiting.set(waiting)
    try:
        yield
    finally:
        _waiting.reset(token)
    for period in waiting.values():
        period.refresh_from_db()
        _rederive_now(period)


def rederive(period: Any) -> list[Any]:
    """Replace the period's stored episodes with those its records give now (at the end of
    ``derived_once``'s block, inside one)."""
    waiting = _waiting.get()
    if waiting is not None:
        waiting[period.pk] = period
        return []
    return _rederive_now(period)


@transaction.atomic
def _rederive_now(period: Any) -> list[Any]:
    from haven.care.models import Episode

    Episode.objects.filter(period=period).delete()
    rows = [
        Episode(
            period=period,
            person_id=period.person_id,
            placement_id=e.placement_key,
            **{k: v for k, v in e.__dict__.items() if k != "placement_key"},
        )
        for e in episodes_for(*period_facts(period))
    ]
    return Episode.objects.bulk_create(rows)
