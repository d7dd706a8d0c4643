from typing import Any

from django import forms

from haven.accounts.models import Role, User
from haven.care import codes
from haven.care.codes import Participation, PermanencePlan
from haven.carers.models import ChildrensHome, FosteringHousehold
from haven.ui.forms import GovukDateField, GovukForm


def _choice(
    label: str, choices: list[tuple[str, str]], message: str, **kwargs: object
) -> forms.ChoiceField:
    return forms.ChoiceField(
        label=label,
        choices=[("", message), *((code, f"{code}: {text}") for code, text in choices)],
        error_messages={"required": message},
        **kwargs,  # type: ignore[arg-type]
    )


class PlacementFields(GovukForm):
    """Where the child is placed, and with whom."""

    required_in_some_cases: tuple[str, ...] = ("provider", "carer_name")

    place = _choice("Placement type", codes.PlacementType.choices, "Choose the placement type")
    household = forms.ModelChoiceField(
        label="In-house foster carers",
        queryset=FosteringHousehold.objects.filter(approval_ended_on__isnull=True),
        required=False,
        help_text="The council's own approved foster carers",
    )
    home = forms.ModelChoiceField(
        label="Children's home",
        queryset=ChildrensHome.objects.filter(closed_on__isnull=True),
        required=False,
    )
    carer_name = forms.CharField(
        label="Carer or setting",
        max_length=160,
        required=False,
        help_text="Who the child lives with, when not one of the council's carers or homes (an agency carer, parents, a relative)",
    )
    provider = _choice(
        "Placement provider",
        codes.PlacementProvider.choices,
        "Choose who provides the placement",
        required=False,
    )
    address = forms.CharField(label="Address", max_length=250, required=False)
    postcode = forms.CharField(label="Postcode", max_length=8, required=False)
    urn = forms.CharField(
        label="Ofsted URN",
        max_length=8,
        required=False,
        help_text=(
            "Of the placement or its provider, or XXXXXXX if not registered with Ofsted. "
            "Not needed when placed with parents, in a temporary or other placement, or in a "
            "children's home chosen above"
        ),
    )
    weekly_cost = forms.DecimalField(
        label="Weekly cost (£)", max_digits=9, decimal_places=2, required=False, min_value=0
    )
    intended_until_18 = forms.BooleanField(
        label="Intended to last until the child is 18", required=False
    )


class PreviousPermanenceForm(GovukForm):
    """Whether the child had a permanence order before this period of care (SSDA903 PrevPerm)."""

    required_in_some_cases = ("previous_permanence_la", "previous_permanence_on")

    previous_permanence = _choice(
        "Previous permanence order",
        codes.PreviousPermanence.choices,
        "Choose whether the child had a previous permanence order",
    )
    previous_permanence_la = forms.CharField(
        label="Council that made the order",
        max_length=80,
        required=False,
        help_text="For an adoption, special guardianship or child arrangements order",
    )
    previous_permanence_on = forms.CharField(
        label="Date of the order",
        max_length=10,
        required=False,
        help_text="dd/mm/yyyy; zz for a day or month not known, for example zz/05/2019",
    )


class PeriodStartForm(PlacementFields):
    required_in_some_cases = (
        *PlacementFields.required_in_some_cases,
        "previous_permanence_la",
        "previous_permanence_on",
    )

    start_date = GovukDateField(label="Date became looked after", must_be_past=True)
    legal_status = _choice("Legal status", codes.LegalStatus.choices, "Choose the legal status")
    category_of_need = _choice(
        "Category of need", codes.CategoryOfNeed.choices, "Choose the category of need"
    )
    home_postcode = forms.CharField(
        label="Home postcode",
        max_length=8,
        required=False,
        help_text="Where the child lived before: distances are measured from here. Left empty, the child's current address is used",
    )
    previous_permanence = PreviousPermanenceForm.base_fields["previous_permanence"]
    previous_permanence_la = PreviousPermanenceForm.base_fields["previous_permanence_la"]
    previous_permanence_on = PreviousPermanenceForm.base_fields["previous_permanence_on"]


class LegalStatusForm(GovukForm):
    code = _choice("New legal status", codes.LegalStatus.choices, "Choose the legal status")
    start_date = GovukDateField(label="Legal status from", must_be_past=True)


class MoveForm(PlacementFields):
    start_date = GovukDateField(label="Date of the move", must_be_past=True)
    change_reason = _choice(
        "Reason for the move", codes.ReasonPlaceChange.choices, "Choose the reason for the move"
    )


class EndForm(GovukForm):
    end_date = GovukDateField(label="Date ceased to be looked after", must_be_past=True)
    reason = _choice(
        "Reason ceased to be looked after",
        codes.PERIOD_END_REASONS,
        "Choose why the child ceased to be looked after",
    )


class LegalStatusCorrectForm(LegalStatusForm):
    code = _choice("Legal status", codes.LegalStatus.choices, "Choose the legal status")


class PlacementCorrectForm(PlacementFields):
    required_in_some_cases = ("provider", "carer_name", "change_reason")

    version = forms.IntegerField(widget=forms.HiddenInput)
    start_date = GovukDateField(label="Placement start date", must_be_past=True)
    change_reason = _choice(
        "Reason for the move that ended it",
        codes.ReasonPlaceChange.choices,
        "Choose the reason for the move",
        required=False,
    )


class IROForm(GovukForm):
    iro = forms.ModelChoiceField(
        label="Independent reviewing officer",
        queryset=User.objects.filter(role=Role.REVIEWING_OFFICER, is_active=True),
        error_messages={"required": "Choose the independent reviewing officer"},
    )


class ConfirmForm(GovukForm):
    """A button with nothing to fill in (removing a legal status recorded by mistake)."""


# -- The statutory work of a period: care and placement plans, visits, reviews ------------------


class CarePlanForm(GovukForm):
    agreed_on = GovukDateField(label="Date the care plan was agreed", must_be_past=True)
    permanence_plan = forms.ChoiceField(
        label="Permanence plan",
        choices=PermanencePlan.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the permanence plan"},
    )
    summary = forms.CharField(
        label="The plan",
        help_text="How the child's needs will be met, and the plan for their permanence",
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Enter what the plan is"},
    )


class PlacementPlanForm(GovukForm):
    agreed_on = GovukDateField(label="Date the placement plan was agreed", must_be_past=True)


class CareVisitForm(GovukForm):
    visited_on = GovukDateField(label="Date of the visit", must_be_past=True)
    child_seen = forms.TypedChoiceField(
        label="Was the child seen?",
        choices=[("yes", "Yes"), ("no", "No")],
        widget=forms.RadioSelect,
        coerce=lambda v: v == "yes",
        error_messages={"required": "Say whether the child was seen"},
    )
    seen_alone = forms.BooleanField(label="Seen alone", required=False)
    notes = forms.CharField(
        label="Notes",
        help_text="Saved as the visit's case note on the child's record",
        required=False,
        max_length=50000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    child_said = forms.CharField(
        label="What the child said",
        help_text="In the child's own words",
        required=False,
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class CareReviewForm(GovukForm):
    held_on = GovukDateField(label="Date of the review", must_be_past=True)
    participation = forms.ChoiceField(
        label="How the child took part",
        choices=Participation.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose how the child took part"},
    )
    summary = forms.CharField(
        label="What the review found",
        required=False,
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


def _owners(person_id: int | None) -> Any:
    """Whom a recommendation can be for: the workers and managers of the team holding the
    child's case (the service checks again that its owner may see the child)."""
    from django.db.models import Q

    from haven.people.models import Allocation

    held = Allocation.objects.filter(person_id=person_id or 0, end_date__isnull=True)
    return (
        User.objects.filter(is_active=True, role__in=[Role.PRACTITIONER, Role.TEAM_MANAGER])
        .filter(Q(memberships__team__in=held.values("team")) | Q(pk__in=held.values("worker")))
        .distinct()
        .order_by("first_name", "last_name", "pk")
    )


class _OwnerField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return obj.display_name


class RecommendationForm(GovukForm):
    text = forms.CharField(
        label="Recommendation",
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "Enter the recommendation"},
    )
    owner = _OwnerField(
        label="Who will do it",
        queryset=User.objects.none(),
        empty_label="Choose who will do it",
        error_messages={"required": "Choose who will do it"},
    )
    due_date = GovukDateField(label="By when")

    def __init__(self, *args: Any, person_id: int | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = _owners(person_id)  # type: ignore[attr-defined]


class RecommendationDoneForm(GovukForm):
    done_on = GovukDateField(label="Date it was done", must_be_past=True)
