from collections import Counter, defaultdict
from typing import Any

from django.http import HttpResponse
from django.shortcuts import render

from haven.core.http import AuthenticatedRequest
from haven.work import selectors
from haven.work.items import Scope, work_for


def home(request: AuthenticatedRequest) -> HttpResponse:
    user = request.user
    items = work_for(user, Scope.MINE)
    context: dict[str, Any] = {
        "items": items,
        "overdue_count": sum(1 for i in items if i.is_overdue),
        "caseload": list(selectors.caseload_for_worker(user=user)),
    }
    if user.is_manager:
        team_items = work_for(user, Scope.TEAMS)
        context["awaiting_authorisation"] = [i for i in team_items if i.awaiting_authorisation]
        context["team_overdue"] = [i for i in team_items if i.is_overdue and not i.awaiting_authorisation]
        context["unallocated_work"] = [i for i in team_items if not i.owner and not i.awaiting_authorisation]
        by_worker: dict[str, list[Any]] = defaultdict(list)
        unallocated = []
        for allocation in selectors.team_allocations(user=user):
            if allocation.worker is None:
                unallocated.append(allocation)
            else:
                by_worker[allocation.worker.display_name].append(allocation)
        open_items = Counter(i.owner for i in team_items if i.owner and not i.awaiting_authorisation)
        context["unallocated"] = unallocated
        context["caseloads"] = sorted(
            (name, len(children), open_items.get(name, 0)) for name, children in by_worker.items())
    return render(request, "work/home.html", context)
