from django.apps import AppConfig


class CareConfig(AppConfig):
    name = "haven.care"
    label = "care"
    verbose_name = "Children looked after"
    urls = (
        ("people/", "haven.care.urls"),
        ("", "haven.care.placement_urls"),
        ("people/", "haven.care.health_urls"),
    )

    def ready(self) -> None:
        from haven.care import models
        from haven.people.ownership import refuse_if_both_open, register_person_owned

        register_person_owned(
            models.CarePeriod,
            on_clash=refuse_if_both_open(models.CarePeriod, "an open period of care"),
        )
        for model in (
            models.LegalStatusChange,
            models.Placement,
            models.Episode,
            models.CarePlan,
            models.CareVisit,
            models.CareReview,
            models.ReviewRecommendation,
            models.HealthRecord,
            models.SchoolPlacement,
            models.PersonalEducationPlan,
            models.PlacementRequest,
        ):
            register_person_owned(model)

        from haven.care import events, status
        from haven.chronology.models import register_event_kinds
        from haven.frontdoor.history import OpenPlan, register_open_plan
        from haven.people.selectors import register_record_status
        from haven.ui.pages import register_tab

        register_tab(label="Care", url_name="care:tab", order=35)
        register_event_kinds(events.CareEvent)
        register_record_status(status.care_status)
        register_open_plan(OpenPlan("Looked after", models.CarePeriod))

        # Carers, sufficiency and placement requests (haven/care/sufficiency.py,
        # placement_requests.py): the carers' register counts its children from the placements.
        # Placements' distances from home come from the carers' postcode lookup.
        from haven.care import (
            distances,
            placement_events,  # noqa: F401  (its chronology event types)
            sufficiency,
        )
        from haven.care.services import register_placement_hook
        from haven.carers.occupancy import register_occupancy

        register_occupancy(sufficiency.occupancy)
        register_placement_hook(distances.placement_distance)

        # The statutory work of a period: care and placement plans, visits, reviews (CPPCR
        # regs 4, 9, 28 and 33), the IRO's need-to-know and their list of reviews.
        from haven.accounts.permissions import Capability
        from haven.care import access, selectors, work
        from haven.people.access import register_rule
        from haven.ui.navigation import register_nav_link
        from haven.work.items import register_provider

        register_event_kinds(events.CareWorkEvent)
        register_provider(work.care_items, of_cases=work.care_items_of_cases)
        register_rule(access.iro_of_child)
        register_tab(
            label="Care plan, visits and reviews",
            url_name="care:statutory",
            order=36,
            applies=selectors.has_been_looked_after,
        )
        register_nav_link(
            label="Looked-after reviews",
            url_name="care:iro_reviews",
            order=36,
            capability=Capability.CHAIR_CONFERENCES,
            sections=("care:iro_reviews",),
        )

        # Figures (the "care" performance page, and Ofsted Annex A list 8).
        from haven.care import annex_a, figures
        from haven.performance.annex_a import register_list
        from haven.performance.measures import register_page

        register_page(figures.care_page())
        register_list(annex_a.LIST_8)

        # Health and education (haven.care.health).
        from haven.care import health_events

        register_event_kinds(health_events.HealthEducationEvent)
        register_tab(
            label="Health and education",
            url_name="care_health:tab",
            order=37,
            applies=selectors.has_been_looked_after,
        )
