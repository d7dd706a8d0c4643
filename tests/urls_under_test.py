"""Every named URL of the service, and one record of every kind to fill its arguments: shared by
the generated tests (access matrix, hostile input)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.urls import URLPattern, URLResolver, get_resolver


def named_patterns(
    resolver: URLResolver | None = None, prefix: str = "", namespace: str = ""
) -> Iterator[tuple[str, str, list[str]]]:
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            ns = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from named_patterns(entry, prefix + str(entry.pattern), ns)
        elif isinstance(entry, URLPattern) and entry.name:
            route = prefix + str(entry.pattern)
            yield f"{namespace}{entry.name}", "/" + route, list(entry.pattern.converters)


# Every URL argument names a record about a child; the fixture below makes one of each.
RECORD_ARGUMENTS = {"person_id", "contact_id", "check_id", "contact_child_id", "assessment_id",
                    "feedback_id", "note_id", "document_id", "request_id"}
# Other URL arguments, with a value to use.
OTHER_ARGUMENTS = {
    "action": "strategy-discussion",
    "year": "2025",
    "section": "overdue",
    "key": "frontdoor",
    # A job is its starter's alone (haven/jobs/tests check the 404 for anyone else).
    "job_id": "00000000-0000-4000-8000-000000000000",
    # An alert is its recipient's alone (haven/accounts/tests check the 404 for anyone else).
    "alert_id": "1",
    # Staff records (administration); ``records`` gives real ones, these are the fallbacks.
    "user_id": "1",
    "team_id": "1",
    # Letter templates (haven.documents), edited by administrators.
    "template_key": "court_chronology",
    # Adopter households (haven.adoption): adults, not a child's record.
    "adopters_id": "1",
    # The register of carers and homes (haven.carers); ``records`` gives real ones.
    "household_id": "1",
    "home_id": "1",
    # A sufficiency figure (haven.care.sufficiency).
    "measure": "looked-after",
    # Places, peer groups and MACE meetings (haven.exploitation); ``records`` gives a place and
    # a group, kept by the assessment team.
    "place_id": "1",
    "group_id": "1",
    "meeting_id": "1",
}


@pytest.fixture
def records(child, manager, teams):
    """One record of every kind, all about ``child``, held by the assessment team."""
    from conftest import record_contact
    from haven.frontdoor import services as front_door

    contact = record_contact(manager, teams["front_door"], [child])
    check = front_door.mash_check_request(contact=contact, by=manager, agency="police", rag="amber",
                                          justification="Risk of significant harm")
    from django.core.files.uploadedfile import SimpleUploadedFile

    from haven.documents.services import document_upload

    document = document_upload(person=child, by=manager, upload=SimpleUploadedFile("a.txt", b"A note"),
                               category="other", document_date=child.date_of_birth, description="A note")[0]
    decision = contact.children.get()
    front_door.decision_record(contact_child=decision, by=manager, level_of_need=3, outcome="referral",
                               rationale="Needs assessment", referral_team=teams["assessment"])
    _looked_after(manager, child)
    return {"person_id": child.pk, "contact_id": contact.pk, "check_id": check.pk,
            "contact_child_id": decision.pk,
            "assessment_id": child.assessments.get().pk,
            "user_id": manager.pk, "team_id": teams["assessment"].pk,
            "feedback_id": decision.feedback.pk,
            "note_id": _case_note(manager, child).pk, "document_id": document.pk,
            **_placements(manager, child), **_exploitation(manager)}


def _placements(by, child):
    """A fostering household, a children's home and a placement request for ``child``."""
    import datetime

    from haven.care.models import PlacementRequest
    from haven.carers.models import ChildrensHome, FosteringHousehold

    household = FosteringHousehold.objects.create(
        reference="FH-T1", name="Test carers", address="1 High Street", postcode="SO23 8UJ",
        approved_on=datetime.date(2020, 1, 1), age_from=0, age_to=18, places=2)
    home = ChildrensHome.objects.create(
        name="Test home", operator="PR1", urn="SC900001", address="2 High Street",
        postcode="SO23 8UJ", places=4)
    request = PlacementRequest.objects.create(
        person=child, requested_on=datetime.date(2026, 1, 5), needed_by=datetime.date(2026, 2, 1),
        needs="A calm home", placement_kind="any", requested_by=by)
    return {"household_id": household.pk, "home_id": home.pk, "request_id": request.pk}


def _exploitation(by):
    """A place and a peer group kept by ``by``'s team (haven.exploitation): their pages and forms."""
    from haven.exploitation import services as exploitation

    place = exploitation.place_create(by=by, name="Test park", kind="park")
    group = exploitation.group_create(by=by, name="Test group")
    return {"place_id": place.pk, "group_id": group.pk}


def _looked_after(by, child):
    """``child`` looked after (haven.care): the looked-after tabs and their forms are on the page."""
    import datetime

    from haven.care.tests.factories import looked_after_child

    looked_after_child(child, by, start=datetime.date(2026, 1, 5))


def _case_note(by, child):
    """A final case note about ``child`` (haven.casenotes)."""
    import datetime

    from haven.casenotes import services as case_notes

    note = case_notes.note_save_draft(
        by=by, about=child, offered={child.pk}, note_type="home_visit",
        occurred_on=datetime.date(2026, 1, 5), summary="Visit", narrative="Saw the child.",
        children=[case_notes.ChildPart(person_id=child.pk, seen=True)])
    return case_notes.note_finalise(note=note, by=by)


def url_for(route: str, ids: dict[str, int]) -> str:
    for name, value in ids.items():
        route = route.replace(f"<id:{name}>", str(value))
    for name, argument in OTHER_ARGUMENTS.items():
        for converter in ("slug", "id", "uuid"):
            route = route.replace(f"<{converter}:{name}>", argument)
    return route
