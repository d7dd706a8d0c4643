"""The one task the queue holds: run a Haven job by its id (its kind says what to do)."""

from __future__ import annotations

from typing import Any

from haven.core.services import audit_context_set
from haven.jobs.models import Job
from haven.jobs.registry import kind_get
from haven.jobs.services import Progress, job_error_record, job_progress_finish

try:  # Django 6 has the tasks API; on 5.2 it is the django-tasks backport.
    from django.tasks import task  # type: ignore[import-not-found,unused-ignore]
except ImportError:
    from django_tasks import task  # type: ignore[no-redef,assignment,unused-ignore]

STOPPED = (
    "The job was stopped before it finished (the server or its worker was stopped). Start it again."
)
UNEXPECTED = "The job stopped with an unexpected error ({name}). Nothing it was doing was kept; tell your administrator if it happens again."


def error_message(exc: BaseException, expected: tuple[type[Exception], ...]) -> str:
    if isinstance(exc, expected):
        return str(exc)
    if isinstance(exc, KeyboardInterrupt | SystemExit):
        return STOPPED
    return UNEXPECTED.format(name=type(exc).__name__)


@task()
def run_job(job_id: str) -> dict[str, Any]:
    job = Job.objects.select_related("started_by").get(pk=job_id)
    kind = kind_get(job.kind)
    # Whatever the job writes is attributed to the person who started it.
    audit_context_set(
        actor_id=job.started_by_id,
        label=f"{job.started_by.get_username()} (job)",
        request_id=job.pk.hex,
    )
    progress = Progress(job)
    try:
        result = kind.run(job, progress)
    except BaseException as exc:
        job_error_record(job_id=job.pk, message=error_message(exc, kind.expected_errors))
        raise
    finally:
        progress.close()
    job_progress_finish(job=job, progress=progress)
    return result
