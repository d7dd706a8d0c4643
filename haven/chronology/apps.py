from django.apps import AppConfig


class ChronologyConfig(AppConfig):
    name = "haven.chronology"
    label = "chronology"
    verbose_name = "Chronology"

    def ready(self) -> None:
        from haven.chronology.models import ChronologyEvent
        from haven.people.ownership import register_person_owned

        register_person_owned(ChronologyEvent)

        from haven.ui.pages import register_tab

        register_tab(label="Chronology", url_name="chronology:person_chronology", order=20)
