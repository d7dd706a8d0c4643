from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import Q

from haven.accounts.models import Role, Team, TeamKind
from haven.ui.forms import GovukForm

_ACTIVE_CHOICES = [("", "Active and disabled"), ("active", "Active"), ("disabled", "Disabled")]


class UserFilterForm(GovukForm):
    name = forms.CharField(label="Name or username", max_length=150, required=False)
    team = forms.ModelChoiceField(
        label="Team", queryset=Team.objects.all(), required=False, empty_label="All teams"
    )
    role = forms.ChoiceField(
        label="Role", choices=[("", "All roles"), *Role.choices], required=False
    )
    active = forms.ChoiceField(label="Status", choices=_ACTIVE_CHOICES, required=False)


class _TeamsField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return obj.name if obj.is_active else f"{obj.name} (no longer active)"


class UserForm(GovukForm):
    first_name = forms.CharField(
        label="First name", max_length=150, error_messages={"required": "Enter the first name"}
    )
    last_name = forms.CharField(
        label="Last name", max_length=150, error_messages={"required": "Enter the last name"}
    )
    username = forms.RegexField(
        label="Username",
        max_length=150,
        regex=r"^[\w.@+-]+$",
        help_text="What they type to sign in: letters, numbers and . @ + - _ only",
        error_messages={
            "required": "Enter a username",
            "invalid": "Username can only have letters, numbers and . @ + - _",
        },
    )
    email = forms.EmailField(
        label="Email address",
        required=False,
        error_messages={"invalid": "Enter an email address like name@example.gov.uk"},
    )
    job_title = forms.CharField(label="Job title", max_length=120, required=False)
    role = forms.ChoiceField(
        label="Role",
        choices=Role.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose a role", "invalid_choice": "Choose a role"},
    )
    teams = _TeamsField(
        label="Teams",
        queryset=Team.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": "Choose teams from the list"},
    )
    version = forms.IntegerField(
        widget=forms.HiddenInput, error_messages={"required": "Reload the page and try again"}
    )

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        teams: Any = self.fields["teams"]
        held = [] if user is None else [t.pk for t in user.teams.all()]
        # Teams no longer active are offered only to those already in them.
        teams.queryset = Team.objects.filter(Q(is_active=True) | Q(pk__in=held)).order_by("name")


class NewUserForm(UserForm):
    password = forms.CharField(
        label="Password to give them",
        required=False,
        strip=False,
        max_length=128,
        help_text="Leave this empty and Haven will make one up. Either way, they must choose "
        "their own when they first sign in.",
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        del self.fields["version"]


class VersionForm(GovukForm):
    """An action on a record with nothing to fill in but the version it was shown at."""

    version = forms.IntegerField(
        widget=forms.HiddenInput, error_messages={"required": "Reload the page and try again"}
    )


class PasswordResetForm(VersionForm):
    password = forms.CharField(
        label="New password to give them",
        required=False,
        strip=False,
        max_length=128,
        help_text="Leave this empty and Haven will make one up.",
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )


class TeamForm(GovukForm):
    name = forms.CharField(
        label="Name", max_length=120, error_messages={"required": "Enter the team's name"}
    )
    kind = forms.ChoiceField(
        label="Kind of team",
        choices=TeamKind.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose the kind of team",
            "invalid_choice": "Choose the kind of team",
        },
    )
    area = forms.CharField(label="District or locality", max_length=80, required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
