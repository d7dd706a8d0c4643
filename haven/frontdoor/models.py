"""Contacts arriving at the front door, MASH checks, threshold decisions and referrals."""

from __future__ import annotations

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import F, Q

from haven.core.models import VersionedModel


class Channel(models.TextChoices):
    PHONE = "phone", "Phone"
    EMAIL = "email", "Email"
    ONLINE_FORM = "online_form", "Online form"
    IN_PERSON = "in_person", "In person"


class ReferralSource(models.TextChoices):
    """DfE CIN census ReferralSource codes."""

    FAMILY = "1A", "Individual: family member, relative or carer"
    ACQUAINTANCE = "1B", "Individual: acquaintance (neighbour, childminder)"
    SELF = "1C", "Individual: self"
    INDIVIDUAL_OTHER = "1D", "Individual: other (including strangers)"
    SCHOOL = "2A", "School"
    EDUCATION_SERVICES = "2B", "Education services"
    GP = "3A", "Health: GP"
    HEALTH_VISITOR = "3B", "Health: health visitor"
    SCHOOL_NURSE = "3C", "Health: school nurse"
    PRIMARY_HEALTH_OTHER = "3D", "Health: other primary health services"
    A_AND_E = "3E", "Health: A&E"
    HEALTH_OTHER = "3F", "Health: other (for example hospice)"
    HOUSING = "4", "Housing"
    LA_SOCIAL_CARE = "5A", "LA services: social care (for example adult social care)"
    LA_INTERNAL = "5B", "LA services: other internal (for example youth offending)"
    LA_EXTERNAL = "5C", "LA services: another local authority"
    EARLY_HELP = "5D", "LA services: early help"
    POLICE = "6", "Police"
    LEGAL = "7", "Other legal agency (courts, probation, immigration, Cafcass, prison)"
    OTHER = "8", "Other (children's centre, voluntary organisation)"
    ANONYMOUS = "9", "Anonymous"
    UNKNOWN = "10", "Unknown"


class Concern(models.TextChoices):
    DOMESTIC_ABUSE = "domestic_abuse", "Domestic abuse"
    NEGLECT = "neglect", "Neglect"
    PHYSICAL_ABUSE = "physical_abuse", "Physical abuse"
    SEXUAL_ABUSE = "sexual_abuse", "Sexual abuse"
    EMOTIONAL_ABUSE = "emotional_abuse", "Emotional abuse"
    CSE = "cse", "Child sexual exploitation"
    CCE = "cce", "Child criminal exploitation or county lines"
    MISSING = "missing", "Missing from home or care"
    SELF_HARM = "self_harm", "Self-harm"
    CHILD_MENTAL_HEALTH = "child_mental_health", "Child's mental health"
    PARENT_MENTAL_HEALTH = "parent_mental_health", "Parent's mental health"
    PARENT_SUBSTANCE = "parent_substance", "Parental substance misuse"
    CHILD_SUBSTANCE = "child_substance", "Child's substance misuse"
    ONLINE_HARM = "online_harm", "Online harm"
    FGM = "fgm", "Female genital mutilation"
    RADICALISATION = "radicalisation", "Radicalisation"
    TRAFFICKING = "trafficking", "Trafficking or modern slavery"
    HOUSING = "housing", "Housing or homelessness"
    DISABILITY = "disability", "Child's disability"
    YOUNG_CARER = "young_carer", "Young carer"
    PRIVATE_FOSTERING = "private_fostering", "Private fostering"
    UASC = "uasc", "Unaccompanied asylum-seeking child"
    BEHAVIOUR = "behaviour", "Child's behaviour"
    OTHER = "other", "Other"


class Urgency(models.TextChoices):
    ROUTINE = "routine", "Routine"
    URGENT = "urgent", "Urgent: today"
    IMMEDIATE = "immediate", "Immediate: child at risk now"


class Consent(models.TextChoices):
    GIVEN = "given", "Given"
    REFUSED = "refused", "Refused"
    NOT_SOUGHT = "not_sought", "Not sought"


class ConsentBasis(models.TextChoices):
    CONSENT = "consent", "With consent"
    SIGNIFICANT_HARM = "significant_harm", "Without consent: risk of significant harm"
    CRIME = "crime", "Without consent: prevention or detection of crime"
    LEGAL_DUTY = "legal_duty", "Without consent: legal duty or court order"


class LevelOfNeed(models.IntegerChoices):
    UNIVERSAL = 1, "Level 1: universal"
    EARLY_HELP = 2, "Level 2: early help"
    CHILD_IN_NEED = 3, "Level 3: child in need"
    CHILD_PROTECTION = 4, "Level 4: child protection"


class ContactOutcome(models.TextChoices):
    NO_FURTHER_ACTION = "nfa", "No further action"
    ADVICE = "advice", "Information, advice or signposting"
    EARLY_HELP = "early_help", "Early help"
    REFERRAL = "referral", "Referral to children's social care"
    STRATEGY_DISCUSSION = "strategy_discussion", "Strategy discussion now"


class DecisionStatus(models.TextChoices):
    """Where a child's threshold decision (or a contact, by its children's) stands."""

    RETURNED = "returned", "Returned"
    UNDECIDED = "undecided", "Undecided"
    AWAITING = "awaiting", "Awaiting authorisation"
    AUTHORISED = "authorised", "Authorised"


# Outcomes that open a child in need episode.
REFERRAL_OUTCOMES = frozenset({ContactOutcome.REFERRAL, ContactOutcome.STRATEGY_DISCUSSION})


class Contact(VersionedModel):
    received_at = models.DateTimeField("Received")
    channel = models.CharField(max_length=12, choices=Channel.choices)
    source = models.CharField("Source", max_length=2, choices=ReferralSource.choices)
    referrer_name = models.CharField("Referrer's name", max_length=120, blank=True)
    referrer_agency = models.CharField("Agency or organisation", max_length=160, blank=True)
    referrer_role = models.CharField("Referrer's role", max_length=120, blank=True)
    referrer_phone = models.CharField("Phone", max_length=40, blank=True)
    referrer_email = models.EmailField("Email", blank=True)
    concerns = ArrayField(models.CharField(max_length=30, choices=Concern.choices), default=list)
    summary = models.TextField("What the referrer told us")
    consent = models.CharField("Consent to share", max_length=12, choices=Consent.choices)
    consent_basis = models.CharField(
        "Basis for sharing", max_length=20, choices=ConsentBasis.choices
    )
    urgency = models.CharField(max_length=10, choices=Urgency.choices, default=Urgency.ROUTINE)
    team = models.ForeignKey("accounts.Team", on_delete=models.PROTECT, related_name="+")
    worker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="front_door_contacts",
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    decision_due = models.DateField()
    decision_due_rule = models.CharField(max_length=40)
    # Set when every child on the contact has an authorised decision.
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["received_at"]),
            models.Index(
                fields=["team", "decision_due"],
                condition=Q(completed_at__isnull=True),
                name="contact_open_by_team",
            ),
        ]

    def __str__(self) -> str:
        return f"Contact {self.pk} received {self.received_at:%d %b %Y %H:%M}"

    @property
    def concern_labels(self) -> list[str]:
        return [Concern(c).label for c in self.concerns]


class ContactChild(models.Model):
    """One child on a contact, with their own threshold decision and outcome."""

    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="children")
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="contacts")
    # Copies of the contact's, so the front-door figures are counted from this table alone
    # (a covering index, no join to contacts). Set where rows are created (contact_create, the
    # synthetic county); database triggers keep them equal to the contact's.
    received_at = models.DateTimeField("Contact received")
    source = models.CharField("Source", max_length=2, choices=ReferralSource.choices)
    decision_due = models.DateField()
    # True on one row of each contact (its first child's), so contacts are counted without a
    # COUNT(DISTINCT) over a year's rows; set by the same trigger on insert.
    counts_contact = models.BooleanField()
    level_of_need = models.PositiveSmallIntegerField(
        choices=LevelOfNeed.choices, null=True, blank=True
    )
    outcome = models.CharField(max_length=20, choices=ContactOutcome.choices, blank=True)
    rationale = models.TextField(blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    authorised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    authorised_at = models.DateTimeField(null=True, blank=True)
    # A manager sent the decision back to be made again, saying why (cleared when re-decided;
    # the chronology keeps each return).
    returned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    returned_at = models.DateTimeField(null=True, blank=True)
    return_comment = models.TextField("Why the decision was returned", blank=True, default="")
    # A manager changed the decision when authorising it, saying why.
    amended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    amended_at = models.DateTimeField(null=True, blank=True)
    amend_reason = models.TextField("Why the decision was amended", blank=True, default="")

    audit_person_field = "person"

    class Meta:
        indexes = [
            # The front-door figures: counted by month and source with an index-only scan.
            models.Index(
                fields=["received_at"],
                include=[
                    "source",
                    "counts_contact",
                    "contact",
                    "person",
                    "outcome",
                    "decided_at",
                    "decision_due",
                ],
                name="contact_child_figures",
            ),
        ]
        constraints = [
            models.UniqueConstraint(fields=["contact", "person"], name="contact_child_once"),
            models.CheckConstraint(
                condition=Q(returned_at__isnull=True) | ~Q(return_comment=""),
                name="returned_decision_says_why",
            ),
            models.CheckConstraint(
                condition=Q(amended_at__isnull=True) | ~Q(amend_reason=""),
                name="amended_decision_says_why",
            ),
            models.CheckConstraint(
                condition=Q(outcome="") | (~Q(rationale="") & Q(decided_at__isnull=False)),
                name="decision_has_rationale",
            ),
            models.CheckConstraint(
                condition=Q(authorised_at__isnull=True) | Q(decided_at__isnull=False),
                name="authorised_after_decision",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person_id} on contact {self.contact_id}"

    @property
    def goes_to_a_team(self) -> bool:
        """The decision sends the child to a team (a referral or a strategy discussion)."""
        return self.outcome in REFERRAL_OUTCOMES

    @property
    def is_decided(self) -> bool:
        return bool(self.outcome)

    @property
    def is_returned(self) -> bool:
        return self.returned_at is not None

    @property
    def status(self) -> DecisionStatus:
        if self.returned_at is not None:
            return DecisionStatus.RETURNED
        if not self.outcome:
            return DecisionStatus.UNDECIDED
        if self.authorised_at is None:
            return DecisionStatus.AWAITING
        return DecisionStatus.AUTHORISED

    @property
    def needs_decision(self) -> bool:
        """Undecided, or returned to be decided again."""
        return self.status in (DecisionStatus.UNDECIDED, DecisionStatus.RETURNED)


class Agency(models.TextChoices):
    POLICE = "police", "Police"
    HEALTH = "health", "Health"
    EDUCATION = "education", "Education"
    PROBATION = "probation", "Probation"
    HOUSING = "housing", "Housing"
    ADULT_SOCIAL_CARE = "adult_social_care", "Adult social care"
    YOUTH_JUSTICE = "youth_justice", "Youth justice"
    OTHER = "other", "Other"


class Rag(models.TextChoices):
    RED = "red", "Red: within 4 working hours"
    AMBER = "amber", "Amber: within 1 working day"
    GREEN = "green", "Green: within 3 working days"


class MashCheck(models.Model):
    """A request to a partner agency for what it knows, with its own deadline."""

    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="checks")
    agency = models.CharField(max_length=20, choices=Agency.choices)
    rag = models.CharField("RAG rating", max_length=5, choices=Rag.choices)
    justification = models.TextField("Why sharing is justified")
    requested_at = models.DateTimeField()
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    due_at = models.DateTimeField()
    due_rule = models.CharField(max_length=40)
    response = models.TextField(blank=True)
    responded_at = models.DateTimeField(null=True, blank=True)
    response_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        indexes = [
            models.Index(
                fields=["due_at"],
                condition=Q(responded_at__isnull=True),
                name="mashcheck_outstanding",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(responded_at__isnull=True) | Q(responded_at__gte=F("requested_at")),
                name="mashcheck_response_after_request",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_agency_display()} check on contact {self.contact_id}"

    @property
    def too_slow_for_contact(self) -> bool:
        """A green check (days) on a contact about a child at risk now will not come back
        before the decision must be made."""
        return self.rag == Rag.GREEN and self.contact.urgency == Urgency.IMMEDIATE


class PrimaryNeed(models.TextChoices):
    """DfE CIN census PrimaryNeedCode."""

    ABUSE_OR_NEGLECT = "N1", "Abuse or neglect"
    CHILD_DISABILITY = "N2", "Child's disability"
    PARENT_DISABILITY = "N3", "Parental disability or illness"
    ACUTE_STRESS = "N4", "Family in acute stress"
    DYSFUNCTION = "N5", "Family dysfunction"
    BEHAVIOUR = "N6", "Socially unacceptable behaviour"
    LOW_INCOME = "N7", "Low income"
    ABSENT_PARENTING = "N8", "Absent parenting"
    NOT_IN_NEED = "N9", "Cases other than children in need"
    NOT_STATED = "N0", "Not stated"


class ReasonForClosure(models.TextChoices):
    """DfE CIN census ReasonForClosure."""

    ADOPTED = "RC1", "Adopted"
    DIED = "RC2", "Died"
    CHILD_ARRANGEMENTS = "RC3", "Child arrangements order"
    SPECIAL_GUARDIANSHIP = "RC4", "Special guardianship order"
    TRANSFERRED_LA = "RC5", "Transferred to another local authority"
    TRANSFERRED_ADULTS = "RC6", "Transferred to adult social care"
    SERVICES_CEASED = "RC7", "Services ceased, including child no longer in need"
    NFA_AFTER_ASSESSMENT = "RC8", "Closed after assessment, no further action"
    EARLY_HELP_AFTER_ASSESSMENT = "RC9", "Closed after assessment, referred to early help"


class Referral(VersionedModel):
    """A referral to children's social care, which opens a child in need episode (the CIN
    census's CINdetails). The episode closes with a ReasonForClosure."""

    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="referrals")
    contact_child = models.OneToOneField(
        ContactChild, null=True, blank=True, on_delete=models.PROTECT, related_name="referral"
    )
    referral_date = models.DateField()
    source = models.CharField(max_length=2, choices=ReferralSource.choices)
    primary_need = models.CharField(
        max_length=2, choices=PrimaryNeed.choices, default=PrimaryNeed.NOT_STATED
    )
    no_further_action = models.BooleanField("Referral NFA", default=False)
    is_re_referral = models.BooleanField(default=False)
    team = models.ForeignKey("accounts.Team", null=True, on_delete=models.PROTECT, related_name="+")
    closure_date = models.DateField(null=True, blank=True)
    closure_reason = models.CharField(max_length=3, choices=ReasonForClosure.choices, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )

    audit_person_field = "person"

    class Meta:
        indexes = [
            models.Index(fields=["referral_date"]),
            models.Index(fields=["person", "referral_date"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(closure_date__isnull=True) | Q(closure_date__gte=F("referral_date")),
                name="referral_closes_after_it_opens",
            ),
            models.CheckConstraint(
                condition=Q(closure_date__isnull=True, closure_reason="")
                | Q(closure_date__isnull=False) & ~Q(closure_reason=""),
                name="referral_closure_has_reason",
            ),
            # A second referral while one is open would be a second CIN episode at once.
            models.UniqueConstraint(
                fields=["person"],
                condition=Q(closure_date__isnull=True),
                name="referral_one_open_episode_per_child",
            ),
        ]

    def __str__(self) -> str:
        return f"Referral of {self.person_id} on {self.referral_date}"

    @property
    def is_open(self) -> bool:
        return self.closure_date is None


class FeedbackMethod(models.TextChoices):
    EMAIL = "email", "Email"
    SECURE_EMAIL = "secure_email", "Secure email"
    PHONE = "phone", "Phone"
    LETTER = "letter", "Letter"


class ReferrerFeedback(models.Model):
    """What the referrer is told about the outcome for each child. Written when the decision is
    authorised; sent only when someone records how and to whom it went."""

    contact_child = models.OneToOneField(
        ContactChild, on_delete=models.CASCADE, related_name="feedback"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    message = models.TextField()
    sent_to = models.CharField(max_length=200, blank=True)
    method = models.CharField(
        "How it was sent", max_length=12, choices=FeedbackMethod.choices, blank=True, default=""
    )
    sent_at = models.DateTimeField(null=True, blank=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(sent_at__isnull=True) | (~Q(method="") & ~Q(sent_to="")),
                name="feedback_sent_has_a_route",
            ),
        ]

    def __str__(self) -> str:
        return f"Feedback on {self.contact_child}"

    @property
    def is_sent(self) -> bool:
        return self.sent_at is not None
