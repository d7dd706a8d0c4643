from typing import Any

from django.core.management.commands import flush
from django.db import DEFAULT_DB_ALIAS

from haven.core.database import OWNER_ALIAS
from haven.core.db_roles import owner_mode


class Command(flush.Command):
    def handle(self, **options: Any) -> None:
        # TRUNCATE is the owner's: the app's login may not empty any table.
        if options["database"] == DEFAULT_DB_ALIAS:
            options["database"] = OWNER_ALIAS
        with owner_mode():
            super().handle(**options)
