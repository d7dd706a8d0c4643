"""The MASH inbox and a contact's decisions, through the test client."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from conftest import client_for, record_contact
from haven.accounts.models import Role
from haven.frontdoor.models import Contact, ContactChild, Referral

pytestmark = pytest.mark.django_db


@pytest.fixture
def mash_worker(make_user):
    return make_user(Role.MASH_PRACTITIONER, "front_door", first_name="Maya", last_name="Shah")


@pytest.fixture
def mash_manager(make_user):
    return make_user(Role.TEAM_MANAGER, "front_door", first_name="Mo", last_name="Ali")


@pytest.fixture
def make_contact(mash_worker, teams):
    def make(*children, urgency="routine") -> Contact:
        return record_contact(mash_worker, teams["front_door"], children, urgency=urgency)

    return make


@pytest.fixture
def contact(make_contact, child) -> Contact:
    return make_contact(child)


def detail(contact):
    return reverse("frontdoor:contact_detail", args=[contact.pk])


def decide_url(contact, decision):
    return reverse("frontdoor:decide", args=[contact.pk, decision.pk])


def authorise_url(contact, decision):
    return reverse("frontdoor:authorise", args=[contact.pk, decision.pk])


def decide(client, contact, decision, outcome="referral", rationale="Needs an assessment", **more):
    p = f"d{decision.pk}-"
    return client.post(
        decide_url(contact, decision),
        {f"{p}level_of_need": "3", f"{p}outcome": outcome, f"{p}rationale": rationale, **more},
    )


# The inbox's queries (session, user, teams, the page of contacts with what it shows, the
# access-log rows for the children listed, alerts), the same for one contact or a page of them.
INBOX_QUERIES = 15


@pytest.mark.parametrize("contacts", [1, 3])
def test_the_inbox_lists_open_contacts_in_a_fixed_number_of_queries(
    mash_worker, make_contact, make_child, contacts, django_assert_num_queries
):
    for n in range(contacts):
        make_contact(
            make_child(given_names=f"Child{n}"), urgency="immediate" if n == 0 else "routine"
        )
    client = client_for(mash_worker)
    client.get(reverse("frontdoor:inbox"))
    with django_assert_num_queries(INBOX_QUERIES):
        response = client.get(reverse("frontdoor:inbox"))
    page = response.content.decode()
    assert f"{contacts} open contact" in page
    for n in range(contacts):
        assert f"Child{n} Smith" in page
    assert page.count('<strong class="govuk-tag govuk-tag--red">Immediate') == 1


def test_the_inbox_is_for_front_door_teams(as_worker):
    assert as_worker.get(reverse("frontdoor:inbox")).status_code == 403


def test_a_practitioners_decision_waits_for_a_manager(mash_worker, contact):
    decision = contact.children.get()
    client = client_for(mash_worker)
    response = decide(client, contact, decision)
    assert response.status_code == 302 and response["Location"] == detail(contact)
    decision.refresh_from_db()
    assert decision.outcome == "referral" and decision.authorised_at is None
    assert not Referral.objects.filter(person=decision.person).exists()
    page = client.get(detail(contact)).content.decode()
    assert "Decision recorded for John Smith" in page
    assert '<strong class="govuk-tag govuk-tag--yellow">Awaiting authorisation</strong>' in page
    assert "Authorise decision" not in page


def test_a_decision_without_a_rationale_is_refused_and_keeps_the_choices(mash_worker, contact):
    decision = contact.children.get()
    response = decide(client_for(mash_worker), contact, decision, rationale="")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Enter the rationale for the decision" in page
    assert re.search(r'value="referral"[^>]*checked', page)
    assert ContactChild.objects.get(pk=decision.pk).outcome == ""


def test_a_practitioner_cannot_authorise_a_decision(mash_worker, contact, teams):
    decision = contact.children.get()
    client = client_for(mash_worker)
    decide(client, contact, decision)
    response = client.post(
        authorise_url(contact, decision), {f"a{decision.pk}-referral_team": teams["assessment"].pk}
    )
    assert response.status_code == 200
    assert "Only a team manager can authorise or return work" in response.content.decode()
    assert ContactChild.objects.get(pk=decision.pk).authorised_at is None


def test_the_manager_authorises_a_referral_to_a_team(mash_worker, mash_manager, contact, teams):
    decision = contact.children.get()
    decide(client_for(mash_worker), contact, decision)
    manager = client_for(mash_manager)
    assert "Authorise decision" in manager.get(detail(contact)).content.decode()

    refused = manager.post(authorise_url(contact, decision), {})
    assert refused.status_code == 200
    assert "Choose the team the referral goes to" in refused.content.decode()
    assert ContactChild.objects.get(pk=decision.pk).authorised_at is None

    response = manager.post(
        authorise_url(contact, decision), {f"a{decision.pk}-referral_team": teams["assessment"].pk}
    )
    assert response.status_code == 302
    referral = Referral.objects.get(person=decision.person)
    assert referral.team == teams["assessment"]
    page = manager.get(detail(contact)).content.decode()
    assert '<strong class="govuk-tag govuk-tag--green">Authorised</strong> by Mo Ali' in page


def test_a_caseworker_who_may_see_the_child_may_read_the_contact_but_not_decide(as_worker, contact):
    decision = contact.children.get()
    page = as_worker.get(detail(contact)).content.decode()
    assert "Police attended a domestic incident" in page and "Record decision" not in page
    assert decide(as_worker, contact, decision).status_code == 403
    assert ContactChild.objects.get(pk=decision.pk).outcome == ""


def test_another_team_gets_not_found(as_outsider, contact):
    decision = contact.children.get()
    assert as_outsider.get(detail(contact)).status_code == 404
    assert decide(as_outsider, contact, decision).status_code == 404
    assert ContactChild.objects.get(pk=decision.pk).outcome == ""
