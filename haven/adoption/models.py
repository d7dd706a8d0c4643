"""A child's adoption journey: the decision that they should be placed for adoption, the
placement order, matching with adopters, placement, the adoption order, or the plan's reversal
(Ofsted Annex A list 10; SSDA903 AD1 and PlacedAdoption)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from haven.care.codes import AdoptionReversal
from haven.core.models import VersionedModel


class AdoptionPlan(VersionedModel):
    person = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, related_name="adoption_plans"
    )
    period = models.ForeignKey(
        "care.CarePeriod", on_delete=models.PROTECT, related_name="adoption_plans"
    )
    decided_on = models.DateField("Decision that the child should be placed for adoption")
    placement_order_on = models.DateField("Placement order granted", null=True, blank=True)
    fostering_for_adoption_on = models.DateField(
        "Placed in fostering for adoption or concurrent planning", null=True, blank=True
    )
    adopters = models.ForeignKey(
        "carers.AdopterHousehold",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    matched_on = models.DateField("Matched with adopters", null=True, blank=True)
    placed_on = models.DateField("Placed for adoption", null=True, blank=True)
    placement_ceased_on = models.DateField("Placement for adoption ceased", null=True, blank=True)
    adoption_order_on = models.DateField("Adoption order granted", null=True, blank=True)
    reversed_on = models.DateField("Plan for adoption reversed", null=True, blank=True)
    reversal_reason = models.CharField(
        "Why the plan was reversed", max_length=3, choices=AdoptionReversal.choices, blank=True
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )

    audit_person_field = "person"

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["person"],
                condition=Q(adoption_order_on__isnull=True, reversed_on__isnull=True),
                name="adoption_one_open_plan_per_child",
            ),
            models.CheckConstraint(
                condition=Q(reversed_on__isnull=True, reversal_reason="")
                | Q(reversed_on__isnull=False) & ~Q(reversal_reason=""),
                name="adoption_reversal_has_reason",
            ),
            models.CheckConstraint(
                condition=Q(matched_on__isnull=True) | Q(adopters__isnull=False),
                name="adoption_match_names_adopters",
            ),
            models.CheckConstraint(
                condition=Q(placed_on__isnull=True)
                | Q(matched_on__isnull=False) & Q(placed_on__gte=F("matched_on")),
                name="adoption_placed_after_match",
            ),
            models.CheckConstraint(
                condition=Q(adoption_order_on__isnull=True)
                | Q(placed_on__isnull=False) & Q(adoption_order_on__gte=F("placed_on")),
                name="adoption_order_after_placement",
            ),
        ]

    def __str__(self) -> str:
        return f"Adoption plan for {self.person_id} from {self.decided_on}"

    @property
    def is_open(self) -> bool:
        return self.adoption_order_on is None and self.reversed_on is None
