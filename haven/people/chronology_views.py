"""A child's chronology page (the entries themselves are haven.chronology's)."""

from django.core.paginator import Paginator
from django.http import HttpResponse

from haven.accounts.http import AuthenticatedRequest
from haven.core.models import AccessAction
from haven.people.chronology_forms import ChronologyFilterForm
from haven.people.models import Person
from haven.people.selectors import allocation_current, chronology_for_person, record_status
from haven.ui.pages import person_page, render_person_page


def _chronology(request: AuthenticatedRequest, person: Person, *, printing: bool) -> HttpResponse:
    form = ChronologyFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_bound and form.is_valid() else {}
    events = chronology_for_person(
        person=person,
        kinds=filters.get("kind"),
        date_from=filters.get("date_from"),
        date_to=filters.get("date_to"),
    )
    if printing:
        return render_person_page(
            request,
            person,
            "chronology/print.html",
            events=events,
            form=form,
            record_status=record_status(person=person),
            allocation=allocation_current(person=person),
        )
    page = Paginator(events, 100).get_page(request.GET.get("page"))
    return render_person_page(
        request, person, "chronology/chronology.html", page_obj=page, form=form
    )


@person_page()
def person_chronology(request: AuthenticatedRequest, person: Person) -> HttpResponse:
    return _chronology(request, person, printing=False)


@person_page(action=AccessAction.PRINT, detail="chronology")
def person_chronology_print(request: AuthenticatedRequest, person: Person) -> HttpResponse:
    return _chronology(request, person, printing=True)
