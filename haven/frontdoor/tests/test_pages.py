"""The front door's pages as a user meets them: finding children without losing ticks, the
inbox's status, the contact's history, group decisions, returns, amendments and feedback."""

from __future__ import annotations

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from conftest import client_for, record_contact
from haven.accounts.models import Role
from haven.frontdoor import services
from haven.frontdoor.models import Contact, ContactChild, ReferrerFeedback

pytestmark = pytest.mark.django_db

NEW = reverse("frontdoor:contact_create")


@pytest.fixture
def mash_worker(make_user):
    return make_user(Role.MASH_PRACTITIONER, "front_door", first_name="Maya", last_name="Shah")


@pytest.fixture
def mash_manager(make_user):
    return make_user(Role.TEAM_MANAGER, "front_door", first_name="Mo", last_name="Ali")


@pytest.fixture
def siblings(make_child):
    amy = make_child(given_names="Amy", family_name="Rowe", team=None)
    ben = make_child(given_names="Ben", family_name="Rowe", team=None)
    return amy, ben


@pytest.fixture
def contact(mash_worker, teams, siblings):
    return record_contact(mash_worker, teams["front_door"], siblings)


def detail(contact):
    return reverse("frontdoor:contact_detail", args=[contact.pk])


def test_find_draws_the_form_again_with_what_was_typed_and_no_errors(mash_worker, siblings):
    amy, _ben = siblings
    client = client_for(mash_worker)
    response = client.post(
        NEW,
        {"find": "Amy Rowe", "find_children": "1", "summary": "Father shouting", "child": []},
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" not in page and "Error:" not in page
    assert "Father shouting" in page
    assert f'id="match-{amy.pk}"' in page
    assert not Contact.objects.exists()


def test_a_tick_is_kept_when_finding_a_sibling_without_javascript(mash_worker, siblings):
    amy, ben = siblings
    client = client_for(mash_worker)
    page = client.post(
        NEW, {"find": "Ben Rowe", "find_children": "1", "child": [str(amy.pk)]}
    ).content.decode()
    # Amy stays ticked above the matches, and is not offered again unticked below.
    assert re.search(rf'id="linked-{amy.pk}"[^>]*checked', page)
    assert f'id="match-{amy.pk}"' not in page
    assert f'id="match-{ben.pk}"' in page


def test_enter_in_the_find_box_is_find_for_the_server_too(mash_worker, siblings):
    """Without JavaScript, Enter presses the form's first button: Find, not Save."""
    page = client_for(mash_worker).get(NEW).content.decode()
    buttons = re.findall(r'<button type="submit" name="([a-z_]+)"', page)
    assert buttons[0] == "find_children" and "save" in buttons


def test_the_htmx_matches_keep_the_children_already_ticked(mash_worker, siblings):
    amy, ben = siblings
    client = client_for(mash_worker)
    page = client.get(
        reverse("frontdoor:match"), {"find": "Ben Rowe", "child": [str(amy.pk), "x", "9" * 30]}
    ).content.decode()
    assert re.search(rf'id="linked-{amy.pk}"[^>]*checked', page)
    assert f'id="match-{ben.pk}"' in page and f'id="match-{amy.pk}"' not in page


def test_save_still_checks_everything(mash_worker, siblings):
    response = client_for(mash_worker).post(NEW, {"save": "1", "child": [str(siblings[0].pk)]})
    page = response.content.decode()
    assert "There is a problem" in page and "Enter what the referrer told us" in page
    assert re.search(rf'id="linked-{siblings[0].pk}"[^>]*checked', page)


def test_the_inbox_shows_and_filters_by_status(mash_worker, mash_manager, teams, make_child):
    waiting = record_contact(mash_worker, teams["front_door"], [make_child(given_names="Wyn")])
    services.decision_record(
        contact_child=waiting.children.get(),
        by=mash_worker,
        level_of_need=1,
        outcome="nfa",
        rationale="No",
    )
    record_contact(mash_worker, teams["front_door"], [make_child(given_names="Una")])
    client = client_for(mash_worker)
    page = client.get(reverse("frontdoor:inbox")).content.decode()
    assert "Awaiting authorisation" in page and "Undecided" in page
    filtered = client.get(reverse("frontdoor:inbox"), {"status": "awaiting"}).content.decode()
    assert "Wyn Smith" in filtered and "Una Smith" not in filtered
    assert (
        "Wyn Smith" in client.get(reverse("frontdoor:inbox"), {"status": "bogus"}).content.decode()
    )


def test_a_green_check_on_an_immediate_contact_warns(mash_worker, teams, child):
    contact = record_contact(mash_worker, teams["front_door"], [child], urgency="immediate")
    client = client_for(mash_worker)
    response = client.post(
        reverse("frontdoor:check_request", args=[contact.pk]),
        {"check-agency": "health", "check-rag": "green", "check-justification": "Risk of harm"},
        follow=True,
    )
    page = response.content.decode()
    assert contact.checks.count() == 1
    assert "the contact is immediate" in page
    assert 'data-testid="slow-check"' in page


def test_the_contact_page_shows_each_childs_history(
    mash_worker, mash_manager, teams, siblings, contact
):
    amy, ben = siblings
    earlier = record_contact(
        mash_worker,
        teams["front_door"],
        [amy],
        received_at=timezone.now() - datetime.timedelta(days=30),
    )
    services.decision_record(
        contact_child=earlier.children.get(),
        by=mash_manager,
        level_of_need=3,
        outcome="referral",
        rationale="Needs assessment",
        referral_team=teams["assessment"],
    )
    page = client_for(mash_worker).get(detail(contact)).content.decode()
    amy_history = page[page.index(f'data-testid="history-{amy.pk}"') :]
    amy_history = amy_history[: amy_history.index("</dl>")]
    assert "Referral to children" in amy_history
    assert "Open episode" in amy_history and "Winchester assessment" in amy_history
    ben_history = page[page.index(f'data-testid="history-{ben.pk}"') :]
    assert "Not known to children's social care" in ben_history[: ben_history.index("</dl>")]


def test_one_decision_for_the_group_with_an_exception(mash_worker, contact, siblings):
    amy, ben = siblings
    amy_d = contact.children.get(person=amy)
    client = client_for(mash_worker)
    assert "Decide for the children together" in client.get(detail(contact)).content.decode()
    response = client.post(
        reverse("frontdoor:decide_group", args=[contact.pk]),
        {
            "group-children": [str(amy_d.pk)],
            "group-level_of_need": "2",
            "group-outcome": "early_help",
            "group-rationale": "Family support will help",
        },
    )
    assert response.status_code == 302
    assert ContactChild.objects.get(person=amy).outcome == "early_help"
    assert ContactChild.objects.get(person=ben).outcome == ""
    refused = client.post(
        reverse("frontdoor:decide_group", args=[contact.pk]),
        {"group-level_of_need": "2", "group-outcome": "early_help", "group-rationale": "x"},
    )
    assert "Choose the children this decision is for" in refused.content.decode()


def test_the_manager_returns_with_a_comment_the_worker_sees_it(
    mash_worker, mash_manager, contact, siblings
):
    amy = siblings[0]
    decision = contact.children.get(person=amy)
    services.decision_record(
        contact_child=decision, by=mash_worker, level_of_need=1, outcome="nfa", rationale="No"
    )
    worker = client_for(mash_worker)
    url = reverse("frontdoor:return_decision", args=[contact.pk, decision.pk])
    assert worker.post(url, {f"ret{decision.pk}-comment": "No"}).status_code == 403
    manager = client_for(mash_manager)
    empty = manager.post(url, {f"ret{decision.pk}-comment": " "})
    assert "Enter why the decision is returned" in empty.content.decode()
    assert (
        manager.post(url, {f"ret{decision.pk}-comment": "Speak to the school"}).status_code == 302
    )
    page = worker.get(detail(contact)).content.decode()
    returned = page[page.index(f'data-testid="returned-{amy.pk}"') :]
    assert "Speak to the school" in returned[: returned.index("</div>")]
    assert f'action="{reverse("frontdoor:decide", args=[contact.pk, decision.pk])}"' in page


def test_the_manager_amends_saying_why(mash_worker, mash_manager, contact, siblings):
    amy = siblings[0]
    decision = contact.children.get(person=amy)
    services.decision_record(
        contact_child=decision, by=mash_worker, level_of_need=1, outcome="nfa", rationale="No"
    )
    manager = client_for(mash_manager)
    p = f"am{decision.pk}-"
    response = manager.post(
        reverse("frontdoor:amend", args=[contact.pk, decision.pk]),
        {
            f"{p}level_of_need": "2",
            f"{p}outcome": "early_help",
            f"{p}rationale": "Support needed",
            f"{p}reason": "Second contact this month",
        },
    )
    assert response.status_code == 302
    page = manager.get(detail(contact)).content.decode()
    assert "Amended by Mo Ali" in page and "Second contact this month" in page


def test_feedback_is_claimed_as_sent_only_with_a_route(mash_worker, mash_manager, teams, child):
    contact = record_contact(mash_worker, teams["front_door"], [child])
    decision = contact.children.get()
    services.decision_record(
        contact_child=decision, by=mash_manager, level_of_need=1, outcome="nfa", rationale="No"
    )
    feedback = ReferrerFeedback.objects.get(contact_child=decision)
    client = client_for(mash_worker)
    page = client.get(detail(contact)).content.decode()
    assert "Feedback not sent" in page and "has been sent" not in page
    url = reverse("frontdoor:feedback_sent", args=[contact.pk, feedback.pk])
    refused = client.post(url, {f"fb{feedback.pk}-method": "email", f"fb{feedback.pk}-sent_to": ""})
    assert "There is no way to reach the referrer" in refused.content.decode()
    feedback.refresh_from_db()
    assert feedback.sent_at is None
    ok = client.post(
        url,
        {f"fb{feedback.pk}-method": "letter", f"fb{feedback.pk}-sent_to": "Police HQ, SO23 8UJ"},
    )
    assert ok.status_code == 302
    page = client.get(detail(contact)).content.decode()
    assert "Feedback sent to the referrer by letter to Police HQ, SO23 8UJ" in page


def test_a_new_child_is_added_to_the_contact(mash_worker, contact):
    response = client_for(mash_worker).post(
        reverse("frontdoor:add_child", args=[contact.pk]),
        {
            "add-given_names": "Cal",
            "add-family_name": "Rowe",
            "add-sex": "M",
            "add-link_family": "on",
        },
    )
    assert response.status_code == 302
    assert contact.children.filter(person__given_names="Cal").exists()


def test_the_contact_page_reads_history_in_a_fixed_number_of_queries(
    mash_worker, teams, make_child
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for(mash_worker)
    counts = []
    for n in (1, 3):
        children = [make_child(given_names=f"Kid{n}{i}", team=None) for i in range(n)]
        for child in children:  # each with an earlier contact of their own
            record_contact(mash_worker, teams["front_door"], [child])
        contact = record_contact(mash_worker, teams["front_door"], children)
        client.get(detail(contact))
        with CaptureQueriesContext(connection) as queries:
            assert client.get(detail(contact)).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1], counts
