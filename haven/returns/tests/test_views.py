from __future__ import annotations

import datetime
import io
import zipfile
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from conftest import client_for
from haven.accounts.models import Role
from haven.core.models import AccessAction, AccessLog
from haven.jobs.models import Job
from haven.jobs.services import job_enqueue
from haven.jobs.worker import job_run_next
from haven.people.models import Person
from haven.returns import jobs as returns_jobs
from haven.returns.tests.test_cin_census import MINIMAL, _validators

pytestmark = pytest.mark.django_db
HOME = reverse("returns:home")
IMPORT = reverse("returns:cin_import")


def test_a_practitioner_may_not_run_returns(worker: Any) -> None:
    client = client_for(worker)
    assert client.get(HOME).status_code == 403
    assert client.get(reverse("returns:cin_download", args=[2025])).status_code == 403
    assert client.get(IMPORT).status_code == 403


def _run_next() -> None:
    assert job_run_next(worker_id="test:1:a") is not None


def test_analyst_imports_after_a_dry_run_then_downloads_and_validates(make_user: Any) -> None:
    client = client_for(make_user(Role.PERFORMANCE_ANALYST))
    assert client.get(HOME).status_code == 200
    before = Person.objects.count()

    upload = SimpleUploadedFile("cin.xml", MINIMAL.read_bytes(), content_type="application/xml")
    queued = client.post(IMPORT, {"file": upload})
    assert queued.status_code == 302  # the upload page answers at once: the work is a job
    assert "Waiting to start" in client.get(queued["Location"]).content.decode()
    _run_next()
    dry = client.get(queued["Location"]).content.decode()
    assert "Dry run: nothing has changed yet" in dry
    assert "Children to create" in dry
    assert Person.objects.count() == before
    dry_job = Job.objects.get(pk=queued["Location"].split("/")[-2])
    committed = client.post(reverse("returns:cin_import_commit", args=[dry_job.pk]))
    assert committed.status_code == 302
    _run_next()
    assert "Imported" in client.get(committed["Location"]).content.decode()
    assert Person.objects.count() == before + 2
    # The file went with the import: the same dry run cannot be imported twice.
    again = client.post(reverse("returns:cin_import_commit", args=[dry_job.pk]))
    assert again.status_code == 400

    made = client.post(reverse("returns:cin_download", args=[2025]))
    _run_next()
    page = client.get(made["Location"]).content.decode()
    assert "Download CIN_census_2025.xml" in page
    xml = client.get(reverse("jobs:file", args=[made["Location"].split("/")[-2]]))
    assert xml["Content-Disposition"].startswith('attachment; filename="CIN_census_2025.xml"')
    assert b"<Sex>F</Sex>" in b"".join(xml.streaming_content)  # type: ignore[attr-defined]
    assert AccessLog.objects.filter(action=AccessAction.EXPORT, person_id=None).exists()

    _validators()
    checked = client.post(reverse("returns:cin_issues", args=[2025]))
    _run_next()
    page = client.get(checked["Location"]).content.decode()
    assert "2887Q" in page  # fewer than 8 disability codes: a return query, about no child


def test_records_with_dfe_errors_are_imported_from_the_page_only_if_chosen_and_listed(
    make_user: Any,
) -> None:
    client = client_for(make_user(Role.PERFORMANCE_ANALYST))
    fake = (MINIMAL.parent / "fake_CIN_data.xml").read_bytes()
    before = Person.objects.count()

    refused = client.post(IMPORT, {"file": SimpleUploadedFile("fake.xml", fake)})
    _run_next()
    page = client.get(refused["Location"]).content.decode()
    assert "Nothing was imported" in page and "DfE rule 1510" in page

    chosen = client.post(
        IMPORT, {"file": SimpleUploadedFile("fake.xml", fake), "defects": "import"}
    )
    _run_next()
    page = client.get(chosen["Location"]).content.decode()
    assert "Dry run: nothing has changed yet" in page
    assert "To check after importing" in page and "DfE rule 8831" in page
    dry_job = Job.objects.get(pk=chosen["Location"].split("/")[-2])
    committed = client.post(reverse("returns:cin_import_commit", args=[dry_job.pk]))
    _run_next()
    page = client.get(committed["Location"]).content.decode()
    assert "Imported" in page and "DfE rule 1510" in page
    assert Person.objects.count() == before + 332


def test_children_imported_from_the_page_go_to_the_team_chosen(make_user: Any, teams: Any) -> None:
    from haven.chronology.models import ChronologyEvent
    from haven.people.models import Allocation

    client = client_for(make_user(Role.PERFORMANCE_ANALYST))
    upload = SimpleUploadedFile("cin.xml", MINIMAL.read_bytes(), content_type="application/xml")
    assert client.post(IMPORT, {"file": upload, "team": "nonsense"}).status_code == 400
    upload.seek(0)
    queued = client.post(IMPORT, {"file": upload, "team": str(teams["assessment"].pk)})
    _run_next()
    dry_job = Job.objects.get(pk=queued["Location"].split("/")[-2])
    client.post(reverse("returns:cin_import_commit", args=[dry_job.pk]))
    _run_next()
    made = Person.objects.filter(given_names="Imported child")
    assert made.count() == 2
    assert set(
        Allocation.objects.filter(person__in=made, end_date=None).values_list("team", flat=True)
    ) == {teams["assessment"].pk}
    assert ChronologyEvent.objects.filter(
        person__in=made, kind="imported", summary__contains="file cin.xml"
    ).exists()


def test_a_file_of_another_format_is_refused_on_upload(make_user: Any) -> None:
    client = client_for(make_user(Role.PERFORMANCE_ANALYST))
    upload = SimpleUploadedFile("episodes.csv", b"CHILD,DECOM,RNE\n1,01/01/2020,S\n")
    response = client.post(IMPORT, {"file": upload})
    assert response.status_code == 400
    assert "SSDA903" in response.content.decode()
    assert not Job.objects.exists()


def test_issues_name_only_the_children_the_viewer_may_open(
    manager: Any, child: Any, make_child: Any
) -> None:
    hidden = make_child(team="other", family_name="Hidden")
    row = {"table": "ChildIdentifiers", "fields": "UPN", "value": ""}
    result = {
        "year": 2025,
        "label": "2024 to 2025",
        "children": 2,
        "episodes": 2,
        "export_seconds": 0.1,
        "ruleset": "cin2024_25",
        "validate_seconds": 1.0,
        "errors": 0,
        "queries": 2,
        "crashed_rules": [],
        "groups": [
            {
                "code": "8770Q",
                "kind": "QUERY",
                "message": "UPN missing",
                "rows": [
                    {**row, "child_id": f"H{child.pk:08d}", "person_id": child.pk},
                    {**row, "child_id": f"H{hidden.pk:08d}", "person_id": hidden.pk},
                ],
            }
        ],
        "record_checks": [
            {"person_id": hidden.pk, "issues": [{"rule_code": "8770Q", "message": "x"}]}
        ],
    }
    job = job_enqueue(
        kind=returns_jobs.VALIDATE, started_by=manager, title="Check", params={"year": 2025}
    )
    assert job.task is not None
    job.task.set_successful(result)
    page = client_for(manager).get(reverse("jobs:detail", args=[job.pk])).content.decode()
    child_href = reverse("people:person_detail", args=[child.pk])
    hidden_href = reverse("people:person_detail", args=[hidden.pk])
    assert f'href="{child_href}">H{child.pk:08d}</a>' in page
    # The other team's child is listed by Haven ID, for someone who can open it to fix, with
    # no link and no identifier from the file.
    assert f"Haven ID {hidden.pk}<" in page
    assert hidden_href not in page and f"H{hidden.pk:08d}" not in page
    assert "1 of the children with issues are on records you cannot open" in page


def test_an_analyst_sees_every_issue_by_haven_id_without_links(make_user: Any, child: Any) -> None:
    analyst = make_user(Role.PERFORMANCE_ANALYST, None)
    row = {"table": "ChildIdentifiers", "fields": "UPN", "value": ""}
    result = {
        "year": 2025,
        "label": "2024 to 2025",
        "children": 1,
        "episodes": 1,
        "export_seconds": 0.1,
        "ruleset": "cin2024_25",
        "validate_seconds": 1.0,
        "errors": 0,
        "queries": 1,
        "crashed_rules": [],
        "groups": [
            {
                "code": "8770Q",
                "kind": "QUERY",
                "message": "UPN missing",
                "rows": [
                    {**row, "child_id": f"H{child.pk:08d}", "person_id": child.pk},
                ],
            }
        ],
        "record_checks": [
            {"person_id": child.pk, "issues": [{"rule_code": "8770Q", "message": "Add the UPN"}]}
        ],
    }
    job = job_enqueue(
        kind=returns_jobs.VALIDATE, started_by=analyst, title="Check", params={"year": 2025}
    )
    assert job.task is not None
    job.task.set_successful(result)
    page = client_for(analyst).get(reverse("jobs:detail", args=[job.pk])).content.decode()
    assert f"Haven ID {child.pk}<" in page and "8770Q: Add the UPN" in page
    assert reverse("people:person_detail", args=[child.pk]) not in page


def test_a_rule_flagging_many_children_lists_the_first_hundred_and_counts_the_rest(
    manager: Any, child: Any
) -> None:
    row = {"table": "ChildIdentifiers", "fields": "UPN", "value": ""}
    rows = [{**row, "child_id": f"H{i:08d}", "person_id": child.pk} for i in range(150)]
    result = {
        "year": 2025,
        "label": "2024 to 2025",
        "children": 150,
        "episodes": 150,
        "export_seconds": 0.1,
        "ruleset": "cin2024_25",
        "validate_seconds": 1.0,
        "errors": 0,
        "queries": 150,
        "crashed_rules": [],
        "record_checks": [],
        "groups": [{"code": "8770Q", "kind": "QUERY", "message": "UPN missing", "rows": rows}],
    }
    job = job_enqueue(
        kind=returns_jobs.VALIDATE, started_by=manager, title="Check", params={"year": 2025}
    )
    assert job.task is not None
    job.task.set_successful(result)
    page = client_for(manager).get(reverse("jobs:detail", args=[job.pk])).content.decode()
    assert "8770Q: UPN missing (150)" in page
    assert "H00000099<" in page and "H00000100<" not in page
    assert "And 50 more under rule 8770Q" in page


# -- the SSDA903 ------------------------------------------------------------------------------


def test_a_practitioner_may_not_make_or_check_the_ssda903(worker: Any) -> None:
    client = client_for(worker)
    assert client.post(reverse("returns:ssda903_download", args=[2025])).status_code == 403
    assert client.post(reverse("returns:ssda903_issues", args=[2025])).status_code == 403
    assert not Job.objects.exists()


@pytest.mark.parametrize("role", [Role.PERFORMANCE_ANALYST, Role.TEAM_MANAGER, Role.AUDITOR])
def test_the_roles_that_make_returns_download_the_ssda903_as_a_zip(
    make_user: Any, manager: Any, child: Any, role: str
) -> None:
    from haven.care.tests.factories import looked_after_child

    looked_after_child(child, manager, start=datetime.date(2024, 6, 3))
    client = client_for(make_user(role))
    home = client.get(HOME).content.decode()
    assert "Children looked after (SSDA903)" in home
    assert reverse("returns:ssda903_download", args=[2025]) in home

    made = client.post(reverse("returns:ssda903_download", args=[2025]))
    assert made.status_code == 302
    _run_next()
    page = client.get(made["Location"]).content.decode()
    assert "Download SSDA903_2025.zip" in page
    response = client.get(reverse("jobs:file", args=[made["Location"].split("/")[-2]]))
    with zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content))) as archive:  # type: ignore[attr-defined]
        episodes = archive.read("SSDA903_2025/episodes.csv").decode()
    assert f"H{child.pk:08d},03/06/2024,S,C1,N1,U6,PR4,,,," in episodes
    assert AccessLog.objects.filter(
        action=AccessAction.EXPORT, detail__startswith="SSDA903 2025"
    ).exists()


def test_ssda903_issues_link_only_the_children_the_viewer_may_open(
    manager: Any, child: Any, make_child: Any
) -> None:
    """The DfE rules run as a job; each issue names its rule and its child, linked for a
    child the viewer may open and given by Haven ID alone for one they may not."""
    _validators()
    from haven.care.tests.factories import looked_after_child

    hidden = make_child(team="other", family_name="Hidden")
    for person in (child, hidden):
        looked_after_child(person, manager, start=datetime.date(2024, 6, 3))
    client = client_for(manager)
    checked = client.post(reverse("returns:ssda903_issues", args=[2025]))
    _run_next()
    page = client.get(checked["Location"]).content.decode()
    # Neither child's previous permanence is recorded: rule 630 flags both.
    assert "630: Information on previous permanence option should be returned. (2)" in page
    child_href = reverse("people:person_detail", args=[child.pk])
    assert f'href="{child_href}">H{child.pk:08d}</a>' in page
    assert f"Haven ID {hidden.pk}<" in page
    assert reverse("people:person_detail", args=[hidden.pk]) not in page
    assert f"H{hidden.pk:08d}" not in page
    # What to fix, child by child: the issue sends whoever may open the record to the tab where
    # previous permanence is recorded; the hidden child's issue is listed with no link.
    care_tab = reverse("care:tab", args=[child.pk])
    assert f'<a class="govuk-link" href="{care_tab}">Fix it on the Care tab</a>' in page
    assert reverse("care:tab", args=[hidden.pk]) not in page
    assert page.count("630: Information on previous permanence option should be returned.") == 3


def _minimal_903_zip(**changes: bytes) -> bytes:
    from haven.returns.tests.test_ssda903 import MINIMAL_903

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for path in MINIMAL_903.glob("*.csv"):
            archive.writestr(f"2025/{path.name}", changes.get(path.name, path.read_bytes()))
    return out.getvalue()


def test_analyst_imports_ssda903_files_after_a_dry_run(make_user: Any, teams: Any) -> None:
    from haven.care.models import CarePeriod

    client = client_for(make_user(Role.PERFORMANCE_ANALYST))
    page = reverse("returns:ssda903_import")
    assert "Import SSDA903 files" in client.get(HOME).content.decode()
    not_903 = SimpleUploadedFile("notes.csv", b"name,age\nA,3\n", content_type="text/csv")
    refused = client.post(page, {"file": not_903})
    assert refused.status_code == 400
    assert "neither a zip of SSDA903 CSV files nor an SSDA903 table" in refused.content.decode()

    team = teams["assessment"]
    upload = SimpleUploadedFile("ssda903.zip", _minimal_903_zip(), content_type="application/zip")
    queued = client.post(page, {"file": upload, "team": team.pk})
    assert queued.status_code == 302
    _run_next()
    dry = client.get(queued["Location"]).content.decode()
    assert "Dry run: nothing has changed yet" in dry and "Children to create" in dry
    assert "SWEpisodes rows kept as the return gave them" in dry
    assert not CarePeriod.objects.exists()
    dry_job = Job.objects.get(pk=queued["Location"].split("/")[-2])
    committed = client.post(reverse("returns:ssda903_import_commit", args=[dry_job.pk]))
    _run_next()
    assert "Imported" in client.get(committed["Location"]).content.decode()
    period = CarePeriod.objects.get()
    assert period.person.allocations.get().team == team


def test_ssda903_rows_rejected_on_the_page_name_table_file_row_column_and_value(
    make_user: Any,
) -> None:
    from haven.returns.tests.test_ssda903 import MINIMAL_903

    client = client_for(make_user(Role.PERFORMANCE_ANALYST))
    episodes = (MINIMAL_903 / "episodes.csv").read_bytes().replace(b",C2,N1,U1,", b",C9,N1,U1,")
    upload = SimpleUploadedFile(
        "ssda903.zip",
        _minimal_903_zip(**{"episodes.csv": episodes}),
        content_type="application/zip",
    )
    queued = client.post(reverse("returns:ssda903_import"), {"file": upload})
    _run_next()
    page = client.get(queued["Location"]).content.decode()
    assert "Nothing was imported" in page
    assert (
        "2025/episodes.csv" in page and "C9" in page and "not a DfE code for legal status" in page
    )
    dry_job = Job.objects.get(pk=queued["Location"].split("/")[-2])
    assert (
        client.post(reverse("returns:ssda903_import_commit", args=[dry_job.pk])).status_code == 400
    )
