"""The web process freezes what it made while starting (``haven.core.serving``)."""

import subprocess
import sys


def test_the_web_application_starts_with_its_views_loaded_and_frozen():
    # A process of its own, as a server's: a freeze in the test process would last all run.
    shown = subprocess.run(
        [
            sys.executable,
            "-c",
            "import gc, sys; import haven.wsgi;"
            "print(gc.get_freeze_count(), 'haven.work.views' in sys.modules)",
        ],
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    ).stdout.split()
    frozen, views_loaded = int(shown[0]), shown[1] == "True"
    assert views_loaded  # every URL's view imported before the first request
    assert frozen > 100_000
