import datetime
import re
import zoneinfo
from pathlib import Path

import pytest
from django import forms
from django.core.paginator import Paginator
from django.template import engines
from django.test import RequestFactory

from haven.ui.forms import GovukDateField, GovukForm
from haven.ui.templatetags.govuk import govuk_date, nhs_format


def render(source: str, **context) -> str:
    return engines["django"].from_string(source).render(context)


class PersonForm(GovukForm):
    given_names = forms.CharField(label="Given names", max_length=100, help_text="All of them")
    nickname = forms.CharField(label="Known as", required=False)
    date_of_birth = GovukDateField(label="Date of birth", must_be_past=True)
    sex = forms.ChoiceField(
        label="Sex", choices=[("F", "Female"), ("M", "Male")], widget=forms.RadioSelect
    )
    notes = forms.CharField(label="Notes", widget=forms.Textarea, required=False)
    team = forms.ChoiceField(label="Team", choices=[("", "Choose"), ("1", "North")])
    consent = forms.BooleanField(label="They agreed", required=False)
    needs = forms.MultipleChoiceField(
        label="Needs",
        choices=[("a", "Housing"), ("b", "Health")],
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


def _post(**overrides):
    data = {
        "given_names": "Ada",
        "date_of_birth_day": "12",
        "date_of_birth_month": "3",
        "date_of_birth_year": "2015",
        "sex": "F",
        "team": "1",
    }
    data.update(overrides)
    return PersonForm(data=data)


SUMMARY = "{% govuk_error_summary form %}"


def _tag(pattern: str, html: str) -> str:
    match = re.search(pattern, html)
    assert match, pattern
    return match.group(0)


def test_error_summary_is_empty_for_an_unbound_form():
    assert render(SUMMARY, form=PersonForm()).strip() == ""


def test_error_summary_is_empty_for_a_valid_form():
    form = _post()
    assert form.is_valid(), form.errors
    assert render(SUMMARY, form=form).strip() == ""


def test_error_summary_links_each_error_to_its_field():
    html = render(SUMMARY, form=_post(given_names="", sex="", team=""))
    assert "There is a problem" in html
    assert '<a href="#id_given_names">This field is required.</a>' in html
    # Radios link to the first radio button, which is what can take focus.
    assert 'href="#id_sex_0"' in html
    assert 'href="#id_team"' in html


def test_error_summary_links_a_date_to_the_box_at_fault():
    html = render(SUMMARY, form=_post(date_of_birth_day="", date_of_birth_month=""))
    assert '<a href="#id_date_of_birth_day">Date of birth must include a day and month</a>' in html
    html = render(SUMMARY, form=_post(date_of_birth_month=""))
    assert '<a href="#id_date_of_birth_month">Date of birth must include a month</a>' in html
    html = render(SUMMARY, form=_post(date_of_birth_year="15"))
    assert 'href="#id_date_of_birth_year"' in html


def test_error_summary_lists_non_field_errors_without_a_link():
    form = _post()
    assert form.is_valid()
    form.add_error(None, "Someone else changed this record")
    html = render(SUMMARY, form=form)
    assert "<li>Someone else changed this record</li>" in html


def test_error_summary_takes_several_forms_and_skips_none():
    html = render(
        "{% govuk_error_summary form other missing %}",
        form=_post(given_names=""),
        other=_post(team=""),
        missing=None,
    )
    assert html.count("There is a problem") == 1
    assert 'href="#id_given_names"' in html
    assert 'href="#id_team"' in html


def test_text_field_shows_label_hint_error_and_keeps_what_was_typed():
    form = _post(given_names="A" * 101)
    html = render(
        '{% govuk_field form.given_names classes="govuk-input--width-20" autocomplete="given-name" spellcheck=False %}',
        form=form,
    )
    assert "govuk-form-group--error" in html
    assert '<label class="govuk-label" for="id_given_names">Given names</label>' in html
    assert '<div id="id_given_names-hint" class="govuk-hint">All of them</div>' in html
    assert '<span class="govuk-visually-hidden">Error:</span> Ensure this value has' in html
    assert 'value="' + "A" * 101 + '"' in html
    assert re.search(r'class="govuk-input govuk-input--error govuk-input--width-20"', html)
    assert 'aria-describedby="id_given_names-hint id_given_names-error"' in html
    assert 'autocomplete="given-name"' in html
    assert 'spellcheck="false"' in html
    assert "(optional)" not in html
    assert "_helptext" not in html


def test_optional_field_says_so_and_required_one_has_no_asterisk():
    html = render(
        "{% govuk_field form.nickname %}{% govuk_field form.given_names %}", form=PersonForm()
    )
    assert ">Known as (optional)</label>" in html
    assert "*" not in html
    assert "required" not in html


def test_hint_can_be_given_in_the_template_and_heading_wraps_the_label():
    html = render(
        '{% govuk_field form.given_names hint="As on the birth certificate" heading=True %}',
        form=PersonForm(),
    )
    assert "As on the birth certificate" in html
    assert "All of them" not in html
    assert '<h1 class="govuk-label-wrapper"><label class="govuk-label govuk-label--l"' in html


def test_date_field_is_a_fieldset_of_three_boxes_that_keep_their_values():
    form = _post(date_of_birth_day="31", date_of_birth_month="2", date_of_birth_year="2020")
    html = render("{% govuk_field form.date_of_birth %}", form=form)
    assert (
        '<fieldset class="govuk-fieldset" role="group" aria-describedby="id_date_of_birth-error">'
        in html
    )
    assert "Date of birth must be a real date" in html
    day = _tag(r'<input [^>]*id="id_date_of_birth_day"[^>]*>', html)
    month = _tag(r'<input [^>]*id="id_date_of_birth_month"[^>]*>', html)
    assert 'value="31"' in day and "govuk-input--error" in day
    assert 'value="2"' in month and "govuk-input--error" not in month
    assert 'name="date_of_birth_year"' in html


def test_date_field_is_filled_from_an_initial_date():
    form = PersonForm(initial={"date_of_birth": datetime.date(2015, 3, 12)})
    html = render('{% govuk_field form.date_of_birth autocomplete="bday" %}', form=form)
    assert re.search(r'id="id_date_of_birth_month" name="date_of_birth_month"[^>]*value="3"', html)
    assert 'value="2015"' in html
    assert 'autocomplete="bday-day"' in html


def test_radios_are_a_fieldset_that_keeps_the_choice_and_can_be_inline():
    html = render("{% govuk_field form.sex inline=True %}", form=_post(sex="M", team=""))
    assert "<legend" in html and "Sex" in html
    assert "govuk-radios--inline" in html
    assert re.search(
        r'<input class="govuk-radios__input" id="id_sex_1" name="sex" type="radio" value="M" checked>',
        html,
    )
    assert 'value="F" checked' not in html


def test_select_textarea_checkbox_checkboxes_and_hidden_use_their_components():
    form = _post(notes="Seen at school", consent="on", needs=["b"], version="3")
    html = render(
        "{% govuk_field form.team %}{% govuk_field form.notes %}{% govuk_field form.consent %}"
        "{% govuk_field form.needs %}{% govuk_field form.version %}",
        form=form,
    )
    assert 'class="govuk-select"' in html
    assert '<option value="1" selected>North</option>' in html
    assert 'class="govuk-textarea"' in html and "Seen at school</textarea>" in html
    assert re.search(r'<input type="checkbox" name="consent"[^>]*checked', html)
    assert "They agreed (optional)" not in html
    assert re.search(r'id="id_needs_1" name="needs" type="checkbox" value="b" checked', html)
    assert '<input type="hidden" name="version" value="3"' in html


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (datetime.date(2027, 1, 3), "3 January 2027"),
        (None, ""),
        # 14:05 UTC in July is 3:05pm in London (British Summer Time).
        (datetime.datetime(2027, 7, 3, 14, 5, tzinfo=datetime.UTC), "3 July 2027 at 3:05pm"),
        (datetime.datetime(2027, 1, 3, 14, 5, tzinfo=datetime.UTC), "3 January 2027 at 2:05pm"),
        (
            datetime.datetime(2027, 1, 3, 12, 0, tzinfo=zoneinfo.ZoneInfo("Europe/London")),
            "3 January 2027 at midday",
        ),
        (datetime.datetime(2027, 1, 3, 9, 30, tzinfo=datetime.UTC), "3 January 2027 at 9:30am"),
    ],
)
def test_govuk_date(value, expected):
    assert govuk_date(value) == expected


def test_nhs_format():
    assert nhs_format("9434765919") == "943 476 5919"
    assert nhs_format("") == ""
    assert render("{{ n|nhs_format }}", n="943 476 5919") == "943 476 5919"


def test_pagination_keeps_the_search_and_marks_the_current_page():
    request = RequestFactory().get("/people/search/", {"q": "smith", "page": "3"})
    page = Paginator(list(range(100)), 10).page(3)
    html = render('{% include "ui/pagination.html" %}', page_obj=page, request=request)
    assert 'href="?q=smith&amp;page=2" rel="prev"' in html
    assert 'href="?q=smith&amp;page=4" rel="next"' in html
    assert re.search(r'aria-label="Page 3" aria-current="page">3<', html)
    assert "&ctdot;" in html


def test_pagination_is_not_shown_for_one_page():
    page = Paginator([1, 2], 10).page(1)
    assert render('{% include "ui/pagination.html" %}', page_obj=page).strip() == ""


STATIC = Path(__file__).resolve().parents[1] / "static" / "haven"


def test_stylesheet_uses_only_haven_static_files_and_no_gds_transport():
    css = (STATIC / "haven.css").read_text()
    assert ".govuk-generic-header" in css and ".moj-identity-bar" in css
    assert "GDS Transport" not in css
    assert "@font-face" not in css
    urls = re.findall(r"url\(([^)]*)\)", css)
    for url in urls:
        url = url.strip("'\"")
        assert not re.match(r"^(https?:)?//", url), url
        assert url.startswith("/static/haven/"), url
        assert (STATIC / url.removeprefix("/static/haven/")).exists(), url


def test_javascript_is_served_locally():
    for name in ("haven.js", "govuk-frontend.min.js", "moj-frontend.min.js", "htmx.min.js"):
        assert (STATIC / name).exists(), name
    assert "initAll" in (STATIC / "haven.js").read_text()


# --------------------------------------------------------------------------------------------
# Components


def test_long_date_is_the_one_formatter_for_dates_in_words():
    from haven.core.dates import long_date

    assert long_date(datetime.date(2024, 3, 1)) == "1 March 2024"
    moment = datetime.datetime(2027, 1, 3, 14, 5, tzinfo=datetime.UTC)
    assert long_date(moment) == govuk_date(moment) == "3 January 2027 at 2:05pm"


def test_summary_row_renders_key_and_escaped_value():
    html = render('{% summary_row "Name" %}{{ name }}{% endsummary_row %}', name="<b>Amy</b> & Jo")
    assert html == (
        '<div class="govuk-summary-list__row"><dt class="govuk-summary-list__key">Name</dt>'
        '<dd class="govuk-summary-list__value">&lt;b&gt;Amy&lt;/b&gt; &amp; Jo</dd></div>'
    )


def test_summary_row_with_a_change_link_and_a_linked_key():
    html = render(
        '{% summary_row key action_href="/change/" action_hidden=" allocation" %}'
        "Team{% endsummary_row %}",
        key="Allocated <to>",
    )
    assert '<dt class="govuk-summary-list__key">Allocated &lt;to&gt;</dt>' in html
    assert (
        '<dd class="govuk-summary-list__actions"><a class="govuk-link" href="/change/">Change'
        '<span class="govuk-visually-hidden"> allocation</span></a></dd></div>'
    ) in html
    linked = render(
        '{% summary_row "Child 7" key_href="/people/7/" role="status" %}x{% endsummary_row %}'
    )
    assert (
        '<dt class="govuk-summary-list__key"><a class="govuk-link" href="/people/7/">Child 7</a>'
        in linked
    )
    assert '<dd class="govuk-summary-list__value" role="status">x</dd>' in linked


def test_summary_row_without_an_action_href_has_no_actions():
    html = render('{% summary_row "Sex" action_href=missing %}Male{% endsummary_row %}')
    assert "govuk-summary-list__actions" not in html


class _Errors:
    def __init__(self, errors):
        self.errors = errors


def test_details_open_only_when_its_form_has_errors():
    source = (
        '{% govuk_details "End the plan" form=form %}<form>{{ x }}</form>{% endgovuk_details %}'
    )
    closed = render(source, form=_Errors({}), x="<i>")
    assert closed == (
        '<details class="govuk-details"><summary class="govuk-details__summary">'
        '<span class="govuk-details__summary-text">End the plan</span></summary>'
        '<div class="govuk-details__text"><form>&lt;i&gt;</form></div></details>'
    )
    opened = render(source, form=_Errors({"end_date": ["Enter a date"]}), x="")
    assert opened.startswith('<details class="govuk-details" open>')
    assert render(
        '{% govuk_details "Add" open=flag %}x{% endgovuk_details %}', flag=True
    ).startswith('<details class="govuk-details" open>')


def test_table_has_caption_headers_and_the_block_as_body():
    html = render(
        '{% govuk_table "Worker" "Children" owner caption="Caseloads" numeric="Children" '
        'testid="caseloads" %}<tr class="govuk-table__row"></tr>{% endgovuk_table %}',
        owner="",
    )
    assert html == (
        '<table class="govuk-table" data-testid="caseloads">'
        '<caption class="govuk-table__caption govuk-visually-hidden">Caseloads</caption>'
        '<thead class="govuk-table__head"><tr class="govuk-table__row">'
        '<th scope="col" class="govuk-table__header">Worker</th>'
        '<th scope="col" class="govuk-table__header govuk-table__header--numeric">Children</th>'
        '</tr></thead><tbody class="govuk-table__body"><tr class="govuk-table__row"></tr>'
        "</tbody></table>"
    )
    visible = render(
        '{% govuk_table h caption="Years" caption_classes="govuk-table__caption--m" %}'
        "{% endgovuk_table %}",
        h="<Year>",
    )
    assert (
        '<caption class="govuk-table__caption govuk-table__caption--m">Years</caption>' in visible
    )
    assert '<th scope="col" class="govuk-table__header">&lt;Year&gt;</th>' in visible


def test_tag_with_and_without_colour_and_status_colours():
    assert render('{% govuk_tag "Overdue" "red" %}') == (
        '<strong class="govuk-tag govuk-tag--red">Overdue</strong>'
    )
    assert render("{% govuk_tag text %}", text="<New>") == (
        '<strong class="govuk-tag">&lt;New&gt;</strong>'
    )
    source = '{% govuk_tag label status|pick:"authorised=green,submitted=yellow" testid="s" %}'
    assert render(source, label="Submitted", status="submitted") == (
        '<strong class="govuk-tag govuk-tag--yellow" data-testid="s">Submitted</strong>'
    )
    assert 'class="govuk-tag"' in render(source, label="Open", status="open")
