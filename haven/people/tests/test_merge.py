"""Merging duplicates: every record that belongs to a person moves, or nothing does."""

import datetime

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone

from conftest import record_contact
from haven.accounts.models import Membership, Role
from haven.childinneed import services as childinneed
from haven.frontdoor import services as frontdoor
from haven.frontdoor.models import Referral
from haven.people import services
from haven.people.models import Address, BreakGlassGrant, Person, PersonDisability, RestrictedAccess
from haven.people.ownership import owned_models, person_fields, stays_with_merged
from haven.protection import services as protection
from haven.protection.models import ChildProtectionPlan, Conference, S47Enquiry
from haven.returns.models import ExternalIdentifier, ImportedEpisode, ImportedHistory

pytestmark = pytest.mark.django_db
D = datetime.date
REGISTERED = sorted(entry.label for entry in owned_models())
# Rows the merge copies to the kept record but also leaves on the duplicate, and why.
COPIED = {"people.RestrictedAccess": "the merged pointer stays as closed as the record was"}


def test_every_foreign_key_to_a_person_is_moved_by_a_merge_or_said_to_stay():
    """A new package's model pointing at a person fails here until it registers itself in its
    app's ready() (haven.people.ownership), so a merge cannot strand its rows."""
    accounted = {entry.label: set(entry.fields) for entry in owned_models()}
    for label, (fields, _reason) in stays_with_merged().items():
        accounted.setdefault(label, set()).update(fields)
    pointing = {
        model._meta.label: set(person_fields(model))
        for model in apps.get_models()
        if person_fields(model)
    }
    unaccounted = sorted(
        f"{label}.{field}"
        for label, fields in pointing.items()
        for field in fields - accounted.get(label, set())
    )
    assert unaccounted == [], "register these with register_person_owned or stays_with_merged"
    # And nothing is registered that does not point at a person (a stale registration).
    assert accounted == pointing
    assert {"frontdoor.Referral", "protection.ChildProtectionPlan", "childinneed.CINPlan"} <= set(
        accounted
    )


@pytest.fixture
def chair(make_user):
    return make_user(Role.REVIEWING_OFFICER, None, first_name="Chloe", last_name="Bennett")


@pytest.fixture
def mash(make_user):
    return make_user(Role.MASH_PRACTITIONER, "front_door")


@pytest.fixture
def keep(make_child):
    return make_child(given_names="John", nhs_number="")


@pytest.fixture
def dup(make_child):
    return make_child(given_names="Jon", team="other", nhs_number="9434765919")


def _history(dup, *, manager, chair, mash, teams, make_child):
    """One row of every person-owned model on ``dup``, through the services where they exist;
    returns, by model, the filter that finds those rows wherever they end up."""
    rows: dict[str, Q] = {}
    Membership.objects.create(user=manager, team=teams["other"])
    alias = services.name_add(
        person=dup, by=manager, name_type="alias", given_names="Johnny", family_name="Smyth"
    )
    rows["people.PersonName"] = Q(pk=alias.pk)
    PersonDisability.objects.create(person=dup, code="MOB")
    rows["people.PersonDisability"] = Q(code="MOB")
    address = services.address_add(
        person=dup,
        by=manager,
        address=services.AddressData(line_1="1 Jewry Street", postcode="SO23 8RZ"),
    )
    rows["people.Address"] = Q(pk=address.pk)
    mother = services.relationship_add(
        child=dup,
        by=manager,
        relationship_type="parent",
        new_person={"given_names": "Sarah", "family_name": "Smith"},
    )
    sibling = services.relationship_add(
        child=make_child(given_names="Amy"), by=manager, relationship_type="sibling", relative=dup
    )
    rows["people.Relationship"] = Q(pk__in=[mother.pk, sibling.pk])
    gp = services.professional_add(person=dup, by=manager, role="gp", organisation="St Clements")
    rows["people.InvolvedProfessional"] = Q(pk=gp.pk)
    rows["people.Allocation"] = Q(pk=dup.allocations.get().pk)
    RestrictedAccess.objects.create(person=dup, user=chair, granted_by=manager)
    rows["people.RestrictedAccess"] = Q(user=chair)
    grant = BreakGlassGrant.objects.create(
        person=dup, user=chair, reason="Police at the door", expires_at=timezone.now()
    )
    rows["people.BreakGlassGrant"] = Q(pk=grant.pk)
    contact = record_contact(
        mash, teams["front_door"], [dup], received_at=timezone.now() - datetime.timedelta(days=1)
    )
    rows["frontdoor.ContactChild"] = Q(contact=contact)
    referral = frontdoor.referral_create(
        person=dup, by=manager, referral_date=D(2024, 3, 1), source="6", team=teams["other"]
    )
    rows["frontdoor.Referral"] = Q(pk=referral.pk)
    rows["assessments.Assessment"] = Q(referral=referral)
    rows["chronology.ChronologyEvent"] = Q(kind="referral")
    # A CIN plan (and its review) before the CP plan, which ends it: a child is not on both.
    cin_plan = childinneed.cin_plan_start(referral=referral, by=manager, start_date=D(2024, 3, 5))
    rows["childinneed.CINPlan"] = Q(pk=cin_plan.pk)
    review = childinneed.cin_review_record(
        plan=cin_plan,
        by=manager,
        held_on=D(2024, 3, 20),
        attendees="Mother",
        progress="Some",
        decision="continue",
    )
    rows["childinneed.CINReview"] = Q(pk=review.pk)
    protection.strategy_discussion_record(
        referral=referral,
        by=manager,
        held_on=D(2024, 3, 28),
        agencies=["police", "health"],
        decision="start_s47",
    )
    rows["protection.StrategyDiscussion"] = Q(referral=referral)
    s47 = S47Enquiry.objects.get(referral=referral)
    rows["protection.S47Enquiry"] = Q(pk=s47.pk)
    protection.s47_complete(s47=s47, by=manager, end_date=D(2024, 4, 17), outcome="conference")
    icpc = Conference.objects.get(s47=s47)
    protection.conference_hold(
        conference=icpc,
        by=manager,
        held_on=D(2024, 4, 17),
        chair=chair,
        decision="plan",
        category="NEG",
    )
    rows["protection.Conference"] = Q(pk=icpc.pk)
    plan = ChildProtectionPlan.objects.get(conference=icpc)
    rows["protection.ChildProtectionPlan"] = Q(pk=plan.pk)
    rows["protection.CoreGroup"] = Q(plan=plan)
    visit = protection.visit_record(
        kind="cp", plan=plan, by=manager, visited_on=D(2024, 4, 24), child_seen=True
    )
    rows["protection.Visit"] = Q(pk=visit.pk)
    rows["casenotes.CaseNoteChild"] = Q(visit=visit)  # the visit's case note (a final one)
    from haven.assessments.models import NextStep
    from haven.childinneed.models import ClosureProposal

    step = NextStep.objects.create(
        assessment=referral.assessments.get(),
        person=dup,
        kind="strategy_discussion",
        team=teams["other"],
        due_date=D(2024, 3, 29),
        created_by=manager,
    )
    rows["assessments.NextStep"] = Q(pk=step.pk)
    proposal = ClosureProposal.objects.create(
        referral=referral,
        person=dup,
        closure_date=D(2024, 5, 1),
        reason="RC7",
        summary="Services ceased",
        proposed_by=manager,
        proposed_at=timezone.now(),
    )
    rows["childinneed.ClosureProposal"] = Q(pk=proposal.pk)
    outcome = protection.plan_outcome_add(plan=plan, by=manager, text="Safe at home")
    rows["protection.PlanOutcome"] = Q(pk=outcome.pk)
    action = protection.plan_action_add(
        plan=plan, by=manager, who="Mother", what="Course", due_date=D(2024, 6, 1)
    )
    rows["protection.PlanAction"] = Q(pk=action.pk)
    member = protection.plan_member_add(plan=plan, by=manager, name="Jo Bell", role="Nurse")
    rows["protection.PlanMember"] = Q(pk=member.pk)
    from haven.oversight.services import ActionSpec, oversight_record

    oversight = oversight_record(
        person=dup,
        by=manager,
        direction="Merge-test direction",
        actions=[ActionSpec(owner=manager, description="Check", due_date=timezone.localdate())],
    )
    rows["oversight.Oversight"] = Q(pk=oversight.pk)
    rows["oversight.OversightAction"] = Q(oversight=oversight)
    ExternalIdentifier.objects.create(person=dup, system="cin:850", value="OLD-1")
    rows["returns.ExternalIdentifier"] = Q(value="OLD-1")
    ImportedEpisode.objects.create(
        person=dup, referral=referral, system="cin:850", collection_year=2024
    )
    rows["returns.ImportedEpisode"] = Q(referral=referral)
    ImportedHistory.objects.create(person=dup, system="ssda903:850")
    rows["returns.ImportedHistory"] = Q(system="ssda903:850")
    from django.core.files.uploadedfile import SimpleUploadedFile

    from haven.documents.services import document_upload

    (document,) = document_upload(
        person=dup,
        by=manager,
        upload=SimpleUploadedFile("note.txt", b"A note"),
        category="other",
        document_date=D(2024, 3, 2),
        description="School report",
    )
    rows["documents.Document"] = Q(pk=document.pk)
    _care_history(dup, manager, rows)
    _missing_history(dup, manager, rows)
    _exploitation_history(dup, manager, make_child, rows)
    _leaving_care_history(dup, manager, rows)
    return rows


def _leaving_care_history(dup, manager, rows):
    """A row of each leaving care model (made directly: the duplicate is too young for the
    services, which work out who is a care leaver from the date of birth)."""
    from haven.leavingcare import models as lc

    plan = lc.PathwayPlan.objects.create(
        person=dup,
        agreed_on=D(2024, 7, 1),
        **{
            f: "Text"
            for f in (
                "accommodation",
                "education_employment",
                "health",
                "money",
                "relationships",
                "identity",
                "practical_skills",
            )
        },
    )
    made = {
        "AdviserAllocation": lc.AdviserAllocation.objects.create(
            person=dup, adviser=manager, start_date=D(2024, 7, 1)
        ),
        "NeedsAssessment": lc.NeedsAssessment.objects.create(
            person=dup, completed_on=D(2024, 7, 1), due_date=D(2024, 8, 1), summary="Needs"
        ),
        "PathwayPlan": plan,
        "PlanAction": lc.PlanAction.objects.create(
            plan=plan,
            person=dup,
            area="money",
            text="Budget",
            owner="Adviser",
            due_date=D(2024, 9, 1),
        ),
        "PlanReview": lc.PlanReview.objects.create(
            plan=plan, person=dup, held_on=D(2024, 12, 1), due_date=D(2025, 1, 1), summary="Ok"
        ),
        "AccommodationPeriod": lc.AccommodationPeriod.objects.create(
            person=dup, start_date=D(2024, 7, 1), accommodation="E", suitable=True
        ),
        "ActivityPeriod": lc.ActivityPeriod.objects.create(
            person=dup, start_date=D(2024, 7, 1), activity="F2"
        ),
        "StayingPut": lc.StayingPut.objects.create(
            person=dup, start_date=D(2024, 7, 1), carer_name="Carers"
        ),
        "InTouchRecord": lc.InTouchRecord.objects.create(person=dup, on=D(2024, 7, 1), code="YES"),
        "SupportTo25": lc.SupportTo25.objects.create(person=dup, requested_on=D(2024, 7, 1)),
        "AdviserContact": lc.AdviserContact.objects.create(
            person=dup, adviser=manager, visited_on=D(2024, 7, 2), child_seen=True
        ),
        "HealthDetail": lc.HealthDetail.objects.create(
            person=dup, kind="allergy", description="Penicillin"
        ),
    }
    for name, row in made.items():
        rows[f"leavingcare.{name}"] = Q(pk=row.pk)


def _missing_history(dup, manager, rows):
    """A missing episode, its return home interview and a repeat-missing strategy discussion."""
    import datetime

    from haven.core.calendar import LONDON
    from haven.missing import services as missing

    episode = missing.episode_record(
        person=dup,
        by=manager,
        kind="M",
        started_at=datetime.datetime(2024, 6, 1, 21, tzinfo=LONDON),
        ended_at=datetime.datetime(2024, 6, 2, 9, tzinfo=LONDON),
    )
    rows["missing.MissingEpisode"] = Q(pk=episode.pk)
    interview = missing.rhi_offer(
        episode=episode,
        by=manager,
        offered_at=datetime.datetime(2024, 6, 2, 12, tzinfo=LONDON),
        interviewer_name="Return home interview service",
    )
    rows["missing.ReturnInterview"] = Q(pk=interview.pk)
    discussion = missing.repeat_discussion_record(
        person=dup, by=manager, held_on=D(2024, 6, 3), agencies="Police", decision="A plan"
    )
    rows["missing.RepeatMissingDiscussion"] = Q(pk=discussion.pk)


def _exploitation_history(dup, manager, make_child, rows):
    """A screening, an adult-of-concern flag, a link and a MACE referral (haven.exploitation)."""
    from haven.exploitation import models as ex
    from haven.exploitation import services as exploitation

    screening = exploitation.screening_record(
        person=dup,
        by=manager,
        screened_on=D(2024, 6, 1),
        types=["online"],
        indicators=[],
        judgement="Merge-test screening",
        risk="low",
        outcome="mace",
    )
    rows["exploitation.Screening"] = Q(pk=screening.pk)
    rows["exploitation.MaceReferral"] = Q(screening=screening)
    rows["exploitation.AdultOfConcern"] = Q(
        pk=ex.AdultOfConcern.objects.create(person=dup, why="Test", flagged_on=D(2024, 6, 1)).pk
    )
    friend = make_child(given_names="Linked")
    link = exploitation.link_create(
        by=manager,
        person=dup,
        other_person_id=friend.pk,
        relationship="Friends",
        source="school",
        known_on=D(2024, 6, 1),
        source_grade=2,
        information_grade=2,
        handling="shared",
    )
    rows["exploitation.Link"] = Q(pk=link.pk)


def _care_history(dup, manager, rows):
    """A period of care and what hangs on it (children looked after, UASC, adoption)."""
    from haven.adoption.models import AdoptionPlan
    from haven.care import models as care
    from haven.care.tests.factories import looked_after_child
    from haven.uasc.models import NTSTransfer, UASCStatus

    period = looked_after_child(dup, manager, start=D(2024, 6, 3))
    placement = period.placements.get()
    rows["care.CarePeriod"] = Q(pk=period.pk)
    rows["care.LegalStatusChange"] = Q(period=period)
    rows["care.Placement"] = Q(period=period)
    rows["care.Episode"] = Q(period=period)
    made = {
        "CarePlan": care.CarePlan.objects.create(
            period=period,
            person=dup,
            agreed_on=D(2024, 6, 10),
            permanence_plan="adoption",
            summary="Plan",
        ),
        "CareVisit": care.CareVisit.objects.create(
            period=period,
            placement=placement,
            person=dup,
            visited_on=D(2024, 6, 7),
            child_seen=True,
            due_date=D(2024, 6, 10),
            next_due=D(2024, 7, 19),
            due_rule="care_visit",
        ),
        "HealthRecord": care.HealthRecord.objects.create(
            person=dup, period=period, kind="dental_check", on=D(2024, 7, 1)
        ),
        "SchoolPlacement": care.SchoolPlacement.objects.create(
            person=dup, school_name="St Mary's", start_date=D(2023, 9, 1)
        ),
        "PersonalEducationPlan": care.PersonalEducationPlan.objects.create(
            period=period, person=dup, held_on=D(2024, 6, 14), due_date=D(2024, 6, 17)
        ),
        "PlacementRequest": care.PlacementRequest.objects.create(
            person=dup,
            requested_on=D(2024, 6, 3),
            needed_by=D(2024, 6, 10),
            needs="Foster care",
            placement_kind="fostering",
        ),
    }
    review = care.CareReview.objects.create(
        period=period,
        person=dup,
        held_on=D(2024, 7, 1),
        due_date=D(2024, 7, 1),
        participation="PN1",
    )
    made["CareReview"] = review
    made["ReviewRecommendation"] = care.ReviewRecommendation.objects.create(
        review=review, person=dup, text="Contact with brother", due_date=D(2024, 8, 1)
    )
    for name, row in made.items():
        rows[f"care.{name}"] = Q(pk=row.pk)
    rows["uasc.UASCStatus"] = Q(
        pk=UASCStatus.objects.create(person=dup, arrived_on=D(2024, 5, 1)).pk
    )
    rows["uasc.NTSTransfer"] = Q(
        pk=NTSTransfer.objects.create(
            person=dup, direction="in", other_council="Kent", referred_on=D(2024, 5, 20)
        ).pk
    )
    rows["adoption.AdoptionPlan"] = Q(
        pk=AdoptionPlan.objects.create(person=dup, period=period, decided_on=D(2024, 7, 1)).pk
    )


@pytest.fixture
def history(dup, manager, chair, mash, teams, make_child):
    return _history(
        dup, manager=manager, chair=chair, mash=mash, teams=teams, make_child=make_child
    )


def _on(entry, who):
    q = Q()
    for field in entry.fields:
        q |= Q(**{field: who})
    return q


@pytest.mark.parametrize("label", REGISTERED)
def test_a_merge_moves_each_registered_record_to_the_kept_record(
    label, keep, dup, history, manager
):
    entry = next(e for e in owned_models() if e.label == label)
    assert label in history, f"_history makes no {label} row on the duplicate: add one"
    rows = entry.model._default_manager.filter(history[label])
    before = rows.filter(_on(entry, dup)).count()
    assert before > 0
    services.person_merge(keep=keep, duplicate=dup, by=manager)
    assert rows.filter(_on(entry, keep)).count() == before
    if label not in COPIED:
        assert not rows.filter(_on(entry, dup)).exists()


def test_after_a_merge_the_kept_child_shows_the_duplicates_referral(
    keep, dup, manager, teams, as_manager
):
    referral = frontdoor.referral_create(
        person=dup, by=manager, referral_date=D(2024, 3, 1), source="6", team=teams["other"]
    )
    assert (
        "never been referred" in as_manager.get(f"/people/{keep.pk}/protection/").content.decode()
    )
    services.person_merge(keep=keep, duplicate=dup, by=manager)
    page = as_manager.get(f"/people/{keep.pk}/protection/").content.decode()
    assert "never been referred" not in page
    assert f'data-testid="episode-{referral.pk}"' in page
    # The next referral of the kept child within 12 months is a re-referral.
    Referral.objects.filter(pk=referral.pk).update(closure_date=D(2024, 4, 1), closure_reason="RC8")
    again = frontdoor.referral_create(
        person=keep, by=manager, referral_date=D(2024, 9, 2), source="6", team=teams["assessment"]
    )
    assert again.is_re_referral


def _refused(keep, dup, manager):
    with pytest.raises(ValidationError) as error:
        services.person_merge(keep=keep, duplicate=dup, by=manager)
    return error.value.message_dict["duplicate"]


def test_both_records_with_an_open_episode_refuses_the_merge_and_moves_nothing(
    keep, dup, manager, teams
):
    for who, day, team in ((keep, D(2024, 3, 1), "assessment"), (dup, D(2024, 5, 2), "other")):
        frontdoor.referral_create(
            person=who, by=manager, referral_date=day, source="6", team=teams[team]
        )
    services.address_add(
        person=dup,
        by=manager,
        address=services.AddressData(line_1="1 Jewry Street", postcode="SO23 8RZ"),
    )
    messages = _refused(keep, dup, manager)
    assert messages == [
        f"Both records have an open child in need episode (record {keep.pk} from 1 March 2024 "
        f"and record {dup.pk} from 2 May 2024): end one before merging"
    ]
    dup.refresh_from_db()
    keep.refresh_from_db()
    assert dup.merged_into is None and keep.nhs_number == ""
    assert Address.objects.filter(person=dup).count() == 1
    assert Referral.objects.filter(person=dup).count() == 1


def test_overlapping_child_protection_plans_refuse_the_merge(keep, dup, manager, chair, teams):
    for who, team in ((keep, "assessment"), (dup, "other")):
        referral = frontdoor.referral_create(
            person=who, by=manager, referral_date=D(2024, 3, 1), source="6", team=teams[team]
        )
        protection.strategy_discussion_record(
            referral=referral,
            by=manager,
            held_on=D(2024, 3, 28),
            agencies=["police"],
            decision="start_s47",
        )
        s47 = S47Enquiry.objects.get(referral=referral)
        protection.s47_complete(s47=s47, by=manager, end_date=D(2024, 4, 17), outcome="conference")
        protection.conference_hold(
            conference=Conference.objects.get(s47=s47),
            by=manager,
            held_on=D(2024, 4, 17),
            chair=chair,
            decision="plan",
            category="NEG",
        )
    messages = _refused(keep, dup, manager)
    assert any("child protection plan at the same time" in m for m in messages)
    assert any("open child in need episode" in m for m in messages)
    assert ChildProtectionPlan.objects.filter(person=dup).count() == 1


def test_both_records_on_one_contact_refuses_the_merge(keep, dup, manager, teams, make_user):
    contact = record_contact(
        make_user(Role.MASH_PRACTITIONER, "front_door"),
        teams["front_door"],
        [keep, dup],
        summary="School worried",
        consent="given",
        consent_basis="consent",
    )
    assert _refused(keep, dup, manager) == [
        f"Both records are on contact {contact.pk}, each with its own decision: correct the "
        "contact so the child is on it once before merging"
    ]


def test_the_merge_page_shows_a_clash_instead_of_failing(keep, dup, manager, teams, as_manager):
    for who, team in ((keep, "assessment"), (dup, "other")):
        frontdoor.referral_create(
            person=who, by=manager, referral_date=D(2024, 3, 1), source="6", team=teams[team]
        )
    Membership.objects.create(user=manager, team=teams["other"])
    response = as_manager.post(
        f"/people/{keep.pk}/merge/", {"duplicate": dup.pk, "confirm": "True"}
    )
    assert response.status_code == 200
    assert "Both records have an open child in need episode" in response.content.decode()
    assert Person.objects.get(pk=dup.pk).merged_into is None


def test_two_records_each_with_imported_ssda903_history_are_not_merged(make_child, manager):
    """Which imported rows made which records would be lost: the merge is refused, saying why."""
    keep, dup = make_child(), make_child(given_names="Jon")
    for who in (keep, dup):
        ImportedHistory.objects.create(person=who, system="ssda903:850")
    assert "Both records hold history imported from SSDA903 returns" in " ".join(
        _refused(keep, dup, manager)
    )
