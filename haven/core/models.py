"""The audit trail: every change (from a database trigger) and every read of a child's record."""

from __future__ import annotations

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models

from haven.core.dates import long_date


class VersionedModel(models.Model):
    """A record people edit. ``version`` lets a save detect that someone else saved first."""

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        abstract = True


class AuditChange(models.Model):
    """One row inserted, updated or deleted in a Haven table, written by the trigger
    ``haven_audit_row`` (so bulk updates and raw SQL are caught). The application's role may
    read these rows but never insert, update or delete them itself.

    The actor is the one last set on that database session through ``haven_actor_set``, which
    checks the application's signature; ``db_user``, ``backend_pid`` and ``client_addr`` say
    which database login and session made the change, whatever the application claimed."""

    at = models.DateTimeField(db_index=True)
    table_name = models.CharField(max_length=100)
    row_id = models.CharField(max_length=64)
    operation = models.CharField(max_length=8)
    old_values = models.JSONField(null=True)
    new_values = models.JSONField(null=True)
    changed_fields = ArrayField(models.TextField(), null=True)
    person_id = models.BigIntegerField(null=True)
    actor_id = models.BigIntegerField(null=True)
    actor_label = models.CharField(max_length=150, blank=True, default="")
    request_id = models.CharField(max_length=64, blank=True, default="")
    txid = models.BigIntegerField()
    db_user = models.CharField(max_length=63, blank=True, default="")
    backend_pid = models.IntegerField(null=True)
    client_addr = models.GenericIPAddressField(null=True)

    class Meta:
        indexes = [
            models.Index(fields=["table_name", "row_id"]),
            models.Index(fields=["person_id", "at"]),
        ]

    def __str__(self) -> str:
        return f"{self.operation} {self.table_name} {self.row_id} at {self.at:%Y-%m-%d %H:%M}"


class AccessAction(models.TextChoices):
    VIEW = "view", "Viewed"
    SEARCH = "search", "Searched"
    PRINT = "print", "Printed"
    EXPORT = "export", "Exported"
    REFUSED = "refused", "Refused access"
    BREAK_GLASS = "break_glass", "Emergency access granted"
    LISTED = "listed", "Shown in a list"
    LINKED = "linked", "Linked from outside need-to-know"


class AccessLog(models.Model):
    """Who looked at what. Rows are inserted by the application and can never be changed."""

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    username = models.CharField(max_length=150)
    role = models.CharField(max_length=40, blank=True)
    ip_address = models.GenericIPAddressField(null=True)
    action = models.CharField(max_length=20, choices=AccessAction.choices)
    person_id = models.BigIntegerField(null=True)
    path = models.CharField(max_length=500, blank=True)
    detail = models.CharField(max_length=500, blank=True)
    break_glass_reason = models.TextField(blank=True)

    class Meta:
        indexes = [models.Index(fields=["person_id", "at"]), models.Index(fields=["user", "at"])]

    def __str__(self) -> str:
        return f"{self.username} {self.action} {self.person_id} at {self.at:%Y-%m-%d %H:%M}"


class ClosureDay(models.Model):
    """A weekday the local authority is closed (e.g. a council closure between Christmas and
    New Year). Not a working day for any deadline; see ``haven.core.calendar``."""

    date = models.DateField(unique=True)
    reason = models.CharField(max_length=200)

    class Meta:
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{long_date(self.date)}: {self.reason}"
