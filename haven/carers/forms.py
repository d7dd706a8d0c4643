from django import forms

from haven.carers.models import HomeOperator
from haven.carers.services import MAX_PLACES_HOUSEHOLD
from haven.ui.forms import GovukDateField, GovukForm


class HouseholdForm(GovukForm):
    reference = forms.CharField(
        label="Reference", max_length=20, error_messages={"required": "Enter the reference"}
    )
    name = forms.CharField(
        label="Carers' names",
        max_length=160,
        error_messages={"required": "Enter the carers' names"},
    )
    address = forms.CharField(
        label="Address", max_length=250, error_messages={"required": "Enter the address"}
    )
    postcode = forms.CharField(
        label="Postcode", max_length=10, error_messages={"required": "Enter the postcode"}
    )
    approved_on = GovukDateField(label="Approved on", must_be_past=True, historic=True)
    age_from = forms.IntegerField(
        label="Approved for ages from",
        min_value=0,
        max_value=17,
        error_messages={"required": "Enter the youngest age they are approved for"},
    )
    age_to = forms.IntegerField(
        label="Approved for ages up to",
        min_value=0,
        max_value=18,
        error_messages={"required": "Enter the oldest age they are approved for"},
    )
    places = forms.IntegerField(
        label="Number of places",
        min_value=1,
        max_value=MAX_PLACES_HOUSEHOLD,
        error_messages={"required": "Enter the number of places"},
    )
    connected = forms.BooleanField(
        label="Connected person (family and friends) carers, approved for a named child",
        required=False,
    )
    approved_adopters = forms.BooleanField(label="Also approved as adopters", required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class ApprovalEndForm(GovukForm):
    ended_on = GovukDateField(label="Approval ended on", historic=True)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class HomeForm(GovukForm):
    name = forms.CharField(
        label="Name", max_length=160, error_messages={"required": "Enter the home's name"}
    )
    operator = forms.ChoiceField(
        label="Run by",
        choices=HomeOperator.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose who runs the home",
            "invalid_choice": "Choose who runs the home",
        },
    )
    secure = forms.BooleanField(label="Secure children's home", required=False)
    urn = forms.CharField(
        label="Ofsted URN",
        max_length=10,
        help_text="For example SC123456",
        error_messages={"required": "Enter the home's Ofsted URN"},
    )
    address = forms.CharField(
        label="Address", max_length=250, error_messages={"required": "Enter the address"}
    )
    postcode = forms.CharField(
        label="Postcode", max_length=10, error_messages={"required": "Enter the postcode"}
    )
    places = forms.IntegerField(
        label="Number of places",
        min_value=1,
        max_value=100,
        error_messages={"required": "Enter the number of places"},
    )
    weekly_cost = forms.DecimalField(
        label="Usual weekly cost (£)",
        required=False,
        min_value=0,
        max_digits=9,
        decimal_places=2,
        help_text="For a child's place, in pounds",
    )
    opened_on = GovukDateField(label="Opened on", required=False, historic=True)
    closed_on = GovukDateField(label="Closed on", required=False, historic=True)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
