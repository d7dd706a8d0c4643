from __future__ import annotations

from typing import Any, cast

from django import forms

from haven.accounts.models import Team, User
from haven.people.models import (
    Disability,
    Ethnicity,
    NameType,
    ProfessionalRole,
    RelationshipType,
    Sex,
)
from haven.people.validators import validate_nhs_number, validate_postcode, validate_upn
from haven.ui.forms import GovukDateField, GovukForm


def _choices(choices: Any, blank: str | None = None) -> list[tuple[str, str]]:
    items = [(value, label) for value, label in choices]
    return [("", blank), *items] if blank is not None else items


class PersonDetailsForm(GovukForm):
    given_names = forms.CharField(
        label="Given names", max_length=100, error_messages={"required": "Enter the given names"}
    )
    family_name = forms.CharField(
        label="Family name", max_length=100, error_messages={"required": "Enter the family name"}
    )
    date_of_birth = GovukDateField(
        label="Date of birth",
        historic=True,
        required=False,
        must_be_past=True,
        help_text="For example, 27 3 2015. Leave blank for an unborn child",
    )
    expected_date_of_birth = GovukDateField(
        label="Expected date of birth",
        required=False,
        must_be_future=True,
        help_text="Only for an unborn child",
    )
    sex = forms.ChoiceField(
        label="Sex",
        choices=Sex.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the sex"},
    )
    gender_identity = forms.CharField(
        label="Gender identity",
        max_length=60,
        required=False,
        help_text="In the child's own words, if they have said",
    )
    ethnicity = forms.ChoiceField(
        label="Ethnicity", choices=Ethnicity.choices, initial=Ethnicity.NOBT
    )
    first_language = forms.CharField(label="First language", max_length=60, required=False)
    religion = forms.CharField(label="Religion", max_length=60, required=False)
    nhs_number = forms.CharField(
        label="NHS number",
        max_length=14,
        required=False,
        help_text="10 digits, for example 943 476 5919",
        validators=[validate_nhs_number],
    )
    upn = forms.CharField(
        label="Unique pupil number (UPN)",
        max_length=15,
        required=False,
        help_text="13 characters, starting with a letter",
        validators=[validate_upn],
    )
    disabilities = forms.MultipleChoiceField(
        label="Disabilities",
        choices=Disability.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )


class PersonCreateForm(PersonDetailsForm):
    """Adding a child's record directly (not from a contact) needs their date of birth."""

    required_in_some_cases = ("date_of_birth", "expected_date_of_birth")

    address_line_1 = forms.CharField(label="Address line 1", max_length=120, required=False)
    address_line_2 = forms.CharField(label="Address line 2", max_length=120, required=False)
    address_town = forms.CharField(label="Town or city", max_length=80, required=False)
    address_postcode = forms.CharField(
        label="Postcode", max_length=10, required=False, validators=[validate_postcode]
    )
    team = forms.ModelChoiceField(
        label="Allocate to team", queryset=Team.objects.none(), empty_label=None
    )
    confirm_not_duplicate = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, teams: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        team_field = cast(forms.ModelChoiceField, self.fields["team"])
        team_field.queryset = teams if teams is not None else Team.objects.none()

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if (
            not data.get("date_of_birth")
            and not data.get("expected_date_of_birth")
            and "date_of_birth" not in self.errors
            and "expected_date_of_birth" not in self.errors
        ):
            self.add_error(
                "date_of_birth", "Enter the date of birth, or the expected date of birth if unborn"
            )
        parts = [data.get("address_line_1"), data.get("address_postcode")]
        if any(parts) and not all(parts):
            if not data.get("address_line_1"):
                self.add_error("address_line_1", "Enter the first line of the address")
            else:
                self.add_error("address_postcode", "Enter the postcode")
        return data


class PersonEditForm(PersonDetailsForm):
    date_of_death = GovukDateField(
        label="Date of death", required=False, must_be_past=True, historic=True
    )
    version = forms.IntegerField(widget=forms.HiddenInput)


class AddressForm(GovukForm):
    line_1 = forms.CharField(
        label="Address line 1",
        max_length=120,
        error_messages={"required": "Enter the first line of the address"},
    )
    line_2 = forms.CharField(label="Address line 2", max_length=120, required=False)
    town = forms.CharField(label="Town or city", max_length=80, required=False)
    postcode = forms.CharField(
        label="Postcode",
        max_length=10,
        error_messages={"required": "Enter the postcode"},
        validators=[validate_postcode],
    )
    start_date = GovukDateField(
        historic=True,
        label="Date they moved in",
        required=False,
        must_be_past=True,
        help_text="Leave blank if today",
    )


class NameForm(GovukForm):
    name_type = forms.ChoiceField(
        label="Type of name",
        widget=forms.RadioSelect,
        choices=[c for c in NameType.choices if c[0] != NameType.PRIMARY],
    )
    given_names = forms.CharField(label="Given names", max_length=100, required=False)
    family_name = forms.CharField(label="Family name", max_length=100, required=False)


class RelationshipForm(GovukForm):
    required_in_some_cases = ("given_names", "family_name")  # unless an existing person
    relationship_type = forms.ChoiceField(
        label="How are they related to the child?",
        choices=_choices(RelationshipType.choices, "Choose a relationship"),
        error_messages={"required": "Choose how they are related to the child"},
    )
    existing_person = forms.IntegerField(
        label="Haven ID of an existing person",
        required=False,
        help_text="Find them with search first; leave blank to add someone new",
    )
    given_names = forms.CharField(label="Given names", max_length=100, required=False)
    family_name = forms.CharField(label="Family name", max_length=100, required=False)
    date_of_birth = GovukDateField(
        label="Their date of birth", required=False, must_be_past=True, historic=True
    )
    sex = forms.ChoiceField(
        label="Sex",
        choices=Sex.choices,
        initial=Sex.UNKNOWN,
        widget=forms.RadioSelect,
        required=False,
    )
    parental_responsibility = forms.BooleanField(
        label="Has parental responsibility", required=False
    )
    link_reason = forms.CharField(
        label="Why are you linking this person? (only if they are not in a record you hold)",
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Linking someone from outside your cases opens their record to you: the reason "
        "is recorded and your managers and the team holding them are told",
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("existing_person"):
            if not data.get("given_names"):
                self.add_error(
                    "given_names", "Enter their given names, or the Haven ID of an existing person"
                )
            if not data.get("family_name"):
                self.add_error("family_name", "Enter their family name")
        return data


class ProfessionalForm(GovukForm):
    role = forms.ChoiceField(
        label="Role",
        choices=_choices(ProfessionalRole.choices, "Choose a role"),
        error_messages={"required": "Choose the professional's role"},
    )
    organisation = forms.CharField(
        label="Organisation",
        max_length=160,
        error_messages={"required": "Enter the organisation"},
        help_text="For example, the school or GP practice",
    )
    name = forms.CharField(label="Name", max_length=120, required=False)
    phone = forms.CharField(label="Phone", max_length=40, required=False)
    email = forms.EmailField(
        label="Email",
        required=False,
        error_messages={"invalid": "Enter an email address like name@example.org"},
    )


class AllocationForm(GovukForm):
    team = forms.ModelChoiceField(
        label="Team",
        queryset=Team.objects.filter(is_active=True),
        error_messages={"required": "Choose a team"},
    )
    worker = forms.ModelChoiceField(
        label="Worker",
        queryset=User.objects.none(),
        required=False,
        empty_label="Team (no named worker)",
        error_messages={"invalid_choice": "Choose a worker from the list"},
    )

    def __init__(self, *args: Any, current_team: Team | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from haven.people.selectors import case_holders

        # Only the current team's workers who can hold cases: moving the case to another
        # team is done first, then a worker there is chosen.
        self.fields["worker"].queryset = case_holders(team=current_team)  # type: ignore[attr-defined]
        if current_team is not None:
            self.fields["team"].initial = current_team.pk
            self.fields["worker"].help_text = (
                f"Workers in {current_team} who can hold cases. To give the case to another "
                "team, choose that team with no named worker first."
            )


class BreakGlassForm(GovukForm):
    reason = forms.CharField(
        label="Why do you need to see this record now?",
        help_text="Your reason, and every page you view, is recorded and your manager is told",
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Explain why you need to see this record"},
    )


class MergeForm(GovukForm):
    duplicate = forms.IntegerField(
        label="Haven ID of the duplicate record",
        error_messages={"required": "Enter the Haven ID of the duplicate"},
    )
    confirm = forms.BooleanField(required=False, widget=forms.HiddenInput)


class RestrictForm(GovukForm):
    named_users = forms.ModelMultipleChoiceField(
        label="Who may see this record",
        queryset=User.objects.filter(is_active=True),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text="You will always be one of them. Nobody else will find it in search or lists.",
    )
