from typing import Any

from django.core.management.commands import migrate
from django.db import connections, transaction

from haven.core.db_roles import owner_mode, prepare_database


class Command(migrate.Command):
    help = migrate.Command.help + " Then installs Haven's audit triggers and the app role's grants."

    def handle(self, *args: Any, **options: Any) -> None:
        connection = connections[options["database"]]
        with owner_mode(connection):
            super().handle(*args, **options)
            with transaction.atomic(using=connection.alias):
                prepare_database(connection)
