"""Every write about jobs: queue one, report its progress, keep and remove its files."""

from __future__ import annotations

import datetime
import shutil
import time
import uuid
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import DEFAULT_DB_ALIAS, connection, connections, transaction
from django.db.backends.base.base import BaseDatabaseWrapper

from haven.jobs.models import Job
from haven.jobs.registry import kind_get

# Bytes, an upload (written a chunk at a time), or a file kept for another job (moved).
FileContent = bytes | UploadedFile | Path


def job_files_root() -> Path:
    return Path(settings.HAVEN_JOB_FILES_DIR)


def job_file_path(job_id: uuid.UUID | str, name: str) -> Path:
    """Where a job's file is kept (an upload waiting for it, or a result to download)."""
    if "/" in name or name.startswith("."):
        raise ValueError(f"not a plain file name: {name!r}")
    return job_files_root() / str(uuid.UUID(str(job_id))) / name


def job_file_write(*, job_id: uuid.UUID | str, name: str, content: FileContent) -> Path:
    path = job_file_path(job_id, name)
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    job_files_root().chmod(0o700)
    if isinstance(content, Path):
        content.replace(path)
        return path
    partial = path.with_name(f".{name}.partial")
    with partial.open("wb") as out:
        if isinstance(content, bytes):
            out.write(content)
        else:
            for chunk in content.chunks():
                out.write(chunk)
    partial.replace(path)
    return path


def job_files_delete(*, job_id: uuid.UUID | str) -> None:
    shutil.rmtree(job_files_root() / str(uuid.UUID(str(job_id))), ignore_errors=True)


def job_files_prune(*, older_than: datetime.timedelta) -> int:
    """Remove the files of jobs started longer ago than ``older_than`` (uploads never imported,
    exports never fetched); returns how many jobs' files went."""
    root = job_files_root()
    if not root.exists():
        return 0
    cutoff = time.time() - older_than.total_seconds()
    removed = 0
    for folder in root.iterdir():
        if folder.is_dir() and folder.stat().st_mtime < cutoff:
            shutil.rmtree(folder, ignore_errors=True)
            removed += 1
    return removed


@transaction.atomic
def job_enqueue(
    *,
    kind: str,
    started_by: Any,
    title: str,
    params: Mapping[str, Any] | None = None,
    files: Mapping[str, FileContent] | None = None,
    progress_unit: str = "",
) -> Job:
    """Queue a job for the worker: its files are kept first, so the worker finds them."""
    from haven.jobs.tasks import run_job

    kind_get(kind)  # an unknown kind is a programming error, caught before anything is kept
    job = Job.objects.create(
        kind=kind,
        title=title,
        params=dict(params or {}),
        started_by=started_by,
        progress_unit=progress_unit,
    )
    for name, content in (files or {}).items():
        job_file_write(job_id=job.pk, name=name, content=content)
    result = run_job.enqueue(str(job.pk))
    job.task_id = result.id
    job.save(update_fields=["task"])
    return job


class Progress:
    """How far a job has got, for its page: ``progress(12000, 26828)``.

    A job that works inside one transaction (an import) would hide its progress until the end,
    so while the job's connection is inside a transaction, progress is written through a
    connection of its own. Writes are at most one every ``interval`` seconds, and always the
    last one (done == total) and any change of note."""

    def __init__(self, job: Job, *, interval: float = 0.5) -> None:
        self.job_id = job.pk
        self.interval = interval
        self.done = job.progress_done
        self.total = job.progress_total
        self.note = job.progress_note
        self._written_at = 0.0
        self._side: BaseDatabaseWrapper | None = None

    def __call__(self, done: int, total: int | None = None, note: str | None = None) -> None:
        changed_note = note is not None and note != self.note
        self.done = done
        if total is not None:
            self.total = total
        if note is not None:
            self.note = note
        now = time.monotonic()
        if changed_note or done == self.total or now - self._written_at >= self.interval:
            self.write()
            self._written_at = now

    def step(self, note: str) -> None:
        """A new stage with no count of its own ("Checking with the DfE rules")."""
        self.note = note
        self.done, self.total = 0, None
        self.write()

    def write(self) -> None:
        db = self._side_connection() if connection.in_atomic_block else connection
        with db.cursor() as cursor:
            cursor.execute(
                "UPDATE jobs_job SET progress_done = %s, progress_total = %s, progress_note = %s "
                "WHERE id = %s",
                [self.done, self.total, self.note[:200], self.job_id],
            )

    def _side_connection(self) -> BaseDatabaseWrapper:
        if self._side is None:
            self._side = connections.create_connection(DEFAULT_DB_ALIAS)
        return self._side

    def close(self) -> None:
        if self._side is not None:
            self._side.close()
            self._side = None


def job_error_record(*, job_id: uuid.UUID | str, message: str) -> None:
    Job.objects.filter(pk=job_id).update(error=message)


def job_progress_finish(*, job: Job, progress: Progress) -> None:
    """The last count, written on the job's own connection once its work is over."""
    Job.objects.filter(pk=job.pk).update(
        progress_done=progress.done, progress_total=progress.total, progress_note=""
    )


def jobs_mark_interrupted(*, task_ids: Iterable[Any], message: str) -> int:
    """Tasks a stopped worker left running: failed, with the reason on their job."""
    from django_tasks_db.models import DBTaskResult

    ids = list(task_ids)
    with transaction.atomic():
        for task in DBTaskResult.objects.filter(id__in=ids).select_for_update():
            task.set_failed(WorkerStopped(message))
        Job.objects.filter(task_id__in=ids).update(error=message)
    return len(ids)


class WorkerStopped(Exception):
    """The worker stopped while the job was running."""
