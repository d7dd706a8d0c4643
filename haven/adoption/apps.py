from django.apps import AppConfig


class AdoptionConfig(AppConfig):
    name = "haven.adoption"
    label = "adoption"
    verbose_name = "Adoption"
    # Where this app's pages live: (prefix, URLconf), included by haven/urls.py.
    urls = (("people/", "haven.adoption.urls"), ("adoption/", "haven.adoption.adopter_urls"))

    def ready(self) -> None:
        from haven.adoption.models import AdoptionPlan
        from haven.people.ownership import refuse_if_both_open, register_person_owned

        register_person_owned(
            AdoptionPlan,
            on_clash=refuse_if_both_open(
                AdoptionPlan,
                "an open adoption plan",
                end_field="adoption_order_on",
                start_field="decided_on",
            ),
        )

        from haven.adoption import events, services, work
        from haven.care.services import register_end_check

        register_end_check(services.open_plan_blocks_ending_care)
        from haven.chronology.models import register_event_kinds
        from haven.work.items import register_provider

        register_event_kinds(events.AdoptionEvent)
        register_provider(work.adoption_items)

        from haven.care.selectors import has_been_looked_after
        from haven.ui.pages import register_tab

        register_tab(
            label="Adoption", url_name="adoption:adoption", order=46, applies=has_been_looked_after
        )

        from haven.accounts.models import TeamKind
        from haven.accounts.permissions import Capability

        # For the looked-after teams, who find and match adopters.
        from haven.adoption.annex_a import LISTS
        from haven.performance.annex_a import register_list
        from haven.ui.navigation import register_nav_link
        from haven.work.landing import in_team_of_kind

        for annex_a_list in LISTS:
            register_list(annex_a_list)

        register_nav_link(
            label="Adopters",
            url_name="adopters:adopters",
            order=38,
            capability=Capability.VIEW_RECORDS,
            shown=in_team_of_kind(TeamKind.LOOKED_AFTER),
        )
