from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "haven.core"
    label = "core"
    verbose_name = "Haven core"

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save
        from django.urls import register_converter

        from haven.core.calendar import clear_calendar_cache
        from haven.core.converters import IdConverter

        # Before any URLconf is loaded: every id in a URL is <id:...>, never <int:...>.
        register_converter(IdConverter, "id")

        # The cached working-day calendar carries the LA's closure days.
        post_save.connect(
            clear_calendar_cache, sender="core.ClosureDay", dispatch_uid="haven-cal-s"
        )
        post_delete.connect(
            clear_calendar_cache, sender="core.ClosureDay", dispatch_uid="haven-cal-d"
        )
