from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from conftest import client_for
from haven.accounts.models import Role, User


@pytest.fixture
def admin(make_user: Any) -> User:
    return make_user(Role.ADMINISTRATOR, None, first_name="Ali", last_name="Morgan")


@pytest.fixture
def as_admin(admin: User) -> Client:
    return client_for(admin)
