from django.apps import AppConfig


class MissingConfig(AppConfig):
    name = "haven.missing"
    label = "missing"
    verbose_name = "Missing children"
    urls = (("people/", "haven.missing.urls"),)

    def ready(self) -> None:
        from haven.missing.models import MissingEpisode, RepeatMissingDiscussion, ReturnInterview
        from haven.missing.ownership import episodes_overlap
        from haven.people.ownership import register_person_owned

        register_person_owned(MissingEpisode, on_clash=episodes_overlap)
        register_person_owned(ReturnInterview)
        register_person_owned(RepeatMissingDiscussion)

        from haven.chronology.models import register_event_kinds
        from haven.missing import events
        from haven.ui.pages import register_tab

        register_event_kinds(events.MissingEvent)
        # Every child's page, looked after or not (children go missing; adults are not recorded).
        from haven.people.models import PersonKind

        register_tab(
            label="Missing",
            url_name="missing:tab",
            order=45,
            applies=lambda person: person.kind == PersonKind.CHILD,
        )

        from haven.missing import work
        from haven.work.items import register_provider

        register_provider(work.missing_items, of_cases=work.missing_items_of_cases)
        register_provider(work.repeat_missing_items)

        from haven.missing.status import missing_status
        from haven.people.selectors import register_record_status

        register_record_status(missing_status)

        # Figures: the "missing" page (haven.exploitation appends its own measures to it), and
        # the missing columns of Ofsted Annex A list 8.
        from haven.care.annex_a import register_missing_columns
        from haven.missing import annex_a, figures
        from haven.performance.measures import register_page

        register_page(figures.PAGE)
        register_missing_columns(annex_a.missing_columns)
