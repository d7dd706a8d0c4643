from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from haven.accounts.http import AuthenticatedRequest
from haven.accounts.models import Team
from haven.accounts.permissions import Capability, requires
from haven.core import csv_safe
from haven.core.models import AccessAction
from haven.core.services import access_log_listed, access_log_record
from haven.people import access, selectors, services
from haven.people import access_log as access_words
from haven.people.chronology_forms import AccessLogFilterForm
from haven.people.forms import (
    AddressForm,
    AllocationForm,
    BreakGlassForm,
    MergeForm,
    NameForm,
    PersonCreateForm,
    PersonEditForm,
    ProfessionalForm,
    RelationshipForm,
    RestrictForm,
)
from haven.people.models import Person, PersonKind
from haven.people.search import likely_duplicates, person_search
from haven.ui import parsing
from haven.ui.actions import Action, Bound, action_form, run_action
from haven.ui.forms import apply_errors, bound_form
from haven.ui.pages import person_page, render_person_page

# Results per page, and the most a search returns (past that, the box needs more to go on).
SEARCH_PAGE_SIZE = 25
SEARCH_MOST = 200


@requires(Capability.SEARCH_PEOPLE)
def search(request: AuthenticatedRequest) -> HttpResponse:
    user = request.user
    query, error = parsing.search_text(request.GET.get("q", ""), label="Search")
    hits = person_search(user=user, query=query, limit=SEARCH_MOST) if query else []
    page = Paginator(hits, SEARCH_PAGE_SIZE).get_page(request.GET.get("page"))
    shown = [h.person.pk for h in page.object_list]
    if query:
        access_log_record(user=user, action=AccessAction.SEARCH, request=request, detail=query)
        access_log_listed(user=user, person_ids=shown, request=request, detail=f"search: {query}")
    visible = access.visible_ids(user, shown)
    told_apart = selectors.namesakes_told_apart(user=user, person_ids=shown, visible=visible)
    rows = [(hit, told_apart[hit.person.pk]) for hit in page.object_list]
    return render(
        request,
        "people/search.html",
        {
            "query": query,
            "hits": hits,
            "rows": rows,
            "page_obj": page,
            "visible": visible,
            "error": error,
            "at_most": len(hits) >= SEARCH_MOST,
        },
    )


@requires(Capability.CREATE_PEOPLE, Capability.SEARCH_PEOPLE)
def person_create(request: AuthenticatedRequest) -> HttpResponse:
    user = request.user
    teams = Team.objects.filter(memberships__user=user, is_active=True)
    form = bound_form(PersonCreateForm, request, teams=teams)
    duplicates: list[Any] = []
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if not data["confirm_not_duplicate"]:
            duplicates = likely_duplicates(
                user=user,
                given_names=data["given_names"],
                family_name=data["family_name"],
                date_of_birth=data["date_of_birth"],
                nhs_number=data["nhs_number"],
                upn=data["upn"],
                postcode=data["address_postcode"],
            )
        if not duplicates:
            address = None
            if data["address_line_1"]:
                address = services.AddressData(
                    line_1=data["address_line_1"],
                    line_2=data["address_line_2"],
                    town=data["address_town"],
                    postcode=data["address_postcode"],
                )
            try:
                person = services.person_create(
                    by=user,
                    kind=PersonKind.CHILD,
                    details=data,
                    disabilities=data["disabilities"],
                    address=address,
                    team=data["team"],
                    confirmed_not_duplicate=data["confirm_not_duplicate"],
                )
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, f"Record created for {person.full_name}")
                return redirect("people:person_detail", person_id=person.pk)
    if duplicates:
        access_log_record(
            user=user,
            action=AccessAction.SEARCH,
            request=request,
            detail=f"duplicate check: {form.cleaned_data['family_name']}",
        )
        access_log_listed(
            user=user,
            person_ids=[d.person.pk for d in duplicates],
            request=request,
            detail="duplicate check",
        )
    return render(
        request,
        "people/person_create.html",
        {
            "form": form,
            "duplicates": duplicates,
            "visible": access.visible_ids(user, [d.person.pk for d in duplicates]),
        },
    )


@person_page()
def person_detail(request: AuthenticatedRequest, person: Person) -> HttpResponse:
    return render_person_page(
        request,
        person,
        "people/person_detail.html",
        **selectors.person_profile(person=person, user=request.user),
    )


@person_page(action=AccessAction.PRINT)
def person_print(request: AuthenticatedRequest, person: Person) -> HttpResponse:
    """The record on paper: no links to change it, a protective marking top and bottom, the
    child's status and the chronology's turning points. Logged once, as a print."""
    return render_person_page(
        request,
        person,
        "people/person_print.html",
        record_status=selectors.record_status(person=person),
        key_events=selectors.key_events(person=person),
        **selectors.person_profile(person=person, user=request.user),
    )


def _details_initial(person: Person) -> dict[str, Any]:
    fields = [*services.DETAIL_FIELDS, "version"]
    initial = {f: getattr(person, f) for f in fields}
    initial["disabilities"] = list(person.disabilities.values_list("code", flat=True))
    return initial


@person_page(Capability.WRITE_RECORDS)
def person_edit(request: AuthenticatedRequest, person: Person) -> HttpResponse:
    initial = _details_initial(person)
    actions = {
        "details": Action(
            form=PersonEditForm,
            form_kwargs=lambda _: {"initial": initial},
            do=lambda _, data: services.person_update(
                person_id=person.pk,
                by=request.user,
                expected_version=data["version"],
                details=data,
                disabilities=data["disabilities"],
            ),
            success="Details saved",
        )
    }

    def page(bound: Bound | None) -> HttpResponse:
        form = action_form(
            actions,
            "details",
            bound=bound,
            fresh=lambda: bound_form(PersonEditForm, request, initial=initial),
        )
        conflict = bound.conflict if bound else None
        return render_person_page(
            request, person, "people/person_edit.html", form=form, conflict=conflict
        )

    return run_action(request, actions, "details", done=_summary(person), page=page)


def _summary(person: Person) -> str:
    return reverse("people:person_detail", args=[person.pk])


def _simple_form_page(
    request: AuthenticatedRequest, person: Person, title: str, action: Action
) -> HttpResponse:
    """A page with one form about the person; success goes back to their summary."""
    actions = {"save": action}

    def page(bound: Bound | None) -> HttpResponse:
        form = action_form(
            actions, "save", bound=bound, fresh=lambda: bound_form(action.form, request)
        )
        return render_person_page(
            request,
            person,
            "people/simple_form.html",
            form=form,
            title=title,
        )

    return run_action(request, actions, "save", done=_summary(person), page=page)


@person_page(Capability.WRITE_RECORDS)
def address_add(request: AuthenticatedRequest, person: Person) -> HttpResponse:
    def save(data: dict[str, Any]) -> Any:
        return services.address_add(
            person=person,
            by=request.user,
            address=services.AddressData(
                line_1=data["line_1"],
                line_2=data["line_2"],
                town=data["town"],
                postcode=data["postcode"],
                start_date=data["start_date"],
            ),
        )

    return _simple_form_page(
        request,
        person,
        "Add a new address",
        Action(form=AddressForm, do=lambda _, data: save(data), success="Address saved"),
    )


@person_page(Capability.WRITE_RECORDS)
def name_add(request: AuthenticatedRequest, person: Person) -> HttpResponse:
    def save(data: dict[str, Any]) -> Any:
        return services.name_add(person=person, by=request.user, **data)

    return _simple_form_page(
        request,
        person,
        "Add another name",
        Action(form=NameForm, do=lambda _, data: save(data), success="Name saved"),
    )


@person_page(Capability.WRITE_RECORDS)
def relationship_add(request: AuthenticatedRequest, person: Person) -> HttpResponse:
    def save(data: dict[str, Any]) -> Any:
        relative = None
        if data["existing_person"]:
            # Linking someone requires being able to see them.
            relative = selectors.person_findable(
                user=request.user, person_id=data["existing_person"]
            )
            if relative is None:
                raise ValidationError({"existing_person": "There is no person with that Haven ID"})
        new_person = (
            None
            if relative
            else {
                "given_names": data["given_names"],
                "family_name": data["family_name"],
                "date_of_birth": data["date_of_birth"],
                "sex": data["sex"] or "U",
            }
        )
        return services.relationship_add(
            child=person,
            by=request.user,
            relationship_type=data["relationship_type"],
            relative=relative,
            new_person=new_person,
            parental_responsibility=data["parental_responsibility"],
            link_reason=data["link_reason"],
        )

    return _simple_form_page(
        request,
        person,
        "Add a family member or significant person",
        Action(form=RelationshipForm, do=lambda _, data: save(data), success="Family member saved"),
    )


@person_page(Capability.WRITE_RECORDS)
def professional_add(request: AuthenticatedRequest, person: Person) -> HttpResponse:
    def save(data: dict[str, Any]) -> Any:
        return services.professional_add(person=person, by=request.user, **data)

    return _simple_form_page(
        request,
        person,
        "Add an involved professional",
        Action(form=ProfessionalForm, do=lambda _, data: save(data), success="Professional saved"),
    )


@person_page(Capability.ALLOCATE)
def allocation(request: AuthenticatedRequest, person: Person) -> HttpResponse:
    current = selectors.current_allocation(person=person)
    team = current.team if current else None
    form = bound_form(AllocationForm, request, current_team=team)
    if request.method == "POST" and form.is_valid():
        try:
            services.case_allocate(
                person=person,
                by=request.user,
                team=form.cleaned_data["team"],
                worker=form.cleaned_data["worker"],
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, "Allocation saved")
            return redirect("people:person_detail", person_id=person.pk)
    return render_person_page(
        request,
        person,
        "people/allocation.html",
        form=form,
        current=current,
        history=selectors.allocation_history(person=person),
    )


def _access_log_filter(
    request: AuthenticatedRequest, ids: list[int]
) -> tuple[AccessLogFilterForm, access_words.LogFilter]:
    form = AccessLogFilterForm(request.GET or None, people=access_words.people_in_log(ids))
    if not (form.is_bound and form.is_valid()):
        return form, access_words.LogFilter()
    data = form.cleaned_data
    return form, access_words.LogFilter(
        user_id=data.get("user"), date_from=data.get("date_from"), date_to=data.get("date_to")
    )


@person_page(Capability.SEE_ACCESS_LOG)
def access_log(request: AuthenticatedRequest, person: Person) -> HttpResponse:
    """Who has opened, printed, listed or changed the record, in words, newest first."""
    ids = selectors.record_ids(person)
    form, chosen = _access_log_filter(request, ids)
    page = Paginator(access_words.timeline_keys(ids, chosen), 50).get_page(request.GET.get("page"))
    entries = access_words.timeline_entries(page.object_list, reader=request.user)
    query = request.GET.copy()
    query.pop("page", None)
    return render_person_page(
        request,
        person,
        "people/access_log.html",
        page_obj=page,
        entries=entries,
        form=form,
        csv_query=query.urlencode(),
    )


@person_page(Capability.SEE_ACCESS_LOG, action=AccessAction.EXPORT, detail="access log (CSV)")
def access_log_csv(request: AuthenticatedRequest, person: Person) -> HttpResponse:
    """The same log as a spreadsheet for information governance; the download is itself in
    the access log (as an export, by ``person_page``)."""
    ids = selectors.record_ids(person)
    form, chosen = _access_log_filter(request, ids)
    if form.is_bound and not form.is_valid():
        return redirect(
            f"{reverse('people:access_log', args=[person.pk])}?{request.GET.urlencode()}"
        )
    # Streamed (a log can be long); person_page is typed for HttpResponse, hence Any.
    response: Any = StreamingHttpResponse(
        csv_safe.lines(access_words.csv_rows(ids, chosen, reader=request.user)),
        content_type="text/csv; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="access-log-{person.pk}.csv"'
    return response


@person_page(Capability.MERGE_RECORDS)
def merge(request: AuthenticatedRequest, person: Person) -> HttpResponse:
    form = MergeForm(request.POST or None)
    duplicate = None
    if request.method == "POST" and form.is_valid():
        dup_id = form.cleaned_data["duplicate"]
        duplicate = selectors.merge_candidate(user=request.user, keep=person, person_id=dup_id)
        if duplicate is None:
            form.add_error("duplicate", "Enter the Haven ID of another record you can see")
        elif form.cleaned_data["confirm"]:
            try:
                services.person_merge(keep=person, duplicate=duplicate, by=request.user)
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, f"Record {duplicate.pk} merged into this record")
                return redirect("people:person_detail", person_id=person.pk)
    return render_person_page(request, person, "people/merge.html", form=form, duplicate=duplicate)


@person_page(Capability.RESTRICT_RECORDS)
def restrict(request: AuthenticatedRequest, person: Person) -> HttpResponse:
    form = RestrictForm(
        request.POST or None,
        initial={"named_users": list(person.restricted_to.values_list("user_id", flat=True))},
    )
    if request.method == "POST" and form.is_valid():
        services.person_restrict(
            person=person,
            by=request.user,
            named_users=list(form.cleaned_data["named_users"]),
        )
        messages.success(request, "The record is now restricted to the people named")
        return redirect("people:person_detail", person_id=person.pk)
    return render_person_page(
        request, person, "people/simple_form.html", form=form, title="Restrict this record"
    )


@requires(Capability.EMERGENCY_ACCESS)
def break_glass(request: AuthenticatedRequest, person_id: int) -> HttpResponse:
    """Ask for emergency access. The page looks the same whether or not the record exists."""
    user = request.user
    form = BreakGlassForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            grant = services.break_glass_grant(
                user=user, person_id=person_id, reason=form.cleaned_data["reason"], request=request
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            if grant is not None:
                messages.warning(
                    request, "Emergency access granted. Every page you view is recorded."
                )
                return redirect("people:person_detail", person_id=person_id)
            form.add_error(
                None,
                "Emergency access cannot be given to this record. Ask the team "
                "that holds the case, or your manager.",
            )
    return render(request, "people/break_glass.html", {"form": form, "person_id": person_id})
