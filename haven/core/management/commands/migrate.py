from typing import Any

from django.core.management import CommandError
from django.core.management.commands import migrate
from django.db import DEFAULT_DB_ALIAS, connections, transaction

from haven.core.database import OWNER_ALIAS
from haven.core.db_roles import UnsafeAppRole, owner_mode, prepare_database


class Command(migrate.Command):
    help = migrate.Command.help + " Then installs Haven's audit triggers and the app role's grants."

    def handle(self, *args: Any, **options: Any) -> None:
        # The app's login may not change the schema: migrations always run as the owner.
        if options["database"] == DEFAULT_DB_ALIAS:
            options["database"] = OWNER_ALIAS
        connection = connections[options["database"]]
        with owner_mode():
            super().handle(*args, **options)
            try:
                with transaction.atomic(using=connection.alias):
                    prepare_database(connection)
            except UnsafeAppRole as exc:
                raise CommandError(str(exc)) from exc
