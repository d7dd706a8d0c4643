"""Child in need plans. (Visits under a plan live with CP visits in haven.protection.)"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from haven.core.models import VersionedModel
from haven.frontdoor.models import ReasonForClosure


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
    # Written for the child who may one day read it (the text forms then show a reading age).
    written_to_child = models.BooleanField("Written to the child", default=False)

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


class ClosureStatus(models.TextChoices):
    PROPOSED = "proposed", "Awaiting a manager's sign-off"
    RETURNED = "returned", "Returned to the worker"
    SIGNED_OFF = "signed_off", "Signed off"


class ClosureProposal(VersionedModel):
    """A worker proposes closing a child in need episode with a summary and the DfE reason; a
    manager signs it off (the episode closes) or returns it. The history is the rows."""

    referral = models.ForeignKey(
        "frontdoor.Referral", on_delete=models.PROTECT, related_name="closure_proposals"
    )
    person = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, related_name="closure_proposals"
    )
    closure_date = models.DateField("Closure date")
    reason = models.CharField("Reason for closure", max_length=3, choices=ReasonForClosure.choices)
    summary = models.TextField("Closure summary")
    status = models.CharField(
        max_length=12, choices=ClosureStatus.choices, default=ClosureStatus.PROPOSED
    )
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    proposed_at = models.DateTimeField()
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    manager_comments = models.TextField("Manager's comments", blank=True)

    audit_person_field = "person"

    class Meta:
        constraints = [
            # One proposal awaits sign-off at a time.
            models.UniqueConstraint(
                fields=["referral"],
                condition=Q(status="proposed"),
                name="closure_one_pending_per_episode",
            ),
            models.CheckConstraint(
                condition=Q(status="proposed")
                | Q(decided_by__isnull=False, decided_at__isnull=False),
                name="closure_decision_has_manager",
            ),
            models.CheckConstraint(condition=~Q(summary=""), name="closure_has_summary"),
        ]

    def __str__(self) -> str:
        return f"Closure proposal for {self.person_id} ({self.status})"


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
