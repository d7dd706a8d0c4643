"""Placement requests: a worker asks for a placement for a child (what they need, the kind,
brothers and sisters to keep together, near where, by when); the search offers the council's
own foster carers with room for them all and an age range that fits, nearest first, then its
own homes with vacancies, then the external homes on the register; recording the match (or
withdrawing the request) closes it. Services (every write) and selectors (reads) for them."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from haven.accounts.models import User
from haven.accounts.permissions import Capability, service_require
from haven.care import placement_events as events
from haven.care.models import CarePeriod, PlacementRequest, RequestStatus
from haven.carers import selectors as carers
from haven.carers.geography import distance_miles
from haven.carers.models import ChildrensHome, FosteringHousehold
from haven.core.dates import long_date
from haven.core.errors import ConflictError
from haven.core.versioning import update_with_version
from haven.people.access import restriction_q, visible_q
from haven.people.models import Person, PersonKind, Relationship, RelationshipType
from haven.people.validators import normalise_postcode, postcode_is_valid

KINDS = dict(PlacementRequest._meta.get_field("placement_kind").choices or [])
FOSTERING, RESIDENTIAL = "fostering", "residential"
SIBLING_TYPES = (RelationshipType.SIBLING, RelationshipType.HALF_SIBLING)


def _today() -> datetime.date:
    return timezone.localdate()


# --------------------------------------------------------------------------------------------
# Selectors


def siblings_for(*, person: Person, user: Any) -> QuerySet[Person]:
    """The child's recorded brothers and sisters (and half-), who are children the user may
    see: the ones a request may keep together with them."""
    related = Relationship.objects.filter(relationship_type__in=SIBLING_TYPES)
    ids = {
        *related.filter(relative_of=person).values_list("person_id", flat=True),
        *related.filter(person=person).values_list("relative_of_id", flat=True),
    }
    return (
        Person.objects.filter(pk__in=ids - {person.pk}, kind=PersonKind.CHILD, merged_into=None)
        .filter(visible_q(user))
        .order_by("date_of_birth", "given_names", "pk")
    )


def siblings_shown(*, request: PlacementRequest, user: Any) -> list[Person]:
    """The siblings a request keeps together, those the user may see (the others are
    counted, not named)."""
    return list(request.keep_with_siblings.filter(visible_q(user)).order_by("date_of_birth", "pk"))


def requests_for(*, person: Person) -> list[PlacementRequest]:
    return list(
        PlacementRequest.objects.filter(person=person)
        .select_related("matched_household", "matched_home", "requested_by")
        .prefetch_related("keep_with_siblings")
        .order_by("-requested_on", "-pk")
    )


def request_get(*, person: Person, request_id: int) -> PlacementRequest:
    from django.shortcuts import get_object_or_404

    return get_object_or_404(
        PlacementRequest.objects.select_related(
            "matched_household", "matched_home", "requested_by"
        ),
        person=person,
        pk=request_id,
    )


def open_requests(*, user: Any) -> QuerySet[PlacementRequest]:
    """Every open request, soonest needed first (the placements team's list): the children in
    it go through ``rows_for_user`` before anyone sees a name, and a restricted child not named
    to the user is not listed at all."""
    return (
        PlacementRequest.objects.filter(status=RequestStatus.OPEN)
        .filter(restriction_q(user, "person__"))
        .select_related("person", "requested_by")
        .prefetch_related("keep_with_siblings")
        .order_by("needed_by", "requested_on", "pk")
    )


def home_postcode(person: Person) -> str:
    """Where the child's placements are measured from: the home they came into care from."""
    period = CarePeriod.objects.filter(person=person).order_by("end_date", "-start_date").first()
    return period.home_postcode if period else ""


@dataclass(frozen=True)
class Offer:
    """A carer or home the search offers, with its vacancies and distance (None: not known)."""

    record: FosteringHousehold | ChildrensHome
    places: carers.Places
    miles: Decimal | None


@dataclass(frozen=True)
class Search:
    near: str  # the postcode distances are measured from ("" if none)
    children: int  # the child and the siblings to keep with them
    ages: list[int | None]  # on the day the placement is needed
    households: list[Offer]
    own_homes: list[Offer]
    external_homes: list[Offer]

    @property
    def ages_known(self) -> bool:
        return all(age is not None for age in self.ages)


def _by_distance(offers: list[Offer]) -> list[Offer]:
    return sorted(
        offers,
        key=lambda o: (o.miles is None, o.miles or Decimal(0), o.record.name, o.record.pk),
    )


def search(*, request: PlacementRequest) -> Search:
    """Who could take the child (and siblings): in-house households approved on the day needed
    whose age range takes every child and whose vacancies take them all, nearest first; then
    the council's own homes with enough vacancies, nearest first; then external homes open on
    the day (their vacancies are theirs to confirm), nearest first."""
    on = max(request.needed_by, _today())
    children = [request.person, *request.keep_with_siblings.all()]
    ages = [child.age_on(request.needed_by) for child in children]
    near = request.near_postcode or home_postcode(request.person)

    def offer(record: Any, places: carers.Places) -> Offer:
        return Offer(record, places, distance_miles(near, record.postcode) if near else None)

    households: list[Offer] = []
    if request.placement_kind != RESIDENTIAL:
        households = [
            offer(h, p)
            for h, p in carers.households(on=on)
            if p.vacancies >= len(children)
            and all(a is None or h.age_from <= a <= h.age_to for a in ages)
        ]
    own: list[Offer] = []
    external: list[Offer] = []
    if request.placement_kind != FOSTERING:
        for home, places in carers.homes(on=on):
            if not places.available:
                continue
            if home.is_own:
                if places.vacancies >= len(children):
                    own.append(offer(home, places))
            else:
                external.append(offer(home, places))
    return Search(
        near=near,
        children=len(children),
        ages=ages,
        households=_by_distance(households),
        own_homes=_by_distance(own),
        external_homes=_by_distance(external),
    )


# --------------------------------------------------------------------------------------------
# Services


def _near(postcode: str) -> str:
    if not postcode.strip():
        return ""
    near = normalise_postcode(postcode)
    if not postcode_is_valid(near):
        raise ValidationError({"near_postcode": "Enter a real UK postcode, like SO23 8UJ"})
    return near


@transaction.atomic
def placement_request_create(
    *,
    person: Person,
    by: User,
    needed_by: datetime.date,
    needs: str,
    placement_kind: str,
    siblings: list[Person] | QuerySet[Person] = (),  # type: ignore[assignment]
    near_postcode: str = "",
) -> PlacementRequest:
    """Ask for a placement for ``person``; one open request per child at a time."""
    service_require(by, Capability.WRITE_RECORDS, field="needs")
    errors: dict[str, str] = {}
    today = _today()
    if person.kind != PersonKind.CHILD:
        errors["needs"] = "A placement is requested for a child"
    if needed_by < today:
        errors["needed_by"] = f"The date needed by must be today ({long_date(today)}) or later"
    if not needs.strip():
        errors["needs"] = "Say what the child needs from a placement"
    if placement_kind not in KINDS:
        errors["placement_kind"] = "Choose the kind of placement"
    allowed = set(siblings_for(person=person, user=by).values_list("pk", flat=True))
    chosen = list(siblings)
    if any(s.pk not in allowed for s in chosen):
        errors["siblings"] = "Choose from the child's brothers and sisters listed"
    try:
        near = _near(near_postcode)
    except ValidationError as exc:
        errors.update({k: v[0] for k, v in exc.message_dict.items()})
    if errors:
        raise ValidationError(errors)
    # Lock the child's row so two clicks cannot open two requests.
    Person.objects.select_for_update().filter(pk=person.pk).first()
    if PlacementRequest.objects.filter(person=person, status=RequestStatus.OPEN).exists():
        raise ConflictError({"needs": "This child already has an open placement request"})
    made = PlacementRequest.objects.create(
        person=person,
        requested_on=today,
        needed_by=needed_by,
        needs=needs.strip(),
        placement_kind=placement_kind,
        near_postcode=near,
        requested_by=by,
    )
    made.keep_with_siblings.set(chosen)
    events.requested(made, by=by)
    return made


def _locked_open(request: PlacementRequest, field: str) -> PlacementRequest:
    locked = PlacementRequest.objects.select_for_update().get(pk=request.pk)
    if locked.status != RequestStatus.OPEN:
        raise ConflictError(
            {field: f"This request is already {locked.get_status_display().lower()}"}
        )
    return locked


@transaction.atomic
def placement_request_match(
    *,
    request: PlacementRequest,
    by: User,
    household: FosteringHousehold | None = None,
    home: ChildrensHome | None = None,
    external: str = "",
) -> PlacementRequest:
    """Record who will take the child: one of the search's households or homes, or an
    external provider by name. The request is then closed (matched)."""
    service_require(by, Capability.WRITE_RECORDS, field="match")
    external = external.strip()
    chosen = [x for x in (household, home, external or None) if x is not None]
    if len(chosen) != 1:
        raise ValidationError(
            {"match": "Choose one: the foster carers, a home or an external provider"}
        )
    request = _locked_open(request, "match")
    found = search(request=request)
    if household is not None and household.pk not in {o.record.pk for o in found.households}:
        raise ValidationError(
            {"match": f"{household.name} cannot take {_them(found.children)} on the day needed"}
        )
    if home is not None:
        offered = {o.record.pk for o in found.own_homes + found.external_homes}
        if home.pk not in offered:
            raise ValidationError(
                {"match": f"{home.name} cannot take {_them(found.children)} on the day needed"}
            )
    update_with_version(
        PlacementRequest,
        request.pk,
        None,  # held by the lock, and checked open
        status=RequestStatus.MATCHED,
        matched_household=household,
        matched_home=home,
        matched_external=external,
        matched_on=_today(),
    )
    done = PlacementRequest.objects.select_related("matched_household", "matched_home").get(
        pk=request.pk
    )
    events.matched(done, by=by)
    return done


def _them(children: int) -> str:
    return "the child" if children == 1 else f"the {children} children"


@transaction.atomic
def placement_request_withdraw(*, request: PlacementRequest, by: User) -> PlacementRequest:
    """No placement is needed any more (the plan changed, the child went home)."""
    service_require(by, Capability.WRITE_RECORDS, field="withdraw")
    request = _locked_open(request, "withdraw")
    update_with_version(PlacementRequest, request.pk, None, status=RequestStatus.WITHDRAWN)
    events.withdrawn(request, by=by, on=_today())
    return PlacementRequest.objects.get(pk=request.pk)
