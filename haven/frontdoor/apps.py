from django.apps import AppConfig


class FrontDoorConfig(AppConfig):
    name = "haven.frontdoor"
    label = "frontdoor"
    verbose_name = "Front door and MASH"

    def ready(self) -> None:
        from haven.chronology.models import register_event_kinds
        from haven.frontdoor import access, events, work
        from haven.people.access import register_rule
        from haven.work.items import register_provider

        register_event_kinds(events.FrontDoorEvent)
        register_rule(access.front_door_children)
        register_provider(work.front_door_items)
