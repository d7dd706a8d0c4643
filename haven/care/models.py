"""Children looked after: a period of care, what happened in it (legal statuses and placements,
as the social worker records them), the SSDA903 episodes derived from those, and the statutory
work of the period (care plan, visits, reviews by the child's IRO, health, education).

Nobody types an episode: ``episodes.derive`` rebuilds a period's episodes from its legal
statuses and placements after every change, so a correction to a past date re-derives them."""

from __future__ import annotations

from django.conf import settings
from django.contrib.postgres.constraints import ExclusionConstraint
from django.contrib.postgres.fields import DateRangeField, RangeOperators
from django.db import models
from django.db.models import F, Func, Q

from haven.care import codes
from haven.core.models import VersionedModel


def _daterange(start: str, end: str) -> models.GeneratedField:
    return models.GeneratedField(
        expression=Func(F(start), F(end), models.Value("[)"), function="daterange"),
        output_field=DateRangeField(),
        db_persist=True,
    )


def _ends_after_start(
    name: str, start: str = "start_date", end: str = "end_date"
) -> models.CheckConstraint:
    return models.CheckConstraint(
        condition=Q(**{f"{end}__isnull": True}) | Q(**{f"{end}__gt": F(start)}), name=name
    )


class CarePeriod(VersionedModel):
    """A period of being looked after, from the day the child became looked after to the day
    they ceased (with the REC reason). Category of need is fixed for the period."""

    person = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, related_name="care_periods"
    )
    # The child in need episode the child came into care from; none when they came directly
    # (police protection out of hours, a remand, a UASC arrival).
    referral = models.ForeignKey(
        "frontdoor.Referral",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="care_periods",
    )
    start_date = models.DateField("Date became looked after")
    end_date = models.DateField("Date ceased to be looked after", null=True, blank=True)
    end_reason = models.CharField(
        "Reason ceased to be looked after",
        max_length=3,
        choices=codes.ReasonEpisodeCeased.choices,
        blank=True,
    )
    category_of_need = models.CharField(
        "Category of need", max_length=2, choices=codes.CategoryOfNeed.choices
    )
    # The postcode of the home the child was looked after from (HOME_POST): where distances of
    # placements are measured from.
    home_postcode = models.CharField("Home postcode", max_length=8, blank=True)
    # Whether the child had an adoption, special guardianship or child arrangements order before
    # (PREV_PERM); for such an order, the council that made it (LA_PERM, as its name) and when
    # (DATE_PERM, dd/mm/YYYY, with zz for a day or month not known: "zz/05/2019").
    previous_permanence = models.CharField(
        "Previous permanence order",
        max_length=2,
        choices=codes.PreviousPermanence.choices,
        blank=True,
    )
    previous_permanence_la = models.CharField(
        "Council that made the order", max_length=80, blank=True
    )
    previous_permanence_on = models.CharField("Date of the order", max_length=10, blank=True)
    # Imported history only: the period began before the earliest episode the imported returns
    # hold, so Haven's record of it starts there, and that first episode keeps the reason for a
    # new episode (RNE) the return gave it instead of S. Blank for a period recorded in Haven.
    known_from_rne = models.CharField(
        "Reason for the first known episode (imported)", max_length=1, blank=True, default=""
    )
    # The child's independent reviewing officer, who chairs their reviews.
    iro = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="iro_periods",
        verbose_name="Independent reviewing officer",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    period = _daterange("start_date", "end_date")

    audit_person_field = "person"

    class Meta:
        verbose_name = "period of care"
        verbose_name_plural = "periods of care"
        indexes = [models.Index(fields=["start_date"]), models.Index(fields=["end_date"])]
        constraints = [
            _ends_after_start("care_period_ends_after_start"),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True, end_reason="")
                | Q(end_date__isnull=False) & ~Q(end_reason="") & ~Q(end_reason="X1"),
                name="care_period_end_has_reason",
            ),
            models.UniqueConstraint(
                fields=["person"],
                condition=Q(end_date__isnull=True),
                name="care_period_one_open_per_child",
            ),
            ExclusionConstraint(
                name="care_period_no_overlap",
                expressions=[("person", RangeOperators.EQUAL), ("period", RangeOperators.OVERLAPS)],
            ),
        ]

    def __str__(self) -> str:
        return f"Period of care for {self.person_id} from {self.start_date}"

    @property
    def is_open(self) -> bool:
        return self.end_date is None


class LegalStatusChange(models.Model):
    """The child's legal status from ``start_date`` until the next change or the period's end."""

    period = models.ForeignKey(CarePeriod, on_delete=models.CASCADE, related_name="legal_statuses")
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    code = models.CharField("Legal status", max_length=2, choices=codes.LegalStatus.choices)
    start_date = models.DateField("Legal status from")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    audit_person_field = "person"

    class Meta:
        verbose_name = "legal status"
        ordering = ["start_date"]
        constraints = [
            models.UniqueConstraint(fields=["period", "start_date"], name="legal_status_one_a_day")
        ]

    def __str__(self) -> str:
        return f"{self.code} from {self.start_date}"


class Placement(VersionedModel):
    """Where and with whom the child lives. A new carer is a new placement; the carer is the
    fostering household, the home, or (with an agency or another council) the carer named."""

    period = models.ForeignKey(CarePeriod, on_delete=models.CASCADE, related_name="placements")
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="placements")
    start_date = models.DateField("Placement start date")
    end_date = models.DateField("Placement end date", null=True, blank=True)
    place = models.CharField("Placement type", max_length=3, choices=codes.PlacementType.choices)
    provider = models.CharField(
        "Placement provider", max_length=3, choices=codes.PlacementProvider.choices, blank=True
    )
    household = models.ForeignKey(
        "carers.FosteringHousehold",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="placements",
        verbose_name="In-house foster carers",
    )
    home = models.ForeignKey(
        "carers.ChildrensHome",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="placements",
        verbose_name="Children's home",
    )
    carer_name = models.CharField("Carer or setting", max_length=160, blank=True)
    address = models.CharField("Address", max_length=250, blank=True)
    postcode = models.CharField("Placement postcode", max_length=8, blank=True)
    urn = models.CharField("Ofsted URN", max_length=8, blank=True)
    # Straight-line miles from the child's home postcode, from the postcodes' grid references
    # (null when either postcode is unknown).
    distance_miles = models.DecimalField(max_digits=6, decimal_places=1, null=True, blank=True)
    # Why the placement ended, when it ended in a move (REASON_PLACE_CHANGE).
    change_reason = models.CharField(
        "Reason for the move", max_length=6, choices=codes.ReasonPlaceChange.choices, blank=True
    )
    weekly_cost = models.DecimalField(
        "Weekly cost (£)", max_digits=9, decimal_places=2, null=True, blank=True
    )
    # Meant to last until the child is 18 (long-term): visits are then 3-monthly after year 1.
    intended_until_18 = models.BooleanField("Intended to last until the child is 18", default=False)
    plan_agreed_on = models.DateField("Placement plan agreed", null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    span = _daterange("start_date", "end_date")

    audit_person_field = "person"

    class Meta:
        ordering = ["start_date"]
        indexes = [models.Index(fields=["start_date"]), models.Index(fields=["end_date"])]
        constraints = [
            _ends_after_start("placement_ends_after_start"),
            ExclusionConstraint(
                name="placement_no_overlap",
                expressions=[("person", RangeOperators.EQUAL), ("span", RangeOperators.OVERLAPS)],
            ),
            models.CheckConstraint(
                condition=~Q(household__isnull=False, home__isnull=False),
                name="placement_one_carer",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.place} placement for {self.person_id} from {self.start_date}"

    @property
    def carer_key(self) -> tuple[object, ...]:
        """Who the carer is, to tell a move to the same carer (T, U) from a new one (P, B)."""
        if self.household_id:
            return ("household", self.household_id)
        if self.home_id:
            return ("home", self.home_id)
        return ("named", " ".join(self.carer_name.lower().split()))


class Episode(models.Model):
    """An SSDA903 episode, derived from the period's legal statuses and placements (never typed)."""

    period = models.ForeignKey(CarePeriod, on_delete=models.CASCADE, related_name="episodes")
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    decom = models.DateField("Episode start")
    rne = models.CharField(
        "Reason for new episode", max_length=1, choices=codes.ReasonNewEpisode.choices
    )
    ls = models.CharField("Legal status", max_length=2, choices=codes.LegalStatus.choices)
    cin = models.CharField("Category of need", max_length=2, choices=codes.CategoryOfNeed.choices)
    place = models.CharField(max_length=3, choices=codes.PlacementType.choices)
    place_provider = models.CharField(max_length=3, blank=True)
    dec = models.DateField("Episode end", null=True, blank=True)
    rec = models.CharField(max_length=3, choices=codes.ReasonEpisodeCeased.choices, blank=True)
    reason_place_change = models.CharField(max_length=6, blank=True)
    home_post = models.CharField(max_length=8, blank=True)
    pl_post = models.CharField(max_length=8, blank=True)
    urn = models.CharField(max_length=8, blank=True)
    placement = models.ForeignKey(Placement, on_delete=models.CASCADE, related_name="+")
    span = _daterange("decom", "dec")

    audit_person_field = "person"

    class Meta:
        ordering = ["decom"]
        indexes = [
            models.Index(fields=["decom"]),
            models.Index(fields=["dec"]),
            models.Index(fields=["person", "decom"]),
        ]
        constraints = [
            _ends_after_start("episode_ends_after_start", "decom", "dec"),
            ExclusionConstraint(
                name="episode_no_overlap",
                expressions=[("person", RangeOperators.EQUAL), ("span", RangeOperators.OVERLAPS)],
            ),
            models.CheckConstraint(
                condition=Q(dec__isnull=True, rec="") | Q(dec__isnull=False) & ~Q(rec=""),
                name="episode_end_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"Episode {self.rne} {self.ls} {self.place} from {self.decom}"


class CarePlan(VersionedModel):
    """The child's care plan with its permanence plan; a new row each time the plan is agreed
    again, so the history is the rows."""

    period = models.ForeignKey(CarePeriod, on_delete=models.CASCADE, related_name="care_plans")
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    agreed_on = models.DateField("Care plan agreed on")
    permanence_plan = models.CharField(
        "Permanence plan", max_length=24, choices=codes.PermanencePlan.choices
    )
    summary = models.TextField("What the plan is to meet the child's needs")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )

    audit_person_field = "person"

    class Meta:
        ordering = ["agreed_on"]

    def __str__(self) -> str:
        return f"Care plan for {self.person_id} agreed {self.agreed_on}"


class CareVisit(models.Model):
    """A statutory visit to a looked-after child (CPPCR reg 28); each sets when the next is due."""

    period = models.ForeignKey(CarePeriod, on_delete=models.CASCADE, related_name="visits")
    placement = models.ForeignKey(Placement, on_delete=models.CASCADE, related_name="visits")
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    visited_on = models.DateField("Date of visit")
    child_seen = models.BooleanField("Child seen")
    seen_alone = models.BooleanField("Seen alone", default=False)
    due_date = models.DateField("Was due by")
    next_due = models.DateField("Next visit due")
    due_rule = models.CharField(max_length=40)
    worker = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    # The case note the visit was written in (haven.casenotes: a visit is written once, and
    # keeps no words of its own).
    case_note = models.OneToOneField(
        "casenotes.CaseNoteChild",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="care_visit",
    )

    audit_person_field = "person"
    # What the visit's case note is called.
    note_summary = "Statutory visit to a looked-after child"

    class Meta:
        indexes = [models.Index(fields=["person", "visited_on"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(child_seen=True) | Q(seen_alone=False),
                name="care_visit_seen_alone_only_if_seen",
            ),
        ]

    def __str__(self) -> str:
        return f"Visit to {self.person_id} on {self.visited_on}"


class CareReview(models.Model):
    """A looked-after review chaired by the child's IRO (CPPCR reg 33)."""

    period = models.ForeignKey(CarePeriod, on_delete=models.CASCADE, related_name="reviews")
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    held_on = models.DateField("Date of the review")
    due_date = models.DateField("Was due by")
    participation = models.CharField(
        "How the child took part", max_length=3, choices=codes.Participation.choices
    )
    chair = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    summary = models.TextField("What the review found", blank=True)
    next_due = models.DateField("Next review due", null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    audit_person_field = "person"

    class Meta:
        ordering = ["held_on"]
        constraints = [
            models.UniqueConstraint(fields=["period", "held_on"], name="care_review_once_a_day")
        ]

    def __str__(self) -> str:
        return f"Review for {self.person_id} on {self.held_on}"

    @property
    def was_late(self) -> bool:
        return self.held_on > self.due_date


class ReviewRecommendation(VersionedModel):
    review = models.ForeignKey(CareReview, on_delete=models.CASCADE, related_name="recommendations")
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    text = models.TextField("Recommendation")
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    due_date = models.DateField("To be done by")
    done_on = models.DateField("Done on", null=True, blank=True)

    audit_person_field = "person"

    def __str__(self) -> str:
        return f"Recommendation for {self.person_id} due {self.due_date}"


class HealthKind(models.TextChoices):
    INITIAL_ASSESSMENT = "initial_assessment", "Initial health assessment"
    REVIEW_ASSESSMENT = "review_assessment", "Review health assessment"
    DENTAL_CHECK = "dental_check", "Dental check"
    IMMUNISATIONS = "immunisations", "Immunisations checked"
    SDQ = "sdq", "Strengths and difficulties questionnaire"
    SUBSTANCE_MISUSE = "substance_misuse", "Substance misuse identified"
    CONVICTION = "conviction", "Convicted of an offence"


class HealthRecord(models.Model):
    """One dated health event for a looked-after child; the OC2 items are computed from them."""

    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    period = models.ForeignKey(
        CarePeriod, null=True, blank=True, on_delete=models.CASCADE, related_name="health_records"
    )
    kind = models.CharField(max_length=20, choices=HealthKind.choices)
    on = models.DateField("Date")
    # Health assessments and dental checks: when it was due (haven.care.health), so the
    # figures can say whether it was in time.
    due_date = models.DateField("Was due by", null=True, blank=True)
    # Immunisations: up to date when checked.
    up_to_date = models.BooleanField(null=True, blank=True)
    # SDQ: the score (0-40) or why there is none.
    sdq_score = models.PositiveSmallIntegerField("SDQ score", null=True, blank=True)
    sdq_reason = models.CharField(
        "Why there is no SDQ score", max_length=4, choices=codes.SDQReason.choices, blank=True
    )
    # Substance misuse: the intervention offered and received.
    intervention_offered = models.BooleanField(null=True, blank=True)
    intervention_received = models.BooleanField(null=True, blank=True)
    notes = models.TextField(blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    audit_person_field = "person"

    class Meta:
        indexes = [models.Index(fields=["person", "kind", "on"])]
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind="sdq")
                | Q(sdq_score__isnull=False, sdq_score__lte=40, sdq_reason="")
                | Q(sdq_score__isnull=True) & ~Q(sdq_reason=""),
                name="health_sdq_score_or_reason",
            ),
            models.CheckConstraint(
                condition=~Q(kind="immunisations") | Q(up_to_date__isnull=False),
                name="health_immunisations_say_up_to_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} for {self.person_id} on {self.on}"

    @property
    def was_late(self) -> bool:
        return self.due_date is not None and self.on > self.due_date


class SchoolPlacement(models.Model):
    """The school or college the child attends, and from when."""

    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    school_name = models.CharField("School or college", max_length=160)
    urn = models.CharField("School URN", max_length=8, blank=True)
    start_date = models.DateField("Started")
    end_date = models.DateField("Left", null=True, blank=True)
    virtual_school_contact = models.CharField("Virtual school contact", max_length=160, blank=True)

    audit_person_field = "person"

    class Meta:
        ordering = ["start_date"]
        constraints = [_ends_after_start("school_ends_after_start")]

    def __str__(self) -> str:
        return f"{self.school_name} from {self.start_date}"


class PersonalEducationPlan(models.Model):
    """A personal education plan meeting: the first starts the plan, later ones review it."""

    period = models.ForeignKey(CarePeriod, on_delete=models.CASCADE, related_name="peps")
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    held_on = models.DateField("PEP meeting held on")
    due_date = models.DateField("Was due by")
    next_due = models.DateField("Next PEP review due", null=True, blank=True)
    summary = models.TextField("What was agreed", blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )

    audit_person_field = "person"

    class Meta:
        ordering = ["held_on"]
        verbose_name = "personal education plan"
        constraints = [models.UniqueConstraint(fields=["period", "held_on"], name="pep_once_a_day")]

    def __str__(self) -> str:
        return f"PEP for {self.person_id} on {self.held_on}"

    @property
    def was_late(self) -> bool:
        return self.held_on > self.due_date


class RequestStatus(models.TextChoices):
    OPEN = "open", "Searching"
    MATCHED = "matched", "Matched"
    WITHDRAWN = "withdrawn", "Withdrawn"


class PlacementRequest(VersionedModel):
    """A request for a placement for a child: what they need, searched against in-house carers
    and homes first, then external providers; the match is recorded here."""

    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    requested_on = models.DateField("Requested on")
    needed_by = models.DateField("Needed by")
    needs = models.TextField("What the child needs from a placement")
    placement_kind = models.CharField(
        "Kind of placement",
        max_length=20,
        choices=[
            ("fostering", "Foster care"),
            ("residential", "Children's home"),
            ("any", "Either"),
        ],
    )
    keep_with_siblings = models.ManyToManyField("people.Person", blank=True, related_name="+")
    near_postcode = models.CharField("Near postcode", max_length=8, blank=True)
    status = models.CharField(
        max_length=10, choices=RequestStatus.choices, default=RequestStatus.OPEN
    )
    matched_household = models.ForeignKey(
        "carers.FosteringHousehold",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    matched_home = models.ForeignKey(
        "carers.ChildrensHome", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    matched_external = models.CharField("External provider", max_length=160, blank=True)
    matched_on = models.DateField(null=True, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )

    audit_person_field = "person"

    def __str__(self) -> str:
        return f"Placement request for {self.person_id} on {self.requested_on}"
