from django.apps import AppConfig


class OversightConfig(AppConfig):
    name = "haven.oversight"
    label = "oversight"
    verbose_name = "Management oversight and supervision"
    # Where this app's pages live: (prefix, URLconf), included by haven/urls.py.
    urls = (("", "haven.oversight.urls"),)

    def ready(self) -> None:
        from haven.accounts.permissions import Capability
        from haven.chronology.models import register_event_kinds
        from haven.oversight import events, figures, work
        from haven.oversight.models import Oversight, OversightAction
        from haven.people.ownership import register_person_owned
        from haven.performance.measures import register_page
        from haven.ui.navigation import register_nav_link
        from haven.ui.pages import register_tab
        from haven.work.items import register_provider

        register_event_kinds(events.OversightEvent)
        register_person_owned(Oversight)
        register_person_owned(OversightAction)
        register_tab(label="Oversight", url_name="oversight:person", order=60)
        register_nav_link(
            label="Supervision",
            url_name="oversight:supervision_home",
            order=36,
            capability=Capability.HOLD_CASES,
            sections=("oversight:supervision_home", "oversight:supervision_worker"),
        )
        register_provider(work.oversight_items)
        register_provider(
            work.oversight_review_items,
            of_cases=work.review_items_of_cases,
            shown_to=work.shows_reviews,
        )
        register_page(figures.PAGE)
