"""The council's carers and homes, and approved adopters: what children are placed with and
matched to. In-house fostering households and own children's homes are the council's
sufficiency; external homes are recorded so placements with them are named once."""

from __future__ import annotations

from django.db import models
from django.db.models import F, Q

from haven.core.models import VersionedModel


class AdoptersSex(models.TextChoices):
    """The adopters' sexes, as the SSDA903 AD1 table records them (SEX_ADOPTR)."""

    M1 = "M1", "One male adopter"
    F1 = "F1", "One female adopter"
    MM = "MM", "Two male adopters"
    FF = "FF", "Two female adopters"
    MF = "MF", "A male and a female adopter"


class AdoptersLegalStatus(models.TextChoices):
    """The adopters' legal status (LS_ADOPTR)."""

    L0 = "L0", "Single adopter"
    L11 = "L11", "Married couple"
    L12 = "L12", "Civil partners"
    L2 = "L2", "Couple, neither married nor civil partners"
    L3 = "L3", "Married or civil partner adopting alone"
    L4 = "L4", "Other"


class FosteringHousehold(VersionedModel):
    """An in-house fostering household: approved for an age range and a number of places."""

    reference = models.CharField("Reference", max_length=20, unique=True)
    name = models.CharField("Carers' names", max_length=160)
    address = models.CharField("Address", max_length=250)
    postcode = models.CharField("Postcode", max_length=8)
    # Connected (kinship) carers are approved for a named child, not for any child.
    connected = models.BooleanField("Connected person (family and friends) carers", default=False)
    # Also approved as adopters: fostering for adoption and concurrent placements.
    approved_adopters = models.BooleanField("Also approved as adopters", default=False)
    approved_on = models.DateField("Approved on")
    approval_ended_on = models.DateField("Approval ended on", null=True, blank=True)
    age_from = models.PositiveSmallIntegerField("Approved for ages from")
    age_to = models.PositiveSmallIntegerField("Approved for ages up to")
    places = models.PositiveSmallIntegerField("Number of places")

    class Meta:
        ordering = ["name"]
        verbose_name = "fostering household"
        constraints = [
            models.CheckConstraint(
                condition=Q(age_to__gte=F("age_from")), name="household_age_range"
            ),
            models.CheckConstraint(condition=Q(age_to__lte=18), name="household_age_to_18"),
            models.CheckConstraint(
                condition=Q(places__gte=1) & Q(places__lte=6), name="household_places"
            ),
            models.CheckConstraint(
                condition=Q(approval_ended_on__isnull=True)
                | Q(approval_ended_on__gte=F("approved_on")),
                name="household_approval_ends_after",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.reference})"


class HomeOperator(models.TextChoices):
    OWN = "PR1", "The council's own"
    OTHER_LA = "PR2", "Another local authority"
    PRIVATE = "PR4", "Private"
    VOLUNTARY = "PR5", "Voluntary or third sector"


class ChildrensHome(VersionedModel):
    """A children's home (the council's own or external), with its places and Ofsted URN."""

    name = models.CharField("Name", max_length=160)
    operator = models.CharField("Run by", max_length=3, choices=HomeOperator.choices)
    secure = models.BooleanField("Secure children's home", default=False)
    urn = models.CharField("Ofsted URN", max_length=8, unique=True)
    address = models.CharField("Address", max_length=250)
    postcode = models.CharField("Postcode", max_length=8)
    places = models.PositiveSmallIntegerField("Number of places")
    weekly_cost = models.DecimalField(
        "Usual weekly cost (£)", max_digits=9, decimal_places=2, null=True, blank=True
    )
    opened_on = models.DateField("Opened on", null=True, blank=True)
    closed_on = models.DateField("Closed on", null=True, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = "children's home"
        constraints = [models.CheckConstraint(condition=Q(places__gte=1), name="home_has_places")]

    def __str__(self) -> str:
        return f"{self.name} ({self.urn})"

    @property
    def is_own(self) -> bool:
        return self.operator == HomeOperator.OWN


class AdopterHousehold(VersionedModel):
    """Prospective adopters through the stages to approval, matching and an adoption order
    (Ofsted Annex A list 11)."""

    reference = models.CharField("Reference", max_length=20, unique=True)
    name = models.CharField("Adopters' names", max_length=160)
    number_of_adopters = models.PositiveSmallIntegerField("Number of adopters", default=2)
    # What the DfE's AD1 table asks of the adopters of a child adopted in the year.
    sex_of_adopters = models.CharField(
        "Adopters' sex", max_length=2, choices=AdoptersSex.choices, blank=True
    )
    legal_status_of_adopters = models.CharField(
        "Adopters' legal status", max_length=3, choices=AdoptersLegalStatus.choices, blank=True
    )
    enquiry_on = models.DateField("Enquiry received")
    stage1_on = models.DateField("Stage 1 started", null=True, blank=True)
    stage2_on = models.DateField("Stage 2 started", null=True, blank=True)
    application_on = models.DateField("Application received", null=True, blank=True)
    approved_on = models.DateField("Approved", null=True, blank=True)
    left_on = models.DateField("Left the process", null=True, blank=True)
    left_reason = models.CharField("Why they left", max_length=160, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = "adopter household"
        constraints = [
            models.CheckConstraint(
                condition=Q(number_of_adopters__gte=1) & Q(number_of_adopters__lte=2),
                name="adopters_one_or_two",
            ),
            models.CheckConstraint(
                condition=Q(left_on__isnull=True, left_reason="")
                | Q(left_on__isnull=False) & ~Q(left_reason=""),
                name="adopters_left_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.reference})"
