"""The "Care plan, visits and reviews" tab and the IRO's list, through the Django test client:
a worker records a visit, the IRO a review with a recommendation that lands on its owner's
"my work", another reviewing officer gets a 404, and bad input is refused with nothing saved."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from conftest import client_for
from haven.accounts.models import Role
from haven.care.models import CarePlan, CareReview, CareVisit, ReviewRecommendation
from haven.care.tests.statutory_data import looked_after
from haven.core.models import AuditChange

pytestmark = pytest.mark.django_db
D = datetime.date


def tab(child):
    return reverse("care:statutory", args=[child.pk])


def action(child, name):
    return reverse("care:statutory_action", args=[child.pk, name])


def date_fields(name, day):
    return {
        f"{name}_day": str(day.day),
        f"{name}_month": str(day.month),
        f"{name}_year": str(day.year),
    }


def test_a_worker_records_a_visit_and_sees_the_next_one_due(period, child, as_worker):
    page = as_worker.get(tab(child)).content.decode()
    assert "Looked after from 5 January 2026" in page and "No visits yet" in page
    assert "Ivy Reviewer" in page
    response = as_worker.post(
        action(child, "visit"),
        {
            "object_id": str(period.pk),
            **date_fields(f"v{period.pk}-visited_on", D(2026, 1, 9)),
            f"v{period.pk}-child_seen": "yes",
            f"v{period.pk}-seen_alone": "on",
            f"v{period.pk}-notes": "Settled, eating well",
            f"v{period.pk}-child_said": "My carer makes pancakes",
        },
    )
    assert response.status_code == 302 and response["Location"] == tab(child)
    page = as_worker.get(tab(child)).content.decode()
    assert "9 January 2026: seen alone" in page
    assert "Settled, eating well" in page and "My carer makes pancakes" in page
    assert "Read the case note" in page
    # Six weeks on from the visit.
    assert "20 February 2026" in page


def test_a_bad_visit_is_shown_beside_its_field_and_nothing_is_saved(period, child, as_worker):
    before = AuditChange.objects.count()
    response = as_worker.post(
        action(child, "visit"),
        {
            "object_id": str(period.pk),
            **date_fields(f"v{period.pk}-visited_on", D(2025, 12, 1)),
            f"v{period.pk}-child_seen": "yes",
        },
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "Error: " in page and "cannot be before the child became looked after" in page
    assert not CareVisit.objects.exists() and AuditChange.objects.count() == before


def test_the_iro_records_a_review_with_a_recommendation_on_the_owners_work(
    period, child, iro, worker, as_worker, outsider
):
    as_iro = client_for(iro)
    page = as_iro.get(tab(child)).content.decode()
    assert "Record a review" in page
    response = as_iro.post(
        action(child, "review"),
        {
            "object_id": str(period.pk),
            **date_fields(f"r{period.pk}-held_on", D(2026, 1, 30)),
            f"r{period.pk}-participation": "PN1",
            f"r{period.pk}-summary": "Placement meeting needs",
        },
    )
    assert response.status_code == 302
    review = CareReview.objects.get()
    # A recommendation is for someone in the team holding the child's case.
    page = as_iro.get(tab(child)).content.decode()
    assert "Sam Okafor" in page and outsider.display_name not in page
    response = as_iro.post(
        action(child, "recommendation"),
        {
            "object_id": str(review.pk),
            f"rec{review.pk}-text": "Refer to CAMHS",
            f"rec{review.pk}-owner": str(worker.pk),
            **date_fields(f"rec{review.pk}-due_date", D(2026, 2, 27)),
        },
    )
    assert response.status_code == 302
    assert ReviewRecommendation.objects.get().owner == worker
    page = as_iro.get(tab(child)).content.decode()
    assert "Review of 30 January 2026" in page and "Refer to CAMHS" in page
    # Next review three months on.
    assert "30 April 2026" in page
    work = as_worker.get(reverse("work:home")).content.decode()
    assert "Refer to CAMHS" in work and "27 February 2026" in work


def test_a_worker_is_not_offered_the_review_form(period, child, as_worker):
    page = as_worker.get(tab(child)).content.decode()
    assert "Record a review" not in page
    assert "recorded by the child" in page
    response = as_worker.post(
        action(child, "review"),
        {
            "object_id": str(period.pk),
            **date_fields(f"r{period.pk}-held_on", D(2026, 1, 30)),
            f"r{period.pk}-participation": "PN1",
        },
    )
    assert response.status_code == 200
    assert "Only the child" in response.content.decode() and not CareReview.objects.exists()


def test_agreeing_the_care_plan_and_the_placement_plan(period, child, as_worker):
    page = as_worker.get(tab(child)).content.decode()
    assert "No care plan agreed yet: due by" in page and "19 January 2026" in page
    response = as_worker.post(
        action(child, "care-plan"),
        {
            "object_id": str(period.pk),
            **date_fields(f"cp{period.pk}-agreed_on", D(2026, 1, 12)),
            f"cp{period.pk}-permanence_plan": "return_home",
            f"cp{period.pk}-summary": "Home to mother with support",
        },
    )
    assert response.status_code == 302 and CarePlan.objects.count() == 1
    placement = period.placements.get()
    response = as_worker.post(
        action(child, "placement-plan"),
        {
            "object_id": str(placement.pk),
            **date_fields(f"pp{placement.pk}-agreed_on", D(2026, 1, 8)),
        },
    )
    assert response.status_code == 302
    page = as_worker.get(tab(child)).content.decode()
    assert "Return home to parents" in page and "placement plan agreed 8 January 2026" in page


def test_a_reviewing_officer_who_is_not_the_childs_iro_gets_404(period, child, make_user):
    other = client_for(make_user(Role.REVIEWING_OFFICER, None))
    assert other.get(tab(child)).status_code == 404


def test_another_childs_record_cannot_be_posted_to(
    period, child, make_child, as_worker, iro, manager
):
    other_period = looked_after(make_child(given_names="Amy"), by=manager, iro=iro)
    response = as_worker.post(
        action(child, "visit"),
        {
            "object_id": str(other_period.pk),
            **date_fields(f"v{other_period.pk}-visited_on", D(2026, 1, 9)),
        },
    )
    assert response.status_code == 404 and not CareVisit.objects.exists()


@pytest.mark.parametrize("object_id", ["", "abc", "99999999999999999999", "²", "-1"])
def test_hostile_object_ids_are_404(period, child, as_worker, object_id):
    response = as_worker.post(action(child, "visit"), {"object_id": object_id})
    assert response.status_code == 404


def test_the_iro_lists_their_children_with_the_next_review(period, child, iro):
    page = client_for(iro).get(reverse("care:iro_reviews")).content.decode()
    assert child.full_name in page and "2 February 2026" in page


def test_a_child_never_looked_after_has_an_empty_tab(child, as_worker):
    page = as_worker.get(tab(child)).content.decode()
    assert "has not been looked after" in page


TAB_QUERIES = 20


@pytest.mark.parametrize("visits", [1, 5])
def test_the_tab_runs_a_fixed_number_of_queries(
    period, child, worker, iro, as_worker, visits, django_assert_num_queries
):
    from haven.care import services

    for n in range(visits):
        services.care_visit_record(
            period=period, by=worker, visited_on=D(2026, 1, 6 + n), child_seen=True, notes="Seen"
        )
    review = services.care_review_record(
        period=period, by=iro, held_on=D(2026, 1, 30), participation="PN1"
    )
    for n in range(visits):
        services.review_recommendation_add(
            review=review, by=iro, text=f"Do {n}", owner=worker, due_date=D(2026, 3, 1)
        )
    as_worker.get(tab(child))
    with django_assert_num_queries(TAB_QUERIES):
        response = as_worker.get(tab(child))
    assert response.content.decode().count("Read the case note") == visits


def test_every_form_of_the_tab_refuses_hostile_input_and_saves_nothing_half(period, child, iro):
    """The generated hostile-input test attacks one action of each URL pattern; this attacks
    every form of the tab, as the IRO (who is offered them all)."""
    from haven.care import services
    from tests.test_hostile_input import _attack_form, _page_forms

    review = services.care_review_record(
        period=period, by=iro, held_on=D(2026, 1, 30), participation="PN1"
    )
    services.review_recommendation_add(
        review=review, by=iro, text="Refer to CAMHS", owner=iro, due_date=D(2026, 3, 1)
    )
    client = client_for(iro)
    forms = [
        f
        for f in _page_forms(client, tab(child))
        if f["method"] == "post" and "/plan-visits-reviews/" in f["action"]
    ]
    assert {f["action"].rstrip("/").rsplit("/", 1)[1] for f in forms} == {
        "care-plan",
        "visit",
        "review",
        "placement-plan",
        "recommendation",
        "recommendation-done",
    }
    for form in forms:
        _attack_form(client, form)
