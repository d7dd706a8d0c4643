from __future__ import annotations

from collections.abc import Callable
from functools import cache
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, HttpResponseBase, StreamingHttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from haven.accounts.http import AuthenticatedRequest
from haven.accounts.permissions import Capability, requires
from haven.core.dates import long_date
from haven.core.models import AccessAction
from haven.core.services import access_log_record
from haven.performance import annex_a, charts, periods, selectors
from haven.performance.forms import AnnexAForm
from haven.performance.front_door import FRONT_DOOR
from haven.performance.measures import (
    ON_A_DAY,
    Mean,
    Measure,
    Page,
    PerChildren,
    Rate,
    Share,
    Split,
    pages,
)
from haven.performance.periods import Period
from haven.performance.protection import CHILD_PROTECTION
from haven.ui import parsing

YEARS_OFFERED = 10
# The year chosen and the one before (each year adds about a third to the time the page takes).
YEARS_COMPARED = 2
LIST_PAGE_SIZE = 100

View = Callable[..., HttpResponseBase]


def _year(request: AuthenticatedRequest) -> int:
    raw = request.GET.get("year", "")
    if not raw:
        return periods.current_year()
    try:
        (year,) = periods.parse_years([raw])
    except ValueError as exc:
        raise Http404(str(exc)) from None
    return year


def _list_href(
    name: str,
    year: Period,
    month: Period | None = None,
    split: tuple[Split, str] | None = None,
    denominator: bool = False,
) -> str:
    query = {"measure": name, "year": year.key}
    if month is not None and len(month.key) == 10:  # a day (?on=): a snapshot on that day
        query["on"] = month.key
    elif month is not None:
        query["month"] = month.key
    if split is not None:
        query[split[0].key] = split[1]
    if denominator:
        query["of"] = "all"
    return f"{_measure_list_url()}?{urlencode(query)}"


@cache
def _measure_list_url() -> str:
    # A page links every number (a few hundred): reverse once.
    return reverse("performance:measure_list")


def _cell(
    figures: selectors.Figures,
    measure: Measure,
    year: Period,
    month: Period | None = None,
    split: tuple[Split, str] | None = None,
) -> dict[str, Any]:
    cell = figures.cell(measure, month or year, split)
    about = [measure.label, (month or year).label]
    if split is not None:
        about.append(f"{split[0].label.lower()} {split[1]}")
    shown = {
        "cell": cell,
        "about": ", ".join(about),
        "href": _list_href(measure.name, year, month, split),
        "denominator_href": (
            _list_href(measure.name, year, month, split, denominator=True) if cell.is_rate else ""
        ),
    }
    shown["html"] = _cell_html(shown)
    return shown


def _cell_html(c: dict[str, Any]) -> SafeString:
    """A number linked to its list (a rate with its parts, each linked): built here rather than
    by an included template, as a page shows a few hundred."""
    cell: selectors.Cell = c["cell"]
    about = c["about"]
    if not cell.is_rate:
        return format_html(
            '<a class="govuk-link" href="{}">{}<span class="govuk-visually-hidden">: {}</span></a>',
            c["href"],
            f"{cell.numerator:,}",
            about,
        )
    if cell.value is None:
        figure = mark_safe('<span class="govuk-hint govuk-!-margin-0">None decided</span>')
    else:
        figure = format_html(
            '<a class="govuk-link" href="{}">{}<span class="govuk-visually-hidden">: {}</span></a>',
            c["href"],
            _shown(cell),
            about,
        )
    if isinstance(cell.measure, Mean):
        return format_html(
            '{}\n<span class="govuk-body-s govuk-!-display-block govuk-!-margin-0">over '
            '<a class="govuk-link" href="{}">{}<span class="govuk-visually-hidden"> (the list): '
            "{}</span></a></span>",
            figure,
            c["denominator_href"],
            f"{cell.denominator or 0:,}",
            about,
        )
    parts = format_html(
        '<span class="govuk-body-s govuk-!-display-block govuk-!-margin-0">{} of '
        '<a class="govuk-link" href="{}">{}<span class="govuk-visually-hidden"> (the list of '
        "all): {}</span></a></span>",
        f"{cell.numerator:,}",
        c["denominator_href"],
        f"{cell.denominator or 0:,}",
        about,
    )
    return format_html("{}\n{}", figure, parts)


def _page_context(
    page: Page, figures: selectors.Figures, year: Period, compared: list[Period]
) -> dict[str, Any]:
    months = periods.months_of(year)
    summary = [
        {"measure": m, "cells": [_cell(figures, m, y) for y in compared]} for m in page.measures
    ]
    by_month = [
        {"month": month, "cells": [_cell(figures, m, year, month) for m in page.measures]}
        for month in months
    ]
    # One table per split (source): each measure whose records can be split that way.
    splits: dict[str, Split] = {}
    for measure in page.measures:
        for split in measure.records.splits:
            splits.setdefault(split.key, split)
    split_tables = []
    for key, split in splits.items():
        measures = [m for m in page.measures if m.records.split(key)]
        rows = [
            {
                "code": code,
                "label": label,
                "cells": [
                    _cell(figures, m, year, split=(m.records.split(key), str(code)))  # type: ignore[arg-type]
                    for m in measures
                ],
            }
            for code, label in split.choices.choices
        ]
        split_tables.append({"split": split, "measures": measures, "rows": rows})
    return {
        "summary": summary,
        "by_month": by_month,
        "split_tables": split_tables,
        "charts": _charts(page, by_month, year),
    }


def _shown(cell: selectors.Cell) -> str:
    """A figure as the tables show it."""
    if cell.value is None:
        return "none to count"
    if not cell.is_rate:
        return f"{cell.value:,}"
    if isinstance(cell.measure, Mean):
        return f"{cell.value:,.0f} {cell.measure.unit}"
    if cell.scale == 100:
        return f"{cell.value:.1f}%"
    return f"{cell.value:,.1f} per {cell.scale:,}"


def _references(measure: Measure) -> tuple[charts.Line, ...]:
    """England's figure, and the local target if the setting gives one."""
    lines = []
    if measure.england is not None:
        lines.append(charts.Line(measure.england.label, measure.england.value))
    threshold = getattr(measure, "threshold", None)
    if threshold is not None:
        lines.append(charts.Line(threshold.label, threshold.value))
    target = settings.HAVEN_PERFORMANCE_TARGETS.get(measure.name)
    if target is not None:
        lines.append(charts.Line(f"Target, {target:g}", target))
    return tuple(lines)


def _kind(measure: Measure) -> str:
    if isinstance(measure, Rate | Share):
        return "percent"
    return "rate" if isinstance(measure, PerChildren) else "count"


def _charts(page: Page, by_month: list[dict[str, Any]], year: Period) -> list[dict[str, Any]]:
    """Each measure's months as a line chart, every point linked to the children behind it;
    the description says in words what the chart shows (the table below has every number)."""
    drawn = []
    for i, measure in enumerate(page.measures):
        points = tuple(
            charts.Point(
                label=row["month"].first.strftime("%b"),
                period=row["month"].label,
                value=row["cells"][i]["cell"].value,
                shown=_shown(row["cells"][i]["cell"]),
                href=row["cells"][i]["href"],
            )
            for row in by_month
        )
        lines = _references(measure)
        counted = [p for p in points if p.value is not None]
        words = [f"{measure.label} by month, {year.label}."]
        if counted:
            high = max(counted, key=lambda p: p.value or 0)
            low = min(counted, key=lambda p: p.value or 0)
            words.append(
                f"Highest {high.shown} in {high.period}; lowest {low.shown} in {low.period}."
            )
        else:
            words.append("Nothing to count in any month.")
        words += [f"Dashed line: {line.label}." for line in lines]
        words.append("Each month's figure is in the table by month.")
        description = " ".join(words)
        drawn.append(
            {
                "measure": measure,
                "description": description,
                "svg": charts.line_chart(
                    key=measure.name,
                    title=measure.label,
                    description=description,
                    points=points,
                    lines=lines,
                    kind=_kind(measure),
                ),
                "references": lines,
            }
        )
    return drawn


def page_href(page: Page) -> str:
    if page.url_name:
        return reverse(page.url_name)
    return reverse("performance:page", args=[page.key])


@requires(Capability.VIEW_FIGURES)
def front_door(request: AuthenticatedRequest) -> HttpResponse:
    return figures_page(request, FRONT_DOOR.key)


@requires(Capability.VIEW_FIGURES)
def figures_page(request: AuthenticatedRequest, key: str) -> HttpResponse:
    """Any registered page of measures: each by year and month, and by each split."""
    page = pages().get(key)
    if page is None:
        raise Http404("No such figures")
    chosen = _year(request)
    year = periods.dfe_year(chosen)
    compared = [
        periods.dfe_year(y) for y in range(chosen - YEARS_COMPARED + 1, chosen + 1) if y >= 1991
    ]
    # A page with counts on a day (children looked after) can be counted on any day chosen.
    snapshots = [m for m in page.measures if isinstance(m, ON_A_DAY)]
    on = _on(request) if snapshots else None
    figures = selectors.figures_compute(
        page=page,
        periods=compared,
        user=request.user,
        days=[on.last] if on else [],
        by_month=[year],
    )
    newest = periods.current_year()
    context = {
        "on": on,
        "has_snapshots": bool(snapshots),
        "on_cells": [
            {"measure": m, "c": _cell(figures, m, year, on)} for m in snapshots if on is not None
        ],
        "page": page,
        "year": year,
        "compared": compared,
        "measures": page.measures,
        "years": [periods.dfe_year(y) for y in range(newest, newest - YEARS_OFFERED, -1)],
        "other_pages": [(p.title, page_href(p)) for p in pages().values() if p.key != page.key],
        "derived": [
            {"derived": d, "values": [d.compute(figures, y) for y in compared]}
            for d in page.derived
        ],
        **_page_context(page, figures, year, compared),
    }
    return render(request, "performance/page.html", context)


def _page_of(name: str) -> tuple[Page, Measure]:
    for page in pages().values():
        measure = page.measure(name)
        if measure is not None:
            return page, measure
    raise Http404("No such measure")


def _on(request: AuthenticatedRequest) -> Period | None:
    """The day chosen for a snapshot (``?on=2020-01-15``), as a one-day period."""
    raw = request.GET.get("on", "")
    if not raw:
        return None
    try:
        day = parsing.parse_iso_date(raw, label="The day", latest=periods.today())
    except ValidationError as exc:
        raise Http404(exc.messages[0]) from None
    return Period(key=day.isoformat(), label=long_date(day), first=day, last=day)


@requires(Capability.VIEW_FIGURES)
def measure_list(request: AuthenticatedRequest) -> HttpResponseBase:
    page, measure = _page_of(request.GET.get("measure", ""))
    year = periods.dfe_year(_year(request))
    period = year
    on = _on(request)
    if on is not None:
        if not isinstance(measure, ON_A_DAY):
            raise Http404("Only a count on a day can be listed for a day")
        period = on
    elif request.GET.get("month"):
        try:
            period = periods.parse_month(request.GET["month"], year)
        except ValueError as exc:
            raise Http404(str(exc)) from None
    split = None
    for candidate in measure.records.splits:
        code = request.GET.get(candidate.key)
        if code:
            if code not in candidate.choices.values:
                raise Http404(f"No {candidate.label.lower()} {code}")
            split = (candidate, code)
    denominator = (
        isinstance(measure, Rate | PerChildren | Share | Mean) and request.GET.get("of") == "all"
    )
    rows = selectors.measure_rows(
        measure=measure, period=period, user=request.user, split=split, denominator=denominator
    )
    records = measure.records
    date_label = records.date_label
    if isinstance(measure, PerChildren) and denominator:
        date_label = "Date of birth"
    if request.GET.get("format") == "csv":
        detail = f"performance list {measure.name} (CSV)"
        access_log_record(
            user=request.user, action=AccessAction.EXPORT, request=request, detail=detail
        )
        shown = selectors.rows_for_user(
            rows.iterator(chunk_size=2000), user=request.user, request=request, detail=detail
        )
        response = StreamingHttpResponse(
            annex_a.csv_lines(selectors.rows_as_csv(shown, date_label)),
            content_type="text/csv; charset=utf-8",
        )
        response["Content-Disposition"] = f'attachment; filename="{measure.name}-{period.key}.csv"'
        return response
    access_log_record(
        user=request.user,
        action=AccessAction.VIEW,
        request=request,
        detail=f"performance list {measure.name}",
    )
    paginator = Paginator(rows, LIST_PAGE_SIZE)
    listing = paginator.get_page(request.GET.get("page"))
    listing.object_list = list(
        selectors.rows_for_user(
            listing.object_list,
            user=request.user,
            request=request,
            detail=f"performance list {measure.name}",
        )
    )
    query = request.GET.copy()
    query.pop("page", None)
    query["format"] = "csv"
    shows = (
        measure.denominator
        if denominator and isinstance(measure, Rate | PerChildren | Share | Mean)
        else (
            measure.numerator if isinstance(measure, Rate | PerChildren | Share | Mean) else measure
        )
    )
    day = period if period is on else None
    context = {
        "page": page,
        "measure": measure,
        "shows": shows,
        "year": year,
        "period": period,
        "split": split,
        "split_label": dict(split[0].choices.choices).get(split[1]) if split else "",
        "listing": listing,
        "paginator": paginator,
        "date_label": date_label,
        "csv_href": f"?{query.urlencode()}",
        "is_rate": isinstance(measure, Rate | PerChildren | Share),
        "denominator": denominator,
        "numerator_href": _list_href(
            measure.name, year, period if period is not year else None, split
        ),
        "denominator_href": _list_href(
            measure.name, year, period if period is not year else None, split, True
        ),
        "back_href": f"{page_href(page)}?year={year.key}"
        + (f"&on={day.key}" if day is not None else ""),
    }
    return render(request, "performance/measure_list.html", context)


@requires(Capability.VIEW_FIGURES)
def annex_a_download(request: AuthenticatedRequest) -> HttpResponseBase:
    form = AnnexAForm(request.GET if "list" in request.GET else None)
    if form.is_bound and form.is_valid():
        chosen = annex_a.lists()[int(form.cleaned_data["list"])]
        first, last = form.cleaned_data["date_from"], form.cleaned_data["date_to"]
        detail = f"Annex A list {chosen.number} {first:%d/%m/%Y} to {last:%d/%m/%Y}"
        access_log_record(
            user=request.user, action=AccessAction.EXPORT, request=request, detail=detail
        )
        rows = chosen.rows(first, last, request.user)
        if chosen.names_children:
            rows = annex_a.rows_logged(rows, user=request.user, request=request, detail=detail)
        response = StreamingHttpResponse(
            annex_a.csv_lines(rows),
            content_type="text/csv; charset=utf-8",
        )
        response["Content-Disposition"] = f'attachment; filename="{chosen.filename(first, last)}"'
        return response
    return render(request, "performance/annex_a.html", {"form": form})


@requires(Capability.VIEW_FIGURES)
def child_protection(request: AuthenticatedRequest) -> HttpResponse:
    """Children on a plan (on 31 March, each month's end and any day chosen), plans started and
    ended, conferences and visits in time, by year, month and category of abuse."""
    page = CHILD_PROTECTION
    chosen = _year(request)
    year = periods.dfe_year(chosen)
    on = _on(request)
    compared = [
        periods.dfe_year(y) for y in range(chosen - YEARS_COMPARED + 1, chosen + 1) if y >= 1991
    ]
    figures = selectors.figures_compute(
        page=page,
        periods=compared,
        user=request.user,
        days=[on.last] if on else [],
        by_month=[year],
    )
    newest = periods.current_year()
    snapshots = [m for m in page.measures if isinstance(m, ON_A_DAY)]
    context = {
        "page": page,
        "year": year,
        "compared": compared,
        "measures": page.measures,
        "years": [periods.dfe_year(y) for y in range(newest, newest - YEARS_OFFERED, -1)],
        "on": on,
        "on_cells": [
            {"measure": m, "c": _cell(figures, m, year, on)} for m in snapshots if on is not None
        ],
        "front_door_href": reverse("performance:front_door"),
        **_page_context(page, figures, year, compared),
    }
    return render(request, "performance/child_protection.html", context)
