"""Management oversight on a child's case, and the supervision of workers.

A manager's direction on a case is an ``Oversight``: what was decided, the actions it sets (each
with an owner and a due date) and when the case is next looked at. A supervision session with a
worker (``Supervision``) discusses cases; each case discussion is an ``Oversight`` on that child
(so it shows on the child's record), while the session's reflective part stays between the
worker and their supervisor: it is on the session, never on a child's record.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from haven.core.models import VersionedModel


class Supervision(VersionedModel):
    worker = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="supervisions"
    )
    supervisor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="supervisions_given"
    )
    held_on = models.DateField("Date of supervision")
    # Between the worker and the supervisor only: never on a child's record or in others' lists.
    reflection = models.TextField("Reflective discussion", blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=~Q(worker=F("supervisor")), name="supervision_not_of_oneself"
            )
        ]
        indexes = [models.Index(fields=["worker", "-held_on"])]

    def __str__(self) -> str:
        return f"Supervision of {self.worker_id} on {self.held_on}"


class Oversight(VersionedModel):
    """A manager's direction on a child's case (from supervision when ``supervision`` is set)."""

    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="oversights")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_on = models.DateField("Date of the oversight")
    direction = models.TextField("Decision and direction")
    next_review_date = models.DateField("Next oversight review")
    supervision = models.ForeignKey(
        Supervision,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="case_discussions",
    )

    audit_person_field = "person"

    class Meta:
        verbose_name = "management oversight"
        constraints = [
            models.CheckConstraint(condition=~Q(direction=""), name="oversight_has_direction"),
            models.CheckConstraint(
                condition=Q(next_review_date__gte=F("recorded_on")),
                name="oversight_review_after_recorded",
            ),
        ]
        indexes = [models.Index(fields=["person", "-recorded_on"])]

    def __str__(self) -> str:
        return f"Oversight on {self.person_id} on {self.recorded_on}"


class OversightAction(VersionedModel):
    """Something a manager asked for, by a date: from oversight on a case (about the child) or
    from a supervision session (about the worker's practice, no child)."""

    oversight = models.ForeignKey(
        Oversight, null=True, blank=True, on_delete=models.PROTECT, related_name="actions"
    )
    supervision = models.ForeignKey(
        Supervision, null=True, blank=True, on_delete=models.PROTECT, related_name="actions"
    )
    person = models.ForeignKey(
        "people.Person",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="oversight_actions",
    )
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    description = models.TextField("Action")
    due_date = models.DateField("Due by")
    done_at = models.DateTimeField(null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    audit_person_field = "person"

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(oversight__isnull=False) | Q(supervision__isnull=False),
                name="oversight_action_has_a_source",
            ),
            models.CheckConstraint(
                condition=Q(oversight__isnull=True) | Q(person__isnull=False),
                name="oversight_action_names_the_child",
            ),
            models.CheckConstraint(
                condition=Q(done_at__isnull=True) | Q(done_by__isnull=False),
                name="oversight_action_done_by_someone",
            ),
            models.CheckConstraint(condition=~Q(description=""), name="oversight_action_says_what"),
        ]
        indexes = [
            models.Index(
                fields=["owner", "due_date"],
                condition=Q(done_at__isnull=True),
                name="oversight_action_open_by_owner",
            )
        ]

    def __str__(self) -> str:
        return f"Action for {self.owner_id} by {self.due_date}"

    @property
    def is_done(self) -> bool:
        return self.done_at is not None


class SupervisionProfile(VersionedModel):
    """How often a worker is supervised: monthly, or the newly qualified (ASYE) schedule from
    their employment start date. Set by their manager."""

    worker = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="supervision_profile"
    )
    asye = models.BooleanField("Newly qualified (assessed and supported year in employment)")
    employment_start = models.DateField("Employment start date", null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(asye=False) | Q(employment_start__isnull=False),
                name="supervision_asye_has_start_date",
            )
        ]

    def __str__(self) -> str:
        return f"Supervision profile of {self.worker_id}"
