"""Recording a period of care through the services: what is derived, and what is refused."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from haven.care import services
from haven.care.models import CarePeriod, Episode, LegalStatusChange, Placement
from haven.care.tests.factories import looked_after_child, placement
from haven.chronology.models import ChronologyEvent
from haven.core.errors import ConflictError

D = datetime.date


def _episodes(period: CarePeriod) -> list[tuple]:
    return list(
        Episode.objects.filter(period=period)
        .order_by("decom")
        .values_list("decom", "rne", "ls", "place", "dec", "rec", "reason_place_change")
    )


@pytest.fixture
def period(child, worker):
    return looked_after_child(child, worker)


def test_becoming_looked_after_derives_an_s_episode_and_tells_the_chronology(period, child):
    assert _episodes(period) == [(D(2025, 1, 6), "S", "C1", "U6", None, "", "")]
    assert period.home_postcode == "SO22 5AA"
    texts = list(ChronologyEvent.objects.filter(person=child).values_list("summary", flat=True))
    assert "Became looked after: Interim care order" in texts


def test_the_pathway_of_a_period_derives_l_p_t_b_and_its_end(period, worker):
    services.legal_status_record(period=period, by=worker, code="C2", start_date=D(2025, 3, 3))
    services.placement_move(
        period=period,
        by=worker,
        start_date=D(2025, 4, 7),
        change_reason="CREQB",
        placement=placement(carer_name="Cara Second"),
    )
    services.placement_move(
        period=period,
        by=worker,
        start_date=D(2025, 5, 6),
        change_reason="PLACE",
        placement=placement("U4", carer_name="Cara Second"),
    )
    services.legal_status_record(period=period, by=worker, code="E1", start_date=D(2025, 6, 2))
    services.period_end(period=period, by=worker, end_date=D(2025, 9, 1), reason="E11")
    assert _episodes(period) == [
        (D(2025, 1, 6), "S", "C1", "U6", D(2025, 3, 3), "X1", ""),
        (D(2025, 3, 3), "L", "C2", "U6", D(2025, 4, 7), "X1", "CREQB"),
        (D(2025, 4, 7), "P", "C2", "U6", D(2025, 5, 6), "X1", "PLACE"),
        (D(2025, 5, 6), "T", "C2", "U4", D(2025, 6, 2), "X1", ""),
        (D(2025, 6, 2), "L", "E1", "U4", D(2025, 9, 1), "E11", ""),
    ]
    assert not Placement.objects.filter(period=period, end_date__isnull=True).exists()


def test_a_corrected_past_date_re_derives_the_episodes(period, worker):
    services.placement_move(
        period=period,
        by=worker,
        start_date=D(2025, 4, 7),
        change_reason="CREQB",
        placement=placement(carer_name="Cara Second"),
    )
    status = services.legal_status_record(
        period=period, by=worker, code="C2", start_date=D(2025, 3, 3)
    )
    # The care order was in fact made the day of the move: one B episode, not L then P.
    services.legal_status_correct(status=status, by=worker, code="C2", start_date=D(2025, 4, 7))
    assert [e[1] for e in _episodes(period)] == ["S", "B"]
    moved = Placement.objects.get(period=period, end_date__isnull=True)
    services.placement_correct(
        placement=moved,
        by=worker,
        version=moved.version,
        start_date=D(2025, 4, 1),
        details=placement(carer_name="Cara Second"),
    )
    assert [(e[0], e[1]) for e in _episodes(period)] == [
        (D(2025, 1, 6), "S"),
        (D(2025, 4, 1), "P"),
        (D(2025, 4, 7), "L"),
    ]
    assert Placement.objects.get(period=period, start_date=D(2025, 1, 6)).end_date == D(2025, 4, 1)


@pytest.mark.parametrize(
    ("change", "field", "words"),
    [
        (dict(place="K3", carer_name="Foyer"), "place", "16 or over"),
        (dict(place="P1", carer_name="Mum", urn="SC123456"), "urn", "no Ofsted URN"),
        (dict(place="U6", carer_name=""), "carer_name", "who the child lives with"),
        (dict(place="P2", carer_name="Somewhere"), "place", "can no longer be used"),
    ],
)
def test_bad_placements_are_refused_by_field_and_nothing_is_saved(
    child, worker, change, field, words
):
    with pytest.raises(ValidationError) as refused:
        looked_after_child(child, worker, **change)
    assert words in " ".join(refused.value.message_dict[field])
    assert not CarePeriod.objects.filter(person=child).exists()


def test_a_move_before_the_current_placement_and_a_second_open_period_are_refused(
    period, worker, child
):
    with pytest.raises(ValidationError) as refused:
        services.placement_move(
            period=period,
            by=worker,
            start_date=D(2025, 1, 6),
            change_reason="CHILD",
            placement=placement(),
        )
    assert "start_date" in refused.value.message_dict
    with pytest.raises(ConflictError):
        looked_after_child(child, worker, start=D(2025, 2, 1))


def test_an_ending_before_the_last_change_is_refused(period, worker):
    services.placement_move(
        period=period,
        by=worker,
        start_date=D(2025, 4, 7),
        change_reason="CREQB",
        placement=placement(carer_name="B"),
    )
    with pytest.raises(ValidationError) as refused:
        services.period_end(period=period, by=worker, end_date=D(2025, 4, 7), reason="E4A")
    assert "end_date" in refused.value.message_dict
    period.refresh_from_db()
    assert period.end_date is None


def test_a_period_overlapping_an_earlier_one_is_refused(period, worker, child):
    services.period_end(period=period, by=worker, end_date=D(2025, 3, 1), reason="E4A")
    with pytest.raises(ValidationError) as refused:
        looked_after_child(child, worker, start=D(2025, 2, 1))
    assert "already has a period of care" in refused.value.message_dict["start_date"][0]
    later = looked_after_child(child, worker, start=D(2025, 3, 1))
    assert later.start_date == D(2025, 3, 1)


def test_the_database_refuses_overlapping_placements_and_periods(period, child):
    with pytest.raises(IntegrityError), transaction.atomic():
        Placement.objects.create(
            period=period, person=child, start_date=D(2025, 2, 1), place="U6", carer_name="X"
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        CarePeriod.objects.create(
            person=child,
            start_date=D(2024, 1, 1),
            end_date=D(2025, 2, 1),
            end_reason="E4A",
            category_of_need="N1",
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        LegalStatusChange.objects.create(
            period=period, person=child, code="C2", start_date=D(2025, 1, 6)
        )
