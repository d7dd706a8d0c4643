from django.apps import AppConfig


class MissingConfig(AppConfig):
    name = "haven.missing"
    label = "missing"
    verbose_name = "Missing children"

    def ready(self) -> None:
        from haven.missing.models import MissingEpisode, ReturnInterview
        from haven.people.ownership import register_person_owned

        register_person_owned(MissingEpisode)
        register_person_owned(ReturnInterview)
