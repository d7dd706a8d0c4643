"""Children, the adults around them, and who may see them."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.contrib.postgres.indexes import GinIndex
from django.db import models
from django.db.models import Q

from haven.core.models import VersionedModel


class PersonKind(models.TextChoices):
    CHILD = "child", "Child"
    ADULT = "adult", "Adult"


class Sex(models.TextChoices):
    """The DfE's Sex codes (CIN census and SSDA903 2024/25 on), with "not known" and "not
    stated" kept apart as the older GenderCurrent codes have them (0 and 9): both are U in the
    returns from 2024/25, 0 and 9 in those before (``haven.returns.census.SEX_TO_GENDER``)."""

    MALE = "M", "Male"
    FEMALE = "F", "Female"
    UNKNOWN = "U", "Not known"
    NOT_STATED = "N", "Not stated or indeterminate"


class Ethnicity(models.TextChoices):
    """The 20 DfE ethnicity codes."""

    WBRI = "WBRI", "White British"
    WIRI = "WIRI", "White Irish"
    WOTH = "WOTH", "Any other White background"
    WIRT = "WIRT", "Traveller of Irish heritage"
    WROM = "WROM", "Gypsy/Roma"
    MWBC = "MWBC", "White and Black Caribbean"
    MWBA = "MWBA", "White and Black African"
    MWAS = "MWAS", "White and Asian"
    MOTH = "MOTH", "Any other mixed background"
    AIND = "AIND", "Indian"
    APKN = "APKN", "Pakistani"
    ABAN = "ABAN", "Bangladeshi"
    AOTH = "AOTH", "Any other Asian background"
    BCRB = "BCRB", "Black Caribbean"
    BAFR = "BAFR", "Black African"
    BOTH = "BOTH", "Any other Black background"
    CHNE = "CHNE", "Chinese"
    OOTH = "OOTH", "Any other ethnic group"
    REFU = "REFU", "Refused"
    NOBT = "NOBT", "Information not yet obtained"


class Disability(models.TextChoices):
    """DfE disability codes."""

    NONE = "NONE", "No disability"
    MOB = "MOB", "Mobility"
    HAND = "HAND", "Hand function"
    PC = "PC", "Personal care"
    INC = "INC", "Incontinence"
    COMM = "COMM", "Communication"
    LD = "LD", "Learning"
    HEAR = "HEAR", "Hearing"
    VIS = "VIS", "Vision"
    BEH = "BEH", "Behaviour"
    CON = "CON", "Consciousness"
    AUT = "AUT", "Autistic spectrum disorder"
    DDA = "DDA", "Other DDA disability"


class Person(VersionedModel):
    kind = models.CharField(max_length=5, choices=PersonKind.choices, default=PersonKind.CHILD)
    given_names = models.CharField("Given names", max_length=100)
    family_name = models.CharField("Family name", max_length=100)
    date_of_birth = models.DateField("Date of birth", null=True, blank=True)
    expected_date_of_birth = models.DateField("Expected date of birth", null=True, blank=True)
    sex = models.CharField(max_length=1, choices=Sex.choices, default=Sex.UNKNOWN)
    gender_identity = models.CharField("Gender identity", max_length=60, blank=True)
    ethnicity = models.CharField(max_length=4, choices=Ethnicity.choices, default=Ethnicity.NOBT)
    first_language = models.CharField("First language", max_length=60, blank=True)
    religion = models.CharField(max_length=60, blank=True)
    upn = models.CharField("Unique pupil number (UPN)", max_length=13, blank=True)
    nhs_number = models.CharField("NHS number", max_length=10, blank=True)
    date_of_death = models.DateField("Date of death", null=True, blank=True)
    is_restricted = models.BooleanField(
        default=False, help_text="Only named users may see a restricted record"
    )
    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="merged_from"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )

    audit_person_field = "id"

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(date_of_death__isnull=True)
                | Q(date_of_birth__isnull=True)
                | Q(date_of_death__gte=models.F("date_of_birth")),
                name="person_death_after_birth",
            ),
            models.CheckConstraint(
                condition=~Q(pk=models.F("merged_into")), name="person_not_merged_into_self"
            ),
        ]
        indexes = [
            models.Index(fields=["date_of_birth"]),
            models.Index(fields=["nhs_number"], condition=~Q(nhs_number=""), name="person_nhs"),
            models.Index(fields=["upn"], condition=~Q(upn=""), name="person_upn"),
            # Figures and lists exclude the few restricted records: find them without a scan.
            models.Index(fields=["id"], condition=Q(is_restricted=True), name="person_restricted"),
        ]

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        return f"{self.given_names} {self.family_name}".strip()

    @property
    def is_unborn(self) -> bool:
        return self.date_of_birth is None and self.expected_date_of_birth is not None

    def age_on(self, day: datetime.date) -> int | None:
        if self.date_of_birth is None:
            return None
        born = self.date_of_birth
        return day.year - born.year - ((day.month, day.day) < (born.month, born.day))

    @property
    def age(self) -> int | None:
        return self.age_on(datetime.date.today())


class NameType(models.TextChoices):
    PRIMARY = "primary", "Name"
    KNOWN_AS = "known_as", "Known as"
    PREVIOUS = "previous", "Previous name"
    ALIAS = "alias", "Alias"


class PersonName(models.Model):
    """Every name a person is known by, the primary one included, for search.

    The primary row is kept in step with ``Person`` by a trigger, and the search columns are
    filled by a trigger, so bulk loads and raw SQL can never leave a person unfindable.
    """

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="names")
    name_type = models.CharField(max_length=10, choices=NameType.choices)
    given_names = models.CharField(max_length=100, blank=True)
    family_name = models.CharField(max_length=100, blank=True)
    # Filled by the trigger people_personname_search: lower-case unaccented full name, and the
    # double metaphone codes of the first given name and of the family name.
    search_name = models.TextField(default="", editable=False)
    given_code = models.CharField(max_length=8, default="", editable=False)
    family_code = models.CharField(max_length=8, default="", editable=False)

    audit_person_field = "person"

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["person"],
                condition=Q(name_type="primary"),
                name="personname_one_primary",
            )
        ]
        indexes = [
            GinIndex(fields=["search_name"], opclasses=["gin_trgm_ops"], name="personname_trgm"),
            models.Index(fields=["family_code", "given_code"], name="personname_codes"),
        ]

    def __str__(self) -> str:
        return f"{self.given_names} {self.family_name}"


class PersonDisability(models.Model):
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="disabilities")
    code = models.CharField(max_length=4, choices=Disability.choices)

    audit_person_field = "person"

    class Meta:
        constraints = [models.UniqueConstraint(fields=["person", "code"], name="disability_once")]

    def __str__(self) -> str:
        return self.get_code_display()


class Address(models.Model):
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="addresses")
    line_1 = models.CharField("Address line 1", max_length=120)
    line_2 = models.CharField("Address line 2", max_length=120, blank=True)
    town = models.CharField("Town or city", max_length=80, blank=True)
    postcode = models.CharField(max_length=8)
    start_date = models.DateField("Lived here from", null=True, blank=True)
    end_date = models.DateField("Lived here until", null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    audit_person_field = "person"

    class Meta:
        ordering = ["-start_date", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True)
                | Q(start_date__isnull=True)
                | Q(end_date__gte=models.F("start_date")),
                name="address_ends_after_start",
            )
        ]
        indexes = [models.Index(fields=["postcode"])]

    def __str__(self) -> str:
        return ", ".join(p for p in [self.line_1, self.line_2, self.town, self.postcode] if p)

    @property
    def is_current(self) -> bool:
        return self.end_date is None


class RelationshipType(models.TextChoices):
    PARENT = "parent", "Parent"
    STEP_PARENT = "step_parent", "Step-parent"
    SIBLING = "sibling", "Sibling"
    HALF_SIBLING = "half_sibling", "Half-sibling"
    GRANDPARENT = "grandparent", "Grandparent"
    OTHER_RELATIVE = "other_relative", "Other relative"
    CARER = "carer", "Carer"
    PARTNER_OF_PARENT = "partner_of_parent", "Parent's partner"
    HOUSEHOLD_MEMBER = "household_member", "Household member"
    FRIEND = "friend", "Family friend"


# How a relationship reads from the other side.
RELATIONSHIP_INVERSE = {
    RelationshipType.PARENT: "Child",
    RelationshipType.STEP_PARENT: "Step-child",
    RelationshipType.SIBLING: "Sibling",
    RelationshipType.HALF_SIBLING: "Half-sibling",
    RelationshipType.GRANDPARENT: "Grandchild",
    RelationshipType.OTHER_RELATIVE: "Other relative",
    RelationshipType.CARER: "Cared for",
    RelationshipType.PARTNER_OF_PARENT: "Partner's child",
    RelationshipType.HOUSEHOLD_MEMBER: "Household member",
    RelationshipType.FRIEND: "Family friend",
}


class Relationship(models.Model):
    """``person`` is the ``relationship_type`` of ``relative_of`` (e.g. the mother is PARENT of
    the child)."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="relationships")
    relative_of = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="related_people")
    relationship_type = models.CharField(max_length=30, choices=RelationshipType.choices)
    parental_responsibility = models.BooleanField(default=False)
    start_date = models.DateField(null=True, blank=True)
    end_date = models.DateField(null=True, blank=True)

    audit_person_field = "relative_of"

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=~Q(person=models.F("relative_of")), name="relationship_not_to_self"
            ),
            models.UniqueConstraint(
                fields=["person", "relative_of", "relationship_type"],
                name="relationship_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} is {self.get_relationship_type_display()} of {self.relative_of}"

    @property
    def inverse_label(self) -> str:
        """The relationship read from ``person``'s side (the child of a parent, ...)."""
        return RELATIONSHIP_INVERSE[RelationshipType(self.relationship_type)]


class ProfessionalRole(models.TextChoices):
    SCHOOL = "school", "School"
    GP = "gp", "GP"
    HEALTH_VISITOR = "health_visitor", "Health visitor"
    SCHOOL_NURSE = "school_nurse", "School nurse"
    MIDWIFE = "midwife", "Midwife"
    CAMHS = "camhs", "Child and adolescent mental health"
    POLICE = "police", "Police"
    YOUTH_JUSTICE = "youth_justice", "Youth justice"
    HOUSING = "housing", "Housing"
    OTHER = "other", "Other"


class InvolvedProfessional(models.Model):
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="professionals")
    role = models.CharField(max_length=20, choices=ProfessionalRole.choices)
    name = models.CharField(max_length=120, blank=True)
    organisation = models.CharField(max_length=160)
    phone = models.CharField(max_length=40, blank=True)
    email = models.EmailField(blank=True)
    start_date = models.DateField(null=True, blank=True)
    end_date = models.DateField(null=True, blank=True)

    audit_person_field = "person"

    def __str__(self) -> str:
        return f"{self.get_role_display()}: {self.organisation}"


class Allocation(models.Model):
    """Which team (and worker) holds a child's case, and since when. The history is the rows."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="allocations")
    team = models.ForeignKey("accounts.Team", on_delete=models.PROTECT, related_name="+")
    worker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="allocations",
    )
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)
    allocated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )

    audit_person_field = "person"

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["person"], condition=Q(end_date__isnull=True), name="allocation_one_open"
            ),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="allocation_ends_after_start",
            ),
        ]
        indexes = [
            models.Index(fields=["team"], condition=Q(end_date__isnull=True), name="alloc_team"),
            models.Index(
                fields=["worker"], condition=Q(end_date__isnull=True), name="alloc_worker"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} with {self.team}"


class RestrictedAccess(models.Model):
    """A named user allowed to see a restricted record."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="restricted_to")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    granted_at = models.DateTimeField(auto_now_add=True)

    audit_person_field = "person"

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["person", "user"], name="restricted_access_once")
        ]

    def __str__(self) -> str:
        return f"{self.user} may see {self.person_id}"


class BreakGlassGrant(models.Model):
    """Emergency access to a record the user is not otherwise entitled to."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="break_glass")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    reason = models.TextField()
    granted_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()

    audit_person_field = "person"

    class Meta:
        indexes = [models.Index(fields=["user", "expires_at"])]

    def __str__(self) -> str:
        return f"{self.user} on {self.person_id} until {self.expires_at}"
