from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from haven.accounts.http import AuthenticatedRequest
from haven.accounts.models import Team, User
from haven.accounts.permissions import Capability, require, requires, user_can
from haven.core import drafts
from haven.core.models import AccessAction
from haven.core.services import access_log_listed, access_log_record
from haven.people import access, selectors, services
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

PersonView = Callable[..., HttpResponse]


def person_page(
    *needs: Capability,
    action: AccessAction = AccessAction.VIEW,
    detail: str = "",
) -> Callable[[PersonView], Callable[..., HttpResponse]]:
    """Load the person through the access selector (404 and an audit row if not entitled),
    follow a merged record to the one it was merged into, and check the user's capabilities
    (``needs``; any POST also needs WRITE_RECORDS)."""

    def decorate(view: PersonView) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapper(
            request: AuthenticatedRequest, person_id: int, *args: Any, **kwargs: Any
        ) -> HttpResponse:
            try:
                person = selectors.person_get_for_user(
                    user=request.user,
                    person_id=person_id,
                    request=request,
                    action=action,
                    detail=detail,
                )
            except Http404:
                return render(
                    request, "people/not_found.html", {"person_id": person_id}, status=404
                )
            if person.merged_into_id:
                messages.info(request, f"Record {person.pk} was merged into this record")
                return redirect("people:person_detail", person_id=person.merged_into_id)
            for capability in needs:
                require(request.user, capability)
            if request.method == "POST":
                require(request.user, Capability.WRITE_RECORDS)
            return view(request, person, *args, **kwargs)

        return wrapper

    return decorate


def person_tabs(person: Person, user: User) -> list[tuple[str, str]]:
    tabs = [
        ("Summary", reverse("people:person_detail", args=[person.pk])),
        ("Chronology", reverse("chronology:person_chronology", args=[person.pk])),
        ("Child protection and CIN", reverse("protection:child_protection", args=[person.pk])),
    ]
    if user_can(user, Capability.SEE_ACCESS_LOG):
        tabs.append(("Access and changes", reverse("people:access_log", args=[person.pk])))
    return tabs


def render_person_page(
    request: AuthenticatedRequest, person: Person, template: str, **context: Any
) -> HttpResponse:
    user = request.user
    return render(
        request, template, {"person": person, "tabs": person_tabs(person, user), **context}
    )


def apply_errors(form: Any, error: ValidationError) -> None:
    for field, messages_ in error.message_dict.items():
        target = field if field in form.fields else None
        for message in messages_:
            form.add_error(target, message)


def bound_form(form_class: Any, request: AuthenticatedRequest, **kwargs: Any) -> Any:
    """A form bound to what was posted, or to what was kept when the session ran out."""
    if request.method == "POST":
        return form_class(request.POST, **kwargs)
    kept = drafts.restore(request)
    if kept is not None:
        messages.warning(request, "You were signed out. We kept what you typed: check it and save.")
        return form_class(kept, **kwargs)
    return form_class(**kwargs)


@requires(Capability.SEARCH_PEOPLE)
def search(request: AuthenticatedRequest) -> HttpResponse:
    user = request.user
    query, error = parsing.search_text(request.GET.get("q", ""), label="Search")
    hits = person_search(user=user, query=query) if query else []
    if query:
        access_log_record(user=user, action=AccessAction.SEARCH, request=request, detail=query)
        access_log_listed(
            user=user,
            person_ids=[h.person.pk for h in hits],
            request=request,
            detail=f"search: {query}",
        )
    visible = set(
        Person.objects.filter(
            access.visible_q(user), pk__in=[h.person.pk for h in hits]
        ).values_list("pk", flat=True)
    )
    return render(
        request,
        "people/search.html",
        {"query": query, "hits": hits, "visible": visible, "error": error},
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
            "visible": set(
                Person.objects.filter(
                    access.visible_q(user), pk__in=[d.person.pk for d in duplicates]
                ).values_list("pk", flat=True)
            ),
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
    return render_person_page(
        request,
        person,
        "people/person_print.html",
        **selectors.person_profile(person=person, user=request.user),
    )


def _details_initial(person: Person) -> dict[str, Any]:
    fields = [*services.DETAIL_FIELDS, "version"]
    initial = {f: getattr(person, f) for f in fields}
    initial["disabilities"] = list(person.disabilities.values_list("code", flat=True))
    return initial


@person_page(Capability.WRITE_RECORDS)
def person_edit(request: AuthenticatedRequest, person: Person) -> HttpResponse:
    form = bound_form(PersonEditForm, request, initial=_details_initial(person))
    conflict = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.person_update(
                person_id=person.pk,
                by=request.user,
                expected_version=data["version"],
                details=data,
                disabilities=data["disabilities"],
            )
        except services.ConcurrentEditError as exc:
            conflict = exc.current
            form.add_error(
                None,
                "Someone else saved changes to this record while you were editing. "
                "Your changes have not been saved: they are still below. Check the "
                "record as it is now, then save again to apply them.",
            )
            # Saving again applies the user's input over the version they have now seen.
            data_copy = form.data.copy()
            data_copy["version"] = str(conflict.version)
            form.data = data_copy
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, "Details saved")
            return redirect("people:person_detail", person_id=person.pk)
    return render_person_page(
        request, person, "people/person_edit.html", form=form, conflict=conflict
    )


def _simple_form_page(
    request: AuthenticatedRequest,
    person: Person,
    form_class: Any,
    title: str,
    save: Callable[[dict[str, Any]], Any],
    success: str,
) -> HttpResponse:
    form = bound_form(form_class, request)
    if request.method == "POST" and form.is_valid():
        try:
            save(form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, success)
            return redirect("people:person_detail", person_id=person.pk)
    return render_person_page(request, person, "people/simple_form.html", form=form, title=title)


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
        request, person, AddressForm, "Add a new address", save, "Address saved"
    )


@person_page(Capability.WRITE_RECORDS)
def name_add(request: AuthenticatedRequest, person: Person) -> HttpResponse:
    def save(data: dict[str, Any]) -> Any:
        return services.name_add(person=person, by=request.user, **data)

    return _simple_form_page(request, person, NameForm, "Add another name", save, "Name saved")


@person_page(Capability.WRITE_RECORDS)
def relationship_add(request: AuthenticatedRequest, person: Person) -> HttpResponse:
    def save(data: dict[str, Any]) -> Any:
        relative = None
        if data["existing_person"]:
            # Linking someone requires being able to see them.
            relative = Person.objects.filter(
                access.searchable_q(request.user), pk=data["existing_person"]
            ).first()
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
        RelationshipForm,
        "Add a family member or significant person",
        save,
        "Family member saved",
    )


@person_page(Capability.WRITE_RECORDS)
def professional_add(request: AuthenticatedRequest, person: Person) -> HttpResponse:
    def save(data: dict[str, Any]) -> Any:
        return services.professional_add(person=person, by=request.user, **data)

    return _simple_form_page(
        request,
        person,
        ProfessionalForm,
        "Add an involved professional",
        save,
        "Professional saved",
    )


@person_page(Capability.ALLOCATE)
def allocation(request: AuthenticatedRequest, person: Person) -> HttpResponse:
    form = bound_form(AllocationForm, request)
    if request.method == "POST" and form.is_valid():
        try:
            services.allocation_set(
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
        history=selectors.allocation_history(person=person),
    )


@person_page(Capability.SEE_ACCESS_LOG)
def access_log(request: AuthenticatedRequest, person: Person) -> HttpResponse:
    views = Paginator(selectors.access_log_for_person(person=person), 50).get_page(
        request.GET.get("page")
    )
    changes = list(selectors.changes_for_person(person=person)[:200])
    actors = User.objects.in_bulk({c.actor_id for c in changes if c.actor_id})
    for change in changes:
        actor = actors.get(change.actor_id) if change.actor_id else None
        change.actor_name = actor.display_name if actor else (change.actor_label or "System")  # type: ignore[attr-defined]
    return render_person_page(
        request, person, "people/access_log.html", page_obj=views, changes=changes
    )


@person_page(Capability.MERGE_RECORDS)
def merge(request: AuthenticatedRequest, person: Person) -> HttpResponse:
    form = MergeForm(request.POST or None)
    duplicate = None
    if request.method == "POST" and form.is_valid():
        dup_id = form.cleaned_data["duplicate"]
        duplicate = (
            Person.objects.filter(
                access.visible_q(request.user), pk=dup_id, merged_into__isnull=True
            )
            .exclude(pk=person.pk)
            .first()
        )
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
