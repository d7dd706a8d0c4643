"""The UASC tab through the test client."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from haven.uasc.models import NTSTransfer, UASCStatus

pytestmark = pytest.mark.django_db
D = datetime.date


def date_fields(name: str, day: datetime.date) -> dict[str, str]:
    return {
        f"{name}_day": str(day.day),
        f"{name}_month": str(day.month),
        f"{name}_year": str(day.year),
    }


def act(client, child, action, data):
    return client.post(reverse("uasc:uasc_action", args=[child.pk, action]), data)


def test_a_worker_records_arrival_assessment_and_a_transfer(as_worker, child):
    page = as_worker.get(reverse("uasc:uasc", args=[child.pk]))
    assert "is not recorded as an unaccompanied asylum-seeking child" in page.content.decode()
    response = act(
        as_worker,
        child,
        "status",
        {**date_fields("uasc-arrived_on", D(2025, 9, 3)), "uasc-home_office_reference": "K1"},
    )
    assert response.status_code == 302
    status = UASCStatus.objects.get(person=child)
    act(
        as_worker,
        child,
        "age-assessment",
        {
            **date_fields("age-age_assessed_on", D(2025, 9, 20)),
            "age-age_assessment_outcome": "older",
        },
    )
    act(
        as_worker,
        child,
        "nts-referral",
        {
            "nts-direction": "out",
            "nts-other_council": "Kent",
            **date_fields("nts-referred_on", D(2025, 9, 21)),
        },
    )
    transfer = NTSTransfer.objects.get(person=child)
    act(
        as_worker,
        child,
        "nts-decision",
        {
            "object_id": str(transfer.pk),
            f"ntsd{transfer.pk}-status": "transferred",
            **date_fields(f"ntsd{transfer.pk}-transferred_on", D(2025, 9, 30)),
        },
    )
    html = as_worker.get(reverse("uasc:uasc", args=[child.pk])).content.decode()
    status.refresh_from_db()
    assert status.age_assessment_outcome == "older"
    assert "Assessed as older than claimed" in html or "assessed as older than claimed" in html
    assert "Transferred on 30 September 2025" in html


def test_arrival_before_birth_shows_beside_the_field(as_worker, child):
    response = act(as_worker, child, "status", date_fields("uasc-arrived_on", D(2010, 1, 1)))
    assert response.status_code == 200
    html = response.content.decode()
    assert "There is a problem" in html
    assert "before the child&#x27;s date of birth" in html
    assert not UASCStatus.objects.exists()


def test_transfer_before_referral_is_a_field_error(as_worker, child, worker):
    from haven.uasc import services

    services.uasc_record(person=child, by=worker, arrived_on=D(2025, 9, 3))
    transfer = services.nts_referral_record(
        person=child, by=worker, direction="in", other_council="Kent", referred_on=D(2025, 9, 10)
    )
    response = act(
        as_worker,
        child,
        "nts-decision",
        {
            "object_id": str(transfer.pk),
            f"ntsd{transfer.pk}-status": "transferred",
            **date_fields(f"ntsd{transfer.pk}-transferred_on", D(2025, 9, 5)),
        },
    )
    assert response.status_code == 200
    assert "A transfer cannot be before the referral" in response.content.decode()
    transfer.refresh_from_db()
    assert transfer.status == "referred"


def test_an_outsider_cannot_see_the_tab(as_outsider, child):
    assert as_outsider.get(reverse("uasc:uasc", args=[child.pk])).status_code == 404
