"""``AnyOf``: a long list of ids as one parameter, estimated by the planner or not."""

from __future__ import annotations

from typing import Any

import pytest
from django.db.models import F

from haven.core.lookups import AnyOf
from haven.people.models import Person

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("estimated", [True, False])
def test_any_of_finds_exactly_the_listed_records_estimated_or_not(
    make_child: Any, estimated: bool
) -> None:
    listed, other = make_child(given_names="Listed"), make_child(given_names="Other")
    found = Person.objects.filter(AnyOf(F("pk"), [listed.pk, 987654321], estimated=estimated))
    assert list(found) == [listed]
    assert other not in Person.objects.filter(AnyOf(F("pk"), [listed.pk], estimated=estimated))
    assert not Person.objects.filter(AnyOf(F("pk"), [], estimated=estimated)).exists()


def test_any_of_takes_only_numbers() -> None:
    with pytest.raises(ValueError):
        AnyOf(F("pk"), ["1}, {2"])  # type: ignore[list-item]
