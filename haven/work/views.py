from collections import defaultdict

from django.http import HttpResponse
from django.shortcuts import render

from haven.core.http import AuthenticatedRequest
from haven.work import selectors


def home(request: AuthenticatedRequest) -> HttpResponse:
    user = request.user
    context: dict = {"caseload": list(selectors.caseload_for_worker(user=user))}
    if user.is_manager:
        by_worker: dict[str, list] = defaultdict(list)
        unallocated = []
        for allocation in selectors.team_allocations(user=user):
            if allocation.worker is None:
                unallocated.append(allocation)
            else:
                by_worker[allocation.worker.display_name].append(allocation)
        context["unallocated"] = unallocated
        context["by_worker"] = sorted(by_worker.items())
    return render(request, "work/home.html", context)
