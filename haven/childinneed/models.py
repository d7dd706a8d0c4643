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
