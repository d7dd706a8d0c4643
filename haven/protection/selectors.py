from __future__ import annotations

from typing import Any

from django.db.models import Prefetch

from haven.childinneed.models import CINPlan
from haven.frontdoor.models import Referral
from haven.people.models import Person
from haven.protection.models import ChildProtectionPlan, Conference, CoreGroup, S47Enquiry, Visit


def protection_record(*, person: Person) -> dict[str, Any]:
    """Every CIN episode of the child with its CP and CIN work, newest first (fixed queries)."""
    referrals = list(
        Referral.objects.filter(person=person)
        .order_by("-referral_date")
        .prefetch_related(
            "strategy_discussions",
            Prefetch("s47_enquiries", queryset=S47Enquiry.objects.order_by("start_date")),
            Prefetch(
                "conferences",
                queryset=Conference.objects.select_related("chair").order_by("due_date"),
            ),
            Prefetch(
                "cp_plans",
                queryset=ChildProtectionPlan.objects.select_related(
                    "lead_practitioner"
                ).prefetch_related(
                    Prefetch("core_groups", queryset=CoreGroup.objects.order_by("due_date")),
                    Prefetch("visits", queryset=Visit.objects.order_by("-visited_on")),
                    "category_changes",
                ),
            ),
            Prefetch(
                "cin_plans",
                queryset=CINPlan.objects.prefetch_related(
                    Prefetch("visits", queryset=Visit.objects.order_by("-visited_on"))
                ),
            ),
            "assessments",
        )
    )
    open_referral = next((r for r in referrals if r.closure_date is None), None)
    return {"referrals": referrals, "open_referral": open_referral}
