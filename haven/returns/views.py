"""The Returns page: export the CIN census and the SSDA903, validate them with the DfE rules,
import a census from another system. For analysts (and managers and auditors): the returns hold
no names or case notes, and each export is recorded in the access log."""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Callable
from typing import Any

from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from haven.accounts.http import AuthenticatedRequest
from haven.accounts.permissions import Capability, requires, user_can
from haven.jobs.selectors import job_get_for_user
from haven.jobs.services import job_enqueue, job_file_path
from haven.returns import jobs as returns_jobs
from haven.returns.census import CollectionYear, collection_year_of
from haven.returns.importer import CensusFileError, census_sniff

YEARS_OFFERED = 6
MAX_UPLOAD_BYTES = 50 * 1024 * 1024

View = Callable[..., HttpResponseBase]


def _years() -> list[CollectionYear]:
    current = collection_year_of(datetime.date.today())
    return [CollectionYear(y) for y in range(current, current - YEARS_OFFERED, -1)]


def _check_year(year: int) -> CollectionYear:
    if not 2010 <= year <= collection_year_of(datetime.date.today()):
        raise Http404("No such collection year")
    return CollectionYear(year)


@requires(Capability.PRODUCE_RETURNS)
def returns_home(request: AuthenticatedRequest) -> HttpResponse:
    return render(
        request,
        "returns/home.html",
        {"years": _years(), "can_import": user_can(request.user, Capability.IMPORT_RETURNS)},
    )


@require_http_methods(["GET", "POST"])
@requires(Capability.PRODUCE_RETURNS)
def cin_download(request: AuthenticatedRequest, year: int) -> HttpResponse:
    """Make the census for a year as a job; its page has the file when it is ready."""
    return _year_job(request, year, returns_jobs.CENSUS, "CIN census {year} (XML)")


@require_http_methods(["GET", "POST"])
@requires(Capability.PRODUCE_RETURNS)
def cin_issues(request: AuthenticatedRequest, year: int) -> HttpResponse:
    """Check the census for a year with the DfE rules, as a job."""
    return _year_job(request, year, returns_jobs.VALIDATE, "CIN census {year}: DfE rules")


@require_http_methods(["GET", "POST"])
@requires(Capability.PRODUCE_RETURNS)
def ssda903_download(request: AuthenticatedRequest, year: int) -> HttpResponse:
    """Make the SSDA903 for a year (a zip of CSVs) as a job."""
    return _year_job(request, year, returns_jobs.SSDA903, "SSDA903 {year} (CSV files)")


@require_http_methods(["GET", "POST"])
@requires(Capability.PRODUCE_RETURNS)
def ssda903_issues(request: AuthenticatedRequest, year: int) -> HttpResponse:
    """Check the SSDA903 for a year with the DfE rules, as a job."""
    return _year_job(request, year, returns_jobs.SSDA903_VALIDATE, "SSDA903 {year}: DfE rules")


def _year_job(request: AuthenticatedRequest, year: int, kind: Any, title: str) -> HttpResponse:
    """A job about one collection year, started by a POST; its page shows progress."""
    cy = _check_year(year)
    if request.method != "POST":
        return redirect("returns:home")
    job = job_enqueue(
        kind=kind,
        started_by=request.user,
        title=title.format(year=cy.year),
        params={"year": cy.year},
        progress_unit="children",
    )
    return redirect("jobs:detail", job_id=job.pk)


@requires(Capability.IMPORT_RETURNS)
def cin_import(request: AuthenticatedRequest) -> HttpResponse:
    """Upload: the file is kept and a dry-run job queued; its page shows what would be created,
    matched or rejected, with a button to import the same file (never taken back from a form)."""
    from haven.accounts.models import Team
    from haven.ui.parsing import parse_int

    context: dict[str, Any] = {"teams": list(Team.objects.order_by("name").values("id", "name"))}
    if request.method == "POST":
        team_id = None
        if request.POST.get("team"):
            try:
                team_id = parse_int(request.POST["team"], label="Team", minimum=1)
            except ValidationError:
                team_id = 0
            if not Team.objects.filter(pk=team_id).exists():
                context["error"] = "Choose a team from the list"
                return render(request, "returns/import.html", context, status=400)
        upload = request.FILES.get("file")
        if upload is None:
            context["error"] = "Choose a CIN census XML file"
            return render(request, "returns/import.html", context, status=400)
        if upload.size and upload.size > MAX_UPLOAD_BYTES:
            context["error"] = "The file is larger than 50 MB"
            return render(request, "returns/import.html", context, status=400)
        try:
            census_sniff(next(upload.chunks(4096), b""))
        except CensusFileError as exc:
            context["error"] = f"{exc} Nothing was imported."
            return render(request, "returns/import.html", context, status=400)
        upload.seek(0)
        job = job_enqueue(
            kind=returns_jobs.IMPORT,
            started_by=request.user,
            title=f"Import {upload.name}: dry run",
            params={
                "filename": upload.name,
                "commit": False,
                # Records breaking a DfE ERROR rule: rejected, or imported with them listed.
                "defects": "import" if request.POST.get("defects") == "import" else "reject",
                # New children are allocated to it (its managers then allocate workers).
                "team": team_id,
            },
            files={returns_jobs.UPLOAD: upload},
            progress_unit="children",
        )
        return redirect("jobs:detail", job_id=job.pk)
    return render(request, "returns/import.html", context)


@require_POST
@requires(Capability.IMPORT_RETURNS)
def cin_import_commit(request: AuthenticatedRequest, job_id: uuid.UUID) -> HttpResponse:
    """Import the file a dry run passed: a new job, which takes the file over."""
    dry_run = job_get_for_user(user=request.user, job_id=job_id)
    result = dry_run.result or {}
    kept = job_file_path(dry_run.pk, returns_jobs.UPLOAD)
    if dry_run.kind != returns_jobs.IMPORT or not result.get("can_commit") or not kept.exists():
        context = {
            "error": "That upload has expired or was imported already: choose the file again."
        }
        return render(request, "returns/import.html", context, status=400)
    job = job_enqueue(
        kind=returns_jobs.IMPORT,
        started_by=request.user,
        title=f"Import {result.get('filename', '')}",
        params={
            "filename": result.get("filename", ""),
            "commit": True,
            "dry_run": str(dry_run.pk),
            "defects": dry_run.params.get("defects", "reject"),
            "team": dry_run.params.get("team"),
        },
        files={returns_jobs.UPLOAD: kept},
        progress_unit="children",
    )
    return redirect("jobs:detail", job_id=job.pk)


@requires(Capability.IMPORT_RETURNS)
def ssda903_import(request: AuthenticatedRequest) -> HttpResponse:
    """Upload SSDA903 CSVs (a zip of the folder, one or several years, or one table): a dry-run
    job shows what would be created, matched or rejected, with a button to import them."""
    from haven.accounts.models import Team
    from haven.returns.import903 import SSDA903FileError, sniff_903
    from haven.ui.parsing import parse_int

    context: dict[str, Any] = {"teams": list(Team.objects.order_by("name").values("id", "name"))}
    if request.method == "POST":
        team_id = None
        if request.POST.get("team"):
            try:
                team_id = parse_int(request.POST["team"], label="Team", minimum=1)
            except ValidationError:
                team_id = 0
            if not Team.objects.filter(pk=team_id).exists():
                context["error"] = "Choose a team from the list"
                return render(request, "returns/import_903.html", context, status=400)
        upload = request.FILES.get("file")
        if upload is None:
            context["error"] = "Choose a zip of SSDA903 CSV files, or one CSV table"
            return render(request, "returns/import_903.html", context, status=400)
        if upload.size and upload.size > MAX_UPLOAD_BYTES:
            context["error"] = "The file is larger than 50 MB"
            return render(request, "returns/import_903.html", context, status=400)
        try:
            sniff_903(upload.name or "", next(upload.chunks(4096), b""))
        except SSDA903FileError as exc:
            context["error"] = f"{exc} Nothing was imported."
            return render(request, "returns/import_903.html", context, status=400)
        upload.seek(0)
        job = job_enqueue(
            kind=returns_jobs.SSDA903_IMPORT,
            started_by=request.user,
            title=f"Import SSDA903 {upload.name}: dry run",
            params={"filename": upload.name, "commit": False, "team": team_id},
            files={returns_jobs.UPLOAD_903: upload},
            progress_unit="children",
        )
        return redirect("jobs:detail", job_id=job.pk)
    return render(request, "returns/import_903.html", context)


@require_POST
@requires(Capability.IMPORT_RETURNS)
def ssda903_import_commit(request: AuthenticatedRequest, job_id: uuid.UUID) -> HttpResponse:
    """Import the files a dry run passed: a new job, which takes the upload over."""
    dry_run = job_get_for_user(user=request.user, job_id=job_id)
    result = dry_run.result or {}
    kept = job_file_path(dry_run.pk, returns_jobs.UPLOAD_903)
    if (
        dry_run.kind != returns_jobs.SSDA903_IMPORT
        or not result.get("can_commit")
        or not kept.exists()
    ):
        context = {
            "error": "That upload has expired or was imported already: choose the file again."
        }
        return render(request, "returns/import_903.html", context, status=400)
    job = job_enqueue(
        kind=returns_jobs.SSDA903_IMPORT,
        started_by=request.user,
        title=f"Import SSDA903 {result.get('filename', '')}",
        params={
            "filename": result.get("filename", ""),
            "commit": True,
            "dry_run": str(dry_run.pk),
            "team": dry_run.params.get("team"),
        },
        files={returns_jobs.UPLOAD_903: kept},
        progress_unit="children",
    )
    return redirect("jobs:detail", job_id=job.pk)
