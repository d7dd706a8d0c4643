"""A looked-after child and approved adopters, built from the models."""

from __future__ import annotations

import datetime

import pytest

from haven.care.tests.factories import looked_after_child
from haven.carers.models import AdopterHousehold

D = datetime.date


@pytest.fixture
def looked_after(child, manager):
    looked_after_child(child, manager, start=D(2024, 1, 10), legal_status="C2")
    return child


@pytest.fixture
def adopters(db):
    return AdopterHousehold.objects.create(
        reference="AD-001",
        name="Sam and Alex Carter",
        enquiry_on=D(2023, 1, 5),
        stage1_on=D(2023, 2, 1),
        stage2_on=D(2023, 5, 1),
        application_on=D(2023, 6, 1),
        approved_on=D(2023, 9, 1),
    )
