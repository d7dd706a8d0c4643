"""Every change at the front door: contacts, MASH checks, decisions, authorisation, referrals."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone

from haven.accounts.models import Role, Team, User
from haven.accounts.permissions import Capability, service_require, user_can
from haven.core.calendar import add_calendar_months, rule, working_day_hours
from haven.core.dates import long_date
from haven.core.errors import ConflictError
from haven.core.versioning import update_with_version
from haven.frontdoor import events
from haven.frontdoor.models import (
    REFERRAL_OUTCOMES,
    Consent,
    ConsentBasis,
    Contact,
    ContactChild,
    ContactOutcome,
    FeedbackMethod,
    LevelOfNeed,
    MashCheck,
    Rag,
    Referral,
    ReferrerFeedback,
    Urgency,
)
from haven.people import access
from haven.people import services as people
from haven.people.models import Address, Person, PersonKind, Relationship, RelationshipType


@dataclass(frozen=True)
class ReferralFollowUp:
    """What another part of the service does when a referral opens (the child and family
    assessment starts) or its date is corrected (the assessment's deadline follows)."""

    opened: Callable[..., object]
    redated: Callable[..., object]


_REFERRAL_FOLLOW_UPS: list[ReferralFollowUp] = []


def register_referral_follow_up(follow_up: ReferralFollowUp) -> None:
    """Called from the app's ready(), so the front door never imports the parts it starts."""
    _REFERRAL_FOLLOW_UPS.append(follow_up)


def _decision_needs_authorisation() -> bool:
    return bool(getattr(settings, "HAVEN_DECISIONS_NEED_AUTHORISATION", True))


def _check_received_at(received_at: datetime.datetime) -> None:
    if received_at > timezone.now() + datetime.timedelta(minutes=1):
        raise ValidationError(
            {"received_at": "The date and time received must be now or in the past"}
        )


def _check_consent(consent: str, basis: str) -> None:
    if consent == Consent.GIVEN and basis != ConsentBasis.CONSENT:
        raise ValidationError({"consent_basis": "Consent was given: choose 'With consent'"})
    if consent != Consent.GIVEN and basis == ConsentBasis.CONSENT:
        raise ValidationError(
            {"consent_basis": "Consent was not given: choose the reason for sharing without it"}
        )


def _decision_rule(urgency: str) -> str:
    """A child at risk now is decided the day the contact arrives (a setting); others by the
    LA's usual timescale."""
    return "contact_decision_immediate" if urgency == Urgency.IMMEDIATE else "contact_decision"


@transaction.atomic
def contact_create(
    *,
    by: User,
    team: Team,
    received_at: datetime.datetime,
    channel: str,
    source: str,
    summary: str,
    consent: str,
    consent_basis: str,
    concerns: list[str] = (),  # type: ignore[assignment]
    urgency: str = "routine",
    referrer: dict[str, str] | None = None,
    children: list[Person] = (),  # type: ignore[assignment]
    new_children: list[dict[str, Any]] = (),  # type: ignore[assignment]
) -> Contact:
    """Record a contact about one or more children (a sibling group is one contact, each child
    keeping their own decision). New children are created here; known ones are linked."""
    _check_received_at(received_at)
    _check_consent(consent, consent_basis)
    if not summary.strip():
        raise ValidationError({"summary": "Enter what the referrer told us"})
    if not children and not new_children:
        raise ValidationError({"children": "Add at least one child: find them, or add a new child"})
    findable = set(
        Person.objects.filter(access.searchable_q(by), pk__in=[c.pk for c in children]).values_list(
            "pk", flat=True
        )
    )
    if any(c.pk not in findable for c in children):
        raise ValidationError({"children": "There is no child with that Haven ID"})
    if any(p.kind != PersonKind.CHILD for p in children):
        raise ValidationError(
            {"children": "A contact is about children: link adults from the child's record"}
        )
    contact = Contact.objects.create(
        received_at=received_at,
        channel=channel,
        source=source,
        summary=summary.strip(),
        consent=consent,
        consent_basis=consent_basis,
        concerns=list(concerns),
        urgency=urgency,
        team=team,
        worker=by if by.role == Role.MASH_PRACTITIONER else None,
        recorded_by=by,
        decision_due=rule(_decision_rule(urgency)).due_date(received_at),
        decision_due_rule=_decision_rule(urgency),
        **{f"referrer_{k}": v for k, v in (referrer or {}).items()},
    )
    known = access.visible_ids(by, [c.pk for c in children])
    for child in children:
        if child.pk not in known:
            people.need_to_know_widen(
                user=by, person=child, reason=f"Recorded contact {contact.pk}: {summary.strip()}"
            )
    everyone = list(children)
    for details in new_children:
        everyone.append(people.person_create(by=by, kind=PersonKind.CHILD, details=details))
    seen = set()
    for child in everyone:
        if child.pk not in seen:
            ContactChild.objects.create(
                contact=contact,
                person=child,
                # Copied for the figures (a trigger keeps them equal to the contact's).
                received_at=contact.received_at,
                source=contact.source,
                decision_due=contact.decision_due,
            )
            seen.add(child.pk)
    events.contact_received(contact, by=by)
    return contact


@transaction.atomic
def contact_correct_received(
    *, contact: Contact, by: User, received_at: datetime.datetime
) -> Contact:
    """Correct when a contact arrived; its decision deadline follows."""
    _check_received_at(received_at)
    update_with_version(
        Contact,
        contact.pk,
        None,
        received_at=received_at,
        decision_due=rule(contact.decision_due_rule).due_date(received_at),
    )
    contact.refresh_from_db()
    return contact


def contact_assign(*, contact: Contact, worker: User, by: User) -> None:
    if not worker.memberships.filter(team=contact.team).exists():
        raise ValidationError({"worker": f"{worker.display_name} is not in {contact.team}"})
    update_with_version(Contact, contact.pk, None, worker=worker)
    from haven.accounts.notifications import notify

    notify(
        recipients=[worker],
        by=by,
        message=f"Contact {contact.pk} has been assigned to you by {by.display_name}",
        link=f"/front-door/contacts/{contact.pk}/",
    )


def _due_at(rag: str, requested_at: datetime.datetime) -> datetime.datetime:
    due = rule(f"mash_check_{rag}").due(requested_at)
    if isinstance(due, datetime.datetime):
        return due
    # A check due "within N working days" is due by the end of that working day.
    _, end = working_day_hours()
    return datetime.datetime.combine(due, end, tzinfo=timezone.get_current_timezone())


@transaction.atomic
def mash_check_request(
    *,
    contact: Contact,
    by: User,
    agency: str,
    rag: str,
    justification: str,
    requested_at: datetime.datetime | None = None,
) -> MashCheck:
    if not justification.strip():
        raise ValidationError({"justification": "Enter why sharing this information is justified"})
    if rag not in Rag.values:
        raise ValidationError({"rag": "Choose a RAG rating"})
    requested_at = requested_at or timezone.now()
    check = MashCheck.objects.create(
        contact=contact,
        agency=agency,
        rag=rag,
        justification=justification.strip(),
        requested_at=requested_at,
        requested_by=by,
        due_at=_due_at(rag, requested_at),
        due_rule=f"mash_check_{rag}",
    )
    events.check_requested(check, by=by)
    return check


@transaction.atomic
def mash_check_respond(
    *, check: MashCheck, by: User, response: str, responded_at: datetime.datetime | None = None
) -> MashCheck:
    if not response.strip():
        raise ValidationError({"response": "Enter what the agency told us"})
    check = MashCheck.objects.select_for_update().get(pk=check.pk)
    if check.responded_at is not None:
        raise ConflictError({"response": "This check already has a response"})
    responded_at = responded_at or timezone.now()
    if responded_at < check.requested_at:
        raise ValidationError({"responded_at": "The response cannot come before the request"})
    MashCheck.objects.filter(pk=check.pk).update(
        response=response.strip(), responded_at=responded_at, response_recorded_by=by
    )
    check.refresh_from_db()
    events.check_answered(check, by=by)
    return check


@transaction.atomic
def decision_record(
    *,
    contact_child: ContactChild,
    by: User,
    level_of_need: int,
    outcome: str,
    rationale: str,
    referral_team: Team | None = None,
) -> ContactChild:
    """The threshold decision for one child. Where the LA requires it a manager authorises it
    before it takes effect; a manager's own decision takes effect at once."""
    if not rationale.strip():
        raise ValidationError({"rationale": "Enter the rationale for the decision"})
    if level_of_need not in LevelOfNeed.values:
        raise ValidationError({"level_of_need": "Choose the level of need"})
    if outcome not in ContactOutcome.values:
        raise ValidationError({"outcome": "Choose the outcome"})
    # Under a lock: a decision authorised in another tab meanwhile is not overwritten.
    contact_child = _locked_decision(contact_child)
    if contact_child.authorised_at is not None:
        raise ConflictError({"outcome": "This decision is already authorised"})
    if outcome in REFERRAL_OUTCOMES:
        _check_can_be_referred(contact_child.person)
    ContactChild.objects.filter(pk=contact_child.pk).update(
        level_of_need=level_of_need,
        outcome=outcome,
        rationale=rationale.strip(),
        decided_by=by,
        decided_at=timezone.now(),
        # A returned decision, decided again, goes back to the manager (the chronology keeps
        # the return and its comment).
        returned_by=None,
        returned_at=None,
        return_comment="",
    )
    contact_child.refresh_from_db()
    events.decision_made(contact_child, by=by)
    if not _decision_needs_authorisation() or user_can(by, Capability.AUTHORISE):
        decision_authorise(contact_child=contact_child, by=by, referral_team=referral_team)
    else:
        from haven.accounts.notifications import notify_team_managers

        notify_team_managers(
            team_ids=[contact_child.contact.team_id],
            by=by,
            message=f"Contact {contact_child.contact_id}: a decision by {by.display_name} "
            "awaits your authorisation",
            link=f"/front-door/contacts/{contact_child.contact_id}/",
        )
    return contact_child


@transaction.atomic
def decision_record_group(
    *,
    contact: Contact,
    children: list[ContactChild],
    by: User,
    level_of_need: int,
    outcome: str,
    rationale: str,
    referral_team: Team | None = None,
) -> list[ContactChild]:
    """One decision for a sibling group: the same level, outcome and rationale for each child
    chosen (the others, the exceptions, are decided one by one). All or none: a child who
    cannot take the decision stops the whole group, naming the child."""
    if not children:
        raise ValidationError({"children": "Choose the children this decision is for"})
    if any(c.contact_id != contact.pk for c in children):
        raise ValidationError({"children": "Choose children on this contact"})
    decided = []
    for child in children:
        try:
            decided.append(
                decision_record(
                    contact_child=child,
                    by=by,
                    level_of_need=level_of_need,
                    outcome=outcome,
                    rationale=rationale,
                    referral_team=referral_team,
                )
            )
        except ValidationError as exc:
            if hasattr(exc, "error_dict") and set(exc.error_dict) <= {"outcome", "referral_team"}:
                name = child.person.full_name
                raise type(exc)(
                    {f: [f"{name}: {m}" for m in ms] for f, ms in exc.message_dict.items()}
                ) from exc
            raise
    return decided


@transaction.atomic
def decision_return(*, contact_child: ContactChild, by: User, comment: str) -> ContactChild:
    """The manager sends a decision back to be made again, saying why."""
    service_require(by, Capability.AUTHORISE, field="comment")
    comment = comment.strip()
    if not comment:
        raise ValidationError({"comment": "Enter why the decision is returned"})
    contact_child = _locked_decision(contact_child)
    if contact_child.authorised_at is not None:
        raise ConflictError({"comment": "This decision is already authorised"})
    if not contact_child.outcome:
        raise ValidationError({"comment": "There is no decision to return yet"})
    if contact_child.returned_at is not None:
        raise ConflictError({"comment": "This decision has already been returned"})
    ContactChild.objects.filter(pk=contact_child.pk).update(
        returned_by=by, returned_at=timezone.now(), return_comment=comment
    )
    contact_child.refresh_from_db()
    events.decision_returned(contact_child, by=by)
    from haven.accounts.notifications import notify

    notify(
        recipients=[contact_child.decided_by],
        by=by,
        message=f"Your decision on contact {contact_child.contact_id} was returned "
        f"by {by.display_name}: {comment[:300]}",
        link=f"/front-door/contacts/{contact_child.contact_id}/",
    )
    return contact_child


@transaction.atomic
def decision_amend(
    *,
    contact_child: ContactChild,
    by: User,
    level_of_need: int,
    outcome: str,
    rationale: str,
    reason: str,
    referral_team: Team | None = None,
) -> ContactChild:
    """The manager changes the decision and authorises it as changed; who and why are kept
    beside it (and what it was, in the chronology)."""
    service_require(by, Capability.AUTHORISE, field="reason")
    errors = {}
    if not reason.strip():
        errors["reason"] = "Enter why you are changing the decision"
    if not rationale.strip():
        errors["rationale"] = "Enter the rationale for the decision"
    if level_of_need not in LevelOfNeed.values:
        errors["level_of_need"] = "Choose the level of need"
    if outcome not in ContactOutcome.values:
        errors["outcome"] = "Choose the outcome"
    if errors:
        raise ValidationError(errors)
    contact_child = _locked_decision(contact_child)
    if contact_child.authorised_at is not None:
        raise ConflictError({"reason": "This decision is already authorised"})
    if not contact_child.outcome:
        raise ValidationError({"reason": "There is no decision to amend yet: make the decision"})
    if outcome in REFERRAL_OUTCOMES:
        _check_can_be_referred(contact_child.person)
    if outcome in REFERRAL_OUTCOMES and referral_team is None:
        raise ValidationError({"referral_team": "Choose the team the referral goes to"})
    was = contact_child.outcome
    ContactChild.objects.filter(pk=contact_child.pk).update(
        level_of_need=level_of_need,
        outcome=outcome,
        rationale=rationale.strip(),
        amended_by=by,
        amended_at=timezone.now(),
        amend_reason=reason.strip(),
        returned_by=None,
        returned_at=None,
        return_comment="",
    )
    contact_child.refresh_from_db()
    events.decision_amended(contact_child, by=by, was=was)
    return decision_authorise(contact_child=contact_child, by=by, referral_team=referral_team)


@transaction.atomic
def decision_authorise(
    *, contact_child: ContactChild, by: User, referral_team: Team | None = None
) -> ContactChild:
    # Two managers authorising at once: the second waits for the first, then is told.
    contact_child = _locked_decision(contact_child)
    if contact_child.authorised_at is not None:
        who = contact_child.authorised_by.display_name if contact_child.authorised_by else ""
        raise ConflictError(
            {"outcome": f"This decision has already been authorised{f' by {who}' if who else ''}"}
        )
    if not contact_child.outcome:
        raise ValidationError({"outcome": "There is no decision to authorise yet"})
    if contact_child.returned_at is not None:
        raise ConflictError(
            {"outcome": "This decision was returned: it is authorised once it is made again"}
        )
    if _decision_needs_authorisation():
        service_require(by, Capability.AUTHORISE, field="outcome")
    if contact_child.outcome in REFERRAL_OUTCOMES and referral_team is None:
        raise ValidationError({"referral_team": "Choose the team the referral goes to"})
    ContactChild.objects.filter(pk=contact_child.pk).update(
        authorised_by=by, authorised_at=timezone.now()
    )
    contact_child.refresh_from_db()
    contact = contact_child.contact
    if contact_child.authorised_by_id != contact_child.decided_by_id:
        events.decision_authorised(contact_child, by=by)
    ReferrerFeedback.objects.create(
        contact_child=contact_child,
        message=(
            f"Thank you for your contact of {long_date(timezone.localdate(contact.received_at))}. "
            f"Outcome for {contact_child.person.full_name}: {contact_child.get_outcome_display()}."
        ),
        sent_to=contact.referrer_email or contact.referrer_phone,
    )
    if contact_child.outcome in REFERRAL_OUTCOMES:
        referral_create(
            person=contact_child.person,
            by=by,
            contact_child=contact_child,
            referral_date=timezone.localdate(contact_child.decided_at),
            source=contact.source,
            team=referral_team,  # type: ignore[arg-type]
        )
    if not contact.children.filter(authorised_at__isnull=True).exists():
        Contact.objects.filter(pk=contact.pk).update(completed_at=timezone.now())
    return contact_child


def _feedback_route_error(method: str, sent_to: str) -> str | None:
    if method not in FeedbackMethod.values:
        return "Choose how the feedback was sent"
    if not sent_to:
        return (
            "There is no way to reach the referrer: enter the email address, phone number or "
            "postal address the feedback went to"
        )
    if method in (FeedbackMethod.EMAIL, FeedbackMethod.SECURE_EMAIL):
        try:
            validate_email(sent_to)
        except ValidationError:
            return "Enter the email address it was sent to, like name@example.org"
    if method == FeedbackMethod.PHONE and sum(ch.isdigit() for ch in sent_to) < 6:
        return "Enter the phone number the referrer was told on"
    if method == FeedbackMethod.LETTER and len(sent_to) < 10:
        return "Enter the postal address the letter went to"
    return None


@transaction.atomic
def feedback_record_sent(
    *, feedback: ReferrerFeedback, by: User, method: str, sent_to: str
) -> ReferrerFeedback:
    """Feedback counts as sent only with how it went and to whom: with no route to the
    referrer there is nothing to claim."""
    sent_to = " ".join(sent_to.split())
    error = _feedback_route_error(method, sent_to)
    if error:
        field = "method" if method not in FeedbackMethod.values else "sent_to"
        raise ValidationError({field: error})
    feedback = ReferrerFeedback.objects.select_for_update().get(pk=feedback.pk)
    if feedback.sent_at is not None:
        raise ConflictError({"sent_to": "This feedback has already been recorded as sent"})
    ReferrerFeedback.objects.filter(pk=feedback.pk).update(
        method=method, sent_to=sent_to, sent_at=timezone.now(), sent_by=by
    )
    feedback.refresh_from_db()
    return feedback


@transaction.atomic
def contact_child_add(
    *,
    contact: Contact,
    by: User,
    details: dict[str, Any],
    same_address: bool = True,
    link_family: bool = True,
) -> ContactChild:
    """A child the referrer mentions who is not known yet, added to the contact in one step:
    living at the address of the children already on it, the sibling of each of them, and the
    child of their parents."""
    contact = Contact.objects.select_for_update().get(pk=contact.pk)
    if contact.completed_at is not None:
        raise ConflictError({"given_names": "This contact is complete: record a new contact"})
    siblings = [c.person for c in contact.children.select_related("person")]
    address = None
    if same_address:
        current = (
            Address.objects.filter(person__in=siblings, end_date__isnull=True)
            .order_by("-start_date", "-id")
            .first()
        )
        if current is None:
            raise ValidationError(
                {
                    "same_address": "No child on this contact has a current address: untick "
                    "this and add the address on the child's record"
                }
            )
        address = people.AddressData(
            line_1=current.line_1,
            line_2=current.line_2,
            town=current.town,
            postcode=current.postcode,
            start_date=current.start_date,
        )
    person = people.person_create(by=by, kind=PersonKind.CHILD, details=details, address=address)
    added = ContactChild.objects.create(contact=contact, person=person)
    if link_family:
        for sibling in siblings:
            people.relationship_add(
                child=sibling, by=by, relationship_type=RelationshipType.SIBLING, relative=person
            )
        parents = (
            Relationship.objects.filter(
                relative_of__in=siblings,
                end_date__isnull=True,
                relationship_type__in=[RelationshipType.PARENT, RelationshipType.STEP_PARENT],
            )
            .select_related("person")
            .order_by("person_id", "-parental_responsibility")
        )
        linked: set[int] = set()
        for parent in parents:
            if parent.person_id in linked:
                continue
            linked.add(parent.person_id)
            people.relationship_add(
                child=person,
                by=by,
                relationship_type=parent.relationship_type,
                relative=parent.person,
                parental_responsibility=parent.parental_responsibility,
            )
    events.contact_received_for(contact, added, by=by)
    return added


def _locked_decision(contact_child: ContactChild) -> ContactChild:
    """The decision as it is now, locked until the transaction ends. (Nothing that changes is
    joined in: after waiting for a lock PostgreSQL re-reads the locked row, not the joined ones.)"""
    return (
        ContactChild.objects.select_for_update(of=("self",))
        .select_related("person", "contact")
        .get(pk=contact_child.pk)
    )


def _check_can_be_referred(person: Person) -> None:
    if person.date_of_birth is None and person.expected_date_of_birth is None:
        raise ValidationError(
            {
                "outcome": (
                    f"{person.full_name} has no date of birth or expected date of birth: "
                    "add it to their record before referring them"
                )
            }
        )
    _check_no_open_episode(person)


def _open_episode_message(person: Person) -> str | None:
    open_referral = (
        Referral.objects.filter(person=person, closure_date__isnull=True)
        .select_related("team")
        .first()
    )
    if open_referral is None:
        return None
    team = f", held by {open_referral.team}" if open_referral.team else ""
    return (
        f"{person.full_name} already has an open child in need episode (referred "
        f"{long_date(open_referral.referral_date)}{team}): a child has one episode at a time. "
        "Pass this contact to the team holding the case, or close that episode first"
    )


def _check_no_open_episode(person: Person) -> None:
    message = _open_episode_message(person)
    if message:
        raise ValidationError({"outcome": message})


def is_re_referral(
    person: Person, referral_date: datetime.date, *, exclude_id: int | None = None
) -> bool:
    """A referral within 12 months of the child's previous referral."""
    window_start = add_calendar_months(referral_date, -12)
    earlier = Referral.objects.filter(
        person=person, referral_date__gte=window_start, referral_date__lt=referral_date
    )
    if exclude_id:
        earlier = earlier.exclude(pk=exclude_id)
    return earlier.exists()


@transaction.atomic
def referral_create(
    *,
    person: Person,
    by: User,
    referral_date: datetime.date,
    source: str,
    team: Team,
    primary_need: str = "N0",
    contact_child: ContactChild | None = None,
) -> Referral:
    """Open a child in need episode, start its Child and Family Assessment, and allocate the
    child to the team that will assess."""
    _check_can_be_referred(person)
    if referral_date > timezone.localdate():
        raise ValidationError({"referral_date": "The referral date must be today or in the past"})
    try:
        with transaction.atomic():
            referral = Referral.objects.create(
                person=person,
                contact_child=contact_child,
                referral_date=referral_date,
                source=source,
                primary_need=primary_need,
                is_re_referral=is_re_referral(person, referral_date),
                team=team,
                created_by=by,
            )
    except IntegrityError:
        # Another episode opened between the check and now (two decisions authorised at once).
        _check_no_open_episode(person)
        raise
    events.referral_opened(referral, by=by)
    people.allocation_set(person=person, by=by, team=team, start_date=referral_date)
    for follow_up in _REFERRAL_FOLLOW_UPS:
        follow_up.opened(referral=referral, by=by)
    return referral


@transaction.atomic
def referral_correct_date(
    *, referral: Referral, by: User, referral_date: datetime.date
) -> Referral:
    """Correct a referral date: the re-referral flag and the assessment deadline follow."""
    if referral_date > timezone.localdate():
        raise ValidationError({"referral_date": "The referral date must be today or in the past"})
    update_with_version(
        Referral,
        referral.pk,
        None,
        referral_date=referral_date,
        is_re_referral=is_re_referral(referral.person, referral_date, exclude_id=referral.pk),
    )
    referral.refresh_from_db()
    for follow_up in _REFERRAL_FOLLOW_UPS:
        follow_up.redated(referral=referral, by=by)
    return referral
