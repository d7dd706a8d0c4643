"""A looked-after child and approved adopters, built from the models."""

from __future__ import annotations

import datetime

import pytest

from haven.carers.models import AdopterHousehold
from haven.uasc.tests.conftest import put_in_care

D = datetime.date


@pytest.fixture
def looked_after(child):
    put_in_care(child, D(2024, 1, 10))
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
