"""Jobs run by the real worker code against PostgreSQL: the page, its owner, its failure."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.urls import reverse

from conftest import client_for
from haven.accounts.models import Role
from haven.cli import main
from haven.jobs.models import Job, JobStatus
from haven.jobs.services import Progress, job_enqueue
from haven.jobs.worker import job_run_next, jobs_recover
from haven.returns import jobs as returns_jobs

pytestmark = pytest.mark.django_db


def _page(client: Any, job: Job) -> str:
    response = client.get(reverse("jobs:detail", args=[job.pk]))
    assert response.status_code == 200
    return response.content.decode()


def _census_job(user: Any, year: int = 2025) -> Job:
    return job_enqueue(
        kind=returns_jobs.CENSUS,
        started_by=user,
        title=f"CIN census {year} (XML)",
        params={"year": year},
        progress_unit="children",
    )


def test_a_queued_job_waits_and_its_page_polls_until_it_is_done(make_user: Any) -> None:
    analyst = make_user(Role.PERFORMANCE_ANALYST, team=None)
    client = client_for(analyst)
    job = _census_job(analyst)
    page = _page(client, job)
    assert "Waiting to start" in page
    assert 'hx-trigger="every 2s"' in page
    assert "<script>" not in page  # polling by htmx attributes: no inline script

    assert job_run_next(worker_id="test:1:a") is not None
    page = _page(client, job)
    assert "Done" in page
    assert "hx-trigger" not in page
    assert job_run_next(worker_id="test:1:a") is None  # nothing else was queued


def test_the_page_shows_how_far_a_running_job_has_got(make_user: Any) -> None:
    analyst = make_user(Role.PERFORMANCE_ANALYST, team=None)
    job = _census_job(analyst)
    assert job.task is not None
    job.task.claim("test:1:a")
    Job.objects.filter(pk=job.pk).update(
        progress_done=12000, progress_total=26828, progress_note="Making the census"
    )
    page = _page(client_for(analyst), job)
    assert "Running" in page
    assert "Making the census: 12,000 of 26,828 children" in page
    # htmx asks for the panel alone while polling.
    panel = client_for(analyst).get(
        reverse("jobs:detail", args=[job.pk]), headers={"HX-Request": "true"}
    )
    assert panel.content.decode().lstrip().startswith('<div id="job"')


def test_another_user_gets_404_and_nothing_about_the_job(make_user: Any) -> None:
    owner = make_user(Role.PERFORMANCE_ANALYST, team=None)
    other = make_user(Role.PERFORMANCE_ANALYST, team=None)
    job = _census_job(owner, year=2024)
    job_run_next(worker_id="test:1:a")
    for name in ("jobs:detail", "jobs:file"):
        response = client_for(other).get(reverse(name, args=[job.pk]))
        assert response.status_code == 404
        assert "2024" not in response.content.decode()
    missing = client_for(owner).get(reverse("jobs:detail", args=[uuid.uuid4()]))
    assert missing.status_code == 404


def test_a_failed_job_shows_its_error(make_user: Any) -> None:
    analyst = make_user(Role.PERFORMANCE_ANALYST, team=None)
    job = job_enqueue(
        kind=returns_jobs.IMPORT,
        started_by=analyst,
        title="Import cin.xml: dry run",
        params={"filename": "cin.xml"},
        files={returns_jobs.UPLOAD: b'<Message xmlns="urn:x"><Children/></Message>'},
    )
    job_run_next(worker_id="test:1:a")
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED
    page = _page(client_for(analyst), job)
    assert "The job did not finish" in page
    assert "remove the xmlns attribute" in page


def test_an_unexpected_error_is_reported_without_its_detail(make_user: Any) -> None:
    analyst = make_user(Role.PERFORMANCE_ANALYST, team=None)
    job = _census_job(analyst)
    Job.objects.filter(pk=job.pk).update(params={"year": "not a year"})
    job_run_next(worker_id="test:1:a")
    page = _page(client_for(analyst), job)
    assert "unexpected error (ValueError)" in page
    assert "not a year" not in page


def test_a_job_left_running_by_a_dead_worker_is_marked_stopped(make_user: Any) -> None:
    analyst = make_user(Role.PERFORMANCE_ANALYST, team=None)
    job = _census_job(analyst)
    assert job.task is not None
    job.task.claim("thishost:999999999:abc")  # no such process
    assert jobs_recover(host="thishost") == 1
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED
    assert "Start it again" in _page(client_for(analyst), job)


def test_haven_jobs_lists_recent_jobs(make_user: Any, capsys: Any) -> None:
    analyst = make_user(Role.PERFORMANCE_ANALYST, team=None, username="lister")
    job = _census_job(analyst, year=2023)
    assert main(["jobs"]) == 0
    out = capsys.readouterr().out
    assert str(job.pk) in out
    assert "Waiting to start" in out and "lister" in out and "CIN census 2023" in out


@pytest.mark.django_db(transaction=True)
def test_progress_inside_a_transaction_is_seen_from_outside_it(make_user: Any) -> None:
    analyst = make_user(Role.PERFORMANCE_ANALYST, team=None)
    job = _census_job(analyst)
    progress = Progress(job)
    observer = connections.create_connection(DEFAULT_DB_ALIAS)
    try:
        with transaction.atomic():  # as an import holds one transaction for the whole file
            progress(120, 500, "Checking each child")
            with observer.cursor() as cursor:
                cursor.execute(
                    "SELECT progress_done, progress_total FROM jobs_job WHERE id = %s", [job.pk]
                )
                assert cursor.fetchone() == (120, 500)
    finally:
        progress.close()
        observer.close()
