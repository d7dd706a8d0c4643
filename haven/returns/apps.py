from django.apps import AppConfig


class ReturnsConfig(AppConfig):
    name = "haven.returns"
    label = "returns"
    verbose_name = "Statutory returns"
    # Where this app's pages live: (prefix, URLconf), included by haven/urls.py.
    urls = (("returns/", "haven.returns.urls"),)

    def ready(self) -> None:
        from haven.people.ownership import register_person_owned
        from haven.returns import jobs
        from haven.returns.models import ExternalIdentifier, ImportedEpisode

        register_person_owned(ExternalIdentifier)
        register_person_owned(ImportedEpisode)
        jobs.register()

        from haven.chronology.models import register_event_kinds
        from haven.returns import events

        register_event_kinds(events.ReturnsEvent)

        from haven.accounts.permissions import Capability
        from haven.ui.navigation import register_nav_link

        register_nav_link(
            label="Returns",
            url_name="returns:home",
            order=50,
            capability=Capability.PRODUCE_RETURNS,
        )
