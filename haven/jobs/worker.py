"""The worker: takes queued jobs from PostgreSQL one at a time and runs them.

``haven serve`` and ``haven demo`` start one in a subprocess (``haven jobs worker``) and stop it
with the server; it can also run on its own. A job in progress when the worker is told to stop
is interrupted and marked failed ("start it again"); so is one left running by a worker that
died, when the next worker on the same machine starts.
"""

from __future__ import annotations

import datetime
import logging
import os
import signal
import socket
import threading
from types import FrameType
from typing import Any

from django.conf import settings
from django.db import close_old_connections, transaction
from django.utils.crypto import get_random_string
from django_tasks_db.compat import DEFAULT_TASK_BACKEND_ALIAS
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult

from haven.jobs.services import job_files_prune, jobs_mark_interrupted
from haven.jobs.tasks import STOPPED

log = logging.getLogger(__name__)
PRUNE_EVERY_SECONDS = 3600


def new_worker_id() -> str:
    return f"{socket.gethostname()[:40]}:{os.getpid()}:{get_random_string(8)}"


def _runner(worker_id: str) -> Worker:
    # django_tasks_db's own worker, for its run_task: the task's signals, and its result or
    # failure recorded exactly as ``db_worker`` would.
    return Worker(
        queue_names=["*"],
        interval=0,
        batch=True,
        backend_name=DEFAULT_TASK_BACKEND_ALIAS,
        startup_delay=False,
        max_tasks=1,
        worker_id=worker_id,
        excluded_queue_names=[],
    )


def job_run_next(*, worker_id: str) -> DBTaskResult | None:
    """Claim the next queued job and run it to the end; ``None`` if none was waiting."""
    with transaction.atomic():
        db_task = (
            DBTaskResult.objects.ready()
            .filter(backend_name=DEFAULT_TASK_BACKEND_ALIAS)
            .get_locked()
        )
        if db_task is None:
            return None
        db_task.claim(worker_id)
    _runner(worker_id).run_task(db_task)
    return db_task


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def jobs_recover(*, host: str | None = None) -> int:
    """Fail the jobs left running by workers on this machine that are no longer alive."""
    host = host or socket.gethostname()[:40]
    orphans = []
    for task_id, worker_ids in DBTaskResult.objects.running().values_list("id", "worker_ids"):
        last = (worker_ids or [""])[-1].split(":")
        if len(last) == 3 and last[0] == host and last[1].isdigit() and not _alive(int(last[1])):
            orphans.append(task_id)
    return jobs_mark_interrupted(task_ids=orphans, message=STOPPED) if orphans else 0


class _Stop:
    def __init__(self) -> None:
        self.event = threading.Event()
        self.in_job = False

    def __call__(self, signum: int, frame: FrameType | None) -> None:
        self.event.set()
        if self.in_job:
            raise KeyboardInterrupt  # interrupts the job, which is recorded as stopped


def worker_run(
    *, interval: float = 1.0, stop: threading.Event | None = None, out: Any = None
) -> int:
    """Run jobs until told to stop (SIGINT or SIGTERM, or ``stop`` set); returns jobs run."""
    handler = _Stop()
    if stop is not None:
        handler.event = stop
    elif threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGINT, handler)
        signal.signal(signal.SIGTERM, handler)
    worker_id = new_worker_id()
    recovered = jobs_recover()
    if recovered and out is not None:
        print(f"Marked {recovered} job(s) left running by a stopped worker as failed", file=out)
    keep = datetime.timedelta(hours=settings.HAVEN_JOB_FILES_HOURS)
    pruned_at = 0.0
    ran = 0
    import time

    while not handler.event.is_set():
        if time.monotonic() - pruned_at > PRUNE_EVERY_SECONDS:
            job_files_prune(older_than=keep)
            pruned_at = time.monotonic()
        close_old_connections()
        handler.in_job = True
        try:
            done = job_run_next(worker_id=worker_id)
        finally:
            handler.in_job = False
        close_old_connections()
        if done is not None:
            ran += 1
            if out is not None:
                job = getattr(done, "haven_job", None)
                print(f"{done.status.lower()}: {job or done.task_path}", file=out, flush=True)
        else:
            handler.event.wait(interval)
    return ran
