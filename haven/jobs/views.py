"""The job page: status, progress and result, for the person who started the job only."""

from __future__ import annotations

import uuid

from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import render

from haven.accounts.http import AuthenticatedRequest
from haven.jobs.registry import kind_get
from haven.jobs.selectors import job_get_for_user
from haven.jobs.services import job_file_path


def job_detail(request: AuthenticatedRequest, job_id: uuid.UUID) -> HttpResponse:
    job = job_get_for_user(user=request.user, job_id=job_id)
    kind = kind_get(job.kind)
    result = job.result
    context = {"job": job, "result": result, "result_template": kind.result_template}
    if result is not None and kind.result_context is not None:
        context.update(kind.result_context(job, result, request.user))
    # htmx polls for the job's panel alone while it runs; a finished job stops the polling.
    template = "jobs/_job.html" if request.headers.get("HX-Request") else "jobs/job.html"
    return render(request, template, context)


def job_file(request: AuthenticatedRequest, job_id: uuid.UUID) -> FileResponse:
    job = job_get_for_user(user=request.user, job_id=job_id)
    name = (job.result or {}).get("file")
    if not name:
        raise Http404("This job has no file")
    path = job_file_path(job.pk, name)
    if not path.exists():
        raise Http404("The file has been removed: run the job again")
    return FileResponse(path.open("rb"), as_attachment=True, filename=name)
