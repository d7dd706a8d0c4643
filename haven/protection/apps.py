from django.apps import AppConfig


class ProtectionConfig(AppConfig):
    name = "haven.protection"
    label = "protection"
    verbose_name = "Child protection"
    # Where this app's pages live: (prefix, URLconf), included by haven/urls.py.
    urls = (("people/", "haven.protection.urls"),)

    def ready(self) -> None:
        from haven.chronology.models import register_event_kinds
        from haven.protection import events, work
        from haven.work.items import register_provider

        register_event_kinds(events.ProtectionEvent)
        register_provider(work.protection_items, of_cases=work.protection_items_of_cases)

        from haven.people.ownership import register_person_owned
        from haven.protection import models, selectors

        register_person_owned(models.StrategyDiscussion)
        register_person_owned(models.S47Enquiry)
        register_person_owned(models.Conference)
        register_person_owned(models.ChildProtectionPlan, on_clash=selectors.cp_plans_merge_clash)
        register_person_owned(models.CoreGroup)
        register_person_owned(models.Visit)
        register_person_owned(models.PlanOutcome)
        register_person_owned(models.PlanAction)
        register_person_owned(models.PlanMember)

        from haven.people.access import register_rule
        from haven.protection import access

        # A conference's chair sees the child (haven/protection/access.py says who, and why).
        register_rule(access.chaired_conferences)

        from haven.frontdoor.history import OpenPlan, register_open_plan

        register_open_plan(OpenPlan("Child protection plan", models.ChildProtectionPlan))
        from haven.people.selectors import register_record_status

        register_record_status(selectors.cp_plan_status)

        from haven.ui.pages import register_tab

        register_tab(
            label="Child protection and CIN", url_name="protection:child_protection", order=30
        )

        from haven.accounts.permissions import Capability, user_can
        from haven.ui.navigation import register_nav_link
        from haven.work.landing import in_team_of_kind, register_landing

        in_reviewing_team = in_team_of_kind("reviewing")
        register_nav_link(
            label="Conferences",
            url_name="protection:conferences",
            order=35,
            capability=Capability.VIEW_RECORDS,
            shown=in_reviewing_team,
            sections=("protection:conferences",),
        )
        register_landing(
            url_name="protection:conferences",
            order=40,
            applies=lambda user: (
                user_can(user, Capability.VIEW_RECORDS) and in_reviewing_team(user)
            ),
        )
