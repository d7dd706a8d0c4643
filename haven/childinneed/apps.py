from django.apps import AppConfig


class ChildInNeedConfig(AppConfig):
    name = "haven.childinneed"
    label = "childinneed"
    verbose_name = "Children in need"
    # Where this app's pages live: (prefix, URLconf), included by haven/urls.py.
    urls = (("people/", "haven.childinneed.urls"),)

    def ready(self) -> None:
        from haven.childinneed import events
        from haven.chronology.models import register_event_kinds

        register_event_kinds(events.ChildInNeedEvent)

        from haven.childinneed.models import CINPlan, CINReview
        from haven.people.ownership import refuse_if_both_open, register_person_owned

        register_person_owned(
            CINPlan, on_clash=refuse_if_both_open(CINPlan, "an open child in need plan")
        )

        from haven.childinneed import selectors, services, work
        from haven.childinneed.models import ClosureProposal
        from haven.people.selectors import register_profile_part
        from haven.people.services import register_allocation_follow_up
        from haven.work.items import register_provider

        register_person_owned(ClosureProposal)
        register_provider(work.closure_items)
        register_allocation_follow_up(services.cin_plans_follow_allocation)
        register_profile_part("episodes", selectors.episode_links)
        from haven.frontdoor.history import OpenPlan, register_open_plan

        register_open_plan(OpenPlan("Child in need plan", CINPlan))
        from haven.childinneed.status import cin_plan_status
        from haven.people.selectors import register_record_status

        register_record_status(cin_plan_status)
        register_person_owned(CINReview)
