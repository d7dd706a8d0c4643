from django.apps import AppConfig


class ReturnsConfig(AppConfig):
    name = "haven.returns"
    label = "returns"
    verbose_name = "Statutory returns"

    def ready(self) -> None:
        from haven.people.ownership import register_person_owned
        from haven.returns import jobs
        from haven.returns.models import ExternalIdentifier

        register_person_owned(ExternalIdentifier)
        jobs.register()
