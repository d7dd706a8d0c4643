"""Recording a period of care as it happens: the child becomes looked after, their legal status
changes, they move placement, they cease to be looked after; and correcting any of it later.

Every change is checked as a whole: the period's legal statuses and placements as they would be
after it must start on the period's first day, follow one another without gaps or overlaps and
end with it. Only then is anything written, and the SSDA903 episodes are derived again
(``haven.care.episodes``), so nobody types an episode and a corrected date re-derives them."""

from __future__ import annotations

import datetime
import itertools
import re
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from haven.accounts.models import User
from haven.accounts.permissions import Capability, service_require
from haven.care import codes, events, health, health_events, timescales
from haven.care.episodes import rederive
from haven.care.models import (
    CarePeriod,
    CarePlan,
    CareReview,
    CareVisit,
    HealthKind,
    HealthRecord,
    LegalStatusChange,
    PersonalEducationPlan,
    Placement,
    ReviewRecommendation,
    SchoolPlacement,
)
from haven.core.checks import locked, not_before, not_future
from haven.core.dates import long_date
from haven.core.errors import ConflictError
from haven.core.versioning import update_with_version
from haven.people.models import Person, PersonKind


@dataclass
class PlacementDetails:
    """What the worker records about a placement (a form's cleaned data)."""

    place: str
    provider: str = ""
    household: Any = None
    home: Any = None
    carer_name: str = ""
    address: str = ""
    postcode: str = ""
    urn: str = ""
    weekly_cost: Decimal | None = None
    intended_until_18: bool = False

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> PlacementDetails:
        """From a form's cleaned data (other fields in it are ignored)."""
        return cls(**{k: data[k] for k in cls.__dataclass_fields__ if k in data})


def collection_year(day: datetime.date) -> int:
    """The SSDA903 collection year a day falls in, named by the year of its 31 March."""
    return day.year + 1 if day.month >= 4 else day.year


def _clean_placement(
    person: Person, start_date: datetime.date, d: PlacementDetails
) -> dict[str, Any]:
    """The placement's fields, checked; a ValidationError names each field that is wrong."""
    errors: dict[str, str] = {}
    place = d.place
    year = collection_year(start_date)
    if place not in codes.PlacementType.values:
        errors["place"] = "Choose the placement type"
    elif codes.RETIRED.get(place, 9999) <= year:
        errors["place"] = (
            f"{place} can no longer be used for a placement starting on {long_date(start_date)}"
        )
    elif codes.INTRODUCED.get(place, 0) > year:
        errors["place"] = (
            f"{place} cannot be used for a placement starting before April {codes.INTRODUCED[place] - 1}"
        )
    elif place == "K3" and (age := person.age_on(start_date)) is not None and age < 16:
        errors["place"] = (
            f"Supported accommodation (K3) is for young people aged 16 or over: the child is {age}"
        )
    household, home = d.household, d.home
    if household is not None and home is not None:
        errors["home"] = "Choose the foster carers or the children's home, not both"
    if household is not None and place not in codes.FOSTER_PLACEMENTS | codes.ADOPTION_PLACEMENTS:
        errors["household"] = "In-house foster carers go with a foster placement type (U1 to U6)"
    carer_name = d.carer_name.strip()
    if household is None and home is None and not carer_name:
        errors["carer_name"] = "Enter who the child lives with, or choose the carers or home"
    provider = d.provider
    if place in codes.NO_PROVIDER:
        provider = ""
    elif not provider:
        if home is not None:
            provider = home.operator
        elif household is not None:
            provider = codes.PlacementProvider.PR1
        elif place in codes.PLACED_WITH_PARENTS:
            provider = codes.PlacementProvider.PR0
        else:
            errors["provider"] = "Choose who provides the placement"
    urn = d.urn.strip().upper()
    if home is not None and not urn:
        urn = home.urn
    if urn and place in codes.NO_URN:
        errors["urn"] = (
            f"A {codes.PlacementType(place).label.lower()} placement has no Ofsted URN"
            if place in codes.PlacementType.values
            else "No URN is recorded for this placement type"
        )
    elif not urn and place not in codes.URN_OPTIONAL and start_date >= codes.URN_REQUIRED_FROM:
        errors["urn"] = (
            "Enter the Ofsted URN of the placement or its provider (for example SC123456), "
            "or XXXXXXX if it is not registered with Ofsted: the SSDA903 needs it (DfE rule 218)"
        )
    elif place == "H5" and urn in ("", "XXXXXXX") and start_date >= codes.SUPPORTED_REGISTERED_FROM:
        errors["urn"] = (
            "Supported accommodation is registered with Ofsted from 28 October 2023: enter the "
            "provider's URN (DfE rule 230)"
        )
    elif urn and not (urn == "XXXXXXX" or (urn.isalnum() and 6 <= len(urn) <= 8)):
        errors["urn"] = (
            "Enter the Ofsted URN (for example SC123456), or XXXXXXX if not regulated by Ofsted"
        )
    postcode = " ".join(d.postcode.upper().split())
    address = d.address.strip()
    for source in (household, home):
        if source is not None:
            postcode = postcode or source.postcode
            address = address or source.address
    if d.weekly_cost is not None and d.weekly_cost < 0:
        errors["weekly_cost"] = "The weekly cost cannot be negative"
    if errors:
        raise ValidationError(errors)
    return {
        "place": place,
        "provider": provider,
        "household": household,
        "home": home,
        "carer_name": carer_name,
        "address": address,
        "postcode": postcode,
        "urn": urn,
        "weekly_cost": d.weekly_cost,
        "intended_until_18": d.intended_until_18,
    }


_PARTIAL_DATE = re.compile(r"^(zz|\d{2})/(zz|\d{2})/(\d{4})$")


def _previous_permanence(
    code: str, la: str, on: str, *, before: datetime.date
) -> tuple[str, str, str]:
    """The previous permanence order, checked: for an adoption, special guardianship or child
    arrangements order, the council that made it and its date (dd/mm/yyyy, with zz for a day
    or month not known), before the child became looked after."""
    if code not in codes.PreviousPermanence.values:
        raise ValidationError(
            {"previous_permanence": "Choose whether the child had a previous permanence order"}
        )
    la, on = la.strip(), on.strip().lower()
    if code not in codes.PREVIOUS_ORDERS:
        return code, "", ""
    errors: dict[str, str] = {}
    if not la:
        errors["previous_permanence_la"] = "Enter the council that made the order"
    found = _PARTIAL_DATE.match(on)
    if not found:
        errors["previous_permanence_on"] = (
            "Enter the date of the order as dd/mm/yyyy, with zz for a day or month not known "
            "(for example zz/05/2019)"
        )
    else:
        day, month, year = found.groups()
        try:
            when = datetime.date(int(year), 1 if month == "zz" else int(month), 1)
            if day != "zz" and month != "zz":
                when = datetime.date(int(year), int(month), int(day))
        except ValueError:
            errors["previous_permanence_on"] = "Enter a real date"
        else:
            if when >= before:
                errors["previous_permanence_on"] = (
                    "The order must be from before the child became looked after "
                    f"({long_date(before)})"
                )
    if errors:
        raise ValidationError(errors)
    return code, la, on


@transaction.atomic
def previous_permanence_record(
    *,
    period: CarePeriod,
    by: User,
    previous_permanence: str,
    previous_permanence_la: str = "",
    previous_permanence_on: str = "",
) -> CarePeriod:
    """Whether the child had an adoption, special guardianship or child arrangements order
    before this period of care (the DfE asks it of every child who starts to be looked after)."""
    service_require(by, Capability.WRITE_RECORDS, field="previous_permanence")
    period = locked(period)
    code, la, on = _previous_permanence(
        previous_permanence,
        previous_permanence_la,
        previous_permanence_on,
        before=period.start_date,
    )
    period.previous_permanence, period.previous_permanence_la, period.previous_permanence_on = (
        code,
        la,
        on,
    )
    period.save(
        update_fields=["previous_permanence", "previous_permanence_la", "previous_permanence_on"]
    )
    return period


def _not_with_parents_under_section_20(place: str, legal_status: str, field: str) -> None:
    """A child accommodated under section 20 cannot be placed with parents: placement with
    parents is under a care or placement order (the DfE's SSDA903 rule 378)."""
    if place in codes.PLACED_WITH_PARENTS and legal_status == codes.LegalStatus.V2:
        raise ValidationError(
            {
                field: "A child accommodated under section 20 (V2) cannot be placed with parents "
                "(P1): record the care order first, or the child ceases to be looked after"
            }
        )


def _not_at_home_postcode(fields: dict[str, Any], home_postcode: str) -> None:
    """Only a child placed with parents lives at the postcode they were looked after from (the
    DfE's rule 392d): a carer at the same postcode is usually the home postcode typed twice."""
    postcode = fields["postcode"]
    if (
        postcode
        and fields["place"] not in codes.PLACED_WITH_PARENTS
        and postcode == " ".join(home_postcode.upper().split())
    ):
        raise ValidationError(
            {
                "postcode": f"{postcode} is the child's home postcode: enter where the placement is "
                "(only a placement with parents is at the child's home)"
            }
        )


@dataclass(frozen=True)
class _Span:
    start_date: datetime.date
    end_date: datetime.date | None
    key: Any = None


def _check_shape(
    period_start: datetime.date,
    period_end: datetime.date | None,
    statuses: list[_Span],
    placements: list[_Span],
    *,
    status_field: str = "start_date",
    placement_field: str = "start_date",
) -> None:
    """The period as it would be: legal statuses and placements from its first day, placements
    end to end, nothing after its end, every episode at least a day long."""
    statuses = sorted(statuses, key=lambda s: s.start_date)
    placements = sorted(placements, key=lambda p: p.start_date)
    if not statuses or statuses[0].start_date != period_start:
        raise ValidationError(
            {
                status_field: f"The first legal status must start the day the child became looked after ({long_date(period_start)})"
            }
        )
    if not placements or placements[0].start_date != period_start:
        raise ValidationError(
            {
                placement_field: f"The first placement must start the day the child became looked after ({long_date(period_start)})"
            }
        )
    days = [s.start_date for s in statuses]
    if len(set(days)) != len(days):
        raise ValidationError({status_field: "Another legal status already starts that day"})
    for earlier, later in itertools.pairwise(placements):
        if later.start_date <= earlier.start_date:
            raise ValidationError({placement_field: "Two placements cannot start the same day"})
        if earlier.end_date != later.start_date:
            raise ValidationError(
                {
                    placement_field: f"A placement must start the day the one before it ends ({long_date(earlier.end_date) if earlier.end_date else 'it has not ended'})"
                }
            )
    last = placements[-1]
    if period_end is None and last.end_date is not None:
        raise ValidationError(
            {
                placement_field: "The child's current placement cannot have ended while they are looked after"
            }
        )
    if period_end is not None:
        if last.end_date != period_end:
            raise ValidationError(
                {
                    placement_field: f"The last placement must end the day the period of care ended ({long_date(period_end)})"
                }
            )
        latest = max(days[-1], last.start_date)
        if latest >= period_end:
            raise ValidationError(
                {
                    "end_date": f"The period cannot end on or before {long_date(latest)}, when the last change was recorded"
                }
            )


def _spans(period: CarePeriod) -> tuple[list[_Span], list[_Span]]:
    statuses = [_Span(s.start_date, None, s.pk) for s in period.legal_statuses.all()]
    placements = [_Span(p.start_date, p.end_date, p.pk) for p in period.placements.all()]
    return statuses, placements


def _open_period(period: CarePeriod, field_name: str) -> CarePeriod:
    period = locked(period)
    if period.end_date is not None:
        raise ConflictError(
            {field_name: f"This period of care ended on {long_date(period.end_date)}"}
        )
    return period


def _no_overlap(person: Person, start: datetime.date, end: datetime.date | None) -> None:
    others = CarePeriod.objects.filter(person=person)
    for other in others:
        other_end = other.end_date or datetime.date.max
        if start < other_end and (end is None or other.start_date < end):
            when = f"from {long_date(other.start_date)}" + (
                f" to {long_date(other.end_date)}" if other.end_date else " and still open"
            )
            raise ValidationError({"start_date": f"The child already has a period of care {when}"})


@transaction.atomic
def period_start(
    *,
    person: Person,
    by: User,
    start_date: datetime.date,
    legal_status: str,
    category_of_need: str,
    placement: PlacementDetails,
    referral: Any = None,
    home_postcode: str = "",
    previous_permanence: str = "",
    previous_permanence_la: str = "",
    previous_permanence_on: str = "",
    known_from_rne: str = "",
) -> CarePeriod:
    """The child becomes looked after: legal status, category of need and first placement, and
    any previous permanence order (the form asks it; left empty here, the Care tab asks later).
    ``known_from_rne`` is for imported history only: the period began before the first episode
    the returns hold, which starts Haven's record of it with that reason for a new episode."""
    service_require(by, Capability.WRITE_RECORDS, field="start_date")
    person = locked(person)
    if person.kind != PersonKind.CHILD:
        raise ValidationError({"start_date": "Only a child can become looked after"})
    not_future(start_date, "start_date", "date the child became looked after")
    if person.date_of_birth:
        not_before(
            start_date,
            person.date_of_birth,
            "start_date",
            "A child cannot be looked after before they were born",
        )
        age = person.age_on(start_date)
        if age is not None and age >= 18:
            raise ValidationError(
                {
                    "start_date": f"The child was {age} on that day: only children under 18 become looked after"
                }
            )
    if legal_status not in codes.LegalStatus.values:
        raise ValidationError({"legal_status": "Choose the legal status"})
    if category_of_need not in codes.CategoryOfNeed.values:
        raise ValidationError({"category_of_need": "Choose the category of need"})
    if CarePeriod.objects.filter(person=person, end_date__isnull=True).exists():
        raise ConflictError({"start_date": "This child is already looked after"})
    _no_overlap(person, start_date, None)
    fields = _clean_placement(person, start_date, placement)
    _not_with_parents_under_section_20(fields["place"], legal_status, "place")
    if referral is None:
        referral = (
            person.referrals.filter(closure_date__isnull=True).order_by("-referral_date").first()
        )
    if not home_postcode:
        home = person.addresses.filter(end_date__isnull=True).order_by("-start_date").first()
        home_postcode = home.postcode if home else ""
    _not_at_home_postcode(fields, home_postcode)
    prev = ("", "", "")
    if previous_permanence:
        prev = _previous_permanence(
            previous_permanence, previous_permanence_la, previous_permanence_on, before=start_date
        )
    period = CarePeriod.objects.create(
        person=person,
        referral=referral,
        start_date=start_date,
        category_of_need=category_of_need,
        home_postcode=" ".join(home_postcode.upper().split()),
        previous_permanence=prev[0],
        previous_permanence_la=prev[1],
        previous_permanence_on=prev[2],
        known_from_rne="" if known_from_rne == codes.ReasonNewEpisode.S else known_from_rne,
        created_by=by,
    )
    LegalStatusChange.objects.create(
        period=period, person=person, code=legal_status, start_date=start_date, recorded_by=by
    )
    first = Placement.objects.create(
        period=period, person=person, start_date=start_date, created_by=by, **fields
    )
    _placed(first)
    rederive(period)
    events.care_started(period, ls=legal_status, by=by)
    events.placement_started(first, by=by)
    return period


def _placed(placement: Placement) -> None:
    """Work out what follows from where the child is placed (the distance from home), through
    the hooks other parts register."""
    for hook in _placement_hooks:
        hook(placement)


_placement_hooks: list[Any] = []


def register_placement_hook(hook: Any) -> None:
    """``hook(placement)`` runs after a placement is recorded or corrected, in its transaction
    (the distance from the child's home, from haven.carers' postcode lookup)."""
    if hook not in _placement_hooks:
        _placement_hooks.append(hook)


_end_checks: list[Any] = []


def register_end_check(check: Any) -> None:
    """``check(period, end_date, reason)`` runs before a period of care ends and raises a
    ValidationError (keyed by the end form's field) for what another package holds that must
    be settled first (an open plan for adoption, from haven.adoption)."""
    if check not in _end_checks:
        _end_checks.append(check)


@transaction.atomic
def legal_status_record(
    *, period: CarePeriod, by: User, code: str, start_date: datetime.date
) -> LegalStatusChange:
    """The child's legal status changes from ``start_date``."""
    period = _open_period(period, "start_date")
    not_future(start_date, "start_date", "date of the new legal status")
    if code not in codes.LegalStatus.values:
        raise ValidationError({"code": "Choose the legal status"})
    current = period.legal_statuses.order_by("-start_date").first()
    if current is not None:
        if start_date <= current.start_date:
            raise ValidationError(
                {
                    "start_date": f"The new legal status must start after the current one ({long_date(current.start_date)}); to change a past one, correct it"
                }
            )
        if current.code == code:
            raise ValidationError(
                {
                    "code": f"The child's legal status is already {codes.LegalStatus(code).label.lower()}"
                }
            )
    placed = period.placements.filter(start_date__lte=start_date).order_by("-start_date").first()
    if placed is not None:
        _not_with_parents_under_section_20(placed.place, code, "code")
    status = LegalStatusChange.objects.create(
        period=period, person_id=period.person_id, code=code, start_date=start_date, recorded_by=by
    )
    rederive(period)
    events.legal_status_changed(status, by=by)
    return status


@transaction.atomic
def placement_move(
    *,
    period: CarePeriod,
    by: User,
    start_date: datetime.date,
    change_reason: str,
    placement: PlacementDetails,
) -> Placement:
    """The child moves: the current placement ends with the reason and the new one starts the
    same day. A new carer in the same setting is a move too (a new placement)."""
    period = _open_period(period, "start_date")
    not_future(start_date, "start_date", "date of the move")
    current = period.placements.select_for_update().order_by("-start_date").first()
    assert current is not None
    if start_date <= current.start_date:
        raise ValidationError(
            {
                "start_date": f"The move must be after the current placement started ({long_date(current.start_date)})"
            }
        )
    if change_reason not in codes.ReasonPlaceChange.values:
        raise ValidationError({"change_reason": "Choose the reason for the move"})
    person = Person.objects.get(pk=period.person_id)
    fields = _clean_placement(person, start_date, placement)
    _not_with_parents_under_section_20(
        fields["place"], _legal_status_on(period, start_date), "place"
    )
    _not_at_home_postcode(fields, period.home_postcode)
    new_carer = Placement(
        household=fields["household"], home=fields["home"], carer_name=fields["carer_name"]
    ).carer_key
    if new_carer == current.carer_key and all(
        fields[k] == getattr(current, k) for k in ("place", "postcode", "urn", "provider")
    ):
        # The DfE's rule 435: a move must change the type, the carer, the address or the
        # provider; otherwise the child has not moved.
        raise ValidationError(
            {
                "place": "This is the placement the child is in now (same type, carer, address, "
                "URN and provider): a move changes at least one of them"
            }
        )
    Placement.objects.filter(pk=current.pk).update(end_date=start_date, change_reason=change_reason)
    new = Placement.objects.create(
        period=period, person=person, start_date=start_date, created_by=by, **fields
    )
    _placed(new)
    rederive(period)
    events.placement_started(new, by=by, reason=change_reason)
    return new


@transaction.atomic
def period_end(*, period: CarePeriod, by: User, end_date: datetime.date, reason: str) -> CarePeriod:
    """The child ceases to be looked after: the placement ends with the period."""
    period = _open_period(period, "end_date")
    not_future(end_date, "end_date", "date the child ceased to be looked after")
    if reason not in dict(codes.PERIOD_END_REASONS):
        raise ValidationError({"reason": "Choose why the child ceased to be looked after"})
    for check in _end_checks:
        check(period, end_date, reason)
    statuses, placements = _spans(period)
    placements[-1] = replace(placements[-1], end_date=end_date)
    _check_shape(period.start_date, end_date, statuses, placements, placement_field="end_date")
    Placement.objects.filter(pk=placements[-1].key).update(end_date=end_date)
    update_with_version(CarePeriod, period.pk, None, end_date=end_date, end_reason=reason)
    period.refresh_from_db()
    rederive(period)
    events.care_ended(period, by=by)
    return period


@transaction.atomic
def legal_status_correct(
    *, status: LegalStatusChange, by: User, code: str, start_date: datetime.date
) -> LegalStatusChange:
    """Correct a legal status recorded with the wrong code or date; the episodes follow."""
    status = locked(status)
    period = locked(status.period)
    not_future(start_date, "start_date", "date of the legal status")
    if code not in codes.LegalStatus.values:
        raise ValidationError({"code": "Choose the legal status"})
    statuses, placements = _spans(period)
    statuses = [replace(s, start_date=start_date) if s.key == status.pk else s for s in statuses]
    _check_shape(period.start_date, period.end_date, statuses, placements)
    LegalStatusChange.objects.filter(pk=status.pk).update(code=code, start_date=start_date)
    rederive(period)
    status.refresh_from_db()
    return status


@transaction.atomic
def legal_status_remove(*, status: LegalStatusChange, by: User) -> None:
    """Remove a legal status change recorded by mistake (never the first)."""
    status = locked(status)
    period = locked(status.period)
    if status.start_date == period.start_date:
        raise ValidationError(
            {
                "start_date": "The legal status the child became looked after with cannot be removed: correct it instead"
            }
        )
    LegalStatusChange.objects.filter(pk=status.pk).delete()
    rederive(period)


@transaction.atomic
def placement_correct(
    *,
    placement: Placement,
    by: User,
    version: int,
    start_date: datetime.date,
    details: PlacementDetails,
    change_reason: str = "",
) -> Placement:
    """Correct a placement's details or start date. Moving the start moves the end of the
    placement before it, so the placements still follow one another; the episodes follow."""
    placement = locked(placement)
    period = locked(placement.period)
    not_future(start_date, "start_date", "placement start date")
    if placement.end_date is not None and placement.end_date != period.end_date:
        if change_reason not in codes.ReasonPlaceChange.values:
            raise ValidationError({"change_reason": "Choose the reason for the move"})
    else:
        change_reason = ""
    person = Person.objects.get(pk=period.person_id)
    fields = _clean_placement(person, start_date, details)
    statuses, placements = _spans(period)
    previous = next((p for p in reversed(placements) if p.start_date < placement.start_date), None)
    candidate = []
    for span in placements:
        if span.key == placement.pk:
            candidate.append(replace(span, start_date=start_date))
        elif previous is not None and span.key == previous.key:
            candidate.append(replace(span, end_date=start_date))
        else:
            candidate.append(span)
    _check_shape(period.start_date, period.end_date, statuses, candidate)
    # Move the edge between the two placements in the order that never overlaps them.
    previous_rows = Placement.objects.filter(pk__in=[previous.key] if previous else [])
    if start_date < placement.start_date:
        previous_rows.update(end_date=start_date)
    update_with_version(
        Placement,
        placement.pk,
        version,
        start_date=start_date,
        change_reason=change_reason,
        **fields,
    )
    previous_rows.update(end_date=start_date)
    placement.refresh_from_db()
    _placed(placement)
    rederive(period)
    return placement


@transaction.atomic
def iro_allocate(*, period: CarePeriod, by: User, iro: User) -> CarePeriod:
    """Name the child's independent reviewing officer, who chairs their reviews."""
    service_require(by, Capability.ALLOCATE, field="iro")
    period = _open_period(period, "iro")
    from haven.accounts.models import Role

    if iro.role != Role.REVIEWING_OFFICER or not iro.is_active:
        raise ValidationError({"iro": "Choose a reviewing officer"})
    update_with_version(CarePeriod, period.pk, None, iro=iro)
    period.refresh_from_db()
    return period


# -- The statutory work of a period: care and placement plans, visits, reviews ------------------


def _required_text(value: str, field: str, message: str) -> str:
    value = value.strip()
    if not value:
        raise ValidationError({field: message})
    return value


def _within_period(period: CarePeriod, day: datetime.date, field: str, what: str) -> None:
    """``day`` falls in the period of care: not before it started, not after it ended."""
    not_before(
        day, period.start_date, field, f"{what} cannot be before the child became looked after"
    )
    if period.end_date is not None and day > period.end_date:
        raise ValidationError(
            {
                field: f"{what} cannot be after the child ceased to be looked after "
                f"({long_date(period.end_date)})"
            }
        )


@transaction.atomic
def care_plan_agree(
    *,
    period: CarePeriod,
    by: User,
    agreed_on: datetime.date,
    permanence_plan: str,
    summary: str,
) -> CarePlan:
    """The care plan agreed (CPPCR reg 4: within 10 working days of the child becoming looked
    after), with its permanence plan. Agreeing it again adds a row: the rows are its history."""
    period = locked(period)
    not_future(agreed_on, "agreed_on", "date the plan was agreed")
    _within_period(period, agreed_on, "agreed_on", "A care plan")
    if permanence_plan not in codes.PermanencePlan.values:
        raise ValidationError({"permanence_plan": "Choose the permanence plan"})
    plan = CarePlan.objects.create(
        period=period,
        person_id=period.person_id,
        agreed_on=agreed_on,
        permanence_plan=permanence_plan,
        summary=_required_text(summary, "summary", "Enter what the plan is"),
        recorded_by=by,
    )
    events.care_plan_agreed(plan, by=by)
    return plan


@transaction.atomic
def placement_plan_agree(*, placement: Placement, by: User, agreed_on: datetime.date) -> Placement:
    """The placement plan agreed with the carers (CPPCR reg 9: within 5 working days of the
    placement's start); recorded once for each placement."""
    placement = locked(placement)
    if placement.plan_agreed_on is not None:
        raise ConflictError(
            {
                "agreed_on": f"The placement plan was already agreed on "
                f"{long_date(placement.plan_agreed_on)}"
            }
        )
    not_future(agreed_on, "agreed_on", "date the placement plan was agreed")
    if placement.end_date is not None and agreed_on > placement.end_date:
        raise ValidationError(
            {
                "agreed_on": f"The placement ended on {long_date(placement.end_date)}: "
                "a plan cannot be agreed after it"
            }
        )
    update_with_version(Placement, placement.pk, None, plan_agreed_on=agreed_on)
    placement.refresh_from_db()
    events.placement_plan_agreed(placement, by=by)
    return placement


def _legal_status_on(period: CarePeriod, day: datetime.date) -> str:
    return (
        LegalStatusChange.objects.filter(period=period, start_date__lte=day)
        .order_by("-start_date")
        .values_list("code", flat=True)
        .first()
        or ""
    )


def _first_review(period: CarePeriod) -> datetime.date | None:
    return (
        CareReview.objects.filter(period=period)
        .order_by("held_on")
        .values_list("held_on", flat=True)
        .first()
    )


@transaction.atomic
def care_visit_record(
    *,
    period: CarePeriod,
    by: User,
    visited_on: datetime.date,
    child_seen: bool,
    seen_alone: bool = False,
    notes: str = "",
    child_said: str = "",
) -> CareVisit:
    """A statutory visit (CPPCR reg 28), to the placement the child was in that day. Its words
    are its case note's (haven.casenotes, through haven.protection's visit hooks): a visit is
    written once. The visit keeps when it was due and when the next one is."""
    period = locked(period)
    not_future(visited_on, "visited_on", "date of the visit")
    _within_period(period, visited_on, "visited_on", "A statutory visit")
    if seen_alone and not child_seen:
        raise ValidationError({"seen_alone": "A child not seen cannot have been seen alone"})
    placement = (
        Placement.objects.filter(period=period, start_date__lte=visited_on)
        .order_by("-start_date")
        .first()
    )
    if placement is None or (placement.end_date is not None and placement.end_date <= visited_on):
        raise ValidationError(
            {
                "visited_on": f"The child had no placement on {long_date(visited_on)}: "
                "record the placement first"
            }
        )
    facts = timescales.VisitPlacement.of(placement, _legal_status_on(period, visited_on))
    first_review = _first_review(period)
    previous = (
        CareVisit.objects.filter(placement=placement, visited_on__lte=visited_on)
        .order_by("-visited_on")
        .values_list("visited_on", flat=True)
        .first()
    )
    due = timescales.visit_due(facts, previous, first_review, visited_on)
    following = timescales.visit_due(facts, visited_on, first_review, visited_on)
    visit = CareVisit.objects.create(
        period=period,
        placement=placement,
        person_id=period.person_id,
        visited_on=visited_on,
        child_seen=child_seen,
        seen_alone=seen_alone,
        due_date=due.date,
        next_due=following.date,
        due_rule=due.rule,
        worker=by,
    )
    events.care_visit_recorded(visit, by=by)
    from haven.protection.services import visit_recorded_hooks_run

    visit_recorded_hooks_run(visit, by=by, notes=notes, child_said=child_said)
    return visit


@transaction.atomic
def care_review_record(
    *,
    period: CarePeriod,
    by: User,
    held_on: datetime.date,
    participation: str,
    summary: str = "",
) -> CareReview:
    """A review of the child's case (CPPCR reg 33), recorded by its chair: the child's IRO.
    The first is due 20 working days after the child became looked after, the second 3 months
    after the first, then at most 6 months apart."""
    period = locked(period)
    if period.iro_id is None:
        raise ValidationError(
            {"held_on": "The child has no independent reviewing officer: allocate one first"}
        )
    if period.iro_id != by.pk:
        raise ValidationError(
            {"held_on": "Only the child's independent reviewing officer can record their review"}
        )
    return _review_write(
        period, by=by, held_on=held_on, participation=participation, chair=by, summary=summary
    )


@transaction.atomic
def care_reviews_import(
    *, period: CarePeriod, by: User, held: list[tuple[datetime.date, str]]
) -> list[CareReview]:
    """Reviews of a period of care held before the child's records came to Haven (an imported
    return), given as (held on, participation): who chaired them is not known, so they have no
    chair; each is checked as a review recorded by the IRO is, and its due dates derived the
    same way, as if recorded one after the other in date order. All or none: the refusal of
    one of several names its date."""
    service_require(by, Capability.WRITE_RECORDS, field="held_on")
    period = locked(period)
    return _reviews_write(period, by=by, held=[(day, code, None, "") for day, code in sorted(held)])


def _review_write(
    period: CarePeriod,
    *,
    by: User,
    held_on: datetime.date,
    participation: str,
    chair: User | None,
    summary: str,
) -> CareReview:
    return _reviews_write(period, by=by, held=[(held_on, participation, chair, summary)])[0]


def _reviews_write(
    period: CarePeriod,
    *,
    by: User,
    held: list[tuple[datetime.date, str, User | None, str]],
) -> list[CareReview]:
    """Check and write reviews (held on, participation, chair, summary) in date order: each
    review's due date and the next's from the period's reviews before it."""
    person = period.person
    before = sorted(CareReview.objects.filter(period=period).values_list("held_on", flat=True))
    reviews = []
    for held_on, participation, chair, summary in held:
        try:
            _review_check(period, person, held_on, participation)
        except ValidationError as exc:
            if len(held) == 1:
                raise
            raise ValidationError(
                f"The review of {long_date(held_on)}: " + "; ".join(exc.messages)
            ) from exc
        earlier = [day for day in before if day < held_on]
        due = timescales.review_due(period.start_date, len(earlier), max(earlier, default=None))
        following = timescales.review_due(period.start_date, len(earlier) + 1, held_on)
        reviews.append(
            CareReview(
                period=period,
                person_id=period.person_id,
                held_on=held_on,
                due_date=due.date,
                participation=participation,
                chair=chair,
                summary=summary.strip(),
                next_due=following.date,
            )
        )
        before.append(held_on)
    try:
        with transaction.atomic():
            CareReview.objects.bulk_create(reviews)
    except IntegrityError as exc:
        days = ", ".join(long_date(r.held_on) for r in reviews)
        raise ConflictError(
            {"held_on": f"A review is already recorded on {days}"}
            if len(reviews) == 1
            else {"held_on": f"A review is already recorded on one of {days}"}
        ) from exc
    for review in reviews:
        events.care_review_held(review, by=by)
    return reviews


def _review_check(
    period: CarePeriod, person: Person, held_on: datetime.date, participation: str
) -> None:
    not_future(held_on, "held_on", "date of the review")
    _within_period(period, held_on, "held_on", "A review")
    if participation not in codes.Participation.values:
        raise ValidationError({"participation": "Choose how the child took part"})
    age = person.age_on(held_on)
    if age is not None and age < 4 and participation != codes.Participation.PN0:
        raise ValidationError({"participation": "The child was under 4 at the review: choose PN0"})
    if participation == codes.Participation.PN0 and (age is None or age >= 4):
        raise ValidationError(
            {
                "participation": "PN0 is only for a child under 4 at the review: choose how "
                "the child took part"
            }
        )


@transaction.atomic
def review_recommendation_add(
    *, review: CareReview, by: User, text: str, owner: User | None, due_date: datetime.date
) -> ReviewRecommendation:
    """A recommendation of the review, for a named person by a date: it is on their "my work"
    until done. Made by the review's chair (the child's IRO)."""
    review = locked(review)
    if by.pk not in (review.chair_id, review.period.iro_id):
        raise ValidationError({"text": "Only the review's chair can add its recommendations"})
    text = _required_text(text, "text", "Enter the recommendation")
    if owner is None:
        raise ValidationError({"owner": "Choose who will do it"})
    from haven.people.access import visible_ids

    if review.person_id not in visible_ids(owner, [review.person_id]):
        raise ValidationError(
            {
                "owner": f"{owner.display_name} cannot see this child's record: choose someone "
                "working with the child"
            }
        )
    not_before(
        due_date, review.held_on, "due_date", "A recommendation cannot be due before the review"
    )
    recommendation = ReviewRecommendation.objects.create(
        review=review,
        person_id=review.person_id,
        text=text,
        owner=owner,
        due_date=due_date,
    )
    return recommendation


@transaction.atomic
def review_recommendation_done(
    *, recommendation: ReviewRecommendation, by: User, done_on: datetime.date
) -> ReviewRecommendation:
    recommendation = locked(recommendation)
    if recommendation.done_on is not None:
        raise ConflictError(
            {"done_on": f"This was already done on {long_date(recommendation.done_on)}"}
        )
    not_future(done_on, "done_on", "date it was done")
    not_before(
        done_on,
        recommendation.review.held_on,
        "done_on",
        "A recommendation cannot be done before the review made it",
    )
    update_with_version(ReviewRecommendation, recommendation.pk, None, done_on=done_on)
    recommendation.refresh_from_db()
    events.review_recommendation_done(recommendation, by=by)
    return recommendation


# -- Health and education ------------------------------------------------------------------------

# A health assessment is recorded as one kind: the service decides whether it is the period's
# initial assessment or a review.
HEALTH_ASSESSMENT = "assessment"


def _period_on(person: Any, day: datetime.date, field: str) -> CarePeriod:
    """The child's period of care that ``day`` falls in, locked (so two records of the same
    thing cannot both pass the duplicate check), or a field error saying why there is none."""
    return _period_among(_periods_locked(person), person, day, field)


def _periods_locked(person: Any) -> list[CarePeriod]:
    return list(CarePeriod.objects.select_for_update().filter(person=person).order_by("start_date"))


def _period_among(
    periods: list[CarePeriod], person: Any, day: datetime.date, field: str
) -> CarePeriod:
    if not periods:
        raise ValidationError({field: f"{person.full_name} has not been looked after"})
    born = person.date_of_birth
    if born is not None and day < born:
        raise ValidationError(
            {field: f"The date must be on or after their date of birth ({long_date(born)})"}
        )
    for period in periods:
        if period.start_date <= day and (period.end_date is None or day < period.end_date):
            return period
    raise ValidationError({field: f"{person.full_name} was not looked after on {long_date(day)}"})


def _sdq_checks(person: Any, on: datetime.date, score: Any, reason: str) -> None:
    errors: dict[str, str] = {}
    if score is not None and reason:
        errors["sdq_reason"] = "Give a score or a reason for no score, not both"
    elif score is None and not reason:
        errors["sdq_score"] = "Enter the SDQ score, or choose why there is no score"
    elif score is not None and (not isinstance(score, int) or not 0 <= score <= 40):
        errors["sdq_score"] = "The SDQ score must be a whole number from 0 to 40"
    elif reason and reason not in codes.SDQReason.values:
        errors["sdq_reason"] = "Choose why there is no score"
    elif reason == codes.SDQReason.SDQ1:
        age = person.age_on(on)
        if age is not None and 4 <= age < 17:
            errors["sdq_reason"] = (
                f"{person.full_name} was {age} on that date: the reason 'aged under 4 or over 17' "
                "is only for children under 4 or aged 17 or over"
            )
    if errors:
        raise ValidationError(errors)


@dataclass(frozen=True)
class HealthEntry:
    """A health event to record for a child (``health_record``'s details)."""

    kind: str
    on: datetime.date
    up_to_date: bool | None = None
    sdq_score: int | None = None
    sdq_reason: str = ""
    intervention_offered: bool | None = None
    intervention_received: bool | None = None
    notes: str = ""


@transaction.atomic
def health_record(
    *,
    person: Any,
    by: Any,
    kind: str,
    on: datetime.date,
    up_to_date: bool | None = None,
    sdq_score: int | None = None,
    sdq_reason: str = "",
    intervention_offered: bool | None = None,
    intervention_received: bool | None = None,
    notes: str = "",
) -> HealthRecord:
    """Record a health event of a looked-after child, dated within a period of care. A health
    assessment (``HEALTH_ASSESSMENT``) is the period's initial one if none came before it, else
    a review; assessments and dental checks store when they were due."""
    entry = HealthEntry(
        kind=kind,
        on=on,
        up_to_date=up_to_date,
        sdq_score=sdq_score,
        sdq_reason=sdq_reason,
        intervention_offered=intervention_offered,
        intervention_received=intervention_received,
        notes=notes,
    )
    (record,) = _health_write(person, by, [entry])
    return record


@transaction.atomic
def health_records_import(
    *, person: Any, by: Any, entries: list[HealthEntry]
) -> list[HealthRecord]:
    """Several health events of a child at once, from an imported return (its OC2 items): each
    checked as ``health_record`` checks it, in date order, in one transaction and a fixed
    number of queries (and a chronology entry each)."""
    return _health_write(person, by, sorted(entries, key=lambda e: e.on))


def _health_write(person: Any, by: Any, entries: list[HealthEntry]) -> list[HealthRecord]:
    periods = _periods_locked(person)
    known = list(HealthRecord.objects.filter(person=person).values_list("kind", "on"))
    made = []
    for entry in entries:
        kind, period, fields = _health_checked(person, entry, periods, known)
        made.append(
            HealthRecord(
                person=person,
                period=period,
                kind=kind,
                on=entry.on,
                notes=entry.notes.strip(),
                recorded_by=by,
                **fields,
            )
        )
        known.append((kind, entry.on))
    HealthRecord.objects.bulk_create(made)
    for record in made:
        health_events.health_recorded(record, by=by)
    return made


def _health_checked(
    person: Any,
    entry: HealthEntry,
    periods: list[CarePeriod],
    known: list[tuple[str, datetime.date]],
) -> tuple[str, CarePeriod, dict[str, Any]]:
    """The kind, period and fields of a health event, checked against the child's periods of
    care and the health events ``known`` (kind, date) before it."""
    kind, on = entry.kind, entry.on
    if kind in (HEALTH_ASSESSMENT, *health.ASSESSMENTS):
        kind = HEALTH_ASSESSMENT
    elif kind not in HealthKind.values:
        raise ValidationError({"kind": "Choose what to record"})
    not_future(on, "on", "date")
    period = _period_among(periods, person, on, "on")
    fields: dict[str, Any] = {}
    if kind == HEALTH_ASSESSMENT:
        in_period = [d for k, d in known if k in health.ASSESSMENTS and d >= period.start_date]
        if any(d > on for d in in_period):
            raise ValidationError(
                {"on": "A later health assessment is already recorded: record them in date order"}
            )
        if not in_period:
            kind = HealthKind.INITIAL_ASSESSMENT
            due = health.initial_health_assessment_due(period.start_date)
        else:
            kind = HealthKind.REVIEW_ASSESSMENT
            due = health.health_assessment_next_due(person.date_of_birth, max(in_period))
        fields["due_date"] = due
    elif kind == HealthKind.DENTAL_CHECK:
        last = max((d for k, d in known if k == kind and d < on), default=None)
        fields["due_date"] = health.dental_check_due(last, period.start_date)
    elif kind == HealthKind.IMMUNISATIONS:
        if entry.up_to_date is None:
            raise ValidationError({"up_to_date": "Choose whether the immunisations are up to date"})
        fields["up_to_date"] = entry.up_to_date
    elif kind == HealthKind.SDQ:
        _sdq_checks(person, on, entry.sdq_score, entry.sdq_reason)
        fields.update(sdq_score=entry.sdq_score, sdq_reason=entry.sdq_reason)
    elif kind == HealthKind.SUBSTANCE_MISUSE:
        received = entry.intervention_received
        fields.update(
            intervention_offered=True if received else entry.intervention_offered,
            intervention_received=received,
        )
    same_day = health.ASSESSMENTS if kind in health.ASSESSMENTS else (kind,)
    if any(k in same_day and d == on for k, d in known):
        raise ConflictError(
            {"on": f"{HealthKind(kind).label} is already recorded on {long_date(on)}"}
        )
    return kind, period, fields


_URN = re.compile(r"\d{6}")


@transaction.atomic
def school_placement_record(
    *,
    person: Any,
    by: Any,
    school_name: str,
    start_date: datetime.date,
    urn: str = "",
    virtual_school_contact: str = "",
) -> SchoolPlacement:
    """The child starts at a school or college; the one they were at ends that day."""
    errors: dict[str, str] = {}
    school_name = " ".join(school_name.split())
    urn = urn.strip()
    if not school_name:
        errors["school_name"] = "Enter the name of the school or college"
    if urn and not _URN.fullmatch(urn):
        errors["urn"] = "The school URN must be 6 digits, like 116245"
    if errors:
        raise ValidationError(errors)
    not_future(start_date, "start_date", "start date")
    if not CarePeriod.objects.filter(person=person).exists():
        raise ValidationError({"start_date": f"{person.full_name} has not been looked after"})
    born = person.date_of_birth
    if born is not None and start_date < born:
        raise ValidationError(
            {"start_date": f"The date must be on or after their date of birth ({long_date(born)})"}
        )
    current = (
        SchoolPlacement.objects.select_for_update()
        .filter(person=person, end_date__isnull=True)
        .first()
    )
    if current is not None:
        if start_date <= current.start_date:
            raise ConflictError(
                {
                    "start_date": f"{person.full_name} started at {current.school_name} on "
                    f"{long_date(current.start_date)}: a new school starts after that"
                }
            )
        current.end_date = start_date
        current.save(update_fields=["end_date"])
    school = SchoolPlacement.objects.create(
        person=person,
        school_name=school_name,
        urn=urn,
        start_date=start_date,
        virtual_school_contact=" ".join(virtual_school_contact.split()),
    )
    health_events.school_started(school, by=by)
    return school


@transaction.atomic
def pep_record(
    *, person: Any, by: Any, held_on: datetime.date, summary: str = ""
) -> PersonalEducationPlan:
    """A personal education plan meeting in a period of care: the first starts the plan, later
    ones review it. Each stores when it was due and when the next is due (the term rule)."""
    not_future(held_on, "held_on", "date of the meeting")
    period = _period_on(person, held_on, "held_on")
    peps = PersonalEducationPlan.objects.filter(period=period)
    if peps.filter(held_on=held_on).exists():
        raise ConflictError(
            {"held_on": f"A personal education plan is already recorded on {long_date(held_on)}"}
        )
    last = peps.filter(held_on__lt=held_on).order_by("-held_on").values_list("held_on", flat=True)
    previous = last.first()
    pep = PersonalEducationPlan.objects.create(
        period=period,
        person=person,
        held_on=held_on,
        due_date=(
            health.pep_next_due(previous) if previous else health.first_pep_due(period.start_date)
        ),
        next_due=health.pep_next_due(held_on),
        summary=summary.strip(),
        recorded_by=by,
    )
    health_events.pep_held(pep, by=by, first=previous is None)
    return pep
