"""Assessment items for "my work" and the manager's view."""

from __future__ import annotations

from haven.accounts.models import User
from haven.assessments.models import Assessment, AssessmentStatus
from haven.people.access import user_team_ids
from haven.work.items import Scope, WorkItem, url_maker


def assessment_items(user: User, scope: Scope) -> list[WorkItem]:
    open_ = Assessment.objects.exclude(status=AssessmentStatus.AUTHORISED)
    if scope is Scope.MINE:
        open_ = open_.filter(worker=user)
    else:
        open_ = open_.filter(team_id__in=user_team_ids(user))
    url = url_maker("assessments:assessment_detail")
    items = []
    for a in open_.values(
        "pk",
        "person_id",
        "status",
        "due_date",
        "person__given_names",
        "person__family_name",
        "worker__first_name",
        "worker__last_name",
    ):
        people = ((a["person_id"], f"{a['person__given_names']} {a['person__family_name']}"),)
        owner = (
            f"{a['worker__first_name']} {a['worker__last_name']}" if a["worker__first_name"] else ""
        )
        if a["status"] == AssessmentStatus.SUBMITTED:
            if scope is Scope.TEAMS:
                items.append(
                    WorkItem(
                        "Assessment to authorise",
                        "Authorise assessment",
                        a["due_date"],
                        url(a["pk"]),
                        people,
                        owner,
                        awaiting_authorisation=True,
                    )
                )
            continue
        title = (
            "Assessment returned for changes"
            if a["status"] == AssessmentStatus.RETURNED
            else "Assessment"
        )
        items.append(WorkItem("Assessment", title, a["due_date"], url(a["pk"]), people, owner))
    return items
