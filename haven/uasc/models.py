"""Unaccompanied asylum-seeking children: arrival, age assessment, Home Office reference, and
National Transfer Scheme referrals in and out."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from haven.core.models import VersionedModel


class AgeAssessmentOutcome(models.TextChoices):
    ACCEPTED = "accepted", "Age as claimed accepted"
    OLDER = "older", "Assessed as older than claimed, still a child"
    ADULT = "adult", "Assessed as 18 or over"
    PENDING = "pending", "Assessment under way"


class UASCStatus(VersionedModel):
    """A child's unaccompanied asylum-seeking status: from arrival until it ceased (DUC: the
    18th birthday, leave to remain, or found to be an adult)."""

    person = models.OneToOneField("people.Person", on_delete=models.PROTECT, related_name="uasc")
    arrived_on = models.DateField("Date of arrival in the UK")
    home_office_reference = models.CharField("Home Office reference", max_length=30, blank=True)
    age_assessed_on = models.DateField("Age assessment date", null=True, blank=True)
    age_assessment_outcome = models.CharField(
        "Age assessment outcome", max_length=10, choices=AgeAssessmentOutcome.choices, blank=True
    )
    ceased_on = models.DateField("Date UASC status ceased", null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )

    audit_person_field = "person"

    class Meta:
        verbose_name = "UASC status"
        verbose_name_plural = "UASC statuses"
        constraints = [
            models.CheckConstraint(
                condition=Q(ceased_on__isnull=True) | Q(ceased_on__gte=F("arrived_on")),
                name="uasc_ceases_after_arrival",
            ),
            models.CheckConstraint(
                condition=Q(age_assessed_on__isnull=True, age_assessment_outcome="")
                | Q(age_assessed_on__isnull=False) & ~Q(age_assessment_outcome=""),
                name="uasc_age_assessment_has_outcome",
            ),
        ]

    def __str__(self) -> str:
        return f"UASC {self.person_id} arrived {self.arrived_on}"


class TransferDirection(models.TextChoices):
    IN = "in", "Transferred to us"
    OUT = "out", "Transferred to another council"


class TransferStatus(models.TextChoices):
    REFERRED = "referred", "Referred"
    TRANSFERRED = "transferred", "Transferred"
    DECLINED = "declined", "Did not go ahead"


class NTSTransfer(VersionedModel):
    """A National Transfer Scheme referral, in or out, and when the child moved."""

    person = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, related_name="nts_transfers"
    )
    direction = models.CharField(max_length=3, choices=TransferDirection.choices)
    other_council = models.CharField("Other council", max_length=120)
    referred_on = models.DateField("Referred on")
    status = models.CharField(
        max_length=12, choices=TransferStatus.choices, default=TransferStatus.REFERRED
    )
    transferred_on = models.DateField("Transferred on", null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )

    audit_person_field = "person"

    class Meta:
        verbose_name = "National Transfer Scheme referral"
        constraints = [
            models.CheckConstraint(
                condition=Q(transferred_on__isnull=True) | Q(transferred_on__gte=F("referred_on")),
                name="nts_transfer_after_referral",
            ),
            models.CheckConstraint(
                condition=Q(status="transferred", transferred_on__isnull=False)
                | ~Q(status="transferred") & Q(transferred_on__isnull=True),
                name="nts_transferred_has_date",
            ),
        ]

    def __str__(self) -> str:
        return f"NTS {self.direction} for {self.person_id} referred {self.referred_on}"
