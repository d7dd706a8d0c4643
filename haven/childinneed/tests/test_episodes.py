"""An episode links to its contact, its referral and its assessments, from the child's page."""

from __future__ import annotations

import pytest
from django.urls import reverse

from conftest import record_contact
from haven.frontdoor import services as front_door

pytestmark = pytest.mark.django_db


def test_the_childs_page_links_each_episode_to_its_contact_referral_and_assessment(
    child, manager, teams, as_manager
):
    contact = record_contact(manager, teams["front_door"], [child])
    front_door.decision_record(
        contact_child=contact.children.get(),
        by=manager,
        level_of_need=3,
        outcome="referral",
        rationale="Needs assessment",
        referral_team=teams["assessment"],
    )
    referral = child.referrals.get()
    assessment = referral.assessments.get()

    page = as_manager.get(reverse("people:person_detail", args=[child.pk])).content.decode()
    episodes = page[page.index('data-testid="episodes"') :]
    assert reverse("frontdoor:contact_detail", args=[contact.pk]) in episodes
    assert f"{reverse('childinneed:episodes', args=[child.pk])}#episode-{referral.pk}" in episodes
    assert reverse("assessments:assessment_detail", args=[assessment.pk]) in episodes

    details = as_manager.get(reverse("childinneed:episodes", args=[child.pk])).content.decode()
    assert f'id="episode-{referral.pk}"' in details
    assert "Primary need" in details and "Not stated" in details
    assert reverse("frontdoor:contact_detail", args=[contact.pk]) in details


def test_another_teams_worker_cannot_open_the_episodes(child, as_outsider):
    assert as_outsider.get(reverse("childinneed:episodes", args=[child.pk])).status_code == 404
    assert as_outsider.get(reverse("childinneed:closure", args=[child.pk])).status_code == 404
