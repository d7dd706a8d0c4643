from django.apps import AppConfig


class MigrationConfig(AppConfig):
    """Moving to Haven from another system: rehearsing the import of past returns."""

    name = "haven.migration"
    label = "migration"
    verbose_name = "Migration to Haven"
