from typing import Any

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
        from haven.returns.models import ExternalIdentifier, ImportedEpisode, ImportedHistory

        register_person_owned(ExternalIdentifier)
        register_person_owned(ImportedEpisode)
        # One imported SSDA903 history per child: it moves to the kept record, unless both
        # records have one (which rows made which records is then the importer's to redo).
        register_person_owned(ImportedHistory, on_clash=_both_imported_903)
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


def _both_imported_903(keep: Any, duplicate: Any) -> list[str]:
    from haven.returns.models import ImportedHistory

    if ImportedHistory.objects.filter(person__in=[keep, duplicate]).count() < 2:
        return []
    return [
        "Both records hold history imported from SSDA903 returns: import the returns again "
        "once the children's IDs in them name one record, rather than merging"
    ]
