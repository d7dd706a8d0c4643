"""Reads of jobs. A job, its progress and its result are its starter's alone."""

from __future__ import annotations

import uuid
from typing import Any

from django.http import Http404

from haven.jobs.models import Job


def job_get_for_user(*, user: Any, job_id: uuid.UUID | str) -> Job:
    """The job, if ``user`` started it; otherwise 404, the same as for a job that never was."""
    job = (
        Job.objects.select_related("task", "started_by")
        .filter(pk=job_id, started_by_id=getattr(user, "pk", None))
        .first()
    )
    if job is None:
        raise Http404("No such job")
    return job


def jobs_recent(*, limit: int = 20) -> list[Job]:
    """The latest jobs of everyone (for ``haven jobs``, run by whoever runs the server)."""
    return list(Job.objects.select_related("task", "started_by").order_by("-created_at")[:limit])
