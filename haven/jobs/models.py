"""A background job: work too long for a web request (an import, a validation, a large export),
run by the worker from a task kept in PostgreSQL (``django_tasks_db``), with who started it and
how far it has got."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models


class JobStatus(models.TextChoices):
    """The task's status (``TaskResultStatus``), as the job page says it."""

    READY = "READY", "Waiting to start"
    RUNNING = "RUNNING", "Running"
    SUCCESSFUL = "SUCCESSFUL", "Done"
    FAILED = "FAILED", "Failed"


class Job(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    # A key in the job registry (haven.jobs.registry), e.g. "returns.cin_import".
    kind = models.CharField(max_length=60)
    title = models.CharField(max_length=200)
    params = models.JSONField(default=dict, blank=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="jobs"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # The queued task: its status, timings and return value (the job's result) live there.
    task = models.OneToOneField(
        "django_tasks_database.DBTaskResult",
        null=True,
        on_delete=models.SET_NULL,
        related_name="haven_job",
    )
    progress_done = models.PositiveIntegerField(default=0)
    progress_total = models.PositiveIntegerField(null=True, blank=True)
    progress_unit = models.CharField(max_length=40, blank=True)  # "children"
    progress_note = models.CharField(max_length=200, blank=True)  # "Checking with the DfE rules"
    # What the user is told when the job fails (the traceback stays on the task).
    error = models.TextField(blank=True)

    # Progress changes many times a run: the start and the outcome are what the trail needs.
    audit_ignored_fields = ("progress_done", "progress_total", "progress_unit", "progress_note")

    class Meta:
        indexes = [models.Index(fields=["started_by", "-created_at"], name="job_user_recent")]

    def __str__(self) -> str:
        return f"{self.title} ({self.id})"

    @property
    def status(self) -> str:
        return self.task.status if self.task is not None else JobStatus.FAILED

    @property
    def status_label(self) -> str:
        return JobStatus(self.status).label

    @property
    def finished(self) -> bool:
        return self.status in (JobStatus.SUCCESSFUL, JobStatus.FAILED)

    @property
    def progress_text(self) -> str:
        """ "12,000 of 26,828 children", or "" before the count is known."""
        if self.progress_total is None:
            return ""
        return f"{self.progress_done:,} of {self.progress_total:,} {self.progress_unit}".strip()

    @property
    def progress_percent(self) -> int:
        if not self.progress_total:
            return 0
        return min(100, self.progress_done * 100 // self.progress_total)

    @property
    def result(self) -> dict | None:
        if self.task is None or self.status != JobStatus.SUCCESSFUL:
            return None
        value = self.task.return_value
        return value if isinstance(value, dict) else None
