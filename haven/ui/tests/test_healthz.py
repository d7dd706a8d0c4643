"""/healthz says whether the database answers, as JSON, even when it does not."""

import json
import os
import subprocess
import sys
import textwrap

import pytest
from django.test import Client

# A session cookie too: the session middleware would look it up in the database, if it ran.
PROBE = textwrap.dedent(
    """
    import json, django
    django.setup()
    from django.test.utils import setup_test_environment
    from django.test import Client
    setup_test_environment()
    client = Client()
    client.cookies["sessionid"] = "a" * 32
    response = client.get("/healthz")
    print(json.dumps({"status": response.status_code, "type": response["Content-Type"],
                      "body": response.content.decode()}))
    """
)


@pytest.mark.django_db
def test_healthz_answers_200_when_the_database_is_up():
    response = Client().get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


def test_healthz_answers_503_json_when_the_database_is_down():
    # Nothing listens on port 1: every connection is refused at once.
    env = {
        **os.environ,
        "DATABASE_URL": "postgresql://haven@127.0.0.1:1/haven",
        "DJANGO_SETTINGS_MODULE": "haven.settings",
    }
    done = subprocess.run(
        [sys.executable, "-c", PROBE],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    answer = json.loads(done.stdout.strip().splitlines()[-1])
    assert answer["status"] == 503
    assert answer["type"] == "application/json"
    assert json.loads(answer["body"]) == {"status": "error", "database": "unavailable"}
