"""The Returns page: export the CIN census and the SSDA903, validate them with the DfE rules,
import a census from another system. For analysts (and managers and auditors): the returns hold
no names or case notes, and each export is recorded in the access log."""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Callable
from dataclasses import dataclass
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
from haven.returns.import903 import SSDA903FileError, sniff_903
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


@dataclass(frozen=True)
class _Import:
    """One kind of return imported from another system: its upload page and its jobs."""

    template: str
    job_kind: str
    upload: str  # the job's file name for the upload
    what: str  # in the jobs' titles: "Import {what}{file name}"
    missing: str  # the message when no file is chosen
    sniff: Callable[[str, bytes], None]  # raises ``refused`` when the file is not this return
    refused: type[Exception]
    # Taken from the upload form for the dry run, and carried from the dry run to the import.
    options: Callable[[Any], dict[str, Any]]


def _census_sniff(name: str, head: bytes) -> None:
    census_sniff(head)


CIN_IMPORT = _Import(
    template="returns/import.html",
    job_kind=returns_jobs.IMPORT,
    upload=returns_jobs.UPLOAD,
    what="",
    missing="Choose a CIN census XML file",
    sniff=_census_sniff,
    refused=CensusFileError,
    # Records breaking a DfE ERROR rule: rejected, or imported with them listed.
    options=lambda post: {"defects": "import" if post.get("defects") == "import" else "reject"},
)
SSDA903_IMPORT = _Import(
    template="returns/import_903.html",
    job_kind=returns_jobs.SSDA903_IMPORT,
    upload=returns_jobs.UPLOAD_903,
    what="SSDA903 ",
    missing="Choose a zip of SSDA903 CSV files, or one CSV table",
    sniff=sniff_903,
    refused=SSDA903FileError,
    options=lambda post: {},
)


def _import_upload(request: AuthenticatedRequest, kind: _Import) -> HttpResponse:
    """Upload: the file is kept and a dry-run job queued; its page shows what would be created,
    matched or rejected, with a button to import the same file (never taken back from a form)."""
    from haven.accounts.models import Team
    from haven.ui.parsing import parse_int

    context: dict[str, Any] = {"teams": list(Team.objects.order_by("name").values("id", "name"))}
    if request.method != "POST":
        return render(request, kind.template, context)

    def refuse(message: str) -> HttpResponse:
        return render(request, kind.template, {**context, "error": message}, status=400)

    team_id = None
    if request.POST.get("team"):
        try:
            team_id = parse_int(request.POST["team"], label="Team", minimum=1)
        except ValidationError:
            team_id = 0
        if not Team.objects.filter(pk=team_id).exists():
            return refuse("Choose a team from the list")
    upload = request.FILES.get("file")
    if upload is None:
        return refuse(kind.missing)
    if upload.size and upload.size > MAX_UPLOAD_BYTES:
        return refuse("The file is larger than 50 MB")
    try:
        kind.sniff(upload.name or "", next(upload.chunks(4096), b""))
    except kind.refused as exc:
        return refuse(f"{exc} Nothing was imported.")
    upload.seek(0)
    job = job_enqueue(
        kind=kind.job_kind,
        started_by=request.user,
        title=f"Import {kind.what}{upload.name}: dry run",
        params={
            "filename": upload.name,
            "commit": False,
            # New children are allocated to it (its managers then allocate workers).
            "team": team_id,
            **kind.options(request.POST),
        },
        files={kind.upload: upload},
        progress_unit="children",
    )
    return redirect("jobs:detail", job_id=job.pk)


def _import_commit(request: AuthenticatedRequest, job_id: uuid.UUID, kind: _Import) -> HttpResponse:
    """Import the file a dry run passed: a new job, which takes the file over."""
    dry_run = job_get_for_user(user=request.user, job_id=job_id)
    result = dry_run.result or {}
    kept = job_file_path(dry_run.pk, kind.upload)
    if dry_run.kind != kind.job_kind or not result.get("can_commit") or not kept.exists():
        context = {
            "error": "That upload has expired or was imported already: choose the file again."
        }
        return render(request, kind.template, context, status=400)
    job = job_enqueue(
        kind=kind.job_kind,
        started_by=request.user,
        title=f"Import {kind.what}{result.get('filename', '')}",
        params={
            **dry_run.params,
            "filename": result.get("filename", ""),
            "commit": True,
            "dry_run": str(dry_run.pk),
        },
        files={kind.upload: kept},
        progress_unit="children",
    )
    return redirect("jobs:detail", job_id=job.pk)


@requires(Capability.IMPORT_RETURNS)
def cin_import(request: AuthenticatedRequest) -> HttpResponse:
    return _import_upload(request, CIN_IMPORT)


@require_POST
@requires(Capability.IMPORT_RETURNS)
def cin_import_commit(request: AuthenticatedRequest, job_id: uuid.UUID) -> HttpResponse:
    return _import_commit(request, job_id, CIN_IMPORT)


@requires(Capability.IMPORT_RETURNS)
def ssda903_import(request: AuthenticatedRequest) -> HttpResponse:
    """SSDA903 CSVs: a zip of the folder (one or several years), or one table."""
    return _import_upload(request, SSDA903_IMPORT)


@require_POST
@requires(Capability.IMPORT_RETURNS)
def ssda903_import_commit(request: AuthenticatedRequest, job_id: uuid.UUID) -> HttpResponse:
    return _import_commit(request, job_id, SSDA903_IMPORT)
