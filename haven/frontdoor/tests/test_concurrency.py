"""Two managers authorising the same decision at the same moment, on real PostgreSQL."""

import threading

import pytest

from conftest import record_contact
from haven.accounts.models import Role
from haven.core.errors import ConflictError
from haven.frontdoor import services
from haven.frontdoor.models import Referral, ReferrerFeedback
from tests.parallel import at_once

pytestmark = pytest.mark.django_db(transaction=True)


def test_parallel_authorisations_make_one_referral_and_tell_the_second_manager(
    child, worker, manager, make_user, teams
):
    other_manager = make_user(Role.TEAM_MANAGER, "assessment")
    contact = record_contact(
        worker, teams["front_door"], [child], summary="School worried about bruising"
    )
    decision = contact.children.get()
    services.decision_record(
        contact_child=decision,
        by=worker,
        level_of_need=3,
        outcome="referral",
        rationale="Needs an assessment",
    )
    managers = iter([manager, other_manager])
    lock = threading.Lock()

    def authorise():
        with lock:
            by = next(managers)
        return services.decision_authorise(
            contact_child=decision, by=by, referral_team=teams["assessment"]
        )

    outcomes = at_once(authorise)

    refused = [o for o in outcomes if isinstance(o, Exception)]
    assert len(refused) == 1, outcomes
    assert isinstance(refused[0], ConflictError), refused
    assert "already been authorised by" in refused[0].message_dict["outcome"][0]
    assert Referral.objects.filter(contact_child=decision).count() == 1
    assert ReferrerFeedback.objects.filter(contact_child=decision).count() == 1
    assert child.assessments.count() == 1
