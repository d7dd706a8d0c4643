"""Child and Family Assessments: due 45 working days from referral, authorised by a manager."""

from __future__ import annotations

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import F, Q

from haven.core.models import VersionedModel
from haven.frontdoor.models import PrimaryNeed


class AssessmentFactor(models.TextChoices):
    """The 44 CIN census assessment factor codes, in plain language."""

    ALCOHOL_CHILD = "1A", "Alcohol misuse by the child"
    ALCOHOL_PARENT = "1B", "Alcohol misuse by a parent or carer"
    ALCOHOL_OTHER = "1C", "Alcohol misuse by someone else in the household"
    DRUGS_CHILD = "2A", "Drug misuse by the child"
    DRUGS_PARENT = "2B", "Drug misuse by a parent or carer"
    DRUGS_OTHER = "2C", "Drug misuse by someone else in the household"
    DOMESTIC_ABUSE_CHILD = "3A", "Domestic abuse: the child is subject to it"
    DOMESTIC_ABUSE_PARENT = "3B", "Domestic abuse: a parent or carer is subject to it"
    DOMESTIC_ABUSE_OTHER = "3C", "Domestic abuse: someone else in the household is subject to it"
    MENTAL_HEALTH_CHILD = "4A", "Mental health of the child"
    MENTAL_HEALTH_PARENT = "4B", "Mental health of a parent or carer"
    MENTAL_HEALTH_OTHER = "4C", "Mental health of someone else in the family"
    LEARNING_DISABILITY_CHILD = "5A", "Learning disability of the child"
    LEARNING_DISABILITY_PARENT = "5B", "Learning disability of a parent or carer"
    LEARNING_DISABILITY_OTHER = "5C", "Learning disability of someone else in the family"
    PHYSICAL_CHILD = "6A", "Physical disability or illness of the child"
    PHYSICAL_PARENT = "6B", "Physical disability or illness of a parent or carer"
    PHYSICAL_OTHER = "6C", "Physical disability or illness of someone else in the family"
    YOUNG_CARER = "7A", "Young carer"
    PRIVATE_FOSTERING_OVERSEAS_RETURN = (
        "8B",
        "Privately fostered: overseas child who intends to return",
    )
    PRIVATE_FOSTERING_OVERSEAS_STAY = "8C", "Privately fostered: overseas child who intends to stay"
    PRIVATE_FOSTERING_EDUCATION = "8D", "Privately fostered: UK child in an educational placement"
    PRIVATE_FOSTERING_FAMILY = (
        "8E",
        "Privately fostered: UK child in an alternative family arrangement",
    )
    PRIVATE_FOSTERING_OTHER = "8F", "Privately fostered: other"
    UASC = "9A", "Unaccompanied asylum-seeking child"
    MISSING = "10A", "Going or being missing"
    CSE = "11A", "Child sexual exploitation"
    TRAFFICKING = "12A", "Trafficking"
    GANGS = "13A", "Gangs"
    BEHAVIOUR = "14A", "Socially unacceptable behaviour"
    SELF_HARM = "15A", "Self-harm"
    NEGLECT = "16A", "Neglect"
    EMOTIONAL_ABUSE = "17A", "Emotional abuse"
    PHYSICAL_ABUSE_CHILD = "18B", "Physical abuse by another child"
    PHYSICAL_ABUSE_ADULT = "18C", "Physical abuse by an adult"
    SEXUAL_ABUSE_CHILD = "19B", "Sexual abuse by another child"
    SEXUAL_ABUSE_ADULT = "19C", "Sexual abuse by an adult"
    OTHER = "20", "Other"
    NONE = "21", "No factors identified (no further action)"
    FGM = "22A", "Female genital mutilation"
    FAITH = "23A", "Abuse linked to faith or belief"
    CCE = "24A", "Child criminal exploitation"


class AssessmentOutcome(models.TextChoices):
    NO_FURTHER_ACTION = "nfa", "No further action"
    CIN_PLAN = "cin_plan", "Child in need plan"
    STRATEGY_DISCUSSION = "strategy_discussion", "Strategy discussion or section 47 enquiry"
    EARLY_HELP = "early_help", "Early help"
    LOOKED_AFTER = "looked_after", "Looked after"
    OTHER = "other", "Other"


# A recommendation that cannot wait for the 45-day clock: its work sorts by urgency.
URGENT_OUTCOMES = frozenset({AssessmentOutcome.STRATEGY_DISCUSSION})


class AssessmentStatus(models.TextChoices):
    IN_PROGRESS = "in_progress", "In progress"
    SUBMITTED = "submitted", "Awaiting authorisation"
    RETURNED = "returned", "Returned for changes"
    AUTHORISED = "authorised", "Authorised"


class Assessment(VersionedModel):
    referral = models.ForeignKey(
        "frontdoor.Referral", on_delete=models.PROTECT, related_name="assessments"
    )
    person = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, related_name="assessments"
    )
    worker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="assessments",
    )
    team = models.ForeignKey("accounts.Team", null=True, on_delete=models.PROTECT, related_name="+")
    start_date = models.DateField("Start date")
    due_date = models.DateField()
    due_rule = models.CharField(max_length=40)
    child_seen_on = models.DateField("Date the child was seen", null=True, blank=True)
    seen_alone = models.BooleanField("Seen alone", null=True, blank=True)
    factors = ArrayField(
        models.CharField(max_length=3, choices=AssessmentFactor.choices), default=list
    )
    internal_review_date = models.DateField(null=True, blank=True)
    analysis = models.TextField(blank=True)
    outcome = models.CharField(max_length=20, choices=AssessmentOutcome.choices, blank=True)
    # The worker's judgement of the child's main need, reported to the DfE as the referral's
    # PrimaryNeedCode: copied to the referral when the assessment is authorised.
    primary_need = models.CharField(
        "Primary need", max_length=2, choices=PrimaryNeed.choices, blank=True, default=""
    )
    status = models.CharField(
        max_length=12, choices=AssessmentStatus.choices, default=AssessmentStatus.IN_PROGRESS
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    authorised_on = models.DateField("Authorisation date", null=True, blank=True)
    authorised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    manager_comments = models.TextField(blank=True)
    overdue_reason = models.TextField("Why the assessment is late", blank=True)

    audit_person_field = "person"

    class Meta:
        indexes = [
            models.Index(fields=["authorised_on"]),
            models.Index(fields=["start_date"]),
            models.Index(
                fields=["worker", "due_date"],
                condition=~Q(status="authorised"),
                name="assessment_open_by_worker",
            ),
            models.Index(
                fields=["team", "due_date"],
                condition=~Q(status="authorised"),
                name="assessment_open_by_team",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(authorised_on__isnull=True) | Q(authorised_on__gte=F("start_date")),
                name="assessment_authorised_after_start",
            ),
            models.CheckConstraint(
                condition=~Q(status="authorised")
                | Q(authorised_on__isnull=False, authorised_by__isnull=False) & ~Q(outcome=""),
                name="assessment_authorised_has_date_manager_outcome",
            ),
            models.CheckConstraint(
                condition=Q(child_seen_on__isnull=True) | Q(child_seen_on__gte=F("start_date")),
                name="assessment_child_seen_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"Assessment of {self.person_id} started {self.start_date}"

    @property
    def is_open(self) -> bool:
        return self.status != AssessmentStatus.AUTHORISED

    @property
    def factor_labels(self) -> list[str]:
        return [AssessmentFactor(f).label for f in self.factors]

    @property
    def is_urgent(self) -> bool:
        return self.outcome in URGENT_OUTCOMES


class NextStepKind(models.TextChoices):
    STRATEGY_DISCUSSION = "strategy_discussion", "Hold a strategy discussion"


class NextStep(models.Model):
    """A task an authorised assessment creates for the worker (or, with none, the team): the
    work item stays on their list until the step is done (a strategy discussion recorded for
    the episode on or after the assessment started)."""

    assessment = models.ForeignKey(Assessment, on_delete=models.PROTECT, related_name="next_steps")
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=30, choices=NextStepKind.choices)
    team = models.ForeignKey("accounts.Team", null=True, on_delete=models.PROTECT, related_name="+")
    worker = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    due_date = models.DateField()
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )

    audit_person_field = "person"

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["assessment", "kind"], name="next_step_once_per_kind")
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} for {self.person_id}"
