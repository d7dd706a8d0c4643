from django.apps import AppConfig


class ProtectionConfig(AppConfig):
    name = "haven.protection"
    label = "protection"
    verbose_name = "Child protection"

    def ready(self) -> None:
        from haven.chronology.models import register_event_kinds
        from haven.protection import events, work
        from haven.work.items import register_provider

        register_event_kinds(events.ProtectionEvent)
        register_provider(work.protection_items)
