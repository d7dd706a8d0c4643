"""Password rules: every password Haven sets meets AUTH_PASSWORD_VALIDATORS."""

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError

from haven.accounts.models import Role, User
from haven.accounts.services import user_create
from haven.demo import DEMO_PASSWORD, USERS

pytestmark = pytest.mark.django_db


def create(password: str, **kw) -> User:
    return user_create(
        username=kw.get("username", "pat.example"),
        password=password,
        first_name="Pat",
        last_name="Example",
        role=Role.PRACTITIONER,
        email=kw.get("email", ""),
    )


@pytest.mark.parametrize(
    ("password", "rule"),
    [
        ("a", "at least 12 characters"),
        ("short pass", "at least 12 characters"),
        ("password1234", "too common"),
        ("pat.example!", "too similar to the username"),
    ],
)
def test_a_weak_password_is_refused_with_the_rule_it_breaks(password, rule):
    with pytest.raises(ValidationError) as refused:
        create(password)
    assert any(rule in message for message in refused.value.messages), refused.value.messages
    assert not User.objects.filter(username="pat.example").exists()


def test_a_long_uncommon_password_is_accepted():
    user = create("correct horse battery staple")
    assert user.check_password("correct horse battery staple")


def test_every_demo_user_can_keep_the_demo_password():
    # The generator hashes DEMO_PASSWORD for the demo users (emails at <scenario>.example).
    for username, first, last, *_ in USERS:
        demo_user = User(
            username=username, first_name=first, last_name=last, email=f"{username}@small.example"
        )
        validate_password(DEMO_PASSWORD, user=demo_user)
