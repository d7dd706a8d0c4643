"""Care leavers in the small county: built from the looked-after pathway, eligibility computed,
histories without overlaps, and the demo personal adviser with a caseload."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.urls import reverse

from haven.accounts.models import User
from haven.leavingcare import selectors
from haven.leavingcare.models import AdviserAllocation, PathwayPlan
from haven.people.models import Person
from haven.synthetic.generator import GenerationReport


@pytest.mark.django_db
def test_care_leavers_are_built_for_those_the_care_history_makes_eligible(
    small_county: GenerationReport,
) -> None:
    assert small_county.counts["care leavers"] > 0
    allocations = list(AdviserAllocation.objects.select_related("person")[:40])
    assert allocations
    for allocation in allocations:
        # Every young person with an adviser was entitled when the adviser started.
        result = selectors.eligibility(allocation.person, allocation.start_date)
        assert result.entitled, (allocation.person_id, result)
    for plan in PathwayPlan.objects.select_related("person")[:40]:
        assert selectors.eligibility(plan.person, plan.agreed_on).entitled


@pytest.mark.django_db
def test_histories_never_overlap(small_county: GenerationReport) -> None:
    # The exclusion constraints held through the COPY; reviews at most 7 months apart.
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM leavingcare_planreview r JOIN leavingcare_pathwayplan p "
            "ON p.id = r.plan_id WHERE r.held_on < p.agreed_on"
        )
        assert cursor.fetchone()[0] == 0


@pytest.mark.django_db
def test_pa_has_care_leavers_and_opens_their_tab(
    small_county: GenerationReport, client: Any
) -> None:
    pa = User.objects.get(username="pa")
    person_id = (
        AdviserAllocation.objects.filter(adviser=pa, end_date__isnull=True)
        .values_list("person_id", flat=True)
        .first()
    )
    assert person_id is not None
    client.force_login(pa)
    page = client.get(reverse("leaving_care:caseload")).content.decode()
    assert Person.objects.get(pk=person_id).family_name in page
    response = client.get(reverse("leavingcare:tab", args=[person_id]))
    assert response.status_code == 200
    assert "Care leaver status" in response.content.decode()
