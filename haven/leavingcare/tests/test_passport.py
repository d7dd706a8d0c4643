"""The health passport: a PDF on the young person's documents saying what was recorded."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from haven.care import services as care
from haven.documents.models import Document
from haven.documents.tests.test_services import pdf_text
from haven.leavingcare import services
from haven.people.models import InvolvedProfessional, ProfessionalRole

pytestmark = pytest.mark.django_db
D = datetime.date


def test_the_health_passport_pdf_contains_what_was_recorded(as_worker, young_person, worker):
    care.health_record(
        person=young_person, by=worker, kind=care.HEALTH_ASSESSMENT, on=D(2025, 11, 3)
    )
    care.health_record(person=young_person, by=worker, kind="dental_check", on=D(2026, 2, 9))
    care.health_record(
        person=young_person, by=worker, kind="immunisations", on=D(2026, 3, 2), up_to_date=True
    )
    InvolvedProfessional.objects.create(
        person=young_person, role=ProfessionalRole.GP, organisation="Stoneham Lane Surgery"
    )
    for kind, text in (
        ("condition", "Asthma"),
        ("medication", "Salbutamol inhaler when needed"),
        ("allergy", "Penicillin"),
        ("identity", "Birth certificate: original held by the leaving care team"),
    ):
        services.health_detail_add(person=young_person, by=worker, kind=kind, description=text)
    response = as_worker.post(reverse("leavingcare:health_passport", args=[young_person.pk]))
    assert response.status_code == 302
    document = Document.objects.get(person=young_person, template_key="health_passport")
    assert document.description == "Health passport" and document.category == "health"
    text = " ".join(pdf_text(document).split())
    for expected in (
        "Your health passport",
        "Jade Brown",
        "Stoneham Lane Surgery",
        "Your last health check was on 3 November 2025",
        "Your last dental check was on 9 February 2026",
        "your vaccinations were up to date",
        "Asthma",
        "Salbutamol inhaler when needed",
        "Penicillin",
        "Birth certificate: original held by the leaving care team",
    ):
        assert expected in text, expected


def test_the_passport_says_plainly_when_nothing_is_recorded(as_worker, young_person):
    as_worker.post(reverse("leavingcare:health_passport", args=[young_person.pk]))
    text = " ".join(pdf_text(Document.objects.get(person=young_person)).split())
    assert "We do not have a GP written down for you" in text
    assert "We do not hold your birth certificate or ID" in text
