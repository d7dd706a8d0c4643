"""Plans written to the child: marked (versioned, audited), shown with a tag, and their text
forms carrying what the reading-age script reads."""

import datetime
import re

import pytest
from django.urls import reverse

from haven.childinneed import services as cin_services
from haven.childinneed.models import CINPlan
from haven.core.errors import ConflictError
from haven.core.models import AuditChange
from haven.core.services import audit_context_set
from haven.core.versioning import ConcurrentEditError
from haven.protection import services
from haven.protection.models import ChildProtectionPlan
from haven.protection.tests.test_views import action, tab

pytestmark = pytest.mark.django_db
D = datetime.date


def _changes(table, pk):
    return AuditChange.objects.filter(
        table_name=table,
        row_id=str(pk),
        operation="UPDATE",
        changed_fields__contains=["written_to_child"],
    )


def test_a_cp_plan_is_marked_and_unmarked_each_change_audited(plan, worker):
    audit_context_set(actor_id=worker.pk, label=worker.username)
    assert plan.written_to_child is False
    services.plan_written_to_child_set(
        plan=plan, by=worker, written_to_child=True, version=plan.version
    )
    assert ChildProtectionPlan.objects.get(pk=plan.pk).written_to_child is True
    services.plan_written_to_child_set(
        plan=plan, by=worker, written_to_child=False, version=plan.version
    )
    assert ChildProtectionPlan.objects.get(pk=plan.pk).written_to_child is False
    changes = list(_changes("protection_childprotectionplan", plan.pk).order_by("id"))
    assert [c.new_values["written_to_child"] for c in changes] == [True, False]
    assert {c.actor_id for c in changes} == {worker.pk}
    assert {c.person_id for c in changes} == {plan.person_id}


def test_a_cin_plan_is_marked_too(referral, worker, manager):
    cin = cin_services.cin_plan_start(referral=referral, by=manager, start_date=D(2024, 4, 2))
    services.plan_written_to_child_set(
        plan=cin, by=worker, written_to_child=True, version=cin.version
    )
    assert CINPlan.objects.get(pk=cin.pk).written_to_child is True
    assert _changes("childinneed_cinplan", cin.pk).count() == 1


def test_a_stale_form_does_not_overwrite_a_newer_choice(plan, worker, manager):
    version = plan.version
    services.plan_written_to_child_set(
        plan=plan, by=manager, written_to_child=True, version=version
    )
    with pytest.raises(ConcurrentEditError):
        services.plan_written_to_child_set(
            plan=plan, by=worker, written_to_child=False, version=version
        )
    assert ChildProtectionPlan.objects.get(pk=plan.pk).written_to_child is True


def test_an_ended_plan_cannot_be_marked(plan, manager):
    services.cp_plan_end(plan=plan, by=manager, end_date=D(2024, 6, 1), reason="moved_away")
    with pytest.raises(ConflictError, match="This plan ended on 1 June 2024"):
        services.plan_written_to_child_set(
            plan=plan, by=manager, written_to_child=True, version=None
        )


def _readability_forms(page):
    return re.findall(r"<form[^>]*data-readability-url=\"([^\"]+)\"[^>]*>(.*?)</form>", page, re.S)


def test_a_worker_marks_the_plan_and_its_text_forms_show_the_reading_age(
    as_worker, worker, child, plan
):
    page = as_worker.get(tab(child)).content.decode()
    assert "Written to the child" in page  # the form's label: offered, not yet marked
    assert f'data-testid="cp-written-{plan.pk}"' not in page
    assert not _readability_forms(page)

    p = plan.pk
    response = as_worker.post(
        action(child, "cp-written"),
        {"object_id": p, f"cpw{p}-written_to_child": "on", f"cpw{p}-version": plan.version},
    )
    assert response.status_code == 302
    page = as_worker.get(tab(child)).content.decode()
    assert f'data-testid="cp-written-{plan.pk}"' in page
    assert "The plan is marked as written to the child" in page
    forms = _readability_forms(page)
    assert len(forms) == 3  # the outcome, the action and the contingency
    assert {url for url, _ in forms} == {reverse("casenotes:readability")}
    fields = " ".join(body for _, body in forms)
    for name in (f"cpo{p}-text", f"cpa{p}-what", f"cpc{p}-contingency"):
        assert re.search(
            rf'<textarea[^>]*name="{name}"[^>]*data-readability|'
            rf'<textarea[^>]*data-readability[^>]*name="{name}"',
            fields,
        ), name
    assert all("data-readability-panel" in body for _, body in forms)
    assert "casenotes/note_form" in page and "<script>" not in page
    change = _changes("protection_childprotectionplan", p).get()
    assert change.actor_id == worker.pk and change.new_values["written_to_child"] is True


def test_a_stale_mark_from_the_page_is_refused_and_nothing_overwritten(
    as_worker, child, plan, manager
):
    p = plan.pk
    stale = plan.version
    services.plan_written_to_child_set(plan=plan, by=manager, written_to_child=True, version=stale)
    response = as_worker.post(
        action(child, "cp-written"), {"object_id": p, f"cpw{p}-version": stale}
    )
    assert response.status_code == 200
    assert "Someone else saved changes to this record" in response.content.decode()
    assert ChildProtectionPlan.objects.get(pk=p).written_to_child is True
