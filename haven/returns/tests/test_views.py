from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from conftest import client_for
from haven.accounts.models import Role
from haven.core.models import AccessAction, AccessLog
from haven.people.models import Person
from haven.returns.tests.test_cin_census import MINIMAL, _validators, needs_samples

pytestmark = pytest.mark.django_db
HOME = reverse("returns:home")
IMPORT = reverse("returns:cin_import")


def test_a_practitioner_may_not_run_returns(worker: Any) -> None:
    client = client_for(worker)
    assert client.get(HOME).status_code == 403
    assert client.get(reverse("returns:cin_download", args=[2025])).status_code == 403
    assert client.get(IMPORT).status_code == 403


@needs_samples
def test_analyst_imports_after_a_dry_run_then_downloads_and_validates(make_user: Any) -> None:
    client = client_for(make_user(Role.PERFORMANCE_ANALYST))
    assert client.get(HOME).status_code == 200
    before = Person.objects.count()

    upload = SimpleUploadedFile("cin.xml", MINIMAL.read_bytes(), content_type="application/xml")
    dry = client.post(IMPORT, {"file": upload})
    assert dry.status_code == 200
    assert "Dry run: nothing has changed yet" in dry.content.decode()
    assert Person.objects.count() == before
    done = client.post(IMPORT, {"token": dry.context["token"]})
    assert done.context["report"].committed
    assert Person.objects.count() == before + 2

    xml = client.get(reverse("returns:cin_download", args=[2025]))
    assert xml["Content-Type"] == "application/xml"
    assert b"<Sex>F</Sex>" in xml.content
    assert AccessLog.objects.filter(action=AccessAction.EXPORT, person_id=None).exists()

    _validators()
    page = client.get(reverse("returns:cin_issues", args=[2025]))
    assert page.status_code == 200
    assert "2887Q" in page.content.decode()  # fewer than 8 disability codes: a return query


def test_a_file_of_another_format_is_refused_on_upload(make_user: Any) -> None:
    client = client_for(make_user(Role.PERFORMANCE_ANALYST))
    upload = SimpleUploadedFile("episodes.csv", b"CHILD,DECOM,RNE\n1,01/01/2020,S\n")
    response = client.post(IMPORT, {"file": upload})
    assert response.status_code == 400
    assert "SSDA903" in response.content.decode()
