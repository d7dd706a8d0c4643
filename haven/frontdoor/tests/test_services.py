import datetime
import zoneinfo

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from conftest import record_contact
from haven.accounts.models import Role
from haven.assessments.models import Assessment
from haven.chronology.models import ChronologyEvent
from haven.frontdoor import services
from haven.frontdoor.models import Contact, MashCheck, Referral, ReferrerFeedback
from haven.people.models import Person

pytestmark = pytest.mark.django_db
LONDON = zoneinfo.ZoneInfo("Europe/London")


def at(y, m, d, hh=10, mm=0):
    return datetime.datetime(y, m, d, hh, mm, tzinfo=LONDON)


@pytest.fixture
def mash(make_user):
    return make_user(Role.MASH_PRACTITIONER, "front_door", first_name="Maya", last_name="Ashworth")


@pytest.fixture
def fd_manager(make_user, teams, manager):
    from haven.accounts.models import Membership

    Membership.objects.create(user=manager, team=teams["front_door"])
    return manager


def new_contact(mash, teams, children, received_at=None, **kw):
    return record_contact(
        mash,
        teams["front_door"],
        children,
        received_at=received_at or at(2024, 3, 28, 15),
        **{"summary": "Police attended a domestic incident at home", **kw},
    )


def test_a_contact_about_siblings_gives_each_child_their_own_decision(mash, teams, make_child):
    a, b = make_child(given_names="Amy"), make_child(given_names="Ben")
    contact = new_contact(mash, teams, [a, b])
    assert contact.children.count() == 2
    assert ChronologyEvent.objects.filter(kind="contact", person__in=[a, b]).count() == 2


def test_the_decision_is_due_one_working_day_after_receipt_across_easter(mash, teams, child):
    # Thursday 28 March 2024; Good Friday and Easter Monday are bank holidays.
    contact = new_contact(mash, teams, [child], received_at=at(2024, 3, 28, 15))
    assert contact.decision_due == datetime.date(2024, 4, 2)
    assert contact.decision_due_rule == "contact_decision"


def test_correcting_the_time_received_moves_the_deadline(mash, teams, child):
    contact = new_contact(mash, teams, [child], received_at=at(2024, 3, 28, 15))
    services.contact_correct_received(contact=contact, by=mash, received_at=at(2024, 3, 26, 9))
    assert contact.decision_due == datetime.date(2024, 3, 27)


def test_a_contact_dated_in_the_future_is_refused_and_nothing_saved(mash, teams, child):
    with pytest.raises(ValidationError) as error:
        new_contact(mash, teams, [child], received_at=timezone.now() + datetime.timedelta(hours=2))
    assert "received_at" in error.value.message_dict
    assert not Contact.objects.exists()


def test_new_children_on_a_contact_are_created_and_linked(mash, teams):
    contact = new_contact(
        mash,
        teams,
        [],
        new_children=[
            {
                "given_names": "Cara",
                "family_name": "Doe",
                "date_of_birth": datetime.date(2019, 5, 1),
                "sex": "F",
            }
        ],
    )
    assert contact.children.get().person.full_name == "Cara Doe"


def test_a_contact_needs_a_child(mash, teams):
    with pytest.raises(ValidationError, match="at least one child"):
        new_contact(mash, teams, [])


def test_sharing_without_consent_needs_a_reason(mash, teams, child):
    with pytest.raises(ValidationError) as error:
        new_contact(mash, teams, [child], consent="refused", consent_basis="consent")
    assert "consent_basis" in error.value.message_dict


@pytest.mark.parametrize(
    ("rag", "requested", "due"),
    [
        ("red", at(2024, 3, 28, 15), at(2024, 4, 2, 11)),  # 2 hours Thursday, 2 more on Tuesday
        ("amber", at(2024, 3, 28, 15), at(2024, 4, 2, 17)),
        ("green", at(2024, 3, 28, 15), at(2024, 4, 4, 17)),
    ],
)
def test_mash_check_deadlines_follow_their_rag_rating(mash, teams, child, rag, requested, due):
    contact = new_contact(mash, teams, [child])
    check = services.mash_check_request(
        contact=contact,
        by=mash,
        agency="police",
        rag=rag,
        justification="Risk of significant harm",
        requested_at=requested,
    )
    assert check.due_at == due


def test_a_check_needs_its_information_sharing_justification(mash, teams, child):
    contact = new_contact(mash, teams, [child])
    with pytest.raises(ValidationError, match="justified"):
        services.mash_check_request(
            contact=contact, by=mash, agency="health", rag="green", justification=" "
        )
    assert not MashCheck.objects.exists()


def test_a_decision_without_rationale_is_refused(mash, teams, child):
    decision = new_contact(mash, teams, [child]).children.get()
    with pytest.raises(ValidationError) as error:
        services.decision_record(
            contact_child=decision, by=mash, level_of_need=2, outcome="early_help", rationale="   "
        )
    assert "rationale" in error.value.message_dict
    decision.refresh_from_db()
    assert decision.outcome == ""


def test_a_practitioners_decision_waits_for_a_manager(mash, fd_manager, teams, child):
    contact = new_contact(mash, teams, [child])
    decision = services.decision_record(
        contact_child=contact.children.get(),
        by=mash,
        level_of_need=3,
        outcome="referral",
        rationale="Repeated incidents",
    )
    assert decision.authorised_at is None and not Referral.objects.exists()
    with pytest.raises(ValidationError, match="team manager"):
        services.decision_authorise(
            contact_child=decision, by=mash, referral_team=teams["assessment"]
        )
    services.decision_authorise(
        contact_child=decision, by=fd_manager, referral_team=teams["assessment"]
    )
    referral = Referral.objects.get(person=child)
    assert referral.contact_child == decision
    assert ReferrerFeedback.objects.get(contact_child=decision).message.endswith(
        "Referral to children's social care."
    )
    contact.refresh_from_db()
    assert contact.completed_at is not None


def test_a_referral_needs_the_childs_date_of_birth(mash, fd_manager, teams, make_child):
    nameless_dob = make_child(date_of_birth=None, expected_date_of_birth=None, team=None)
    decision = new_contact(mash, teams, [nameless_dob]).children.get()
    with pytest.raises(ValidationError, match="no date of birth"):
        services.decision_record(
            contact_child=decision,
            by=fd_manager,
            level_of_need=3,
            outcome="referral",
            rationale="Concerns",
            referral_team=teams["assessment"],
        )
    assert not Referral.objects.exists()


def refer(child, fd_manager, teams, on):
    return services.referral_create(
        person=child, by=fd_manager, referral_date=on, source="6", team=teams["assessment"]
    )


def closed(referral, on):
    """The episode as it stands once closed (history for the next referral to look back on)."""
    Referral.objects.filter(pk=referral.pk).update(closure_date=on, closure_reason="RC8")
    referral.refresh_from_db()
    return referral


def test_a_referral_within_12_months_of_the_last_is_a_re_referral(child, fd_manager, teams):
    first = closed(
        refer(child, fd_manager, teams, datetime.date(2023, 5, 10)), datetime.date(2023, 6, 1)
    )
    again = closed(
        refer(child, fd_manager, teams, datetime.date(2024, 5, 9)), datetime.date(2024, 6, 1)
    )
    later = refer(child, fd_manager, teams, datetime.date(2025, 5, 20))
    assert not first.is_re_referral and again.is_re_referral and not later.is_re_referral


def test_a_referral_starts_an_assessment_due_45_working_days_later(child, fd_manager, teams):
    referral = refer(child, fd_manager, teams, datetime.date(2024, 3, 28))
    assessment = Assessment.objects.get(referral=referral)
    # 45 working days from Thursday 28 March 2024, skipping Easter and the May bank holidays.
    assert assessment.due_date == datetime.date(2024, 6, 5)
    assert child.allocations.get(end_date__isnull=True).team == teams["assessment"]


def test_correcting_the_referral_date_recomputes_the_deadline_and_flag(child, fd_manager, teams):
    closed(refer(child, fd_manager, teams, datetime.date(2023, 1, 10)), datetime.date(2023, 2, 1))
    referral = refer(child, fd_manager, teams, datetime.date(2024, 3, 28))
    assert not referral.is_re_referral
    services.referral_correct_date(
        referral=referral, by=fd_manager, referral_date=datetime.date(2023, 12, 1)
    )
    assert referral.is_re_referral
    # 45 working days from Friday 1 December 2023, skipping Christmas and New Year.
    assert referral.assessments.get().due_date == datetime.date(2024, 2, 7)


def test_restricted_children_stay_out_of_the_mash_inbox(mash, teams, child, manager):
    from haven.frontdoor.selectors import mash_inbox
    from haven.people.services import person_restrict

    new_contact(mash, teams, [child])
    assert mash_inbox(user=mash).count() == 1
    person_restrict(person=child, by=manager, named_users=[])
    assert mash_inbox(user=mash).count() == 0
    assert Person.objects.filter(pk=child.pk, is_restricted=True).exists()


def test_matching_as_you_type_lists_known_children(mash, make_child):
    from conftest import client_for

    make_child(given_names="Amy", family_name="Rowe")
    page = client_for(mash).get("/front-door/match/?find=Amy+Row").content.decode()
    assert "Amy Rowe" in page and 'name="child"' in page


def test_an_unassigned_contact_can_be_given_to_a_mash_worker(
    fd_manager, mash, teams, child, outsider
):
    from conftest import client_for
    from haven.frontdoor.selectors import mash_inbox

    contact = new_contact(fd_manager, teams, [child])
    assert contact.worker is None and mash_inbox(user=mash, show="mine").count() == 0
    manager_client = client_for(fd_manager)
    refused = manager_client.post(
        f"/front-door/contacts/{contact.pk}/assign/", {"assign-worker": outsider.pk}
    )
    assert "Select a valid choice" in refused.content.decode()
    done = manager_client.post(
        f"/front-door/contacts/{contact.pk}/assign/", {"assign-worker": mash.pk}
    )
    assert done.status_code == 302
    assert mash_inbox(user=mash, show="mine").get() == contact


def test_a_second_referral_while_an_episode_is_open_is_refused_with_a_message(
    child, fd_manager, teams
):
    first = refer(child, fd_manager, teams, datetime.date(2024, 3, 1))
    with pytest.raises(ValidationError, match="already has an open child in need episode") as error:
        refer(child, fd_manager, teams, datetime.date(2024, 4, 2))
    assert "referred 1 March 2024, held by Winchester assessment" in str(error.value)
    assert list(Referral.objects.filter(person=child)) == [first]
    assert Assessment.objects.filter(person=child).count() == 1


def test_a_referral_decision_for_a_child_with_an_open_episode_is_refused_before_it_is_saved(
    mash, fd_manager, teams, child
):
    refer(child, fd_manager, teams, datetime.date(2024, 3, 1))
    decision = new_contact(mash, teams, [child]).children.get()
    with pytest.raises(ValidationError) as error:
        services.decision_record(
            contact_child=decision,
            by=fd_manager,
            level_of_need=4,
            outcome="strategy_discussion",
            rationale="New injury",
            referral_team=teams["assessment"],
        )
    assert "already has an open child in need episode" in error.value.message_dict["outcome"][0]
    decision.refresh_from_db()
    assert decision.outcome == "" and Referral.objects.filter(person=child).count() == 1


def test_an_episode_opened_between_decision_and_authorisation_refuses_the_authorisation(
    mash, fd_manager, teams, child
):
    decision = services.decision_record(
        contact_child=new_contact(mash, teams, [child]).children.get(),
        by=mash,
        level_of_need=3,
        outcome="referral",
        rationale="Neglect",
    )
    refer(child, fd_manager, teams, datetime.date(2024, 3, 1))
    with pytest.raises(ValidationError, match="already has an open child in need episode"):
        services.decision_authorise(
            contact_child=decision, by=fd_manager, referral_team=teams["assessment"]
        )
    decision.refresh_from_db()
    assert decision.authorised_at is None and not ReferrerFeedback.objects.exists()


def test_a_new_referral_after_the_episode_closes_is_accepted(child, fd_manager, teams):
    closed(refer(child, fd_manager, teams, datetime.date(2024, 3, 1)), datetime.date(2024, 3, 20))
    again = refer(child, fd_manager, teams, datetime.date(2024, 4, 2))
    assert again.is_open and again.is_re_referral


def test_the_database_refuses_a_second_open_episode_whatever_writes_it(child, fd_manager, teams):
    first = refer(child, fd_manager, teams, datetime.date(2024, 3, 1))
    with (
        pytest.raises(IntegrityError, match="referral_one_open_episode_per_child"),
        transaction.atomic(),
    ):
        Referral.objects.create(person=child, referral_date=datetime.date(2024, 4, 2), source="6")
    assert list(Referral.objects.filter(person=child, closure_date__isnull=True)) == [first]
