"""Care leavers: the personal adviser, the needs assessment and pathway plan with its reviews,
contacts (each a case note), where the young person lives and what they do (the histories the
OC3 position at each birthday is computed from), staying put, being in touch, and support to 25.

Who is a care leaver is never stored: ``eligibility.category_on`` works it out from the care
history each time it is read."""

from __future__ import annotations

from django.conf import settings
from django.contrib.postgres.constraints import ExclusionConstraint
from django.contrib.postgres.fields import RangeOperators
from django.db import models
from django.db.models import Q

from haven.care.models import _daterange, _ends_after_start
from haven.core.models import VersionedModel
from haven.leavingcare import codes


def _no_overlap(name: str, span: str = "span") -> ExclusionConstraint:
    return ExclusionConstraint(
        name=name,
        expressions=[("person", RangeOperators.EQUAL), (span, RangeOperators.OVERLAPS)],
    )


class AdviserAllocation(models.Model):
    """A personal adviser for the young person, from ``start_date`` to ``end_date``."""

    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    adviser = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="adviser_allocations",
        verbose_name="Personal adviser",
    )
    start_date = models.DateField("Allocated from")
    end_date = models.DateField("Allocated until", null=True, blank=True)
    allocated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    span = _daterange("start_date", "end_date")

    audit_person_field = "person"

    class Meta:
        ordering = ["start_date"]
        constraints = [
            _ends_after_start("adviser_ends_after_start"),
            _no_overlap("adviser_no_overlap"),
        ]
        indexes = [
            models.Index(fields=["adviser"], condition=Q(end_date__isnull=True), name="pa_open")
        ]

    def __str__(self) -> str:
        return f"Personal adviser for {self.person_id} from {self.start_date}"


class NeedsAssessment(models.Model):
    """The leaving-care needs assessment (due within 3 months of the 16th birthday)."""

    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    completed_on = models.DateField("Completed on")
    due_date = models.DateField("Was due by")
    summary = models.TextField("What the young person needs")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )

    audit_person_field = "person"

    class Meta:
        ordering = ["completed_on"]

    def __str__(self) -> str:
        return f"Needs assessment for {self.person_id} on {self.completed_on}"

    @property
    def was_late(self) -> bool:
        return self.completed_on > self.due_date


class PathwayPlan(VersionedModel):
    """The pathway plan in its seven areas; a new row each time it is agreed again."""

    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    agreed_on = models.DateField("Plan agreed on")
    accommodation = models.TextField("Where you live")
    education_employment = models.TextField("Education, employment and training")
    health = models.TextField("Health and wellbeing")
    money = models.TextField("Money")
    relationships = models.TextField("Family and relationships")
    identity = models.TextField("Identity")
    practical_skills = models.TextField("Practical and life skills")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )

    audit_person_field = "person"

    class Meta:
        ordering = ["agreed_on", "pk"]

    def __str__(self) -> str:
        return f"Pathway plan for {self.person_id} agreed {self.agreed_on}"


class PlanAction(VersionedModel):
    plan = models.ForeignKey(PathwayPlan, on_delete=models.CASCADE, related_name="actions")
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    area = models.CharField("Area", max_length=20, choices=codes.PlanArea.choices)
    text = models.TextField("What will be done")
    owner = models.CharField("Who will do it", max_length=120)
    due_date = models.DateField("By when")
    done_on = models.DateField("Done on", null=True, blank=True)

    audit_person_field = "person"

    class Meta:
        ordering = ["due_date", "pk"]

    def __str__(self) -> str:
        return f"Action for {self.person_id} due {self.due_date}"


class PlanReview(models.Model):
    """A review of the pathway plan (at most 6 months apart)."""

    plan = models.ForeignKey(PathwayPlan, on_delete=models.CASCADE, related_name="reviews")
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    held_on = models.DateField("Reviewed on")
    due_date = models.DateField("Was due by")
    summary = models.TextField("What the review found")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )

    audit_person_field = "person"

    class Meta:
        ordering = ["held_on"]
        constraints = [
            models.UniqueConstraint(fields=["person", "held_on"], name="plan_review_once_a_day")
        ]

    def __str__(self) -> str:
        return f"Pathway plan review for {self.person_id} on {self.held_on}"

    @property
    def was_late(self) -> bool:
        return self.held_on > self.due_date


class AccommodationPeriod(models.Model):
    """Where the young person lives (ACCOM: the type's letter, and 1 if suitable, 2 if not)."""

    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    start_date = models.DateField("From")
    end_date = models.DateField("Until", null=True, blank=True)
    accommodation = models.CharField(
        "Type of accommodation", max_length=1, choices=codes.AccommodationType.choices
    )
    suitable = models.BooleanField("Suitable")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    span = _daterange("start_date", "end_date")

    audit_person_field = "person"

    class Meta:
        ordering = ["start_date"]
        constraints = [
            _ends_after_start("accommodation_ends_after_start"),
            _no_overlap("accommodation_no_overlap"),
            models.CheckConstraint(
                condition=Q(suitable=False) | ~Q(accommodation__in=codes.NEVER_SUITABLE),
                name="accommodation_homeless_or_custody_not_suitable",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} for {self.person_id} from {self.start_date}"

    @property
    def code(self) -> str:
        return f"{self.accommodation}{1 if self.suitable else 2}"


class ActivityPeriod(models.Model):
    """What the young person does (ACTIV)."""

    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    start_date = models.DateField("From")
    end_date = models.DateField("Until", null=True, blank=True)
    activity = models.CharField("Activity", max_length=2, choices=codes.Activity.choices)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    span = _daterange("start_date", "end_date")

    audit_person_field = "person"

    class Meta:
        ordering = ["start_date"]
        constraints = [
            _ends_after_start("activity_ends_after_start"),
            _no_overlap("activity_no_overlap"),
        ]

    def __str__(self) -> str:
        return f"{self.activity} for {self.person_id} from {self.start_date}"

    @property
    def is_eet(self) -> bool:
        return self.activity in codes.EET


class StayingPut(models.Model):
    """Staying with former foster carers after 18 (to 21)."""

    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    start_date = models.DateField("From")
    end_date = models.DateField("Until", null=True, blank=True)
    carer_name = models.CharField("Former foster carers", max_length=160)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    span = _daterange("start_date", "end_date")

    audit_person_field = "person"

    class Meta:
        ordering = ["start_date"]
        verbose_name = "staying put arrangement"
        constraints = [
            _ends_after_start("staying_put_ends_after_start"),
            _no_overlap("staying_put_no_overlap"),
        ]

    def __str__(self) -> str:
        return f"Staying put for {self.person_id} from {self.start_date}"


class InTouchRecord(models.Model):
    """Whether the council was in touch with the young person (IN_TOUCH) on a day."""

    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    on = models.DateField("On")
    code = models.CharField("In touch", max_length=4, choices=codes.InTouch.choices)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )

    audit_person_field = "person"

    class Meta:
        ordering = ["on"]
        constraints = [models.UniqueConstraint(fields=["person", "on"], name="in_touch_once_a_day")]

    def __str__(self) -> str:
        return f"{self.code} for {self.person_id} on {self.on}"


class SupportTo25(models.Model):
    """The young person asked for a personal adviser's support after 21, to 25."""

    person = models.OneToOneField("people.Person", on_delete=models.PROTECT, related_name="+")
    requested_on = models.DateField("Asked on")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )

    audit_person_field = "person"

    class Meta:
        verbose_name = "support to 25"

    def __str__(self) -> str:
        return f"Support to 25 for {self.person_id} from {self.requested_on}"


class AdviserContact(models.Model):
    """A personal adviser's contact with the young person; its words are its case note's."""

    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    adviser = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    visited_on = models.DateField("Date of contact")
    child_seen = models.BooleanField("Young person seen")
    seen_alone = models.BooleanField("Seen alone", default=False)
    due_date = models.DateField("Was due by", null=True, blank=True)
    case_note = models.OneToOneField(
        "casenotes.CaseNoteChild",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="adviser_contact",
    )

    audit_person_field = "person"
    note_summary = "Personal adviser contact with a care leaver"

    class Meta:
        ordering = ["visited_on"]
        indexes = [models.Index(fields=["person", "visited_on"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(child_seen=True) | Q(seen_alone=False),
                name="adviser_contact_seen_alone_only_if_seen",
            ),
        ]

    def __str__(self) -> str:
        return f"Contact with {self.person_id} on {self.visited_on}"

    @property
    def was_late(self) -> bool:
        return self.due_date is not None and self.visited_on > self.due_date


class HealthDetailKind(models.TextChoices):
    GP = "gp", "GP practice"
    CONDITION = "condition", "Health condition"
    MEDICATION = "medication", "Medication"
    ALLERGY = "allergy", "Allergy"
    IDENTITY = "identity", "Birth or identity document held"


class HealthDetail(models.Model):
    """What the health passport tells the young person: their GP, conditions, medication."""

    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField("What it is", max_length=12, choices=HealthDetailKind.choices)
    description = models.CharField("Details", max_length=300)
    since = models.DateField("Since", null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )

    audit_person_field = "person"

    class Meta:
        ordering = ["kind", "pk"]

    def __str__(self) -> str:
        return f"{self.kind} for {self.person_id}"
