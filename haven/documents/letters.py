"""Letters from templates that administrators word: what they can say, and how they are drawn.

A template is Django template text held in the database. It is rendered by an engine of its
own with no template loaders and no tag libraries, so it cannot include files, load tags or
reach settings; only the tags in ``ALLOWED_TAGS`` may be used, and the context holds plain
text built from the record here (child, family, worker, conference, plan, chronology), never
model objects, so a template can reach nothing else. A template is checked when saved: a
syntax error, a tag not allowed, or a name not in the context is refused with its line.
"""

from __future__ import annotations

import datetime
import re
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template import Context, Engine, TemplateSyntaxError
from django.template.base import Lexer, TokenType
from django.utils import timezone

from haven.core.dates import long_date
from haven.documents.models import TemplateKind

ENGINE = Engine(dirs=[], app_dirs=False, libraries={}, loaders=[], autoescape=True)

ALLOWED_TAGS = {
    "if", "elif", "else", "endif", "for", "empty", "endfor", "with", "endwith",
    "comment", "endcomment", "firstof", "now", "spaceless", "endspaceless",
}  # fmt: skip

# The names a template may use, with what each holds (shown to administrators).
FIELDS: dict[str, str] = {
    "child.name": "The child's full name",
    "child.given_names": "The child's given names",
    "child.haven_id": "The child's Haven ID",
    "child.date_of_birth": "The child's date of birth, e.g. 3 January 2019",
    "child.address": "The child's current address, one line",
    "family": "The child's parents and carers: each has .name and .relationship",
    "worker.name": "The allocated social worker",
    "worker.team": "The team holding the case",
    "conference.kind": "The next (or latest) child protection conference: initial or review",
    "conference.date": "Its date (held, or due)",
    "conference.chair": "Its chair",
    "plan.kind": "The current plan: child protection or child in need",
    "plan.start_date": "When it started",
    "plan.category": "The category of abuse (child protection plans)",
    "referral.referrer_name": "Who made the latest contact about the child",
    "referral.referrer_agency": "Their agency",
    "referral.outcome": "What was decided for the child",
    "referral.date": "When the contact was received",
    "chronology": "Chronology entries, oldest first: each has .date, .event, .source, .significance",
    "today": "Today's date",
    "council": "The council's name",
    "signed_by": "The person producing the letter",
}
TOP_NAMES = {name.split(".", 1)[0] for name in FIELDS} | {"forloop"}

STYLESHEET = """
@page { size: A4; margin: 2cm; @bottom-right { content: "Page " counter(page) " of " counter(pages); font-size: 9pt; } }
body { font-family: "DejaVu Sans", Arial, sans-serif; font-size: 11pt; line-height: 1.4; }
h1 { font-size: 16pt; } h2 { font-size: 13pt; }
table { border-collapse: collapse; width: 100%; font-size: 9pt; }
th, td { border: 1px solid #555; padding: 4px; vertical-align: top; text-align: left; }
th { background: #eee; }
.official { font-size: 8pt; color: #333; }
"""

DEFAULT_BODIES: dict[str, str] = {
    TemplateKind.CONFERENCE_INVITATION: """<p class="official">OFFICIAL-SENSITIVE</p>
<p>{{ council }}<br>{{ today }}</p>
<h1>Invitation to a child protection conference</h1>
<p>About: {{ child.name }} (born {{ child.date_of_birth }})</p>
{% if conference.date %}<p>You are invited to the {{ conference.kind }} child protection conference for {{ child.name }} on {{ conference.date }}.</p>{% else %}<p>You will be invited to a child protection conference for {{ child.name }}; we will write with the date.</p>{% endif %}
<p>The conference brings together the family and the professionals who know {{ child.given_names }} to decide together how to keep them safe. You can bring someone to support you.</p>
<p>If you have questions, please contact {{ worker.name }} ({{ worker.team }}).</p>
<p>Yours sincerely,<br>{{ signed_by }}</p>""",
    TemplateKind.PLAN_SUMMARY: """<p class="official">OFFICIAL-SENSITIVE</p>
<p>{{ council }}<br>{{ today }}</p>
<h1>{{ child.given_names }}'s plan</h1>
{% if plan.kind %}<p>{{ child.name }} has had a {{ plan.kind }} plan since {{ plan.start_date }}.{% if plan.category %} The concern is {{ plan.category|lower }}.{% endif %}</p>{% else %}<p>{{ child.name }} does not have a plan at the moment.</p>{% endif %}
<p>Your social worker is {{ worker.name }} ({{ worker.team }}). They will talk through the plan with you and what each person will do.</p>
<p>{{ signed_by }}</p>""",
    TemplateKind.OUTCOME_LETTER: """<p class="official">OFFICIAL-SENSITIVE</p>
<p>{{ council }}<br>{{ today }}</p>
<p>Dear {{ referral.referrer_name|default:"colleague" }}{% if referral.referrer_agency %}, {{ referral.referrer_agency }}{% endif %}</p>
<h1>What happened after your contact about {{ child.name }}</h1>
<p>Thank you for contacting us on {{ referral.date }} about {{ child.name }} (born {{ child.date_of_birth }}).</p>
<p>The outcome was: {{ referral.outcome|default:"not yet decided" }}.</p>
<p>If you have new concerns, contact the front door again.</p>
<p>Yours sincerely,<br>{{ signed_by }}</p>""",
    TemplateKind.COURT_CHRONOLOGY: """<p class="official">OFFICIAL-SENSITIVE</p>
<h1>Chronology: {{ child.name }}</h1>
<p>Date of birth: {{ child.date_of_birth }}. Haven ID: {{ child.haven_id }}. Prepared by {{ signed_by }} for {{ council }} on {{ today }}.</p>
<table>
<thead><tr><th>Date</th><th>Event</th><th>Source</th><th>Significance</th></tr></thead>
<tbody>
{% for row in chronology %}<tr><td>{{ row.date }}</td><td>{{ row.event }}</td><td>{{ row.source }}</td><td>{{ row.significance }}</td></tr>
{% empty %}<tr><td colspan="4">Nothing recorded</td></tr>{% endfor %}
</tbody>
</table>""",
}

_VARIABLE_NAME = re.compile(r"^\s*([A-Za-z_][A-Za-z0-9_]*)")
_FOR_TARGETS = re.compile(r"^for\s+(.+?)\s+in\s", re.S)
_WITH_TARGETS = re.compile(r"([A-Za-z_][A-Za-z0-9_]*)=")


def validate_template(body: str) -> None:
    """Refuse a template that would not render, or reaches past what letters may use."""
    if not body.strip():
        raise ValidationError({"body": "Enter the template's wording"})
    try:
        tokens = Lexer(body).tokenize()
    except TemplateSyntaxError as exc:
        raise ValidationError({"body": f"The template cannot be read: {exc}"}) from exc
    local_names: set[str] = set()
    for token in tokens:
        line = token.lineno
        if token.token_type == TokenType.BLOCK:
            tag = token.contents.split(" ", 1)[0] if token.contents else ""
            if tag not in ALLOWED_TAGS:
                raise ValidationError(
                    {"body": f"Line {line}: the tag {{% {tag} %}} cannot be used in letters"}
                )
            if tag == "for" and (found := _FOR_TARGETS.match(token.contents)):
                local_names |= {n.strip() for n in found.group(1).split(",")}
            if tag == "with":
                local_names |= set(_WITH_TARGETS.findall(token.contents))
    for token in tokens:
        if token.token_type == TokenType.VAR:
            found = _VARIABLE_NAME.match(token.contents)
            name = found.group(1) if found else ""
            if name and name not in TOP_NAMES and name not in local_names:
                raise ValidationError(
                    {
                        "body": f"Line {token.lineno}: {{{{ {name} }}}} is not something a letter can use"
                    }
                )
    try:
        template = ENGINE.from_string(body)
        template.render(Context(sample_context()))
    except TemplateSyntaxError as exc:
        raise ValidationError({"body": f"The template cannot be used: {exc}"}) from exc
    except Exception as exc:  # a filter given a bad argument fails only when rendered
        raise ValidationError({"body": f"The template fails when filled in: {exc}"}) from exc


def sample_context() -> dict[str, Any]:
    today = long_date(timezone.localdate())
    return {
        "child": {
            "name": "Sam Example",
            "given_names": "Sam",
            "haven_id": "1",
            "date_of_birth": "3 January 2019",
            "address": "1 High Street",
        },
        "family": [{"name": "Alex Example", "relationship": "Parent"}],
        "worker": {"name": "A Worker", "team": "Assessment team"},
        "conference": {"kind": "initial", "date": today, "chair": "A Chair"},
        "plan": {"kind": "child protection", "start_date": today, "category": "Neglect"},
        "referral": {
            "referrer_name": "A Referrer",
            "referrer_agency": "School",
            "outcome": "Referral",
            "date": today,
        },
        "chronology": [
            {"date": today, "event": "Something happened", "source": "Haven", "significance": ""}
        ],
        "today": today,
        "council": settings.HAVEN_COUNCIL_NAME,
        "signed_by": "A Worker",
    }


def render_html(body: str, context: dict[str, Any], *, title: str) -> str:
    inner = ENGINE.from_string(body).render(Context(context))
    from django.utils.html import escape

    return (
        f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{escape(title)}'
        f"</title></head><body>{inner}</body></html>"
    )


def _refuse_fetch(url: str, *args: Any, **kwargs: Any) -> Any:
    """Letters carry no images or files from anywhere: nothing is fetched while drawing them."""
    raise ValueError(f"Letters may not load {url[:80]}")


def html_to_pdf(html: str) -> bytes:
    from weasyprint import CSS, HTML

    document = HTML(string=html, url_fetcher=_refuse_fetch, base_url=None)
    return bytes(document.write_pdf(stylesheets=[CSS(string=STYLESHEET)]))


def today_text(day: datetime.date | None = None) -> str:
    return long_date(day or timezone.localdate())
