"""Child in need plans. (Visits under a plan live with CP visits in haven.protection.)"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from haven.core.models import VersionedModel


class CINPlan(VersionedModel):
    referral = models.ForeignKey(
        "frontdoor.Referral", on_delete=models.PROTECT, related_name="cin_plans"
    )
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="cin_plans")
    start_date = models.DateField("Plan start date")
    end_date = models.DateField("Plan end date", null=True, blank=True)
    worker = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # What happens if the plan is not working (edited with its version).
    contingency = models.TextField("Contingency plan", blank=True, default="")

    audit_person_field = "person"

    class Meta:
        verbose_name = "child in need plan"
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=F("start_date")),
                name="cin_plan_ends_after_start",
            ),
            models.UniqueConstraint(
                fields=["person"],
                condition=Q(end_date__isnull=True),
                name="cin_plan_one_open_per_child",
            ),
        ]

    def __str__(self) -> str:
        return f"CIN plan for {self.person_id} from {self.start_date}"

    @property
    def is_open(self) -> bool:
        return self.end_date is None


class CINReviewDecision(models.TextChoices):
    CONTINUE = "continue", "Continue the plan"
    END = "end", "End the plan"


class CINReview(models.Model):
    """A child in need review: who came, what has changed, and whether the plan continues. The
    next review is due a timescale (``cin_review``) after it."""

    plan = models.ForeignKey(CINPlan, on_delete=models.CASCADE, related_name="reviews")
    person = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, related_name="cin_reviews"
    )
    held_on = models.DateField("Date of the review")
    due_date = models.DateField("Was due by")
    attendees = models.TextField("Who attended")
    progress = models.TextField("Progress against the plan")
    decision = models.CharField(max_length=10, choices=CINReviewDecision.choices)
    next_review_due = models.DateField("Next review due", null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    audit_person_field = "person"

    class Meta:
        verbose_name = "child in need review"
        constraints = [
            models.UniqueConstraint(fields=["plan", "held_on"], name="cin_review_once_a_day")
        ]

    def __str__(self) -> str:
        return f"CIN review for {self.person_id} on {self.held_on}"

    @property
    def was_late(self) -> bool:
        return self.held_on > self.due_date
