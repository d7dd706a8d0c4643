"""Reads of a child's episodes and closure, given a child the user may already see."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch

from haven.childinneed.models import ClosureProposal, ClosureStatus
from haven.frontdoor.models import Referral
from haven.people.models import Person


def episodes(*, person: Person, user: Any) -> list[Referral]:
    """The child's child in need episodes, newest first, each with its contact, assessments
    and closure proposals (three queries, whatever the number of episodes). The child's page
    has already checked that ``user`` may see the child."""
    from haven.assessments.models import Assessment

    return list(
        Referral.objects.filter(person=person)
        .select_related("contact_child", "team")
        .prefetch_related(
            Prefetch("assessments", queryset=Assessment.objects.order_by("start_date", "pk")),
            Prefetch(
                "closure_proposals",
                queryset=ClosureProposal.objects.select_related(
                    "proposed_by", "decided_by"
                ).order_by("-proposed_at"),
            ),
        )
        .order_by("-referral_date", "-pk")
    )


def episode_links(*, person: Person, user: Any) -> list[dict[str, Any]]:
    """For the child's page: each episode with the links to its contact, its details and its
    assessments, in one query."""
    from django.contrib.postgres.aggregates import ArrayAgg

    rows = (
        Referral.objects.filter(person=person)
        .annotate(
            assessment_ids=ArrayAgg("assessments__pk", order="assessments__pk", default=[]),
            assessment_starts=ArrayAgg(
                "assessments__start_date", order="assessments__pk", default=[]
            ),
        )
        .values(
            "pk",
            "referral_date",
            "closure_date",
            "contact_child__contact_id",
            "assessment_ids",
            "assessment_starts",
        )
        .order_by("-referral_date", "-pk")
    )
    return [
        {
            "pk": row["pk"],
            "referral_date": row["referral_date"],
            "closure_date": row["closure_date"],
            "contact_id": row["contact_child__contact_id"],
            "assessments": [
                (pk, start)
                for pk, start in zip(row["assessment_ids"], row["assessment_starts"], strict=True)
                if pk is not None
            ],
        }
        for row in rows
    ]


def pending_closure(*, referral: Referral) -> ClosureProposal | None:
    return (
        ClosureProposal.objects.filter(referral=referral, status=ClosureStatus.PROPOSED)
        .select_related("proposed_by")
        .first()
    )
