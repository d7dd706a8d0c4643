from django.apps import AppConfig


class LeavingCareConfig(AppConfig):
    name = "haven.leavingcare"
    label = "leavingcare"
    verbose_name = "Care leavers"
    urls = (("people/", "haven.leavingcare.urls"), ("leaving-care/", "haven.leavingcare.list_urls"))

    def ready(self) -> None:
        from haven.leavingcare import models
        from haven.people.ownership import register_person_owned

        for model in (
            models.AdviserAllocation,
            models.NeedsAssessment,
            models.PathwayPlan,
            models.PlanAction,
            models.PlanReview,
            models.AccommodationPeriod,
            models.ActivityPeriod,
            models.StayingPut,
            models.InTouchRecord,
            models.AdviserContact,
            models.HealthDetail,
        ):
            register_person_owned(model)
        register_person_owned(
            models.SupportTo25,
            on_clash=lambda keep, dup: (
                ["both records have support to 25 recorded"]
                if models.SupportTo25.objects.filter(person=keep).exists()
                and models.SupportTo25.objects.filter(person=dup).exists()
                else []
            ),
        )

        from haven.accounts.models import TeamKind
        from haven.accounts.permissions import Capability
        from haven.chronology.models import register_event_kinds
        from haven.leavingcare import access, annex_a, events, figures, selectors, work
        from haven.people.access import register_rule
        from haven.performance.annex_a import register_list
        from haven.performance.measures import register_page
        from haven.ui.navigation import register_nav_link
        from haven.ui.pages import register_tab
        from haven.work.items import register_provider
        from haven.work.landing import in_team_of_kind

        register_event_kinds(events.LeavingCareEvent)
        register_rule(access.adviser_of_young_person)
        register_provider(
            work.leaving_care_items,
            of_cases=work.items_of_cases,
            also=work.ADVISED,
            also_seen_by=work.advised_by_teams,
        )
        register_tab(
            label="Leaving care", url_name="leavingcare:tab", order=47, applies=selectors.applies
        )
        register_nav_link(
            label="My care leavers",
            url_name="leaving_care:caseload",
            order=39,
            capability=Capability.VIEW_RECORDS,
            shown=in_team_of_kind(TeamKind.LEAVING_CARE),
        )
        register_page(figures.leaving_care_page())
        register_list(annex_a.LIST_9)
