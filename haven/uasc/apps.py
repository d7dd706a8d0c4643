from django.apps import AppConfig


class UASCConfig(AppConfig):
    name = "haven.uasc"
    label = "uasc"
    verbose_name = "Unaccompanied asylum-seeking children"
    # Where this app's pages live: (prefix, URLconf), included by haven/urls.py.
    urls = (("people/", "haven.uasc.urls"), ("uasc/", "haven.uasc.nts_urls"))

    def ready(self) -> None:
        from haven.people.ownership import register_person_owned
        from haven.uasc.models import NTSTransfer, UASCStatus

        register_person_owned(UASCStatus)
        register_person_owned(NTSTransfer)

        from haven.chronology.models import register_event_kinds
        from haven.uasc import events

        register_event_kinds(events.UASCEvent)

        from haven.care.selectors import has_been_looked_after
        from haven.ui.pages import register_tab

        register_tab(label="UASC", url_name="uasc:uasc", order=44, applies=has_been_looked_after)

        from haven.people.selectors import register_record_status
        from haven.uasc.status import uasc_status

        register_record_status(uasc_status)
