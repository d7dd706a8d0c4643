"""Need-to-know, generated from the URL patterns: on every page, list, partial and CSV, a
restricted child and a child held by another team never appear (name, date of birth, link or
Haven ID) for a user not entitled to them, whatever their role.

The world: one contact about three children (Vera, held by the user's team; Zephyrine,
restricted and named to one manager only; Ottoline, held by another team), an adult related to
Vera and Zephyrine, Zephyrine recorded as Vera's sibling, and a referral and assessment for each.
The only place another team's child may be named is where a caseworker finds a person to match
or link (search, contact matching, duplicate checks): that is what those pages are for. A
restricted child appears nowhere.
"""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.utils import timezone

from conftest import client_for, record_contact
from haven.accounts.models import Role, Team, TeamKind
from haven.accounts.permissions import Capability, user_can
from haven.frontdoor import services as front_door
from haven.people.access import visible_ids
from haven.people.models import Person, Relationship, RestrictedAccess
from haven.performance.measures import pages
from tests.test_access_matrix import ALL, url_for

pytestmark = pytest.mark.django_db

# Where a caseworker finds people to match or link: names of children they do not hold are
# shown here (never restricted ones), so that they can ask for access or avoid a duplicate.
FINDING = {"people:search", "people:person_create", "frontdoor:match", "frontdoor:contact_create"}
SEARCHES = ["", "?q=Quillfeather", "?q=Brackenbury", "?find=Quillfeather", "?find=Brackenbury"]
ROLES = [
    "worker",
    "team_manager",
    "mash",
    "chair",
    "analyst",
    "auditor",
    "administrator",
]


def _fingerprints(person: Person) -> dict[str, list[str]]:
    born = person.date_of_birth
    assert born is not None
    return {
        "name": [person.given_names, person.family_name, f"/people/{person.pk}/"],
        "id": [f"Haven ID {person.pk}", f">{person.pk}<", f"\n{person.pk},"],
        "dob": [born.strftime("%d/%m/%Y"), f"{born.day} {born:%B %Y}", born.isoformat()],
    }


# What of a child held by another team a role may see where, and why. Nothing of a restricted
# child, anywhere.
EXCEPTIONS: list[tuple[set[str], Capability, set[str]]] = [
    # Finding a person to match or link (search, contact matching, duplicate checks).
    (FINDING, Capability.SEARCH_PEOPLE, {"name", "id", "dob"}),
    # The rows behind a figure: a child's Haven ID and the measure's own fields.
    ({"performance:measure_list", "nts:children"}, Capability.VIEW_FIGURES, {"id"}),
    # Ofsted's Annex A lists: the child's ID and date of birth, as Ofsted specifies them.
    ({"performance:annex_a"}, Capability.PRODUCE_RETURNS, {"id", "dob"}),
    # The children behind a sufficiency figure, and the placements team's open requests.
    ({"placements:sufficiency_list"}, Capability.VIEW_FIGURES, {"id"}),
    ({"placements:requests"}, Capability.MANAGE_PLACEMENTS, {"id"}),
]


def _allowed(user: Any, url_name: str) -> set[str]:
    allowed: set[str] = set()
    for names, capability, kinds in EXCEPTIONS:
        if url_name in names and user_can(user, capability):
            allowed |= kinds
    return allowed


@pytest.fixture
def world(teams: dict[str, Team], make_user: Any, make_child: Any, manager: Any) -> dict[str, Any]:
    teams["front_door"].kind = TeamKind.FRONT_DOOR
    users = {
        "worker": make_user(Role.PRACTITIONER, "assessment"),
        "team_manager": manager,
        "mash": make_user(Role.MASH_PRACTITIONER, "front_door"),
        "chair": make_user(Role.REVIEWING_OFFICER, "assessment"),
        "analyst": make_user(Role.PERFORMANCE_ANALYST, None),
        "auditor": make_user(Role.AUDITOR, None),
        "administrator": make_user(Role.ADMINISTRATOR, None),
    }
    named = make_user(Role.TEAM_MANAGER, "front_door")
    vera = make_child(
        given_names="Vera", family_name="Lindqvist", date_of_birth=datetime.date(2013, 5, 17)
    )
    zeph = make_child(
        given_names="Zephyrine",
        family_name="Quillfeather",
        date_of_birth=datetime.date(2012, 2, 29),
    )
    otto = make_child(
        "other",
        given_names="Ottoline",
        family_name="Brackenbury",
        date_of_birth=datetime.date(2011, 10, 3),
    )
    zeph.is_restricted = True
    zeph.save(update_fields=["is_restricted"])
    RestrictedAccess.objects.create(person=zeph, user=named)
    adult = Person.objects.create(kind="adult", given_names="Ada", family_name="Parent")
    Relationship.objects.create(person=adult, relative_of=vera, relationship_type="parent")
    Relationship.objects.create(person=adult, relative_of=zeph, relationship_type="parent")
    Relationship.objects.create(person=zeph, relative_of=vera, relationship_type="sibling")
    contact = record_contact(named, teams["front_door"], [vera, zeph, otto])
    front_door.mash_check_request(
        contact=contact,
        by=named,
        agency="police",
        rag="amber",
        justification="Risk of significant harm",
    )
    for decision in contact.children.all():
        team = teams["other"] if decision.person_id == otto.pk else teams["assessment"]
        front_door.decision_record(
            contact_child=decision,
            by=named,
            level_of_need=3,
            outcome="referral",
            rationale="Needs assessment",
            referral_team=team,
        )
    records = {
        "person_id": vera.pk,
        "contact_id": contact.pk,
        "check_id": contact.checks.get().pk,
        "contact_child_id": contact.children.get(person=vera).pk,
        "assessment_id": vera.assessments.get().pk,
        **_looked_after(named, [vera, zeph, otto]),
    }
    _uasc_and_adoption(named, [vera, zeph, otto])
    return {
        "users": users,
        "vera": vera,
        "zeph": zeph,
        "otto": otto,
        "adult": adult,
        "records": records,
    }


def _uasc_and_adoption(by: Any, children: list[Person]) -> None:
    """Each child (looked after: ``_looked_after``) a UASC, with a plan for adoption matched
    with adopters: the UASC, adoption and National Transfer Scheme pages and Annex A lists 10
    and 11 list them."""
    from haven.adoption import services as adoption
    from haven.carers.models import AdopterHousehold
    from haven.uasc import services as uasc

    start = timezone.localdate() - datetime.timedelta(days=10)
    adopters = AdopterHousehold.objects.create(
        reference="AD-1", name="Ann Adopter", enquiry_on=start, approved_on=start
    )
    for child in children:
        uasc.uasc_record(person=child, by=by, arrived_on=start, home_office_reference="HO1")
        plan = adoption.adoption_plan_start(person=child, by=by, decided_on=start)
        adoption.adoption_match_record(plan=plan, by=by, matched_on=start, adopters=adopters)


def _looked_after(by: Any, children: list[Person]) -> dict[str, int]:
    """Each child placed (with the council's carers, in its home, with an agency) and with an
    open placement request: the register's pages, the sufficiency lists and the placements
    team's list all have someone to leak."""
    from haven.care.models import PlacementRequest
    from haven.care.tests.placing import home, household, place

    carers, own = household("FH-LEAK", places=3), home("SC999999")
    start = timezone.localdate() - datetime.timedelta(days=30)
    for child, where in zip(children, ({"household": carers}, {"home": own, "place": "K2"},
                                       {"place": "U6", "provider": "PR4"}), strict=True):
        place(child, start, **where)  # type: ignore[arg-type]
        PlacementRequest.objects.create(
            person=child, requested_on=start, needed_by=timezone.localdate(), needs="A home",
            placement_kind="any", requested_by=by)
    vera_request = PlacementRequest.objects.get(person=children[0])
    vera_request.keep_with_siblings.set(children[1:])
    return {"request_id": vera_request.pk, "household_id": carers.pk, "home_id": own.pk}


def _urls(records: dict[str, int], adult_id: int) -> list[tuple[str, str]]:
    urls = []
    for name, route, converters in ALL:
        if name in {"accounts:sign_out", "healthz"}:
            continue
        base = url_for(route, records)
        urls += [(name, base + query) for query in (SEARCHES if name in FINDING else [""])]
        if converters == ["person_id"]:  # the adult's pages list her children
            urls.append((name, url_for(route, {**records, "person_id": adult_id})))
    year = timezone.localdate().year + (1 if timezone.localdate().month > 3 else 0)
    for page in pages().values():
        for measure in page.measures:
            for extra in ("", "&format=csv", "&of=all"):
                urls.append(
                    (
                        "performance:measure_list",
                        f"/performance/front-door/list/?measure={measure.name}&year={year}{extra}",
                    )
                )
    from haven.care.sufficiency import MEASURES

    for key in MEASURES:
        urls.append(("placements:sufficiency_list", f"/care/sufficiency/{key}/"))
    from haven.leavingcare.figures import LISTS

    for key in LISTS:
        urls.append(("leaving_care:figures_list", f"/leaving-care/figures/{key}/?year={year}"))
    today = timezone.localdate()
    urls.append(("nts:children", "/uasc/children/"))
    for number in (1, 3, 4, 5, 6, 7, 8, 10, 11):
        urls.append(
            (
                "performance:annex_a",
                f"/performance/annex-a/?list={number}&date_from_day=1&date_from_month=1"
                f"&date_from_year={today.year - 1}&date_to_day={today.day}"
                f"&date_to_month={today.month}&date_to_year={today.year}",
            )
        )
    return urls


def _body(response: Any) -> str:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content).decode()
    return response.content.decode()


@pytest.mark.parametrize("role", ROLES)
def test_no_page_shows_a_child_the_user_is_not_entitled_to(
    world: dict[str, Any], role: str
) -> None:
    user = world["users"][role]
    client = client_for(user)
    may_see = visible_ids(user, [world["zeph"].pk, world["otto"].pk])
    assert world["zeph"].pk not in may_see
    leaks = []
    for name, url in _urls(world["records"], world["adult"].pk):
        body = _body(client.get(url))
        for query in SEARCHES[1:]:  # what was typed is shown back in the search box
            if url.endswith(query):
                body = body.replace(query.split("=")[1], "")
        for person, allowed in (
            (world["zeph"], set()),
            (
                world["otto"],
                {"name", "id", "dob"} if world["otto"].pk in may_see else _allowed(user, name),
            ),
        ):
            for kind, marks in _fingerprints(person).items():
                for mark in marks:
                    if kind not in allowed and mark in body:
                        leaks.append(f"{url} shows {person.given_names}'s {kind}: {mark!r}")
    assert not leaks, "\n".join(leaks)


def test_the_world_is_seen_by_the_people_entitled_to_it(world: dict[str, Any]) -> None:
    """The leak test above would pass on a site that showed nothing: check it shows things."""
    worker = client_for(world["users"]["worker"])
    assert "Lindqvist" in worker.get(f"/people/{world['vera'].pk}/").content.decode()
    manager = client_for(world["users"]["team_manager"])
    assert "Lindqvist" in manager.get("/").content.decode()  # her assessment is the team's
    named = RestrictedAccess.objects.get(person=world["zeph"]).user
    contact = client_for(named).get(f"/front-door/contacts/{world['records']['contact_id']}/")
    assert "Quillfeather" in contact.content.decode()
    requests = manager.get("/care/requests/").content.decode()
    assert "Lindqvist" in requests and f">{world['otto'].pk}<" in requests
    sufficiency = client_for(world["users"]["analyst"]).get("/care/sufficiency/looked-after/")
    assert f">{world['otto'].pk}<" in sufficiency.content.decode()
    search = client_for(world["users"]["worker"]).get("/people/search/?q=Brackenbury")
    assert "Brackenbury" in search.content.decode()  # found, to ask for access


def test_the_uasc_and_adoption_world_is_seen(world: dict[str, Any]) -> None:
    """The UASC, adoption and NTS pages above had something to leak."""
    vera = world["vera"]
    worker = client_for(world["users"]["worker"])
    assert "HO1" in worker.get(f"/people/{vera.pk}/uasc/").content.decode()
    assert "Ann Adopter" in worker.get(f"/people/{vera.pk}/adoption/").content.decode()
    analyst = client_for(world["users"]["analyst"])
    listed = analyst.get("/uasc/children/").content.decode()
    assert f">{vera.pk}<" in listed and f">{world['otto'].pk}<" in listed
    assert "Lindqvist" not in listed
