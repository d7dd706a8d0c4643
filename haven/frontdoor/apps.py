from django.apps import AppConfig


class FrontDoorConfig(AppConfig):
    name = "haven.frontdoor"
    label = "frontdoor"
    verbose_name = "Front door and MASH"
    # Where this app's pages live: (prefix, URLconf), included by haven/urls.py.
    urls = (("front-door/", "haven.frontdoor.urls"),)

    def ready(self) -> None:
        from haven.chronology.models import register_event_kinds
        from haven.frontdoor import access, events, selectors, work
        from haven.people.access import register_rule
        from haven.work.items import register_provider

        register_event_kinds(events.FrontDoorEvent)
        register_rule(access.front_door_children)
        register_provider(work.front_door_items)

        from haven.accounts.permissions import Capability
        from haven.ui.navigation import register_nav_link

        register_nav_link(
            label="MASH inbox",
            url_name="frontdoor:inbox",
            order=30,
            capability=Capability.RECORD_CONTACTS,
            shown=selectors.in_front_door_team,
        )

        from haven.frontdoor import models
        from haven.people.ownership import refuse_if_both_open, register_person_owned

        register_person_owned(models.ContactChild, on_clash=selectors.same_contact_merge_clash)
        register_person_owned(
            models.Referral,
            on_clash=refuse_if_both_open(
                models.Referral,
                "an open child in need episode",
                end_field="closure_date",
                start_field="referral_date",
            ),
        )
