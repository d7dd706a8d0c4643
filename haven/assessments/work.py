"""Assessment items for "my work" and the manager's view."""

from __future__ import annotations

from django.urls import reverse

from haven.accounts.models import User
from haven.assessments.models import Assessment, AssessmentStatus
from haven.people.access import user_team_ids
from haven.work.items import Scope, WorkItem


def assessment_items(user: User, scope: Scope) -> list[WorkItem]:
    open_ = Assessment.objects.exclude(status=AssessmentStatus.AUTHORISED)
    if scope is Scope.MINE:
        open_ = open_.filter(worker=user)
    else:
        open_ = open_.filter(team_id__in=user_team_ids(user))
    items = []
    for a in open_.select_related("person", "worker"):
        url = reverse("assessments:assessment_detail", args=[a.pk])
        owner = a.worker.display_name if a.worker else ""
        if a.status == AssessmentStatus.SUBMITTED:
            if scope is Scope.TEAMS:
                items.append(
                    WorkItem(
                        "Assessment to authorise",
                        "Authorise assessment",
                        a.due_date,
                        url,
                        a.person.full_name,
                        owner,
                        awaiting_authorisation=True,
                    )
                )
            continue
        title = (
            "Assessment returned for changes"
            if a.status == AssessmentStatus.RETURNED
            else "Assessment"
        )
        items.append(WorkItem("Assessment", title, a.due_date, url, a.person.full_name, owner))
    return items
