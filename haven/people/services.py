"""Every change to a person's record: validated, in one transaction, with its chronology entry."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from haven.accounts.models import Team, User
from haven.accounts.permissions import (
    Capability,
    is_importing_history,
    service_require,
    user_can,
)
from haven.accounts.services import alert_send, team_managers
from haven.core.models import AccessAction
from haven.core.services import access_log_record
from haven.core.versioning import ConcurrentEditError, update_with_version
from haven.people import access, events, ownership, selectors
from haven.people.models import (
    Address,
    Allocation,
    BreakGlassGrant,
    InvolvedProfessional,
    NameType,
    Person,
    PersonDisability,
    PersonKind,
    PersonName,
    Relationship,
    RestrictedAccess,
)
from haven.people.validators import (
    normalise_nhs_number,
    normalise_postcode,
    normalise_upn,
    validate_nhs_number,
    validate_postcode,
    validate_upn,
)

# Fields of Person that the details form edits.
DETAIL_FIELDS = (
    "given_names",
    "family_name",
    "date_of_birth",
    "expected_date_of_birth",
    "sex",
    "gender_identity",
    "ethnicity",
    "first_language",
    "religion",
    "upn",
    "nhs_number",
    "date_of_death",
)


@dataclass(frozen=True)
class AddressData:
    line_1: str
    postcode: str
    line_2: str = ""
    town: str = ""
    start_date: datetime.date | None = None


def _clean_details(values: dict[str, Any], *, kind: str) -> dict[str, Any]:
    """Normalise identifiers and check the rules no record may break."""
    today = timezone.localdate()
    errors: dict[str, str] = {}
    cleaned = dict(values)
    for name in ("given_names", "family_name"):
        if name in cleaned:
            cleaned[name] = " ".join(str(cleaned[name] or "").split())
    if "given_names" in cleaned and not cleaned["given_names"]:
        errors["given_names"] = "Enter the given names"
    if "family_name" in cleaned and not cleaned["family_name"]:
        errors["family_name"] = "Enter the family name"
    born = cleaned.get("date_of_birth")
    expected = cleaned.get("expected_date_of_birth")
    if born and born > today:
        errors["date_of_birth"] = "Date of birth must be today or in the past"
    if expected and not born and expected < today:
        errors["expected_date_of_birth"] = (
            "Expected date of birth must be today or in the future: if the baby has been born, "
            "enter the date of birth"
        )
    died = cleaned.get("date_of_death")
    if died and died > today:
        errors["date_of_death"] = "Date of death must be today or in the past"
    elif died and born and died < born:
        errors["date_of_death"] = "Date of death must be on or after the date of birth"
    for name, normalise, validate in (
        ("nhs_number", normalise_nhs_number, validate_nhs_number),
        ("upn", normalise_upn, validate_upn),
    ):
        if cleaned.get(name):
            cleaned[name] = normalise(cleaned[name])
            try:
                validate(cleaned[name])
            except ValidationError as exc:
                errors[name] = exc.messages[0]
    if errors:
        raise ValidationError(errors)
    return cleaned


def _clean_address(address: AddressData) -> AddressData:
    errors = {}
    if not address.line_1.strip():
        errors["line_1"] = "Enter the first line of the address"
    try:
        validate_postcode(address.postcode)
    except ValidationError as exc:
        errors["postcode"] = exc.messages[0]
    if address.start_date and address.start_date > timezone.localdate():
        errors["start_date"] = "The date they moved in must be today or in the past"
    if errors:
        raise ValidationError(errors)
    return AddressData(
        line_1=address.line_1.strip(),
        line_2=address.line_2.strip(),
        town=address.town.strip(),
        postcode=normalise_postcode(address.postcode),
        start_date=address.start_date,
    )


@transaction.atomic
def person_create(
    *,
    by: User,
    kind: str = PersonKind.CHILD,
    details: dict[str, Any],
    disabilities: list[str] = (),  # type: ignore[assignment]
    address: AddressData | None = None,
    team: Team | None = None,
    confirmed_not_duplicate: bool = False,
) -> Person:
    """Create a person. A second record with an NHS number another record already holds is
    refused unless the user has seen the match and confirmed it is someone else."""
    values = _clean_details({f: details.get(f) for f in DETAIL_FIELDS if f in details}, kind=kind)
    if values.get("nhs_number") and not confirmed_not_duplicate:
        _refuse_known_nhs_number(values["nhs_number"])
    if address is not None:
        address = _clean_address(address)
    person = Person.objects.create(
        kind=kind,
        created_by=by,
        **{k: v if v is not None else _blank(k) for k, v in values.items()},
    )
    _set_disabilities(person, disabilities)
    events.record_created(person, by=by)
    if address is not None:
        events.address_recorded(Address.objects.create(person=person, **address.__dict__), by=by)
    if team is not None:
        allocation_set(person=person, by=by, team=team)
    return person


def _refuse_known_nhs_number(nhs_number: str) -> None:
    # Which record holds it is not said: the user may not be entitled to know of it. The
    # create page lists the matches they may see, and confirming there creates the record.
    if Person.objects.filter(nhs_number=nhs_number, merged_into__isnull=True).exists():
        raise ValidationError(
            {
                "nhs_number": (
                    "Another record already has this NHS number: search for it, and create a "
                    "new record only if it is a different person"
                )
            }
        )


def _blank(field: str) -> Any:
    return None if Person._meta.get_field(field).null else ""


def _set_disabilities(person: Person, codes: list[str]) -> bool:
    wanted = set(codes)
    if "NONE" in wanted and len(wanted) > 1:
        raise ValidationError(
            {"disabilities": "Select 'No disability' or the disabilities, not both"}
        )
    have = set(person.disabilities.values_list("code", flat=True))
    if wanted == have:
        return False
    person.disabilities.exclude(code__in=wanted).delete()
    PersonDisability.objects.bulk_create(
        [PersonDisability(person=person, code=c) for c in sorted(wanted - have)]
    )
    return True


@transaction.atomic
def person_update(
    *,
    person_id: int,
    by: User,
    expected_version: int,
    details: dict[str, Any],
    disabilities: list[str] | None = None,
) -> Person:
    """Save edited details, refusing if someone else saved since ``expected_version``."""
    current = Person.objects.select_for_update().get(pk=person_id)
    if current.version != expected_version:
        raise ConcurrentEditError(current)
    values = _clean_details(
        {f: details.get(f) for f in DETAIL_FIELDS if f in details}, kind=current.kind
    )
    changed = {
        k: (v if v is not None else _blank(k))
        for k, v in values.items()
        if getattr(current, k) != (v if v is not None else _blank(k))
    }
    disabilities_changed = disabilities is not None and _set_disabilities(current, disabilities)
    if not changed and not disabilities_changed:
        return current
    update_with_version(Person, person_id, expected_version, **changed)
    person = Person.objects.get(pk=person_id)
    labels = [str(getattr(Person._meta.get_field(f), "verbose_name", f)) for f in changed]
    if disabilities_changed:
        labels.append("disabilities")
    events.details_changed(person, by=by, fields=[label.lower() for label in labels])
    if "date_of_death" in changed and person.date_of_death:
        events.died(person, by=by)
    return person


@transaction.atomic
def address_add(*, person: Person, by: User, address: AddressData) -> Address:
    """Record a new current address; the previous current one ends when this one starts."""
    address = _clean_address(address)
    moved_in = address.start_date or timezone.localdate()
    previous = person.addresses.filter(end_date__isnull=True)
    for old in previous:
        if old.start_date and old.start_date > moved_in:
            raise ValidationError(
                {"start_date": f"The date they moved in must be after they moved into {old}"}
            )
    previous.update(end_date=moved_in)
    new = Address.objects.create(person=person, **{**address.__dict__, "start_date": moved_in})
    events.address_recorded(new, by=by)
    return new


@transaction.atomic
def name_add(
    *, person: Person, by: User, name_type: str, given_names: str, family_name: str
) -> PersonName:
    if name_type == NameType.PRIMARY:
        raise ValidationError({"name_type": "Change the main name on the details page"})
    if not (given_names.strip() or family_name.strip()):
        raise ValidationError({"given_names": "Enter a given name or a family name"})
    name = PersonName.objects.create(
        person=person,
        name_type=name_type,
        given_names=given_names.strip(),
        family_name=family_name.strip(),
    )
    events.details_changed(
        person, by=by, fields=[f"{name.get_name_type_display().lower()} name added"]
    )
    return name


@transaction.atomic
def relationship_add(
    *,
    child: Person,
    by: User,
    relationship_type: str,
    relative: Person | None = None,
    new_person: dict[str, Any] | None = None,
    parental_responsibility: bool = False,
    start_date: datetime.date | None = None,
    link_reason: str = "",
) -> Relationship:
    """Link a family member or other significant person to a child: an existing record, or a
    new adult created here. Linking someone ``by`` may not see yet needs a reason, recorded and
    alerted as emergency access is; a restricted record they are not named on cannot be linked."""
    if (
        relative is not None
        and not is_importing_history(by)
        and not access.visible_ids(by, [relative.pk])
    ):
        if selectors.person_findable(user=by, person_id=relative.pk) is None:
            raise ValidationError({"existing_person": "There is no person with that Haven ID"})
        reason = " ".join(link_reason.split())
        if len(reason) < 10:
            raise ValidationError(
                {
                    "link_reason": "This person is not in a record you hold: say why you are "
                    "linking them (at least 10 characters)"
                }
            )
        need_to_know_widen(
            user=by, person=relative, reason=f"Linked as family of {child.pk}: {reason}"
        )
    if relative is None:
        if not new_person:
            raise ValidationError({"relative": "Choose a person or enter a new person's details"})
        relative = person_create(by=by, kind=PersonKind.ADULT, details=new_person)
    if relative.pk == child.pk:
        raise ValidationError({"relative": "A person cannot be related to themselves"})
    if Relationship.objects.filter(
        person=relative, relative_of=child, relationship_type=relationship_type
    ).exists():
        raise ValidationError({"relationship_type": "This relationship is already recorded"})
    relationship = Relationship.objects.create(
        person=relative,
        relative_of=child,
        relationship_type=relationship_type,
        parental_responsibility=parental_responsibility,
        start_date=start_date,
    )
    events.relationship_recorded(relationship, by=by)
    return relationship


@transaction.atomic
def professional_add(*, person: Person, by: User, **fields: Any) -> InvolvedProfessional:
    if not str(fields.get("organisation", "")).strip():
        raise ValidationError({"organisation": "Enter the organisation"})
    involvement = InvolvedProfessional.objects.create(person=person, **fields)
    events.professional_recorded(
        person,
        by=by,
        source=involvement,
        description=f"{involvement.get_role_display()} recorded: {involvement.organisation}",
    )
    return involvement


@transaction.atomic
def allocation_set(
    *,
    person: Person,
    by: User,
    team: Team,
    worker: User | None = None,
    start_date: datetime.date | None = None,
) -> Allocation:
    """Allocate (or re-allocate) a child; the open allocation ends, keeping the history.
    Workflows allocate as a side effect (a referral goes to a team); a person choosing a
    worker needs ``Capability.ALLOCATE``, checked where they choose."""
    start = start_date or timezone.localdate()
    if worker is not None and not worker.memberships.filter(team=team).exists():
        raise ValidationError({"worker": f"{worker.display_name} is not a member of {team}"})
    current = (
        Allocation.objects.select_for_update().filter(person=person, end_date__isnull=True).first()
    )
    if current is not None:
        if current.team_id == team.pk and current.worker_id == (worker.pk if worker else None):
            return current
        if current.start_date > start:
            raise ValidationError(
                {"start_date": "The new allocation must start after the current one"}
            )
        current.end_date = start
        current.save(update_fields=["end_date"])
    allocation = Allocation.objects.create(
        person=person, team=team, worker=worker, start_date=start, allocated_by=by
    )
    events.allocated(allocation, by=by)
    from haven.accounts.notifications import notify

    notify(
        recipients=[worker],
        by=by,
        message=f"{'A restricted record' if person.is_restricted else person.full_name}: "
        f"the case has been allocated to you by {by.display_name}",
        link=f"/people/{person.pk}/",
    )
    return allocation


# What else moves when a manager names a worker for a child: each part of the service gives its
# open work with no worker (or the previous worker's) to the new worker. Registered from ready().
@dataclass(frozen=True)
class AllocationChange:
    person: Person
    team: Team
    worker: User
    previous_worker: User | None
    by: User


_ALLOCATION_FOLLOW_UPS: list[Any] = []


def register_allocation_follow_up(follow_up: Any) -> None:
    """``follow_up(change: AllocationChange)`` runs in the allocation's transaction."""
    if follow_up not in _ALLOCATION_FOLLOW_UPS:
        _ALLOCATION_FOLLOW_UPS.append(follow_up)


@transaction.atomic
def case_allocate(
    *, person: Person, by: User, team: Team, worker: User | None = None
) -> Allocation:
    """A manager allocates (or reallocates) a child's case to a team and, optionally, a named
    worker who can hold cases; the child's open work without a worker goes with it."""
    service_require(by, Capability.ALLOCATE, field="worker")
    if worker is not None and (not worker.is_active or not user_can(worker, Capability.HOLD_CASES)):
        raise ValidationError(
            {"worker": f"{worker.display_name} cannot hold cases: choose a worker in {team}"}
        )
    previous = (
        Allocation.objects.select_for_update(of=("self",))
        .filter(person=person, end_date__isnull=True)
        .select_related("worker")
        .first()
    )
    allocation = allocation_set(person=person, by=by, team=team, worker=worker)
    if worker is not None:
        change = AllocationChange(
            person=person,
            team=team,
            worker=worker,
            previous_worker=previous.worker if previous else None,
            by=by,
        )
        for follow_up in _ALLOCATION_FOLLOW_UPS:
            follow_up(change)
    return allocation


@transaction.atomic
def allocation_end(*, person: Person, by: User, end_date: datetime.date) -> None:
    """The case closed: the child's open allocation ends (it leaves the worker's caseload)."""
    current = (
        Allocation.objects.select_for_update().filter(person=person, end_date__isnull=True).first()
    )
    if current is None:
        return
    current.end_date = max(end_date, current.start_date)
    current.save(update_fields=["end_date"])


@transaction.atomic
def person_restrict(*, person: Person, by: User, named_users: list[User]) -> None:
    """Restrict a record to named users (the person restricting it is always one of them)."""
    users = {u.pk: u for u in [*named_users, by]}
    update_with_version(Person, person.pk, None, is_restricted=True)
    RestrictedAccess.objects.filter(person=person).exclude(user_id__in=users).delete()
    for user in users.values():
        RestrictedAccess.objects.get_or_create(
            person=person, user=user, defaults={"granted_by": by}
        )


@transaction.atomic
def person_merge(*, keep: Person, duplicate: Person, by: User) -> Person:
    """Merge ``duplicate`` into ``keep``: every record registered as belonging to a person
    (``haven.people.ownership``) moves across in this one transaction, or, if the two records
    clash (both have an open plan, ...), nothing moves and the clash is named. The duplicate
    stays as a pointer, so its history and audit trail still lead somewhere."""
    if keep.pk == duplicate.pk:
        raise ValidationError({"duplicate": "Choose a different record to merge"})
    keep = Person.objects.select_for_update().get(pk=keep.pk)
    duplicate = Person.objects.select_for_update().get(pk=duplicate.pk)
    if duplicate.merged_into_id is not None or keep.merged_into_id is not None:
        raise ValidationError({"duplicate": "One of these records has already been merged"})
    if keep.kind != duplicate.kind:
        raise ValidationError({"duplicate": "A child's record can only be merged with a child's"})
    try:
        ownership.move_everything(keep=keep, duplicate=duplicate)
    except ownership.MergeClash as clash:
        raise ValidationError({"duplicate": clash.messages}) from clash
    # Fill gaps in the kept record from the duplicate; never overwrite what it has.
    gaps = {
        f: getattr(duplicate, f)
        for f in DETAIL_FIELDS
        if getattr(keep, f) in ("", None) and getattr(duplicate, f) not in ("", None)
    }
    if gaps:
        update_with_version(Person, keep.pk, None, **gaps)
    update_with_version(Person, duplicate.pk, None, merged_into=keep)
    keep.refresh_from_db()
    events.merged(keep, duplicate, by=by)
    return keep


# -- how a merge combines the people package's own records (registered in apps.py) ----------


def merge_names(keep: Person, duplicate: Person) -> None:
    """The duplicate's name becomes a previous name of the kept record; its other names move.
    Its primary name row stays, kept in step with the merged record by the trigger."""
    if (duplicate.given_names, duplicate.family_name) != (keep.given_names, keep.family_name):
        PersonName.objects.create(
            person=keep,
            name_type=NameType.PREVIOUS,
            given_names=duplicate.given_names,
            family_name=duplicate.family_name,
        )
    PersonName.objects.filter(person=duplicate).exclude(name_type=NameType.PRIMARY).update(
        person=keep
    )


def merge_disabilities(keep: Person, duplicate: Person) -> None:
    codes = set(duplicate.disabilities.values_list("code", flat=True))
    codes |= set(keep.disabilities.values_list("code", flat=True))
    if len(codes) > 1:
        codes.discard("NONE")
    duplicate.disabilities.all().delete()
    _set_disabilities(keep, sorted(codes))


def merge_relationships(keep: Person, duplicate: Person) -> None:
    """Each relationship moves unless the kept record already has it (or it would relate the
    kept record to itself); what is left on the duplicate is then redundant."""
    for rel in Relationship.objects.filter(relative_of=duplicate):
        if (
            not Relationship.objects.filter(
                person=rel.person, relative_of=keep, relationship_type=rel.relationship_type
            ).exists()
            and rel.person_id != keep.pk
        ):
            Relationship.objects.filter(pk=rel.pk).update(relative_of=keep)
    for rel in Relationship.objects.filter(person=duplicate):
        if (
            not Relationship.objects.filter(
                person=keep, relative_of=rel.relative_of, relationship_type=rel.relationship_type
            ).exists()
            and rel.relative_of_id != keep.pk
        ):
            Relationship.objects.filter(pk=rel.pk).update(person=keep)
    Relationship.objects.filter(person=duplicate).delete()
    Relationship.objects.filter(relative_of=duplicate).delete()


def merge_allocations(keep: Person, duplicate: Person) -> None:
    """The duplicate's allocations become history on the kept record; its open allocation
    ends today if the kept record is already allocated."""
    open_dup = Allocation.objects.filter(person=duplicate, end_date__isnull=True)
    if Allocation.objects.filter(person=keep, end_date__isnull=True).exists():
        today = timezone.localdate()
        # An allocation that started today ends today; one due to start later cannot be open.
        open_dup.filter(start_date__gt=today).update(end_date=F("start_date"))
        open_dup.update(end_date=today)
    Allocation.objects.filter(person=duplicate).update(person=keep)


def merge_restrictions(keep: Person, duplicate: Person) -> None:
    """Whoever was named on either record is named on the kept one; a restricted duplicate
    restricts the kept record. The duplicate keeps its own names, so that the pointer stays
    as closed as the record it was."""
    for grant in RestrictedAccess.objects.filter(person=duplicate):
        RestrictedAccess.objects.get_or_create(
            person=keep, user=grant.user, defaults={"granted_by": grant.granted_by}
        )
    if duplicate.is_restricted and not keep.is_restricted:
        Person.objects.filter(pk=keep.pk).update(is_restricted=True)


@transaction.atomic
def break_glass_grant(
    *, user: User, person_id: int, reason: str, request: Any = None
) -> BreakGlassGrant | None:
    """Open a record the user is not entitled to, for a limited time, for a stated reason.

    The managers of the team holding the child, and the user's own managers, are alerted.
    Restricted records cannot be opened this way. None if the record cannot be opened."""
    reason = " ".join(reason.split())
    if len(reason) < 10:
        raise ValidationError(
            {"reason": "Explain why you need to see this record (at least 10 characters)"}
        )
    if not user_can(user, Capability.EMERGENCY_ACCESS):
        return None
    person = Person.objects.filter(
        pk=person_id, is_restricted=False, merged_into__isnull=True
    ).first()
    if person is None:
        return None
    grant = BreakGlassGrant.objects.create(
        person=person,
        user=user,
        reason=reason,
        expires_at=timezone.now() + datetime.timedelta(minutes=settings.HAVEN_BREAK_GLASS_MINUTES),
    )
    access_log_record(
        user=user,
        action=AccessAction.BREAK_GLASS,
        request=request,
        person_id=person.pk,
        break_glass_reason=reason,
    )
    _alert_managers(
        user=user,
        person=person,
        message=f"{user.display_name} used emergency access to record {person.pk}: {reason}",
    )
    return grant


def need_to_know_widen(*, user: User, person: Person, reason: str, request: Any = None) -> None:
    """``user`` linked a record they could not see (a new contact about a child held by another
    team, a family member from outside their cases). Linking opens it to them, so it is treated
    as emergency access is: the reason goes in the access log and the managers are told."""
    access_log_record(
        user=user,
        action=AccessAction.LINKED,
        request=request,
        person_id=person.pk,
        break_glass_reason=reason,
    )
    _alert_managers(
        user=user,
        person=person,
        message=f"{user.display_name} linked record {person.pk} from outside their cases: {reason}",
    )


def _alert_managers(*, user: User, person: Person, message: str) -> None:
    """Tell the managers of the team holding ``person`` and of ``user``'s own teams."""
    team_ids = list(
        Allocation.objects.filter(person=person, end_date__isnull=True).values_list(
            "team_id", flat=True
        )
    )
    team_ids += list(user.memberships.values_list("team_id", flat=True))
    managers = [m for m in team_managers(team_ids) if m.pk != user.pk]
    alert_send(recipients=managers, message=message, link=f"/people/{person.pk}/access-log/")
