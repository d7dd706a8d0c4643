import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "haven.settings")
application = get_wsgi_application()

from haven.core.serving import ready_to_serve  # noqa: E402  (needs the apps loaded)

ready_to_serve()
