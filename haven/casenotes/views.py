"""Case notes pages: the child's "Case notes" tab, writing a note, a note, printing."""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.views.decorators.http import require_POST

from haven.accounts.http import AuthenticatedRequest
from haven.accounts.models import User
from haven.accounts.permissions import Capability, requires
from haven.casenotes import selectors, services
from haven.casenotes.forms import AddendumForm, CountersignRequestForm, NoteForm
from haven.casenotes.models import CaseNote, NoteType
from haven.core.models import AccessAction
from haven.core.versioning import ConcurrentEditError
from haven.people.models import Person
from haven.ui import parsing, readability
from haven.ui.actions import CONFLICT_MESSAGE
from haven.ui.forms import apply_errors, bound_form
from haven.ui.pages import person_page, render_person_page

PER_PAGE = 25
PRINT_LIMIT = 500


def _filters(request: AuthenticatedRequest) -> tuple[selectors.NoteFilters, dict[str, str]]:
    """The tab's search and filters from the query string, each checked; errors by field."""
    errors: dict[str, str] = {}
    get = request.GET
    q, problem = parsing.search_text(get.get("q", ""), label="Search")
    if problem:
        errors["q"] = problem
    note_type = get.get("type", "")
    if note_type and note_type not in NoteType.values:
        errors["type"] = "Choose a type from the list"
        note_type = ""
    author_id = None
    if get.get("author"):
        try:
            author_id = parsing.parse_int(get["author"], label="Author", minimum=1)
        except ValidationError as exc:
            errors["author"] = exc.messages[0]
    dates: dict[str, datetime.date | None] = {"from": None, "to": None}
    for key, label in (("from", "From"), ("to", "To")):
        if get.get(key):
            try:
                dates[key] = parsing.parse_iso_date(get[key], label=label)
            except ValidationError as exc:
                errors[key] = exc.messages[0]
    return (
        selectors.NoteFilters(
            q=q,
            note_type=note_type,
            author_id=author_id,
            date_from=dates["from"],
            date_to=dates["to"],
        ),
        errors,
    )


@person_page(detail="Case notes")
def notes_tab(request: AuthenticatedRequest, person: Person) -> HttpResponse:
    filters, errors = _filters(request)
    rows = selectors.notes_for_child(user=request.user, person=person, filters=filters)
    page = Paginator(rows, PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render_person_page(
        request,
        person,
        "casenotes/tab.html",
        page=page,
        filters=filters,
        errors=errors,
        types=NoteType.choices,
        authors=selectors.authors_for_child(user=request.user, person=person),
        drafts=selectors.my_drafts(user=request.user, person=person),
        query=query.urlencode(),
        raw=request.GET,
    )


@person_page(action=AccessAction.PRINT, detail="Case notes printed")
def notes_print(request: AuthenticatedRequest, person: Person) -> HttpResponse:
    filters, errors = _filters(request)
    rows = list(
        selectors.notes_for_child(user=request.user, person=person, filters=filters)
        .filter(is_final=True)
        .prefetch_related("note__addenda__author")[:PRINT_LIMIT]
    )
    return render_person_page(
        request,
        person,
        "casenotes/print.html",
        rows=rows,
        limit=PRINT_LIMIT,
        filters=filters,
        errors=errors,
        printed_at=timezone.now(),
    )


def _offered(request: AuthenticatedRequest, person: Person) -> list[Person]:
    return selectors.children_offered(user=request.user, person=person)


def _save(
    request: AuthenticatedRequest, person: Person, form: NoteForm, note: CaseNote | None
) -> CaseNote | None:
    """Save the posted draft; None (and errors on the form) if it could not be."""
    if not form.is_valid():
        return None
    try:
        return services.note_save_draft(
            by=request.user,
            about=person,
            offered={p.pk for p in form.offered},
            note=note,
            version=form.cleaned_data["version"],
            children=form.parts(),
            **form.note_values(),
        )
    except ConcurrentEditError as exc:
        form.add_error(None, CONFLICT_MESSAGE)
        data = request.POST.copy()
        data["version"] = str(exc.current.version)
        form.data = data
    except ValidationError as exc:
        apply_errors(form, exc)
    return None


def _autosaved(note: CaseNote | None, person: Person, form: NoteForm) -> JsonResponse:
    if note is None:
        return JsonResponse(
            {"saved": False, "errors": [str(e) for es in form.errors.values() for e in es]},
            status=400,
        )
    return JsonResponse(
        {
            "saved": True,
            "url": services.note_url(note, person.pk),
            "version": note.version,
            "at": timezone.localtime(note.updated_at).strftime("%-I:%M%p").lower(),
        }
    )


def _submit(
    request: AuthenticatedRequest, person: Person, form: NoteForm, note: CaseNote | None
) -> HttpResponse | None:
    """Handle a POST of the note form: autosave (JSON), save the draft, or finalise."""
    saved = _save(request, person, form, note)
    if "autosave" in request.POST:
        return _autosaved(saved, person, form)
    if saved is None:
        return None
    if "finalise" in request.POST:
        try:
            services.note_finalise(note=saved, by=request.user)
        except ValidationError as exc:
            apply_errors(form, exc)
            return _form_page(request, person, form, saved)
        messages.success(request, "Case note finalised: it can now only be added to")
        return redirect(services.note_url(saved, person.pk))
    messages.success(request, "Draft saved: only you can see it")
    return redirect(services.note_url(saved, person.pk))


def _form_page(
    request: AuthenticatedRequest, person: Person, form: NoteForm, note: CaseNote | None
) -> HttpResponse:
    estimate = None
    if note is not None and note.narrative:
        estimate = readability.assess(note.narrative)
    return render_person_page(
        request,
        person,
        "casenotes/form.html",
        status=400 if form.errors else 200,
        form=form,
        note=note,
        estimate=estimate,
    )


@person_page(Capability.WRITE_RECORDS, detail="Writing a case note")
def note_new(request: AuthenticatedRequest, person: Person) -> HttpResponse:
    offered = _offered(request, person)
    form = bound_form(
        NoteForm, request, offered=offered, initial={"occurred_on": timezone.localdate()}
    )
    if request.method == "POST":
        done = _submit(request, person, form, None)
        if done is not None:
            return done
    return _form_page(request, person, form, None)


def _note_form_initial(note: CaseNote) -> dict[str, Any]:
    initial: dict[str, Any] = {
        "version": note.version,
        "note_type": note.note_type,
        "occurred_on": note.occurred_on,
        "present": note.present,
        "summary": note.summary,
        "narrative": note.narrative,
        "significant": note.significant,
        "written_to_child": note.written_to_child,
    }
    for part in note.children.all():
        initial[f"child_{part.person_id}"] = True
        initial[f"seen_{part.person_id}"] = part.seen
        initial[f"alone_{part.person_id}"] = part.seen_alone
        initial[f"said_{part.person_id}"] = part.child_said
        initial[f"own_{part.person_id}"] = part.own_text
    return initial


def _managers(request: AuthenticatedRequest) -> list[User]:
    return services.countersigners(request.user)


@person_page(detail="Case note")
def note_detail(request: AuthenticatedRequest, person: Person, note_id: int) -> HttpResponse:
    note = selectors.note_get_for_user(user=request.user, person=person, note_id=note_id)
    if not note.is_final:
        # A draft is its author's (the selector has checked): the form to carry on.
        offered = _offered(request, person)
        known = {p.pk for p in offered}
        extra = [
            part.person
            for part in note.children.select_related("person")
            if part.person_id not in known
        ]
        form = bound_form(
            NoteForm, request, offered=offered + extra, initial=_note_form_initial(note)
        )
        if request.method == "POST":
            done = _submit(request, person, form, note)
            if done is not None:
                return done
        return _form_page(request, person, form, note)

    addendum = AddendumForm(prefix="add")
    countersign = CountersignRequestForm(prefix="cs", managers=_managers(request))
    status = 200
    if request.method == "POST":
        try:
            if "addendum" in request.POST:
                addendum = AddendumForm(request.POST, prefix="add")
                if addendum.is_valid():
                    services.note_addendum_add(
                        note=note, by=request.user, text=addendum.cleaned_data["text"]
                    )
                    messages.success(request, "Addendum added")
                    return redirect(services.note_url(note, person.pk))
            elif "request-countersign" in request.POST:
                countersign = CountersignRequestForm(
                    request.POST, prefix="cs", managers=_managers(request)
                )
                if countersign.is_valid():
                    manager = User.objects.get(pk=countersign.cleaned_data["manager"])
                    services.note_countersign_request(
                        note=note, by=request.user, manager=manager, person_id=person.pk
                    )
                    messages.success(
                        request, f"{manager.display_name} has been asked to countersign"
                    )
                    return redirect(services.note_url(note, person.pk))
            elif "countersign" in request.POST:
                services.note_countersign(note=note, by=request.user, person_id=person.pk)
                messages.success(request, "Case note countersigned")
                return redirect(services.note_url(note, person.pk))
        except ValidationError as exc:
            target = countersign if "request-countersign" in request.POST else addendum
            apply_errors(target, exc)
        status = 400
    return render_person_page(
        request,
        person,
        "casenotes/note.html",
        status=status,
        note=note,
        parts=selectors.note_parts(user=request.user, note=note),
        addenda=list(note.addenda.select_related("author")),
        addendum_form=addendum,
        countersign_form=countersign,
        can_ask=note.author_id == request.user.pk and note.countersigned_at is None,
        error_forms=[f for f in (addendum, countersign) if f.is_bound and f.errors],
    )


@require_POST
@requires(Capability.WRITE_RECORDS)
def readability_check(request: AuthenticatedRequest) -> JsonResponse:
    """The reading age and jargon of the text typed so far (the note form's script asks)."""
    text = request.POST.get("text", "")
    try:
        text = parsing.clean_text(text, label="The text", max_length=50_000)
    except ValidationError as exc:
        return JsonResponse({"error": exc.messages[0]}, status=400)
    return JsonResponse(readability.assess(text).as_json())
