from typing import Any

from django.core.management.commands import flush
from django.db import connections

from haven.core.db_roles import owner_mode


class Command(flush.Command):
    def handle(self, **options: Any) -> None:
        with owner_mode(connections[options["database"]]):
            super().handle(**options)
