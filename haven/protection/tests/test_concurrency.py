"""The same core group posted twice at the same moment, on real PostgreSQL."""

import datetime
import threading

import pytest

from haven.core.errors import ConflictError
from haven.protection import services
from haven.protection.models import CoreGroup
from haven.protection.tests.test_services import chair, plan_from_icpc, referral  # noqa: F401
from tests.parallel import at_once

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_double_submitted_core_group_is_held_once_with_one_next_one(referral, manager, chair):  # noqa: F811
    plan = plan_from_icpc(referral, manager, chair)
    first = plan.core_groups.get()
    dates = iter([datetime.date(2024, 5, 1), datetime.date(2024, 5, 2)])
    lock = threading.Lock()

    def hold():
        with lock:
            held_on = next(dates)
        return services.core_group_hold(
            core_group=first,
            by=manager,
            held_on=held_on,
            agencies_attended=["health"],
            notes=f"Held {held_on}",
        )

    outcomes = at_once(hold)

    refused = [o for o in outcomes if isinstance(o, Exception)]
    assert len(refused) == 1 and isinstance(refused[0], ConflictError), outcomes
    held = CoreGroup.objects.get(pk=first.pk)
    saved = next(o for o in outcomes if not isinstance(o, Exception))
    # The one that won is the one on record; the other did not overwrite it.
    assert (held.held_on, held.notes) == (saved.held_on, f"Held {saved.held_on}")
    assert plan.core_groups.filter(held_on__isnull=True).count() == 1
    assert plan.core_groups.count() == 2
