"""Chronology entries are stored as an event type and its parameters and worded when read."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

import pytest

from haven.chronology import events
from haven.chronology.models import ChronologyEvent
from haven.chronology.services import chronology_record
from haven.frontdoor import events as frontdoor_events
from haven.protection import events as protection_events

pytestmark = pytest.mark.django_db


def test_a_recorded_entry_keeps_its_type_and_parameters_and_is_worded_from_them(child, worker):
    entry = protection_events.CP_PLAN_ENDED.record(
        child.pk, on=datetime.date(2024, 5, 1), by=worker, reason="no_longer_at_risk"
    )
    entry.refresh_from_db()
    assert entry.event == "cp_plan_ended"
    assert entry.params == {"reason": "no_longer_at_risk"}
    assert entry.text == entry.summary  # worded the same when written and when read
    assert entry.text.startswith("Child protection plan ended: ")


def test_the_words_are_rendered_when_the_chronology_is_read(child, worker, as_worker):
    entry = frontdoor_events.DECISION_AUTHORISED.record(child.pk, on=None, by=worker, outcome="nfa")
    # The same entry with another outcome reads differently: its words come from the parameters.
    ChronologyEvent.objects.filter(pk=entry.pk).update(params={"outcome": "early_help"})
    page = as_worker.get(f"/people/{child.pk}/chronology/").content.decode()
    assert "Decision authorised: early help" in page
    assert "Decision authorised: no further action" not in page


def test_entries_without_a_type_show_the_words_stored_with_them(child, worker, as_worker):
    chronology_record(child.pk, "contact", "Contact from an older system", on=None, by=worker)
    # And an entry whose parameters no longer render (a withdrawn code) keeps its old words.
    entry = frontdoor_events.DECISION_AUTHORISED.record(child.pk, on=None, by=worker, outcome="nfa")
    ChronologyEvent.objects.filter(pk=entry.pk).update(params={"outcome": "withdrawn"})
    page = as_worker.get(f"/people/{child.pk}/chronology/").content.decode()
    assert "Contact from an older system" in page
    assert "Decision authorised: no further action" in page
    printed = as_worker.get(f"/people/{child.pk}/chronology/print/").content.decode()
    assert "Contact from an older system" in printed


def test_every_event_type_belongs_to_a_registered_kind():
    from haven.chronology.models import _LABELS

    kinds = {t.name: t.kind for t in events.all_types()}
    assert len(kinds) >= 30
    assert {name for name, kind in kinds.items() if kind not in _LABELS} == set()


def test_two_event_types_cannot_share_a_name():
    from django.core.exceptions import ImproperlyConfigured

    with pytest.raises(ImproperlyConfigured):

        @events.event_type("cp_plan_ended", kind="cp_plan")
        def other(p: events.Params) -> str:
            return "something else"


def test_entries_recorded_together_are_written_when_the_block_ends_and_not_if_it_fails(
    child, worker, django_assert_num_queries
):
    """An import records a child's history through many services: their entries go in with
    one insert at the end, each saying which row it came from; a child refused writes none."""
    from haven.chronology.services import imported_from, recorded_together

    def row(n: int) -> Callable[[Any], str]:
        # Where it came from, as a function of the record the entry is about.
        return lambda record: f"row {n} ({record.family_name})"

    with django_assert_num_queries(1), recorded_together():
        for n, outcome in enumerate(("nfa", "early_help", "nfa"), start=2):
            with imported_from(row(n)):
                frontdoor_events.DECISION_AUTHORISED.record(
                    child.pk, on=None, by=worker, source=child, outcome=outcome
                )
    decisions = ChronologyEvent.objects.filter(person=child, event="decision_authorised")
    assert list(decisions.order_by("id").values_list("detail", flat=True)) == [
        f"row {n} ({child.family_name})" for n in (2, 3, 4)
    ]

    with pytest.raises(ValueError), recorded_together():
        frontdoor_events.DECISION_AUTHORISED.record(child.pk, on=None, by=worker, outcome="nfa")
        raise ValueError("the child is refused")
    assert decisions.count() == 3
