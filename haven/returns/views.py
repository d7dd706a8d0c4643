"""The Returns page: export the CIN census, validate it with the DfE rules, import from another
system. For analysts (and managers and auditors): the CIN census holds no names or case notes,
and each export is recorded in the access log."""

from __future__ import annotations

import datetime
import secrets
import tempfile
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, HttpResponseBase
from django.shortcuts import render

from haven.accounts.models import Role
from haven.core.http import AuthenticatedRequest
from haven.returns.census import CollectionYear, collection_year_of
from haven.returns.checks import census_issues_for_person
from haven.returns.export import cin_census_export
from haven.returns.importer import CensusFileError, cin_census_import
from haven.returns.validation import ValidatorUnavailable, validate_cin_bytes

RETURNS_ROLES = frozenset({Role.PERFORMANCE_ANALYST, Role.TEAM_MANAGER, Role.AUDITOR})
# Importing another system's history is a migration task, not an auditor's.
IMPORT_ROLES = frozenset({Role.PERFORMANCE_ANALYST, Role.ADMINISTRATOR})
YEARS_OFFERED = 6
# Haven's own record checks are shown for at most this many flagged children per page.
RECORD_CHECKS_SHOWN = 200
MAX_UPLOAD_BYTES = 50 * 1024 * 1024

View = Callable[..., HttpResponseBase]


def returns_view(roles: frozenset[str] = RETURNS_ROLES) -> Callable[[View], View]:
    def decorate(view: View) -> View:
        @wraps(view)
        def wrapper(request: AuthenticatedRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            if request.user.role not in roles:
                raise PermissionDenied("Your role does not include statutory returns")
            return view(request, *args, **kwargs)

        return wrapper

    return decorate


def _years() -> list[CollectionYear]:
    current = collection_year_of(datetime.date.today())
    return [CollectionYear(y) for y in range(current, current - YEARS_OFFERED, -1)]


def _check_year(year: int) -> CollectionYear:
    if not 2010 <= year <= collection_year_of(datetime.date.today()):
        raise Http404("No such collection year")
    return CollectionYear(year)


@returns_view()
def returns_home(request: AuthenticatedRequest) -> HttpResponse:
    return render(
        request,
        "returns/home.html",
        {"years": _years(), "can_import": request.user.role in IMPORT_ROLES},
    )


@returns_view()
def cin_download(request: AuthenticatedRequest, year: int) -> HttpResponse:
    cy = _check_year(year)
    export = cin_census_export(year=cy.year, user=request.user, request=request)
    response = HttpResponse(export.xml, content_type="application/xml")
    response["Content-Disposition"] = f'attachment; filename="CIN_census_{cy.year}.xml"'
    return response


@returns_view()
def cin_issues(request: AuthenticatedRequest, year: int) -> HttpResponse:
    cy = _check_year(year)
    export = cin_census_export(year=cy.year, user=request.user, request=request)
    context: dict[str, Any] = {"year": cy, "export": export}
    if export.children == 0:
        context["empty"] = True
        return render(request, "returns/issues.html", context)
    try:
        result = validate_cin_bytes(export.xml, ruleset=cy.ruleset)
    except ValidatorUnavailable as exc:
        context["unavailable"] = str(exc)
        return render(request, "returns/issues.html", context, status=503)
    groups = []
    flagged: list[int] = []
    for code, kind, message, issues in result.by_rule():
        rows = []
        for issue in issues:
            person_id = export.person_ids.get(issue.child_id)
            if person_id is not None and person_id not in flagged:
                flagged.append(person_id)
            rows.append({"issue": issue, "person_id": person_id})
        groups.append({"code": code, "kind": kind, "message": message, "rows": rows})
    from haven.people.models import Person

    record_checks = []
    for person in Person.objects.filter(id__in=flagged[:RECORD_CHECKS_SHOWN]).order_by("id"):
        found = census_issues_for_person(person)
        if found:
            record_checks.append({"person_id": person.pk, "issues": found})
    context.update(result=result, groups=groups, record_checks=record_checks)
    return render(request, "returns/issues.html", context)


def _upload_dir() -> Path:
    path = Path(tempfile.gettempdir()) / "haven-cin-imports"
    path.mkdir(mode=0o700, exist_ok=True)
    return path


@returns_view(IMPORT_ROLES)
def cin_import(request: AuthenticatedRequest) -> HttpResponse:
    """Upload: a dry run shows what would be created, matched or rejected; "Import" then loads
    the same file (kept on the server under a random token, never taken back from the form)."""
    context: dict[str, Any] = {}
    if request.method == "POST":
        token = request.POST.get("token", "")
        if token:
            if not token.isalnum():
                raise Http404("No such upload")
            stored = _upload_dir() / f"{request.user.pk}-{token}.xml"
            if not stored.exists():
                context["error"] = "That upload has expired: choose the file again."
                return render(request, "returns/import.html", context, status=400)
            data = stored.read_bytes()
            report = cin_census_import(data=data, user=request.user, dry_run=False)
            stored.unlink(missing_ok=True)
            context["report"] = report
            return render(request, "returns/import.html", context)
        upload = request.FILES.get("file")
        if upload is None:
            context["error"] = "Choose a CIN census XML file"
            return render(request, "returns/import.html", context, status=400)
        if upload.size and upload.size > MAX_UPLOAD_BYTES:
            context["error"] = "The file is larger than 50 MB"
            return render(request, "returns/import.html", context, status=400)
        data = upload.read()
        try:
            report = cin_census_import(data=data, user=request.user, dry_run=True)
        except CensusFileError as exc:
            context["error"] = f"{exc} Nothing was imported."
            return render(request, "returns/import.html", context, status=400)
        if report.ok:
            token = secrets.token_hex(16)
            (_upload_dir() / f"{request.user.pk}-{token}.xml").write_bytes(data)
            context["token"] = token
        context["report"] = report
        context["filename"] = upload.name
    return render(request, "returns/import.html", context)
