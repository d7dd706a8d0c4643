"""The live National Transfer Scheme view (/uasc/): unaccompanied asylum-seeking children looked
after today against the scheme's threshold (a share of the child population the rates per
10,000 use), the headroom, and arrivals and transfers in and out by month. The child
population, the restricted records left out and the rows behind the count come from
haven.performance, as for every figure."""

from __future__ import annotations

import datetime

from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse

from haven.accounts.http import AuthenticatedRequest
from haven.accounts.permissions import Capability, requires
from haven.core.calendar import add_calendar_months
from haven.performance import periods, selectors
from haven.performance.periods import Period
from haven.uasc import selectors as uasc

LIST_PAGE_SIZE = 100
YEARS_OFFERED = 10


def child_population(day: datetime.date, hidden: list[int]) -> int:
    """Children aged 0-17 on ``day``, counted as the rates per 10,000 count them."""
    return selectors.children_living(hidden).filter(selectors.children_aged_0_17_on(day)).count()


def _window(request: AuthenticatedRequest) -> tuple[Period | None, datetime.date, datetime.date]:
    """The chosen DfE year (``?year=2020``), or the last 12 months up to today."""
    from haven.performance.views import _year

    if request.GET.get("year"):
        year = periods.dfe_year(_year(request))
        return year, year.first, year.last
    today = periods.today()
    first = add_calendar_months(today.replace(day=1), -11)
    return None, first, today


@requires(Capability.VIEW_FIGURES)
def nts(request: AuthenticatedRequest) -> HttpResponse:
    year, first, last = _window(request)
    hidden = selectors.hidden_person_ids(request.user)
    # The position is today's, or at the chosen year's end.
    day = last
    position = uasc.nts_position(day=day, population=child_population(day, hidden), hidden=hidden)
    months = uasc.nts_months(first=first, last=last, hidden=hidden)
    newest = periods.current_year()
    query = f"?year={year.key}" if year else ""
    return render(
        request,
        "uasc/nts.html",
        {
            "position": position,
            "year": year,
            "months": months,
            "totals": {
                "arrivals": sum(m.arrivals for m in months),
                "transfers_in": sum(m.transfers_in for m in months),
                "transfers_out": sum(m.transfers_out for m in months),
            },
            "years": [periods.dfe_year(y) for y in range(newest, newest - YEARS_OFFERED, -1)],
            "children_href": reverse("nts:children") + query,
        },
    )


@requires(Capability.VIEW_FIGURES)
def nts_children(request: AuthenticatedRequest) -> HttpResponse:
    """The children behind the count: Haven ID always, name and date of birth only for those
    the user may open (each listed child is written to the access log)."""
    year, _, day = _window(request)
    hidden = selectors.hidden_person_ids(request.user)
    rows = uasc.uasc_looked_after_rows(day, hidden)
    paginator = Paginator(rows, LIST_PAGE_SIZE)
    listing = paginator.get_page(request.GET.get("page"))
    listing.object_list = list(
        selectors.rows_for_user(
            listing.object_list,
            user=request.user,
            request=request,
            detail=f"UASC looked after on {day:%d/%m/%Y}",
        )
    )
    return render(
        request,
        "uasc/nts_children.html",
        {
            "day": day,
            "year": year,
            "listing": listing,
            "paginator": paginator,
            "back_href": reverse("nts:position") + (f"?year={year.key}" if year else ""),
        },
    )
