from django import forms

from haven.accounts.models import Role, User
from haven.care import codes
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
        help_text="XXXXXXX if not regulated by Ofsted",
    )
    weekly_cost = forms.DecimalField(
        label="Weekly cost (£)", max_digits=9, decimal_places=2, required=False, min_value=0
    )
    intended_until_18 = forms.BooleanField(
        label="Intended to last until the child is 18", required=False
    )


class PeriodStartForm(PlacementFields):
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
