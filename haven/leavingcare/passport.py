"""The health passport: a document for the young person, drawn from their record (health
assessments, immunisations, dental checks, GP, conditions, medication and allergies, birth and
identity documents held), written to be read by them, saved to their documents as a PDF through
haven.documents' letters. Offered from 18 (and to an entitled young person before, on request)."""

from __future__ import annotations

import datetime
from typing import Any

from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from haven.care.models import HealthKind, HealthRecord
from haven.documents.letters import html_to_pdf
from haven.documents.models import Document, DocumentCategory
from haven.leavingcare import events
from haven.leavingcare.eligibility import birthday
from haven.leavingcare.models import HealthDetail, HealthDetailKind
from haven.people.models import InvolvedProfessional, Person, ProfessionalRole

PASSPORT = "Health passport"
TEMPLATE_KEY = "health_passport"


def offered(person: Person, record: Any) -> bool:
    """Offered at 18 to a care leaver (and earlier to an entitled young person)."""
    born = person.date_of_birth
    if born is None or (not record.eligibility.entitled and not record.eligibility.is_care_leaver):
        return False
    return timezone.localdate() >= birthday(born, 18) or record.eligibility.entitled


def passport_context(person: Person) -> dict[str, Any]:
    """What the passport says, read from the record (four queries)."""
    records = list(HealthRecord.objects.filter(person=person).order_by("on"))
    assessments = [
        r
        for r in records
        if r.kind in (HealthKind.INITIAL_ASSESSMENT, HealthKind.REVIEW_ASSESSMENT)
    ]
    dental = [r for r in records if r.kind == HealthKind.DENTAL_CHECK]
    immunisations = [r for r in records if r.kind == HealthKind.IMMUNISATIONS]
    details = list(HealthDetail.objects.filter(person=person).order_by("kind", "since", "pk"))

    def of(kind: str) -> list[HealthDetail]:
        return [d for d in details if d.kind == kind]

    gps = [
        f"{p.name + ', ' if p.name else ''}{p.organisation}"
        + (f" (phone {p.phone})" if p.phone else "")
        for p in InvolvedProfessional.objects.filter(
            person=person, role=ProfessionalRole.GP, end_date__isnull=True
        )
    ] + [d.description for d in of(HealthDetailKind.GP)]
    return {
        "person": person,
        "today": timezone.localdate(),
        "last_assessment": assessments[-1] if assessments else None,
        "assessments": assessments,
        "last_dental": dental[-1] if dental else None,
        "immunisations": immunisations[-1] if immunisations else None,
        "gps": gps,
        "conditions": of(HealthDetailKind.CONDITION),
        "medication": of(HealthDetailKind.MEDICATION),
        "allergies": of(HealthDetailKind.ALLERGY),
        "identity": of(HealthDetailKind.IDENTITY),
    }


def passport_html(person: Person) -> str:
    return render_to_string("leavingcare/passport.html", passport_context(person))


@transaction.atomic
def passport_generate(*, person: Person, by: Any, request: Any = None) -> Document:
    """Draw the passport and save it to the young person's documents."""
    from haven.documents.services import document_save_generated

    document = document_save_generated(
        person=person,
        by=by,
        pdf=html_to_pdf(passport_html(person)),
        description=PASSPORT,
        category=DocumentCategory.HEALTH,
        template_key=TEMPLATE_KEY,
        request=request,
    )
    events.HEALTH_PASSPORT_GIVEN.record(person.pk, on=datetime.date.today(), by=by, source=document)
    return document
