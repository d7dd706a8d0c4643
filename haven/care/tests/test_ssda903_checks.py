"""What would fail the DfE's SSDA903 rules is refused when it is entered, beside its field,
not found once a year in the return."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from haven.care import services
from haven.care.tests.factories import looked_after_child, placement

pytestmark = pytest.mark.django_db
START = datetime.date(2025, 1, 6)


def _field_error(excinfo: Any, field: str) -> str:
    return " ".join(excinfo.value.message_dict[field])


def test_a_child_accommodated_under_section_20_cannot_be_placed_with_parents(
    child: Any, manager: Any
) -> None:
    with pytest.raises(ValidationError) as excinfo:
        looked_after_child(child, manager, legal_status="V2", place="P1", carer_name="Parents")
    assert "section 20 (V2) cannot be placed with parents" in _field_error(excinfo, "place")

    period = looked_after_child(child, manager, legal_status="V2")
    with pytest.raises(ValidationError) as excinfo:
        services.placement_move(
            period=period,
            by=manager,
            start_date=START + datetime.timedelta(days=30),
            change_reason="CARPL",
            placement=placement("P1", "Parents", postcode="SO22 5AA"),
        )
    assert "(P1)" in _field_error(excinfo, "place")
    # Under a care order the same move is allowed.
    services.legal_status_record(
        period=period, by=manager, code="C1", start_date=START + datetime.timedelta(days=20)
    )
    moved = services.placement_move(
        period=period,
        by=manager,
        start_date=START + datetime.timedelta(days=30),
        change_reason="CARPL",
        placement=placement("P1", "Parents", postcode="SO22 5AA"),
    )
    assert moved.place == "P1"
    # And back to section 20 while at home is refused, on the legal status.
    with pytest.raises(ValidationError) as excinfo:
        services.legal_status_record(
            period=period, by=manager, code="V2", start_date=START + datetime.timedelta(days=40)
        )
    assert "cannot be placed with parents" in _field_error(excinfo, "code")


def test_a_move_to_the_placement_the_child_is_in_is_refused(child: Any, manager: Any) -> None:
    period = looked_after_child(child, manager)
    with pytest.raises(ValidationError) as excinfo:
        services.placement_move(
            period=period,
            by=manager,
            start_date=START + datetime.timedelta(days=10),
            change_reason="CARPL",
            placement=placement(),
        )
    assert "the placement the child is in now" in _field_error(excinfo, "place")
    # The same carers taking the child long term is a move (the type changes).
    moved = services.placement_move(
        period=period,
        by=manager,
        start_date=START + datetime.timedelta(days=10),
        change_reason="PLACE",
        placement=placement("U4"),
    )
    assert moved.place == "U4"


def test_a_placement_at_the_childs_home_postcode_is_refused_unless_with_parents(
    child: Any, manager: Any
) -> None:
    with pytest.raises(ValidationError) as excinfo:
        looked_after_child(child, manager, postcode="so22  5aa")
    assert "SO22 5AA is the child's home postcode" in _field_error(excinfo, "postcode")
    period = looked_after_child(child, manager, legal_status="C1", place="P1", postcode="SO22 5AA")
    assert period.placements.get().postcode == "SO22 5AA"


def test_previous_permanence_is_recorded_with_the_order_it_names(child: Any, manager: Any) -> None:
    period = looked_after_child(child, manager)
    with pytest.raises(ValidationError) as excinfo:
        services.previous_permanence_record(period=period, by=manager, previous_permanence="P2")
    assert set(excinfo.value.message_dict) == {"previous_permanence_la", "previous_permanence_on"}
    with pytest.raises(ValidationError) as excinfo:
        services.previous_permanence_record(
            period=period,
            by=manager,
            previous_permanence="P2",
            previous_permanence_la="Dorset",
            previous_permanence_on="zz/02/2025",
        )
    assert "before the child became looked after" in _field_error(excinfo, "previous_permanence_on")
    done = services.previous_permanence_record(
        period=period,
        by=manager,
        previous_permanence="P2",
        previous_permanence_la="Dorset",
        previous_permanence_on="zz/05/2019",
    )
    assert (done.previous_permanence, done.previous_permanence_la, done.previous_permanence_on) == (
        "P2",
        "Dorset",
        "zz/05/2019",
    )
    # None: nothing else is kept.
    done = services.previous_permanence_record(
        period=period, by=manager, previous_permanence="Z1", previous_permanence_la="Dorset"
    )
    assert (done.previous_permanence, done.previous_permanence_la) == ("Z1", "")


def test_supported_accommodation_from_october_2023_needs_the_providers_urn(child, worker):
    """Rule 230: supported accommodation (H5) is registered with Ofsted from 28 October 2023,
    so XXXXXXX no longer does; before then it did."""
    child.date_of_birth = datetime.date(2007, 1, 5)
    child.save()
    details = {"place": "H5", "carer_name": "Foyer", "provider": "PR4", "urn": "XXXXXXX"}
    with pytest.raises(ValidationError) as refused:
        looked_after_child(child, worker, start=datetime.date(2023, 11, 6), **details)
    assert "enter the provider's URN (DfE rule 230)" in _field_error(refused, "urn")
    period = looked_after_child(child, worker, start=datetime.date(2023, 10, 2), **details)
    assert period.placements.get().urn == "XXXXXXX"
