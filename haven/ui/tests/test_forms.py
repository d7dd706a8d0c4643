import datetime

import pytest
from django import forms
from django.utils import timezone

from haven.ui.forms import GovukDateField, GovukForm


class ChildForm(GovukForm):
    date_of_birth = GovukDateField(label="Date of birth", must_be_past=True)
    expected_date_of_birth = GovukDateField(
        label="Expected date of birth", required=False, must_be_future=True
    )
    note = forms.CharField(label="Note", required=False)


def _errors(data):
    form = ChildForm(data=data)
    assert not form.is_valid()
    return form.errors


def _parts(day, month, year, name="date_of_birth"):
    return {f"{name}_day": day, f"{name}_month": month, f"{name}_year": year}


def test_three_boxes_make_a_date():
    form = ChildForm(data=_parts("3", "1", "2015"))
    assert form.is_valid(), form.errors
    assert form.cleaned_data["date_of_birth"] == datetime.date(2015, 1, 3)


def test_a_single_iso_date_can_be_posted_instead():
    form = ChildForm(data={"date_of_birth": "2015-03-12"})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["date_of_birth"] == datetime.date(2015, 3, 12)


def test_month_names_are_understood():
    form = ChildForm(data=_parts("12", "Mar", "2015"))
    assert form.is_valid(), form.errors
    assert form.cleaned_data["date_of_birth"] == datetime.date(2015, 3, 12)


def test_empty_required_date_asks_for_it_by_label():
    assert _errors(_parts("", "", ""))["date_of_birth"] == ["Enter the date of birth"]


def test_nothing_posted_at_all_is_also_required():
    assert _errors({})["date_of_birth"] == ["Enter the date of birth"]


def test_missing_month_is_named():
    assert _errors(_parts("12", "", "2015"))["date_of_birth"] == [
        "Date of birth must include a month"
    ]


def test_missing_day_and_year_are_both_named():
    assert _errors(_parts("", "3", ""))["date_of_birth"] == [
        "Date of birth must include a day and year"
    ]


@pytest.mark.parametrize(
    ("day", "month", "year"),
    [("31", "2", "2020"), ("30", "13", "2020"), ("x", "1", "2020"), ("1", "Smarch", "2020")],
)
def test_impossible_dates_must_be_real(day, month, year):
    assert _errors(_parts(day, month, year))["date_of_birth"] == [
        "Date of birth must be a real date"
    ]


def test_two_digit_year_asks_for_four_numbers():
    assert _errors(_parts("12", "3", "15"))["date_of_birth"] == [
        "Date of birth must include a year with 4 numbers"
    ]


def test_date_of_birth_in_the_future_is_refused():
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    data = _parts(str(tomorrow.day), str(tomorrow.month), str(tomorrow.year))
    assert _errors(data)["date_of_birth"] == ["Date of birth must be today or in the past"]


def test_today_is_allowed_when_the_date_must_be_past():
    today = timezone.localdate()
    form = ChildForm(data=_parts(str(today.day), str(today.month), str(today.year)))
    assert form.is_valid(), form.errors


def test_expected_date_must_be_today_or_later():
    data = {**_parts("1", "1", "2015"), **_parts("1", "1", "2000", "expected_date_of_birth")}
    assert _errors(data)["expected_date_of_birth"] == [
        "Expected date of birth must be today or in the future"
    ]


def test_optional_date_left_empty_is_none():
    form = ChildForm(
        data={**_parts("1", "1", "2015"), **_parts("", "", "", "expected_date_of_birth")}
    )
    assert form.is_valid(), form.errors
    assert form.cleaned_data["expected_date_of_birth"] is None


def test_label_beginning_with_their_is_not_given_another_article():
    class RelativeForm(GovukForm):
        dob = GovukDateField(label="Their date of birth")

    form = RelativeForm(data={})
    assert form.errors["dob"] == ["Enter their date of birth"]


def test_unlabelled_date_field_takes_its_label_from_its_name():
    class VisitForm(GovukForm):
        visit_date = GovukDateField()

    assert VisitForm(data={}).errors["visit_date"] == ["Enter the visit date"]


def test_govuk_form_has_no_colon_and_no_required_attribute():
    form = ChildForm()
    html = str(form["note"].label_tag()) + str(form["date_of_birth"])
    assert ":" not in html
    assert "required" not in html
