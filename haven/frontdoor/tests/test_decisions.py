"""Deciding for a sibling group, returning and amending decisions, feedback only with a route,
adding a child to a contact, urgency and the inbox's status: the services and selectors."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from conftest import record_contact
from haven.accounts.models import Role
from haven.assessments.models import Assessment
from haven.chronology.models import ChronologyEvent
from haven.core.calendar import calendar
from haven.core.errors import ConflictError
from haven.frontdoor import selectors, services
from haven.frontdoor.history import contact_history
from haven.frontdoor.models import ContactChild, DecisionStatus, Referral, ReferrerFeedback
from haven.people import services as people
from haven.people.models import Person, Relationship

pytestmark = pytest.mark.django_db


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
    return record_contact(
        mash_worker,
        teams["front_door"],
        siblings,
        concerns=["domestic_abuse", "parent_substance", "housing"],
        referrer={"name": "PC Dale", "email": "pc.dale@police.example"},
    )


def decide_all(contact, by, children=None, **more):
    values: dict[str, Any] = {
        "level_of_need": 3,
        "outcome": "referral",
        "rationale": "Needs an assessment",
    }
    values.update(more)
    return services.decision_record_group(
        contact=contact, children=children or list(contact.children.all()), by=by, **values
    )


def test_an_immediate_contact_is_due_the_working_day_it_arrives(mash_worker, teams, child):
    # A Friday afternoon: the routine contact is due on Monday, the immediate one today.
    friday = timezone.make_aware(datetime.datetime(2026, 11, 27, 14, 0))
    routine = record_contact(mash_worker, teams["front_door"], [child], received_at=friday)
    immediate = record_contact(
        mash_worker, teams["front_door"], [child], received_at=friday, urgency="immediate"
    )
    assert routine.decision_due == calendar().add_working_days(friday.date(), 1)
    assert immediate.decision_due == friday.date()
    assert immediate.decision_due_rule == "contact_decision_immediate"


def test_the_setting_gives_an_immediate_contact_its_time(mash_worker, teams, child, settings):
    settings.HAVEN_CONTACT_IMMEDIATE_WD = 1
    friday = timezone.make_aware(datetime.datetime(2026, 11, 27, 14, 0))
    contact = record_contact(
        mash_worker, teams["front_door"], [child], received_at=friday, urgency="immediate"
    )
    assert contact.decision_due == datetime.date(2026, 11, 30)


def test_the_inbox_puts_a_child_at_risk_now_first_and_says_each_status(
    mash_worker, mash_manager, teams, make_child
):
    routine = record_contact(mash_worker, teams["front_door"], [make_child(given_names="R")])
    immediate = record_contact(
        mash_worker, teams["front_door"], [make_child(given_names="I")], urgency="immediate"
    )
    returned = record_contact(mash_worker, teams["front_door"], [make_child(given_names="T")])
    decision = returned.children.get()
    services.decision_record(
        contact_child=decision, by=mash_worker, level_of_need=1, outcome="nfa", rationale="No"
    )
    waiting = record_contact(mash_worker, teams["front_door"], [make_child(given_names="W")])
    services.decision_record(
        contact_child=waiting.children.get(),
        by=mash_worker,
        level_of_need=1,
        outcome="nfa",
        rationale="No",
    )
    services.decision_return(contact_child=decision, by=mash_manager, comment="Check with school")

    inbox = list(selectors.mash_inbox(user=mash_worker))
    assert inbox[0] == immediate
    statuses = {c.pk: c.status for c in inbox}  # type: ignore[attr-defined]
    assert statuses == {
        routine.pk: "undecided",
        immediate.pk: "undecided",
        returned.pk: "returned",
        waiting.pk: "awaiting",
    }
    assert list(selectors.mash_inbox(user=mash_worker, status="returned")) == [returned]
    assert list(selectors.mash_inbox(user=mash_worker, status="awaiting")) == [waiting]


def test_one_decision_for_the_group_with_an_exception_decided_on_its_own(
    contact, siblings, mash_worker
):
    _amy, _ben = siblings
    amy_d, ben_d = (contact.children.get(person=p) for p in siblings)
    decide_all(contact, mash_worker, children=[amy_d], level_of_need=2, outcome="early_help")
    amy_d.refresh_from_db()
    ben_d.refresh_from_db()
    assert (amy_d.outcome, amy_d.level_of_need) == ("early_help", 2)
    assert amy_d.status == DecisionStatus.AWAITING
    assert ben_d.status == DecisionStatus.UNDECIDED
    services.decision_record(
        contact_child=ben_d, by=mash_worker, level_of_need=1, outcome="nfa", rationale="Older"
    )
    assert set(contact.children.values_list("outcome", flat=True)) == {"early_help", "nfa"}


def test_a_group_decision_is_all_or_nothing_and_names_the_child_who_stops_it(
    contact, siblings, mash_worker
):
    _amy, ben = siblings
    Person.objects.filter(pk=ben.pk).update(date_of_birth=None)
    with pytest.raises(ValidationError) as raised:
        decide_all(contact, mash_worker)
    assert "Ben Rowe" in str(raised.value.message_dict["outcome"])
    assert not contact.children.exclude(outcome="").exists()


def test_a_manager_returns_a_decision_and_the_worker_decides_again(
    contact, mash_worker, mash_manager, teams
):
    decide_all(contact, mash_worker)
    amy_d = contact.children.order_by("pk").first()
    with pytest.raises(ValidationError):
        services.decision_return(contact_child=amy_d, by=mash_manager, comment="  ")
    with pytest.raises(ValidationError):
        services.decision_return(contact_child=amy_d, by=mash_worker, comment="Not mine to send")
    services.decision_return(contact_child=amy_d, by=mash_manager, comment="Ask the school first")
    amy_d.refresh_from_db()
    assert amy_d.status == DecisionStatus.RETURNED
    assert amy_d.return_comment == "Ask the school first" and amy_d.returned_by == mash_manager
    with pytest.raises(ConflictError):
        services.decision_authorise(
            contact_child=amy_d, by=mash_manager, referral_team=teams["assessment"]
        )
    assert ChronologyEvent.objects.filter(
        person=amy_d.person, event="decision_returned", detail="Ask the school first"
    ).exists()

    services.decision_record(
        contact_child=amy_d, by=mash_worker, level_of_need=2, outcome="early_help", rationale="OK"
    )
    amy_d.refresh_from_db()
    assert amy_d.status == DecisionStatus.AWAITING and amy_d.return_comment == ""
    services.decision_authorise(contact_child=amy_d, by=mash_manager)
    amy_d.refresh_from_db()
    assert amy_d.status == DecisionStatus.AUTHORISED


def test_a_manager_amends_a_decision_saying_why_and_it_takes_effect(
    contact, mash_worker, mash_manager, teams
):
    decide_all(contact, mash_worker, level_of_need=2, outcome="early_help")
    amy_d = contact.children.order_by("pk").first()
    with pytest.raises(ValidationError) as raised:
        services.decision_amend(
            contact_child=amy_d,
            by=mash_manager,
            level_of_need=3,
            outcome="referral",
            rationale="Needs assessment",
            reason="",
            referral_team=teams["assessment"],
        )
    assert "reason" in raised.value.message_dict
    services.decision_amend(
        contact_child=amy_d,
        by=mash_manager,
        level_of_need=3,
        outcome="referral",
        rationale="Needs assessment",
        reason="Third incident this year",
        referral_team=teams["assessment"],
    )
    amy_d.refresh_from_db()
    assert amy_d.outcome == "referral" and amy_d.decided_by == mash_worker
    assert amy_d.amended_by == mash_manager and amy_d.amend_reason == "Third incident this year"
    assert amy_d.authorised_by == mash_manager
    assert Referral.objects.filter(person=amy_d.person).exists()
    entry = ChronologyEvent.objects.get(person=amy_d.person, event="decision_amended")
    assert "from early help to referral" in entry.summary.lower()


def test_the_assessment_starts_with_the_contacts_concerns_as_factors(contact, mash_manager, teams):
    decide_all(contact, mash_manager, referral_team=teams["assessment"])
    assessment = Assessment.objects.get(person=contact.children.order_by("pk").first().person)
    # Domestic abuse and parental substance misuse; housing has no census factor.
    assert assessment.factors == ["1B", "2B", "3B"]


def test_feedback_is_not_sent_until_someone_says_how_and_to_whom(
    mash_worker, mash_manager, teams, child
):
    contact = record_contact(mash_worker, teams["front_door"], [child], referrer={"name": "Anon"})
    decision = contact.children.get()
    services.decision_record(
        contact_child=decision, by=mash_manager, level_of_need=1, outcome="nfa", rationale="No"
    )
    feedback = ReferrerFeedback.objects.get(contact_child=decision)
    assert not feedback.is_sent and feedback.sent_to == ""
    with pytest.raises(ValidationError) as raised:
        services.feedback_record_sent(feedback=feedback, by=mash_worker, method="email", sent_to="")
    assert "no way to reach the referrer" in raised.value.message_dict["sent_to"][0]
    with pytest.raises(ValidationError):
        services.feedback_record_sent(
            feedback=feedback, by=mash_worker, method="email", sent_to="not an address"
        )
    feedback.refresh_from_db()
    assert feedback.sent_at is None
    services.feedback_record_sent(
        feedback=feedback, by=mash_worker, method="phone", sent_to="01962 000 111"
    )
    feedback.refresh_from_db()
    assert feedback.is_sent and feedback.method == "phone" and feedback.sent_by == mash_worker
    with pytest.raises(ConflictError):
        services.feedback_record_sent(
            feedback=feedback, by=mash_worker, method="phone", sent_to="01962 000 111"
        )


def test_a_new_child_joins_the_contact_at_the_familys_address_linked_to_siblings_and_parents(
    contact, siblings, mash_worker
):
    amy, ben = siblings
    address = people.AddressData(line_1="1 High Street", town="Winchester", postcode="SO23 8UJ")
    people.address_add(person=amy, by=mash_worker, address=address)
    mother = people.relationship_add(
        child=amy,
        by=mash_worker,
        relationship_type="parent",
        new_person={"given_names": "Kim", "family_name": "Rowe"},
        parental_responsibility=True,
    ).person
    people.relationship_add(
        child=ben,
        by=mash_worker,
        relationship_type="parent",
        relative=mother,
        parental_responsibility=True,
    )
    added = services.contact_child_add(
        contact=contact,
        by=mash_worker,
        details={"given_names": "Cal", "family_name": "Rowe", "sex": "M"},
    )
    cal = added.person
    assert contact.children.count() == 3
    assert str(cal.addresses.get()) == "1 High Street, Winchester, SO23 8UJ"
    assert set(
        Relationship.objects.filter(person=cal, relationship_type="sibling").values_list(
            "relative_of", flat=True
        )
    ) == {amy.pk, ben.pk}
    parent = Relationship.objects.get(relative_of=cal, relationship_type="parent")
    assert parent.person == mother and parent.parental_responsibility
    assert ChronologyEvent.objects.filter(person=cal, event="contact_received").exists()


def test_a_new_child_needs_an_address_to_copy_when_asked_and_nothing_is_half_saved(
    contact, mash_worker
):
    before = Person.objects.count()
    with pytest.raises(ValidationError) as raised:
        services.contact_child_add(
            contact=contact,
            by=mash_worker,
            details={"given_names": "Cal", "family_name": "Rowe"},
            same_address=True,
        )
    assert "same_address" in raised.value.message_dict
    assert Person.objects.count() == before and contact.children.count() == 2


def test_the_contact_shows_each_childs_history(contact, siblings, mash_worker, mash_manager, teams):
    amy, ben = siblings
    earlier = record_contact(mash_worker, teams["front_door"], [amy])
    services.decision_record(
        contact_child=earlier.children.get(),
        by=mash_manager,
        level_of_need=3,
        outcome="referral",
        rationale="Needs assessment",
        referral_team=teams["assessment"],
    )
    seen = selectors.contact_get_for_user(user=mash_worker, contact_id=contact.pk)
    history = contact_history(seen)
    assert [c.contact_id for c in history[amy.pk].earlier_contacts] == [earlier.pk]
    assert history[amy.pk].open_referral is not None
    allocation = history[amy.pk].allocation
    assert allocation is not None and allocation.team == teams["assessment"]
    assert history[ben.pk].is_new_to_us
    assert ContactChild.objects.filter(person=amy).count() == 2


def test_a_returned_decision_is_the_workers_to_make_again_on_my_work(
    contact, mash_worker, mash_manager
):
    from haven.frontdoor.work import front_door_items
    from haven.work.items import Scope

    decide_all(contact, mash_worker, level_of_need=1, outcome="nfa")
    amy_d = contact.children.order_by("pk").first()
    services.decision_return(contact_child=amy_d, by=mash_manager, comment="Ask the school")
    mine = [i.title for i in front_door_items(mash_worker, Scope.MINE)]
    assert f"Decide again (returned) contact {contact.pk}" in mine


def test_the_referral_a_contact_opens_is_not_its_own_history(contact, mash_manager, teams):
    decide_all(contact, mash_manager, referral_team=teams["assessment"])
    seen = selectors.contact_get_for_user(user=mash_manager, contact_id=contact.pk)
    assert all(h.referrals == [] for h in contact_history(seen).values())
