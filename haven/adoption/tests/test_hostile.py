"""Hostile input into every form of the UASC and adoption tabs and the adopters' pages, with a
child far enough along for every form to be on the page (the generated test's child is not
looked after, and its action URLs are not the ones these forms post to)."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

import tests.test_hostile_input as hostile
from haven.adoption import services as adoption
from haven.uasc import services as uasc

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.fixture
def far_along(looked_after, adopters, worker):
    uasc.uasc_record(person=looked_after, by=worker, arrived_on=D(2024, 1, 10))
    uasc.nts_referral_record(
        person=looked_after,
        by=worker,
        direction="out",
        other_council="Kent",
        referred_on=D(2024, 2, 1),
    )
    adoption.adoption_plan_start(person=looked_after, by=worker, decided_on=D(2024, 3, 1))
    return looked_after


@pytest.mark.parametrize("page", ["uasc:uasc", "adoption:adoption"])
def test_the_tabs_forms_refuse_hostile_input_and_save_nothing(as_manager, far_along, page):
    forms = [
        f
        for f in hostile._page_forms(as_manager, reverse(page, args=[far_along.pk]))
        if f["method"] == "post" and f["action"] != "/sign-out/"
    ]
    assert len(forms) >= (4 if page == "uasc:uasc" else 5)
    for form in forms:
        hostile._attack_form(as_manager, form)


def test_the_adopters_pages_refuse_hostile_input(as_manager, adopters):
    for url in (
        reverse("adopters:adopters"),
        reverse("adopters:adopters_edit", args=[adopters.pk]),
    ):
        forms = [
            f
            for f in hostile._page_forms(as_manager, url)
            if f["method"] == "post" and f["action"] != "/sign-out/"
        ]
        assert forms
        for form in forms:
            hostile._attack_form(as_manager, form)
