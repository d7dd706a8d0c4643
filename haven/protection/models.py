"""Section 47 enquiries, child protection conferences and plans, core groups and CP visits."""

from __future__ import annotations

from django.conf import settings
from django.contrib.postgres.constraints import ExclusionConstraint
from django.contrib.postgres.fields import ArrayField, DateRangeField, RangeOperators
from django.db import models
from django.db.models import F, Func, Q

from haven.core.models import VersionedModel
from haven.frontdoor.models import Agency


def agency_names(codes: list[str]) -> str:
    labels = dict(Agency.choices)
    return ", ".join(str(labels.get(code, code)) for code in codes)


class StrategyDecision(models.TextChoices):
    START_S47 = "start_s47", "Start a section 47 enquiry"
    NO_S47 = "no_s47", "No section 47 enquiry: continue as child in need"
    NFA = "nfa", "No further action"


class StrategyDiscussion(models.Model):
    referral = models.ForeignKey(
        "frontdoor.Referral", on_delete=models.PROTECT, related_name="strategy_discussions"
    )
    person = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, related_name="strategy_discussions"
    )
    held_on = models.DateField("Date held")
    agencies = ArrayField(models.CharField(max_length=20, choices=Agency.choices), default=list)
    # Who took part, by name and role ("DS Khan, police; Jo Bell, school nurse").
    attendees = models.TextField("Who took part", blank=True, default="")
    decision = models.CharField(max_length=12, choices=StrategyDecision.choices)
    notes = models.TextField(blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    audit_person_field = "person"

    def __str__(self) -> str:
        return f"Strategy discussion for {self.person_id} on {self.held_on}"

    @property
    def agency_names(self) -> str:
        return agency_names(self.agencies)


class S47Outcome(models.TextChoices):
    NOT_SUBSTANTIATED = "not_substantiated", "Concerns not substantiated"
    SUBSTANTIATED_NO_CONFERENCE = "substantiated_no_icpc", "Substantiated, no conference needed"
    CONFERENCE = "conference", "Conference needed"


class S47Enquiry(VersionedModel):
    referral = models.ForeignKey(
        "frontdoor.Referral", on_delete=models.PROTECT, related_name="s47_enquiries"
    )
    person = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, related_name="s47_enquiries"
    )
    strategy_discussion = models.OneToOneField(
        StrategyDiscussion, on_delete=models.PROTECT, related_name="s47"
    )
    start_date = models.DateField("S47 start date")
    # CIN census InitialCPCtarget: 15 working days from the strategy discussion.
    icpc_target = models.DateField("Initial conference target date")
    icpc_target_rule = models.CharField(max_length=40, default="icpc")
    end_date = models.DateField("S47 end date", null=True, blank=True)
    outcome = models.CharField(max_length=24, choices=S47Outcome.choices, blank=True)
    worker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="s47_enquiries",
    )

    audit_person_field = "person"

    class Meta:
        verbose_name = "section 47 enquiry"
        verbose_name_plural = "section 47 enquiries"
        indexes = [models.Index(fields=["start_date"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=F("start_date")),
                name="s47_ends_after_start",
            ),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True, outcome="")
                | Q(end_date__isnull=False) & ~Q(outcome=""),
                name="s47_end_has_outcome",
            ),
        ]

    def __str__(self) -> str:
        return f"S47 for {self.person_id} from {self.start_date}"

    @property
    def is_open(self) -> bool:
        return self.end_date is None

    @property
    def icpc_not_required(self) -> bool:
        return self.outcome in (
            S47Outcome.NOT_SUBSTANTIATED,
            S47Outcome.SUBSTANTIATED_NO_CONFERENCE,
        )


class CategoryOfAbuse(models.TextChoices):
    NEGLECT = "NEG", "Neglect"
    PHYSICAL = "PHY", "Physical abuse"
    SEXUAL = "SAB", "Sexual abuse"
    EMOTIONAL = "EMO", "Emotional abuse"
    MULTIPLE = "MUL", "Multiple"


class ConferenceKind(models.TextChoices):
    INITIAL = "initial", "Initial child protection conference"
    PRE_BIRTH = "pre_birth", "Pre-birth conference"
    TRANSFER_IN = "transfer_in", "Transfer-in conference"
    REVIEW = "review", "Review conference"


INITIAL_KINDS = frozenset(
    {ConferenceKind.INITIAL, ConferenceKind.PRE_BIRTH, ConferenceKind.TRANSFER_IN}
)
# The deadline rule of an initial conference known only from imported history (a CIN census
# gives its date, not the S47 it followed, which began in a year before the file's): its due
# date cannot be worked out, and it is the one initial conference that has no S47 in Haven.
S47_NOT_HELD = "icpc_s47_not_held"


class ConferenceDecision(models.TextChoices):
    PLAN = "plan", "Child protection plan"
    NO_PLAN = "no_plan", "No plan: child in need or no further action"
    CONTINUE = "continue", "Continue the plan"
    END = "end", "End the plan"


class Conference(VersionedModel):
    person = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, related_name="conferences"
    )
    referral = models.ForeignKey(
        "frontdoor.Referral", on_delete=models.PROTECT, related_name="conferences"
    )
    kind = models.CharField(max_length=12, choices=ConferenceKind.choices)
    s47 = models.ForeignKey(
        S47Enquiry, null=True, blank=True, on_delete=models.PROTECT, related_name="conferences"
    )
    plan = models.ForeignKey(
        "ChildProtectionPlan",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reviews",
    )
    due_date = models.DateField()
    due_rule = models.CharField(max_length=40)
    held_on = models.DateField("Date held", null=True, blank=True)
    chair = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="chaired_conferences",
    )
    agencies_invited = ArrayField(
        models.CharField(max_length=20, choices=Agency.choices), default=list
    )
    agencies_attended = ArrayField(
        models.CharField(max_length=20, choices=Agency.choices), default=list
    )
    child_views = models.TextField("The child's views", blank=True)
    family_views = models.TextField("The family's views", blank=True)
    decision = models.CharField(max_length=10, choices=ConferenceDecision.choices, blank=True)
    category = models.CharField(
        "Category of abuse", max_length=3, choices=CategoryOfAbuse.choices, blank=True
    )

    audit_person_field = "person"

    class Meta:
        indexes = [models.Index(fields=["held_on"]), models.Index(fields=["person", "due_date"])]
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind=ConferenceKind.INITIAL)
                | Q(s47__isnull=False)
                | Q(due_rule=S47_NOT_HELD),
                name="icpc_follows_an_s47",
            ),
            models.CheckConstraint(
                condition=~Q(kind=ConferenceKind.REVIEW) | Q(plan__isnull=False),
                name="review_belongs_to_a_plan",
            ),
            models.CheckConstraint(
                condition=Q(decision="") | Q(held_on__isnull=False),
                name="conference_decided_when_held",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} for {self.person_id}"

    @property
    def is_initial(self) -> bool:
        return self.kind in INITIAL_KINDS

    @property
    def attended_names(self) -> str:
        return agency_names(self.agencies_attended)

    @property
    def was_late(self) -> bool:
        """Held after its due date (15 working days from the S47 start for an initial one)."""
        return self.held_on is not None and self.held_on > self.due_date


class PlanEndReason(models.TextChoices):
    NO_LONGER_AT_RISK = "no_longer_at_risk", "No longer at risk of significant harm"
    LOOKED_AFTER = "looked_after", "Became looked after"
    MOVED_AWAY = "moved_away", "Moved to another local authority"
    ADULT = "adult", "Reached 18"
    DIED = "died", "Died"
    OTHER = "other", "Other"


class ChildProtectionPlan(VersionedModel):
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="cp_plans")
    referral = models.ForeignKey(
        "frontdoor.Referral", on_delete=models.PROTECT, related_name="cp_plans"
    )
    conference = models.OneToOneField(
        Conference, on_delete=models.PROTECT, related_name="started_plan"
    )
    start_date = models.DateField("Plan start date")
    initial_category = models.CharField(max_length=3, choices=CategoryOfAbuse.choices)
    latest_category = models.CharField(max_length=3, choices=CategoryOfAbuse.choices)
    end_date = models.DateField("Plan end date", null=True, blank=True)
    end_reason = models.CharField(max_length=20, choices=PlanEndReason.choices, blank=True)
    # CIN census NumberOfPreviousCPP, worked out from the records when the plan starts.
    previous_plans = models.PositiveSmallIntegerField(default=0)
    lead_practitioner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="lead_cp_plans",
    )
    # What happens if the plan is not working or the child is at risk (edited with its version).
    contingency = models.TextField("Contingency plan", blank=True, default="")
    # Written for the child who may one day read it (the text forms then show a reading age).
    written_to_child = models.BooleanField("Written to the child", default=False)
    period = models.GeneratedField(
        expression=Func(F("start_date"), F("end_date"), models.Value("[)"), function="daterange"),
        output_field=DateRangeField(),
        db_persist=True,
    )

    audit_person_field = "person"

    class Meta:
        indexes = [models.Index(fields=["start_date"]), models.Index(fields=["end_date"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gt=F("start_date")),
                name="cpp_ends_after_start",
            ),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True, end_reason="")
                | Q(end_date__isnull=False) & ~Q(end_reason=""),
                name="cpp_end_has_reason",
            ),
            models.UniqueConstraint(
                fields=["person"], condition=Q(end_date__isnull=True), name="cpp_one_open_per_child"
            ),
            ExclusionConstraint(
                name="cpp_no_overlap",
                expressions=[("person", RangeOperators.EQUAL), ("period", RangeOperators.OVERLAPS)],
            ),
        ]

    def __str__(self) -> str:
        return f"CP plan for {self.person_id} from {self.start_date}"

    @property
    def is_open(self) -> bool:
        return self.end_date is None


class CategoryChange(models.Model):
    plan = models.ForeignKey(
        ChildProtectionPlan, on_delete=models.CASCADE, related_name="category_changes"
    )
    changed_on = models.DateField()
    category = models.CharField(max_length=3, choices=CategoryOfAbuse.choices)
    conference = models.ForeignKey(
        Conference, null=True, on_delete=models.PROTECT, related_name="+"
    )

    def __str__(self) -> str:
        return f"{self.plan_id} to {self.category} on {self.changed_on}"


class CoreGroup(models.Model):
    plan = models.ForeignKey(
        ChildProtectionPlan, on_delete=models.CASCADE, related_name="core_groups"
    )
    person = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, related_name="core_groups"
    )
    due_date = models.DateField()
    due_rule = models.CharField(max_length=40)
    held_on = models.DateField("Date held", null=True, blank=True)
    agencies_attended = ArrayField(
        models.CharField(max_length=20, choices=Agency.choices), default=list
    )
    notes = models.TextField(blank=True)

    audit_person_field = "person"

    class Meta:
        # The core groups still to hold, by child: my work's lists (a handful among years of
        # held ones).
        indexes = [
            models.Index(
                fields=["person"], condition=Q(held_on__isnull=True), name="core_group_to_hold"
            )
        ]

    def __str__(self) -> str:
        return f"Core group for {self.person_id} due {self.due_date}"


class VisitKind(models.TextChoices):
    CP = "cp", "Child protection visit"
    CIN = "cin", "Child in need visit"


class Visit(models.Model):
    """A statutory visit under a CP or CIN plan; each sets when the next is due."""

    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="visits")
    kind = models.CharField(max_length=3, choices=VisitKind.choices)
    cp_plan = models.ForeignKey(
        ChildProtectionPlan, null=True, blank=True, on_delete=models.CASCADE, related_name="visits"
    )
    cin_plan = models.ForeignKey(
        "childinneed.CINPlan",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="visits",
    )
    visited_on = models.DateField("Date of visit")
    child_seen = models.BooleanField("Child seen")
    seen_alone = models.BooleanField("Seen alone", default=False)
    due_date = models.DateField("Was due by")
    next_due = models.DateField("Next visit due")
    due_rule = models.CharField(max_length=40)
    worker = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    notes = models.TextField(blank=True)

    audit_person_field = "person"

    class Meta:
        indexes = [models.Index(fields=["person", "visited_on"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="cp", cp_plan__isnull=False, cin_plan__isnull=True)
                | Q(kind="cin", cin_plan__isnull=False, cp_plan__isnull=True),
                name="visit_belongs_to_its_plan",
            ),
            models.CheckConstraint(
                condition=Q(child_seen=True) | Q(seen_alone=False),
                name="visit_seen_alone_only_if_seen",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} to {self.person_id} on {self.visited_on}"


# What a plan is for and how: its outcomes, the actions towards them and the core group (the
# people and professionals who carry it out). The same for a child protection plan and a child
# in need plan, so each row belongs to exactly one of the two (as a visit does).
_ONE_PLAN = Q(cp_plan__isnull=False, cin_plan__isnull=True) | Q(
    cp_plan__isnull=True, cin_plan__isnull=False
)


class PlanPart(VersionedModel):
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    cp_plan = models.ForeignKey(
        ChildProtectionPlan, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    cin_plan = models.ForeignKey(
        "childinneed.CINPlan", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )

    audit_person_field = "person"

    class Meta:
        abstract = True

    @property
    def plan_id(self) -> int:
        return self.cp_plan_id or self.cin_plan_id  # type: ignore[return-value]


class PlanOutcome(PlanPart):
    text = models.TextField("Outcome")

    class Meta:
        constraints = [models.CheckConstraint(condition=_ONE_PLAN, name="outcome_one_plan")]

    def __str__(self) -> str:
        return self.text[:60]


class PlanAction(PlanPart):
    """Who does what, by when, towards which outcome; done when it is marked done."""

    outcome = models.ForeignKey(
        PlanOutcome, null=True, blank=True, on_delete=models.SET_NULL, related_name="actions"
    )
    who = models.CharField("Who", max_length=200)
    what = models.TextField("What")
    due_date = models.DateField("By when")
    done_on = models.DateField("Done on", null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["person", "done_on"])]
        constraints = [models.CheckConstraint(condition=_ONE_PLAN, name="action_one_plan")]

    def __str__(self) -> str:
        return f"{self.who}: {self.what[:40]} by {self.due_date}"

    @property
    def is_done(self) -> bool:
        return self.done_on is not None


class PlanMember(PlanPart):
    """A member of the core group: a family member or a professional, with their role."""

    name = models.CharField("Name", max_length=200)
    role = models.CharField("Role", max_length=200)
    agency = models.CharField(max_length=20, choices=Agency.choices, blank=True)

    class Meta:
        constraints = [models.CheckConstraint(condition=_ONE_PLAN, name="member_one_plan")]

    def __str__(self) -> str:
        return f"{self.name} ({self.role})"
