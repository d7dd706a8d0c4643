"""The Returns page's long work, as background jobs: the CIN census and the SSDA903 for a year
as files to download, each checked with the DfE rules, and a census file imported (a dry run,
then the import). Registered in ``ReturnsConfig.ready()``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.urls import reverse

from haven.jobs.models import Job
from haven.jobs.registry import JobKind, register_kind
from haven.jobs.services import Progress, job_file_path, job_file_write, job_files_delete
from haven.people.access import visible_ids
from haven.returns.census import CollectionYear
from haven.returns.checks import census_issues_for_person
from haven.returns.export import cin_census_export
from haven.returns.importer import CensusFileError, cin_census_import
from haven.returns.ssda903 import RECORDED_ON, ssda903_export
from haven.returns.validation import (
    ValidationResult,
    ValidatorUnavailable,
    validate_903_export,
    validate_cin_bytes,
)
from haven.ui.pages import registered_tabs

CENSUS = "returns.cin_census"
VALIDATE = "returns.cin_validate"
IMPORT = "returns.cin_import"
SSDA903 = "returns.ssda903"
SSDA903_VALIDATE = "returns.ssda903_validate"
SSDA903_IMPORT = "returns.ssda903_import"
UPLOAD = "upload.xml"
UPLOAD_903 = "upload_903"
# Haven's own record checks are worked out for at most this many flagged children.
RECORD_CHECKS_SHOWN = 200
# The issues listed under each rule on the job's page (the count says how many there are).
ISSUES_SHOWN_PER_RULE = 100


class UploadExpired(Exception):
    """The uploaded file is no longer kept."""


# -- the census for a year, to download ------------------------------------------------------


def _export(job: Job, progress: Progress) -> tuple[Any, dict[str, Any]]:
    """The census for the job's year, and what the result says about it."""
    year = CollectionYear(int(job.params["year"]))
    progress(0, None, "Making the census")
    export = cin_census_export(year=year.year, user=job.started_by, progress=progress)
    return export, {
        "year": year.year,
        "label": year.label,
        "children": export.children,
        "episodes": export.episodes,
        "export_seconds": round(export.seconds, 1),
    }


def census_run(job: Job, progress: Progress) -> dict[str, Any]:
    export, result = _export(job, progress)
    year = CollectionYear(result["year"])
    if export.children:
        name = f"CIN_census_{year.year}.xml"
        job_file_write(job_id=job.pk, name=name, content=export.xml)
        result.update(file=name, bytes=len(export.xml))
    return result


# -- the census checked with the DfE rules ----------------------------------------------------


def validate_run(job: Job, progress: Progress) -> dict[str, Any]:
    export, result = _export(job, progress)
    year = CollectionYear(result["year"])
    if export.children == 0:
        return {**result, "empty": True}
    progress.step("Checking with the DfE rules")
    checked = validate_cin_bytes(export.xml, ruleset=year.ruleset)
    return {**result, **_issues(checked, export.person_ids, progress, census_issues_for_person)}


def _issues(
    checked: ValidationResult,
    person_ids: dict[str, int],
    progress: Progress,
    record_check: Any = None,
) -> dict[str, Any]:
    """The DfE's issues grouped by rule, each with the Haven person it is about (shown to a
    viewer by ``validate_context``), and Haven's own record checks for the children flagged."""
    groups = []
    flagged: list[int] = []
    for code, kind, message, issues in checked.by_rule():
        rows = []
        for issue in issues:
            person_id = person_ids.get(issue.child_id)
            if person_id is not None and person_id not in flagged:
                flagged.append(person_id)
            rows.append(
                {
                    "child_id": issue.child_id,
                    "person_id": person_id,
                    "table": issue.table,
                    "fields": issue.fields,
                    "value": issue.value,
                }
            )
        groups.append({"code": code, "kind": kind, "message": message, "rows": rows})
    from haven.people.models import Person

    record_checks = []
    chosen = flagged[:RECORD_CHECKS_SHOWN] if record_check is not None else []
    for done, person in enumerate(Person.objects.filter(id__in=chosen).order_by("id")):
        progress(done, len(chosen), "Checking the flagged records")
        found = record_check(person)
        if found:
            record_checks.append(
                {
                    "person_id": person.pk,
                    "issues": [{"rule_code": i.rule_code, "message": i.message} for i in found],
                }
            )
    return {
        "ruleset": checked.ruleset,
        "validate_seconds": round(checked.seconds, 1),
        "errors": len(checked.errors),
        "queries": len(checked.queries),
        "crashed_rules": checked.crashed_rules,
        "groups": groups,
        "record_checks": record_checks,
    }


# -- the SSDA903 for a year, to download, and checked with the DfE rules ----------------------


def _export_903(job: Job, progress: Progress) -> tuple[Any, dict[str, Any]]:
    year = CollectionYear(int(job.params["year"]))
    export = ssda903_export(year=year.year, user=job.started_by, progress=progress)
    return export, {
        "year": year.year,
        "label": year.label,
        "children": export.children,
        "episodes": export.episodes,
        "tables": len(export.tables),
        "export_seconds": round(export.seconds, 1),
        "return_name": "SSDA903 return",
        "empty_text": f"No child was looked after in {year.label}: there is nothing to return.",
    }


def ssda903_run(job: Job, progress: Progress) -> dict[str, Any]:
    export, result = _export_903(job, progress)
    if export.children:
        name = f"SSDA903_{export.year.year}.zip"
        content = export.zip_bytes()
        job_file_write(job_id=job.pk, name=name, content=content)
        result.update(file=name, bytes=len(content))
    return result


def ssda903_validate_run(job: Job, progress: Progress) -> dict[str, Any]:
    export, result = _export_903(job, progress)
    if export.children == 0:
        return {**result, "empty": True}
    progress.step("Checking with the DfE rules")
    checked = validate_903_export(export)
    return {
        **result,
        **_issues(checked, export.person_ids, progress),
        "record_checks": _by_record(checked, export.person_ids),
    }


def _by_record(checked: ValidationResult, person_ids: dict[str, int]) -> list[dict[str, Any]]:
    """The DfE's issues child by child, errors first, each with the tab of the child's record
    where the fact it is about is recorded (for the first ``RECORD_CHECKS_SHOWN`` children)."""
    by_person: dict[int, list[dict[str, Any]]] = {}
    for issue in sorted(checked.issues, key=lambda i: not i.is_error):
        person_id = person_ids.get(issue.child_id)
        if person_id is None:
            continue
        if person_id not in by_person and len(by_person) == RECORD_CHECKS_SHOWN:
            continue
        where = f"{issue.table}: {issue.fields}" if issue.fields else issue.table
        by_person.setdefault(person_id, []).append(
            {
                "rule_code": issue.rule_code,
                "message": f"{issue.message} ({where}{f' {issue.value}' if issue.value else ''})",
                "kind": issue.rule_type,
                "recorded_on": RECORDED_ON.get(issue.table, ""),
            }
        )
    return [{"person_id": pid, "issues": issues} for pid, issues in by_person.items()]


def validate_context(job: Job, result: dict[str, Any], user: Any) -> dict[str, Any]:
    """Every issue is listed (the census holds no names, and whoever may check it may download
    it); a child's record is linked only if the viewer may open it, else the issue gives the
    child's Haven ID, for someone who can open it to fix."""
    ids = {row["person_id"] for g in result.get("groups", []) for row in g["rows"]}
    ids |= {c["person_id"] for c in result.get("record_checks", [])}
    visible = visible_ids(user, {i for i in ids if i is not None})
    tabs = {tab.url_name: tab.label for tab in registered_tabs()}
    groups = []
    for group in result.get("groups", []):
        # A rule that flags thousands of children would make a page too long to read or
        # draw: the first rows of each rule, and how many more.
        rows = [
            {
                **r,
                "href": reverse("people:person_detail", args=[r["person_id"]])
                if r["person_id"] in visible
                else "",
            }
            for r in group["rows"][:ISSUES_SHOWN_PER_RULE]
        ]
        groups.append({**group, "shown": rows, "more": max(0, len(group["rows"]) - len(rows))})
    return {
        "groups": groups,
        "record_checks": [
            {
                **c,
                "href": reverse("people:person_detail", args=[c["person_id"]])
                if c["person_id"] in visible
                else "",
                "issues": [
                    {
                        **i,
                        **_recorded_on(
                            i, c["person_id"], tabs if c["person_id"] in visible else {}
                        ),
                    }
                    for i in c["issues"]
                ],
            }
            for c in result.get("record_checks", [])
        ],
        "records_you_cannot_open": len({i for i in ids if i is not None} - visible),
    }


def _recorded_on(issue: dict[str, Any], person_id: int, tabs: dict[str, str]) -> dict[str, str]:
    """The link to the tab (of ``tabs``, URL name to label) where an issue's fact is recorded."""
    url_name = issue.get("recorded_on") or ""
    if url_name not in tabs:
        return {}
    return {"fix_href": reverse(url_name, args=[person_id]), "fix_label": tabs[url_name]}


# -- a census file imported: a dry run, then the import ----------------------------------------


def _team(team_id: Any) -> Any:
    from haven.accounts.models import Team

    return Team.objects.filter(pk=team_id).first() if team_id else None


def _kept_upload(job: Job, name: str) -> Path:
    """The file uploaded for an import job, while it is kept."""
    path = job_file_path(job.pk, name)
    if not path.exists():
        raise UploadExpired("The uploaded file is no longer kept: upload it again.")
    return path


def import_run(job: Job, progress: Progress) -> dict[str, Any]:
    commit = bool(job.params.get("commit"))
    path = _kept_upload(job, UPLOAD)
    progress(0, None, "Reading the file")
    data = path.read_bytes()
    try:
        report = cin_census_import(
            data=data,
            user=job.started_by,
            dry_run=not commit,
            progress=lambda done, total: progress(done, total, "Checking each child"),
            defects="import" if job.params.get("defects") == "import" else "reject",
            team=_team(job.params.get("team")),
            source_name=str(job.params.get("filename", "")),
        )
    except CensusFileError as exc:
        job_files_delete(job_id=job.pk)
        raise CensusFileError(f"{exc} Nothing was imported.") from None
    can_commit = not commit and report.ok
    if not can_commit:
        job_files_delete(job_id=job.pk)  # imported, or nothing to import: the file goes
    return {
        "filename": job.params.get("filename", ""),
        "dry_run": not commit,
        "committed": report.committed,
        "ok": report.ok,
        "can_commit": can_commit,
        "collection_year": report.collection_year,
        "summary": report.summary(),
        "rejected": [
            {
                "la_child_id": c.la_child_id,
                "person_id": c.person_id,
                "problems": [
                    {"path": p.path, "value": p.value, "reason": p.reason} for p in c.problems
                ],
            }
            for c in report.rejected
        ],
        # Imported anyway (the person importing chose so), and facts Haven and the file
        # disagree on: by the file's identifier and element, for someone to fix or confirm.
        "listed": [
            {
                "la_child_id": c.la_child_id,
                "kind": kind,
                "path": p.path,
                "value": p.value,
                "reason": p.reason,
            }
            for c in report.children
            if c.action != "reject"
            for kind, problems in (("defect", c.defects), ("conflict", c.conflicts))
            for p in problems
        ],
    }


def import_context(job: Job, result: dict[str, Any], user: Any) -> dict[str, Any]:
    """A rejected child already in Haven whom the viewer may not see is named by the file's
    identifier only, without what their record holds."""
    ids = {c["person_id"] for c in result["rejected"] if c["person_id"] is not None}
    visible = visible_ids(user, ids)
    rejected = []
    for child in result["rejected"]:
        if child["person_id"] is not None and child["person_id"] not in visible:
            child = {
                **child,
                "problems": [
                    {
                        "path": "",
                        "value": "",
                        "reason": "matches a child already in Haven whose record you cannot "
                        "open; ask someone who can to check it",
                    }
                ],
            }
        rejected.append(child)
    return {
        "rejected": rejected,
        "file_kept": result.get("can_commit") and job_file_path(job.pk, UPLOAD).exists(),
    }


# -- SSDA903 files imported: a dry run, then the import --------------------------------------


def import_903_run(job: Job, progress: Progress) -> dict[str, Any]:
    from haven.returns.import903 import SSDA903FileError, read_upload, ssda903_import

    commit = bool(job.params.get("commit"))
    path = _kept_upload(job, UPLOAD_903)
    progress(0, None, "Reading the files")
    name = str(job.params.get("filename", ""))
    try:
        report = ssda903_import(
            files=read_upload(name, path.read_bytes()),
            user=job.started_by,
            dry_run=not commit,
            team=_team(job.params.get("team")),
            progress=progress,
        )
    except SSDA903FileError as exc:
        job_files_delete(job_id=job.pk)
        raise SSDA903FileError(f"{exc} Nothing was imported.") from None
    can_commit = not commit and report.ok
    if not can_commit:
        job_files_delete(job_id=job.pk)
    return {
        "filename": name,
        "dry_run": not commit,
        "committed": report.committed,
        "ok": report.ok,
        "can_commit": can_commit,
        "years": report.years,
        "summary": report.summary(),
        "notes": report.notes[:200],
        "rejected": [
            {
                "child": c.child,
                "person_id": c.person_id,
                "problems": [p.__dict__ for p in c.problems],
            }
            for c in report.rejected
        ]
        + (
            [{"child": "", "person_id": None, "problems": [p.__dict__ for p in report.problems]}]
            if report.problems
            else []
        ),
    }


def import_903_context(job: Job, result: dict[str, Any], user: Any) -> dict[str, Any]:
    """A rejected child already in Haven whom the viewer may not see is named by the file's
    identifier only, without what their record holds."""
    ids = {c["person_id"] for c in result["rejected"] if c["person_id"] is not None}
    visible = visible_ids(user, ids)
    rows = []
    for child in result["rejected"]:
        hidden = child["person_id"] is not None and child["person_id"] not in visible
        for problem in child["problems"]:
            if hidden:
                problem = {
                    "table": "",
                    "file": "",
                    "row": 0,
                    "column": "",
                    "value": "",
                    "reason": "matches a child already in Haven whose record you cannot open; "
                    "ask someone who can to check it",
                }
            rows.append({"child": child["child"], **problem})
    return {
        "problems": rows,
        "file_kept": result.get("can_commit") and job_file_path(job.pk, UPLOAD_903).exists(),
    }


def register() -> None:
    register_kind(JobKind(CENSUS, census_run, "returns/job_census.html"))
    register_kind(JobKind(SSDA903, ssda903_run, "returns/job_ssda903.html"))
    register_kind(
        JobKind(
            SSDA903_VALIDATE,
            ssda903_validate_run,
            "returns/job_validate.html",
            validate_context,
            expected_errors=(ValidatorUnavailable,),
        )
    )
    register_kind(
        JobKind(
            VALIDATE,
            validate_run,
            "returns/job_validate.html",
            validate_context,
            expected_errors=(ValidatorUnavailable,),
        )
    )
    register_kind(
        JobKind(
            IMPORT,
            import_run,
            "returns/job_import.html",
            import_context,
            expected_errors=(CensusFileError, UploadExpired),
        )
    )
    from haven.returns.import903 import SSDA903FileError

    register_kind(
        JobKind(
            SSDA903_IMPORT,
            import_903_run,
            "returns/job_import_903.html",
            import_903_context,
            expected_errors=(SSDA903FileError, UploadExpired),
        )
    )
