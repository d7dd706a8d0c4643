"""A child's documents: the list, uploading (to siblings too), producing letters, and the one
way a document's file leaves Haven (the download view). Letter templates for administrators."""

from __future__ import annotations

from typing import Any, cast

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt, csrf_protect

from haven.accounts.http import AuthenticatedRequest
from haven.accounts.permissions import Capability, requires
from haven.core.dates import long_date
from haven.documents import letters, selectors, services
from haven.documents.forms import GenerateForm, TemplateForm, UploadForm
from haven.documents.models import LetterTemplate, TemplateKind
from haven.documents.uploads import SizeLimitedUploadHandler, max_upload_bytes
from haven.people.models import Person
from haven.ui.forms import apply_errors
from haven.ui.pages import person_page, render_person_page


def _page(
    request: AuthenticatedRequest,
    person: Person,
    *,
    upload: UploadForm | None = None,
    generate: GenerateForm | None = None,
    status: int = 200,
) -> HttpResponse:
    siblings = selectors.siblings_for_upload(person=person, user=request.user)
    upload = upload or UploadForm(siblings=siblings, prefix="up")
    generate = generate or GenerateForm(prefix="gen")
    error_forms = [f for f in (upload, generate) if f.errors]
    return render_person_page(
        request,
        person,
        "documents/tab.html",
        status=status,
        documents=list(selectors.documents_for_person(person=person)),
        upload_form=upload,
        generate_form=generate,
        error_forms=error_forms,
        max_mb=max_upload_bytes() // (1024 * 1024),
    )


@person_page()
def tab(request: AuthenticatedRequest, person: Person) -> HttpResponse:
    if request.method == "POST":
        return HttpResponseNotAllowed(["GET"])
    return _page(request, person)


@csrf_protect
@person_page()
def _upload(request: AuthenticatedRequest, person: Person) -> HttpResponse:
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    siblings = selectors.siblings_for_upload(person=person, user=request.user)
    form = UploadForm(request.POST, request.FILES, siblings=siblings, prefix="up")
    if getattr(request, "upload_too_large", False):
        form.is_valid()
        form.errors.pop("file", None)
        form.add_error(
            "file", f"The file must be smaller than {max_upload_bytes() // (1024 * 1024)} MB"
        )
        return _page(request, person, upload=form, status=400)
    if form.is_valid():
        data = form.cleaned_data
        try:
            documents = services.document_upload(
                person=person,
                by=request.user,
                upload=data["file"],
                category=data["category"],
                document_date=data["document_date"],
                description=data["description"],
                siblings=form.chosen_siblings(),
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            added = len(documents)
            messages.success(
                request,
                "Document added" if added == 1 else f"Document added to {added} children's records",
            )
            return redirect("documents:tab", person_id=person.pk)
    return _page(request, person, upload=form, status=400)


@csrf_exempt
def upload(request: Any, person_id: int) -> HttpResponse:
    """Files are read through a handler that stops at the size limit, so it must be in place
    before anything reads the request body (hence the CSRF check inside, as Django advises)."""
    if request.method == "POST":
        request.upload_handlers = [SizeLimitedUploadHandler(request)]
    return _upload(request, person_id)


@person_page()
def generate(request: AuthenticatedRequest, person: Person) -> HttpResponse:
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    form = GenerateForm(request.POST, prefix="gen")
    if form.is_valid():
        try:
            document = services.document_generate(
                person=person, by=request.user, kind=form.cleaned_data["kind"], request=request
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, f"{document.description} produced and added to the documents")
            return redirect("documents:tab", person_id=person.pk)
    return _page(request, person, generate=form, status=400)


@person_page()
def download(request: AuthenticatedRequest, person: Person, document_id: int) -> HttpResponse:
    if request.method != "GET":
        return HttpResponseNotAllowed(["GET"])
    document = selectors.document_get(person=person, document_id=document_id)
    handle = services.document_open(document=document, by=request.user, request=request)
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=document.file.original_name,
        content_type=document.file.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return cast(HttpResponse, response)  # streamed: the file is never read whole into memory


BODY_HINT = (
    "Django template text. Write a name in double braces, such as {{ child.name }}; use "
    "{% if %} and {% for %} for parts that depend on the record. HTML tags such as <p> and "
    "<h1> lay the letter out."
)


@requires(Capability.MANAGE_TEMPLATES)
def templates(request: AuthenticatedRequest) -> HttpResponse:
    saved = {t.key: t for t in LetterTemplate.objects.select_related("updated_by")}
    rows = [
        {
            "key": kind.value,
            "label": kind.label,
            "changed": f"{long_date(saved[kind].updated_at)} by {saved[kind].updated_by.display_name}"
            if kind in saved
            else "Haven's wording",
        }
        for kind in TemplateKind
    ]
    return render(request, "documents/templates.html", {"rows": rows})


@requires(Capability.MANAGE_TEMPLATES)
def template_edit(request: AuthenticatedRequest, template_key: str) -> HttpResponse:
    if template_key not in TemplateKind.values:
        raise Http404("No such letter template")
    kind = TemplateKind(template_key)
    saved = LetterTemplate.objects.filter(key=kind).first()
    if request.method == "POST":
        form = TemplateForm(request.POST)
        if form.is_valid():
            try:
                services.letter_template_save(
                    key=kind,
                    body=form.cleaned_data["body"],
                    by=request.user,
                    version=form.cleaned_data["version"],
                )
            except ValidationError as exc:
                apply_errors(form, exc)
            except services.ConcurrentEditError as exc:
                form.add_error(
                    None,
                    "Someone else saved this template while you were editing. Your wording is "
                    "below; their version is now the saved one. Save again to replace it.",
                )
                data = request.POST.copy()
                data["version"] = str(exc.current.version)
                form.data = data
            else:
                messages.success(request, f"{kind.label} template saved")
                return redirect("documents:templates")
        status = 400
    else:
        form = TemplateForm(
            initial={
                "body": saved.body if saved else letters.DEFAULT_BODIES[kind],
                "version": saved.version if saved else 0,
            }
        )
        status = 200
    return render(
        request,
        "documents/template_edit.html",
        {
            "form": form,
            "kind": kind,
            "fields": letters.FIELDS,
            "action": reverse("documents:template_edit", args=[kind.value]),
            "body_hint": BODY_HINT,
        },
        status=status,
    )
