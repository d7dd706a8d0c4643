from django.apps import AppConfig


class ChronologyConfig(AppConfig):
    name = "haven.chronology"
    label = "chronology"
    verbose_name = "Chronology"

    def ready(self) -> None:
        from haven.chronology.models import ChronologyEvent
        from haven.people.ownership import register_person_owned

        register_person_owned(ChronologyEvent)
