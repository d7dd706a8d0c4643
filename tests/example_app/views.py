from django.http import HttpResponse
from django.shortcuts import render

from haven.accounts.http import AuthenticatedRequest
from haven.accounts.permissions import Capability, requires
from haven.people.models import Person
from haven.ui.pages import person_page, render_person_page


@requires(Capability.VIEW_RECORDS)
def home(request: AuthenticatedRequest) -> HttpResponse:
    return render(request, "example/home.html")


@person_page()
def tab(request: AuthenticatedRequest, person: Person) -> HttpResponse:
    return render_person_page(request, person, "example/tab.html")
