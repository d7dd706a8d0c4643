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

        from haven.accounts.permissions import Capability, user_can
        from haven.ui.navigation import register_nav_link
        from haven.work.landing import in_team_of_kind, register_landing

        # Read with the user's other team kinds once per request (the header asks on every page).
        in_front_door = in_team_of_kind("front_door")
        register_nav_link(
            label="MASH inbox",
            url_name="frontdoor:inbox",
            order=30,
            capability=Capability.RECORD_CONTACTS,
            shown=in_front_door,
        )
        register_landing(
            url_name="frontdoor:inbox",
            order=30,
            applies=lambda user: user_can(user, Capability.RECORD_CONTACTS) and in_front_door(user),
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
