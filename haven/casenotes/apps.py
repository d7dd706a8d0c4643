from django.apps import AppConfig


class CaseNotesConfig(AppConfig):
    name = "haven.casenotes"
    label = "casenotes"
    verbose_name = "Case notes"
    urls = (("casenotes/", "haven.casenotes.urls"),)

    def ready(self) -> None:
        from haven.casenotes import events, figures, selectors, services
        from haven.casenotes.models import CaseNoteChild
        from haven.chronology.models import register_event_kinds
        from haven.people.ownership import register_person_owned
        from haven.performance.measures import register_page
        from haven.protection.selectors import register_visit_notes
        from haven.protection.services import register_visit_recorded
        from haven.ui.pages import register_tab

        register_tab(label="Case notes", url_name="casenotes:tab", order=25)
        register_event_kinds(events.CaseNoteEvent)
        register_person_owned(CaseNoteChild)
        register_page(figures.CASE_NOTES)
        register_visit_recorded(services.note_for_visit)
        register_visit_notes(selectors.visit_notes)
