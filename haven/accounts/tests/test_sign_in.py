import threading
import time

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from conftest import PASSWORD, CheapArgon2PasswordHasher
from haven.accounts.models import SignInAttempt
from haven.accounts.services import user_disable

pytestmark = pytest.mark.django_db
SIGN_IN = "/sign-in/"


def sign_in(client, username, password=PASSWORD):
    return client.post(SIGN_IN, {"username": username, "password": password})


def test_a_correct_password_signs_in_and_goes_to_my_work(worker):
    client = Client()
    response = sign_in(client, worker.username)
    assert response.status_code == 302 and response["Location"] == "/"
    assert client.get("/").status_code == 200


def test_unknown_user_and_wrong_password_get_the_same_answer(worker):
    unknown = sign_in(Client(), "nobody.here").content.decode()
    wrong = sign_in(Client(), worker.username, "not the password").content.decode()
    assert "Enter a correct username and password" in unknown
    assert "Enter a correct username and password" in wrong


def test_the_eleventh_attempt_is_refused_even_with_the_right_password(worker):
    for _ in range(10):
        assert sign_in(Client(), worker.username, "wrong").status_code == 200
    response = sign_in(Client(), worker.username)
    assert response.status_code == 200
    assert "locked" in response.content.decode()


def test_the_lock_is_by_username_not_by_address(worker, make_user):
    colleague = make_user()
    for _ in range(10):
        sign_in(Client(), worker.username, "wrong")
    assert sign_in(Client(), colleague.username).status_code == 302


def test_the_lock_lifts_after_the_window(worker):
    for _ in range(10):
        sign_in(Client(), worker.username, "wrong")
    SignInAttempt.objects.update(at="2000-01-01T00:00:00Z")
    assert sign_in(Client(), worker.username).status_code == 302


def test_pages_need_signing_in(db):
    response = Client().get("/people/search/?q=smith")
    assert response.status_code == 302
    assert response["Location"].startswith(f"{SIGN_IN}?next=")


def test_disabling_a_user_ends_their_session_at_once(worker):
    client = Client()
    sign_in(client, worker.username)
    assert client.get("/").status_code == 200
    user_disable(user=worker)
    assert client.get("/").status_code == 302


def test_sessions_end_after_an_hour_without_a_request():
    assert settings.SESSION_COOKIE_AGE == 3600 and settings.SESSION_SAVE_EVERY_REQUEST
    assert settings.SESSION_ENGINE == "django.contrib.sessions.backends.db"


def test_passwords_are_hashed_with_argon2(worker):
    from haven import settings as production

    assert worker.password.startswith("argon2")
    assert production.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"


def test_a_user_with_an_authenticator_must_enter_its_code(worker):
    device = TOTPDevice.objects.create(user=worker, name="app", confirmed=True)
    client = Client()
    sign_in(client, worker.username)
    response = client.get("/people/search/")
    assert response.status_code == 302 and response["Location"].startswith("/account/two-factor/")
    bad = client.post("/account/two-factor/", {"code": "000000"})
    assert "not right" in bad.content.decode()
    # django-otp throttles the next try for a second after a failure; the test does not wait.
    TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_count=0)
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    client.post("/account/two-factor/", {"code": f"{totp.token():06d}"})
    assert client.get("/").status_code == 200


def test_a_role_can_be_made_to_set_up_a_second_factor(worker, settings):
    settings.HAVEN_TOTP_REQUIRED_ROLES = ["practitioner"]
    client = Client()
    sign_in(client, worker.username)
    response = client.get("/")
    assert response["Location"] == reverse("accounts:two_factor_setup")
    page = client.get(response["Location"])
    assert page.status_code == 200 and b"<svg" in page.content
    device = TOTPDevice.objects.get(user=worker, confirmed=False)
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    client.post(response["Location"], {"code": f"{totp.token():06d}"})
    assert TOTPDevice.objects.get(user=worker).confirmed
    assert client.get("/").status_code == 200


def test_sign_out_needs_a_post_and_ends_the_session(as_worker):
    assert as_worker.get("/sign-out/").status_code == 405
    as_worker.post("/sign-out/")
    assert as_worker.get("/").status_code == 302


class CountingHasher(CheapArgon2PasswordHasher):
    """Counts password checks, each taking as long as a real Argon2 check might: the time
    in which parallel attempts used to slip past the count."""

    checks = 0
    lock = threading.Lock()

    def verify(self, password, encoded):
        with CountingHasher.lock:
            CountingHasher.checks += 1
        time.sleep(0.2)
        return super().verify(password, encoded)


def test_parallel_guesses_check_no_more_passwords_than_the_limit(
    transactional_db, worker, settings
):
    settings.PASSWORD_HASHERS = [f"{__name__}.CountingHasher"]
    CountingHasher.checks = 0
    attempts = 25
    start = threading.Barrier(attempts)
    answers = []

    def guess(n):
        try:
            start.wait()
            answers.append(sign_in(Client(), worker.username, f"guess number {n}").status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=guess, args=(n,)) for n in range(attempts)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert answers == [200] * attempts
    assert CountingHasher.checks <= settings.HAVEN_LOGIN_MAX_FAILURES
    assert SignInAttempt.objects.filter(username=worker.username).count() == attempts
