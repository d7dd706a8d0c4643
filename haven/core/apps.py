from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "haven.core"
    label = "core"
    verbose_name = "Haven core"

    def ready(self) -> None:
        from django.db.backends.signals import connection_created

        from haven.core import db_roles

        connection_created.connect(db_roles.assume_app_role, dispatch_uid="haven-app-role")
