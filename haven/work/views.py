from typing import Any

from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render

from haven.accounts.http import AuthenticatedRequest
from haven.accounts.models import Role
from haven.accounts.permissions import Capability, requires, user_can
from haven.core.services import access_log_listed
from haven.ui.navigation import header_links
from haven.work import selectors
from haven.work.items import Scope, work_for
from haven.work.landing import landing_url_name

# The manager's view shows the most urgent of each list; the rest is a click away.
SHOWN_ON_HOME = 15


def home(request: AuthenticatedRequest) -> HttpResponse:
    """Where a user lands: their work, wherever that is (see ``haven.work.landing``)."""
    target = landing_url_name(request.user)
    if target != "work:home":
        return redirect(target)
    return my_work(request)


def my_work(request: AuthenticatedRequest) -> HttpResponse:
    user = request.user
    items = work_for(user, Scope.MINE)
    context: dict[str, Any] = {
        "page_obj": Paginator(items, 50).get_page(request.GET.get("page")),
        "item_count": len(items),
        "overdue_count": sum(1 for i in items if i.is_overdue),
        "caseload": list(selectors.caseload_for_worker(user=user)),
        "shown": SHOWN_ON_HOME,
    }
    listed = [p for item in context["page_obj"] for p, _ in item.people]
    listed += [a.person_id for a in context["caseload"]]
    if user_can(user, Capability.SEE_TEAM_WORK):
        team = selectors.team_work(user=user, shown=SHOWN_ON_HOME)
        context["sections"] = [(s.key, s.heading, s.shown, s.count) for s in team.sections]
        unallocated = selectors.team_unallocated_children(user=user)
        context["unallocated"] = list(unallocated[:SHOWN_ON_HOME])
        context["unallocated_count"] = unallocated.count()
        listed += [p for s in team.sections for i in s.shown for p, _ in i.people]
        listed += [a.person_id for a in context["unallocated"]]
        context["caseloads"] = [
            (name, row["children"], team.overdue_by_owner.get(name, 0))
            for row in selectors.team_caseloads(user=user)
            for name in [f"{row['worker__first_name']} {row['worker__last_name']}"]
        ]
    access_log_listed(user=user, person_ids=listed, request=request, detail="my work")
    return render(request, "work/home.html", context)


@requires(Capability.SEE_TEAM_WORK)
def team_list(request: AuthenticatedRequest, section: str) -> HttpResponse:
    """One of the manager's lists in full, a page at a time."""
    if section not in selectors.TEAM_SECTIONS:
        raise Http404("No such list")
    heading = selectors.TEAM_SECTIONS[section][0]
    items = selectors.team_sections(user=request.user)[section]
    page = Paginator(items, 50).get_page(request.GET.get("page"))
    access_log_listed(
        user=request.user,
        person_ids=[p for item in page for p, _ in item.people],
        request=request,
        detail=f"team list: {heading}",
    )
    return render(
        request, "work/team_list.html", {"heading": heading, "page_obj": page, "section": section}
    )


@requires(Capability.SEE_ACCESS_LOG)
def audit(request: AuthenticatedRequest) -> HttpResponse:
    """An auditor's start: find a record to audit, and the access that most needs a look."""
    rows = selectors.access_of_note(user=request.user)
    access_log_listed(
        user=request.user,
        person_ids=[r["person_id"] for r in rows],
        request=request,
        detail="access to review",
    )
    roles = dict(Role.choices)
    for row in rows:
        row["role_label"] = roles.get(row["role"], row["role"])
    return render(request, "work/audit.html", {"rows": rows})


def start(request: AuthenticatedRequest) -> HttpResponse:
    """For a user whose role has no work list here: the pages they may use."""
    unread = request.user.alerts.filter(read_at__isnull=True).count()
    links = [
        link
        for link in header_links(request, badges={"unread_alerts": unread})
        if link.url != request.path
    ]
    return render(request, "work/start.html", {"links": links})
