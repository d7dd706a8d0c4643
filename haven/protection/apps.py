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
        register_provider(work.protection_items)

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

        from haven.ui.pages import register_tab

        register_tab(
            label="Child protection and CIN", url_name="protection:child_protection", order=30
        )
