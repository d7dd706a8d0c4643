"""GOV.UK Frontend components for Django forms, and a few filters.

Registered as a template builtin (settings.TEMPLATES), so templates use these without
``{% load %}``:

    {% govuk_error_summary form other_form %}
    {% govuk_field form.name classes="govuk-input--width-10" label_classes="govuk-label--l"
                   heading=True hint="For example, ..." inline=True autocomplete="off"
                   spellcheck=False %}
    {% summary_row "Sex" %}{{ person.get_sex_display }}{% endsummary_row %}
    {% govuk_details "End the plan" form=plan.end_form %}<form ...>{% endgovuk_details %}
    {% govuk_table "Address" "From" caption="Address history" %}<tr ...>{% endgovuk_table %}
    {% govuk_tag "Overdue" "red" %}
    {{ some_date|govuk_date }}     3 January 2027, or 3 January 2027 at 2:05pm
    {{ person.nhs_number|nhs_format }}   943 476 5919
"""

from __future__ import annotations

import datetime
from typing import Any

from django import forms, template
from django.conf import settings
from django.forms.boundfield import BoundField
from django.template.loader import render_to_string
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

from haven.core.dates import long_date
from haven.ui.forms import DATE_PARTS, GovukDateField, GovukDateWidget, date_parts

register = template.Library()

_TEXT_INPUTS = (
    forms.TextInput,
    forms.EmailInput,
    forms.NumberInput,
    forms.PasswordInput,
    forms.URLInput,
)
_NOT_SET = object()


# --------------------------------------------------------------------------------------------
# Which GOV.UK component a field becomes, and where its error summary link goes


def _kind(bound: BoundField) -> str:
    widget = bound.field.widget
    if isinstance(widget, GovukDateWidget) or isinstance(bound.field, GovukDateField):
        return "date"
    if isinstance(widget, forms.HiddenInput | forms.MultipleHiddenInput):
        return "hidden"
    if isinstance(widget, forms.CheckboxSelectMultiple):
        return "checkboxes"
    if isinstance(widget, forms.RadioSelect):
        return "radios"
    if isinstance(widget, forms.CheckboxInput):
        return "checkbox"
    if isinstance(widget, forms.Textarea):
        return "textarea"
    if isinstance(widget, forms.Select):
        return "select"
    return "input"


def _error_parts(bound: BoundField) -> list[str]:
    """The boxes of a date field that its first error is about (all three if it does not say)."""
    errors = bound.form.errors.as_data().get(bound.name, [])
    for error in errors:
        params = getattr(error, "params", None) or {}
        parts = params.get("parts") if isinstance(params, dict) else None
        if parts:
            return [p for p in DATE_PARTS if p in parts]
    return list(DATE_PARTS)


def _anchor_id(bound: BoundField) -> str:
    """The id of the control that an error summary link should move focus to."""
    kind = _kind(bound)
    auto_id = bound.auto_id or bound.html_name
    if kind == "date":
        return f"{auto_id}_{_error_parts(bound)[0]}"
    if kind in ("radios", "checkboxes"):
        subwidgets = bound.subwidgets
        if subwidgets:
            return subwidgets[0].data["attrs"].get("id") or auto_id
    return bound.id_for_label or auto_id


# --------------------------------------------------------------------------------------------
# Error summary


@register.simple_tag
def govuk_error_summary(*forms_: Any) -> SafeString:
    """ "There is a problem", listing every error of the given forms, each linked to its field.

    Renders nothing for forms that are unbound or valid; ``None`` arguments are skipped.
    """
    items: list[dict[str, str]] = []
    for form in forms_:
        if form is None or not getattr(form, "is_bound", False) or not form.errors:
            continue
        for message in form.non_field_errors():
            items.append({"text": message, "href": ""})
        for bound in form:
            if not bound.errors:
                continue
            href = "" if _kind(bound) == "hidden" else f"#{_anchor_id(bound)}"
            for message in bound.errors:
                items.append({"text": message, "href": href})
    if not items:
        return mark_safe("")
    return render_to_string("ui/components/error_summary.html", {"items": items})


# --------------------------------------------------------------------------------------------
# Fields


def _attrs_string(attrs: dict[str, Any]) -> SafeString:
    parts = []
    for key, value in attrs.items():
        if value is None or value is False:
            continue
        if value is True:
            parts.append(format_html(" {}", key))
        else:
            parts.append(format_html(' {}="{}"', key, value))
    return mark_safe("".join(parts))


def _legend_classes(label_classes: str) -> str:
    return label_classes.replace("govuk-label--", "govuk-fieldset__legend--")


@register.simple_tag
def govuk_field(
    bound: BoundField,
    *,
    classes: str = "",
    label_classes: str = "",
    heading: bool = False,
    hint: Any = _NOT_SET,
    inline: bool = False,
    autocomplete: str | None = None,
    spellcheck: bool | None = None,
) -> SafeString:
    """One form field as the GOV.UK component that fits its widget."""
    if not isinstance(bound, BoundField):
        raise template.TemplateSyntaxError(
            f"govuk_field expects a bound field such as form.name, not {bound!r}"
        )
    kind = _kind(bound)
    if kind == "hidden":
        return bound.as_widget()

    field_id = bound.auto_id or bound.html_name
    errors = list(bound.errors)
    hint_text = bound.help_text if hint is _NOT_SET else hint
    hint_id = f"{field_id}-hint" if hint_text else ""
    error_id = f"{field_id}-error" if errors else ""
    described_by = " ".join(i for i in (hint_id, error_id) if i)

    label = str(bound.label)
    optional = not bound.field.required and not getattr(
        bound.field, "required_in_some_cases", False
    )
    if optional and kind not in ("checkbox", "checkboxes"):
        label = f"{label} (optional)"
    if heading and not label_classes:
        label_classes = "govuk-label--l"

    context: dict[str, Any] = {
        "bound": bound,
        "kind": kind,
        "id": field_id,
        "name": bound.html_name,
        "label": label,
        "label_classes": label_classes,
        "legend_classes": _legend_classes(label_classes),
        "heading": heading,
        "hint": hint_text,
        "hint_id": hint_id,
        "errors": errors,
        "error_id": error_id,
        "described_by": described_by,
        "classes": classes,
        "inline": inline,
    }

    extra: dict[str, Any] = {}
    if autocomplete:
        extra["autocomplete"] = autocomplete
    if spellcheck is not None:
        extra["spellcheck"] = "true" if spellcheck else "false"

    if kind in ("input", "textarea", "select", "checkbox"):
        base_class = {
            "input": "govuk-input",
            "textarea": "govuk-textarea",
            "select": "govuk-select",
            "checkbox": "govuk-checkboxes__input",
        }[kind]
        css = [base_class]
        if errors and kind != "checkbox":
            css.append(f"{base_class}--error")
        widget_class = bound.field.widget.attrs.get("class")
        if widget_class:
            css.append(widget_class)
        if classes and kind != "checkbox":
            css.append(classes)
        attrs: dict[str, Any] = {"class": " ".join(css), **extra}
        if described_by:
            attrs["aria-describedby"] = described_by
        widget_html = str(bound.as_widget(attrs=attrs))
        # Django points a field with help text at "<id>_helptext", which GOV.UK markup lacks.
        widget_html = widget_html.replace(f' aria-describedby="{field_id}_helptext"', "")
        context["widget"] = mark_safe(widget_html)  # rendered by Django's widget
    elif kind in ("radios", "checkboxes"):
        context["options"] = [
            {
                "id": sub.data["attrs"].get("id") or f"{field_id}_{index}",
                "value": sub.data["value"],
                "label": sub.data["label"],
                "checked": sub.data["selected"],
            }
            for index, sub in enumerate(bound.subwidgets)
        ]
    elif kind == "date":
        values = date_parts(bound.value())
        bad_parts = _error_parts(bound) if errors else []
        autocomplete_prefix = "bday" if autocomplete == "bday" else None
        context["date_items"] = [
            {
                "part": part,
                "label": part.capitalize(),
                "id": f"{field_id}_{part}",
                "name": f"{bound.html_name}_{part}",
                "value": value or "",
                "width": "govuk-input--width-4" if part == "year" else "govuk-input--width-2",
                "error": part in bad_parts,
                "autocomplete": f"{autocomplete_prefix}-{part}" if autocomplete_prefix else "",
            }
            for part, value in zip(DATE_PARTS, values, strict=True)
        ]
    return render_to_string(f"ui/components/{kind}.html", context)


# --------------------------------------------------------------------------------------------
# Components: one definition of the GOV.UK markup that pages repeat


def _testid(testid: str) -> SafeString:
    return format_html(' data-testid="{}"', testid) if testid else mark_safe("")


@register.simple_block_tag
def summary_row(
    content: str,
    key: Any,
    *,
    key_href: str = "",
    action_href: str = "",
    action_text: str = "Change",
    action_hidden: str = "",
    role: str = "",
) -> SafeString:
    """One row of a GOV.UK summary list; the block is the value (rendered, already escaped).

    {% summary_row "Sex" %}{{ person.get_sex_display }}{% endsummary_row %}
    {% summary_row "Allocated to" action_href=url action_hidden=" allocation" %}...{% endsummary_row %}
    """
    key_html = (
        format_html('<a class="govuk-link" href="{}">{}</a>', key_href, key) if key_href else key
    )
    actions = mark_safe("")
    if action_href:
        hidden = (
            format_html('<span class="govuk-visually-hidden">{}</span>', action_hidden)
            if action_hidden
            else ""
        )
        actions = format_html(
            '<dd class="govuk-summary-list__actions"><a class="govuk-link" href="{}">{}{}</a></dd>',
            action_href,
            action_text,
            hidden,
        )
    return format_html(
        '<div class="govuk-summary-list__row"><dt class="govuk-summary-list__key">{}</dt>'
        '<dd class="govuk-summary-list__value"{}>{}</dd>{}</div>',
        key_html,
        format_html(' role="{}"', role) if role else "",
        mark_safe(content),  # the block, rendered by the template engine (autoescaped)
        actions,
    )


@register.simple_block_tag
def govuk_details(
    content: str, summary: Any, *, form: Any = None, open: bool = False, testid: str = ""
) -> SafeString:
    """GOV.UK details (usually holding a form), open when asked or when ``form`` has errors.

    {% govuk_details "End the plan" form=plan.end_form %}...the form...{% endgovuk_details %}
    """
    is_open = bool(open) or bool(form is not None and getattr(form, "errors", None))
    return format_html(
        '<details class="govuk-details"{}{}><summary class="govuk-details__summary">'
        '<span class="govuk-details__summary-text">{}</span></summary>'
        '<div class="govuk-details__text">{}</div></details>',
        _testid(testid),
        mark_safe(" open") if is_open else "",
        summary,
        mark_safe(content),  # the block, rendered by the template engine (autoescaped)
    )


@register.simple_block_tag
def govuk_table(
    content: str,
    *headers: Any,
    caption: str = "",
    caption_classes: str = "govuk-visually-hidden",
    numeric: str = "",
    testid: str = "",
    classes: str = "",
) -> SafeString:
    """A GOV.UK table: caption, one header cell per argument, the block is the body's rows.

    Empty headers are left out (``show_owner|yesno:"Worker,"``); ``numeric="Children|Overdue"``
    right-aligns those columns' headers.

    {% govuk_table "Address" "From" "Until" caption="Address history" %}<tr ...>{% endgovuk_table %}
    """
    numeric_names = {n for n in numeric.split("|") if n}
    head = format_html_join(
        "",
        '<th scope="col" class="govuk-table__header{}">{}</th>',
        (
            (" govuk-table__header--numeric" if str(h) in numeric_names else "", h)
            for h in headers
            if h not in (None, "")
        ),
    )
    caption_html = (
        format_html(
            '<caption class="govuk-table__caption{}">{}</caption>',
            f" {caption_classes}" if caption_classes else "",
            caption,
        )
        if caption
        else ""
    )
    return format_html(
        '<table class="govuk-table{}"{}>{}<thead class="govuk-table__head">'
        '<tr class="govuk-table__row">{}</tr></thead>'
        '<tbody class="govuk-table__body">{}</tbody></table>',
        f" {classes}" if classes else "",
        _testid(testid),
        caption_html,
        head,
        mark_safe(content),  # the block, rendered by the template engine (autoescaped)
    )


@register.simple_tag
def govuk_tag(text: Any, colour: str = "", *, testid: str = "") -> SafeString:
    """A GOV.UK tag: {% govuk_tag "Overdue" "red" %}. No colour is the default (dark blue)."""
    return format_html(
        '<strong class="govuk-tag{}"{}>{}</strong>',
        f" govuk-tag--{colour}" if colour else "",
        _testid(testid),
        text,
    )


@register.filter
def pick(value: Any, table: str) -> str:
    """The word a value maps to in "a=green,b=yellow", or "" (for tag colours by status).

    {% govuk_tag assessment.get_status_display assessment.status|pick:"authorised=green" %}
    """
    for pair in table.split(","):
        key, _, result = pair.partition("=")
        if key.strip() == str(value):
            return result.strip()
    return ""


# --------------------------------------------------------------------------------------------
# Filters and small tags


@register.filter
def govuk_date(value: Any) -> str:
    """3 January 2027; a date and time as 3 January 2027 at 2:05pm, London time
    (``haven.core.dates.long_date``, the one date formatter)."""
    if value is None or value == "":
        return ""
    if isinstance(value, datetime.date):
        return long_date(value)
    return str(value)


@register.filter
def nhs_format(value: Any) -> str:
    """An NHS number as three, three and four digits: 943 476 5919."""
    if value is None:
        return ""
    digits = "".join(str(value).split())
    if len(digits) == 10 and digits.isdigit():
        return f"{digits[:3]} {digits[3:6]} {digits[6:]}"
    return str(value)


@register.filter
def startswith(value: Any, prefix: str) -> bool:
    return str(value or "").startswith(prefix)


@register.filter
def elided_pages(paginator: Any, number: int) -> Any:
    """Page numbers around the current one, with Paginator.ELLIPSIS for the gaps."""
    return paginator.get_elided_page_range(number, on_each_side=1, on_ends=1)


@register.simple_tag(takes_context=True)
def page_href(context: template.Context, page_number: int) -> str:
    """A link to another page of a list that keeps the rest of the query string."""
    request = context.get("request")
    query = request.GET.copy() if request is not None else None
    if query is None:
        return f"?page={page_number}"
    query["page"] = str(page_number)
    return f"?{query.urlencode()}"


@register.simple_tag
def haven_service_name() -> str:
    """The service's name, for pages drawn without context processors (500)."""
    return str(settings.HAVEN_SERVICE_NAME)


@register.simple_tag
def haven_council_name() -> str:
    return str(settings.HAVEN_COUNCIL_NAME)
