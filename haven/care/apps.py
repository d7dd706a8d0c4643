from django.apps import AppConfig


class CareConfig(AppConfig):
    name = "haven.care"
    label = "care"
    verbose_name = "Children looked after"
    # Where this app's pages live: (prefix, URLconf), included by haven/urls.py.
    urls = (("people/", "haven.care.health_urls"),)

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

        # Health and education (haven.care.health).
        from haven.care import health_events, health_work
        from haven.chronology.models import register_event_kinds
        from haven.ui.pages import register_tab
        from haven.work.items import register_provider

        register_event_kinds(health_events.HealthEducationEvent)
        register_provider(health_work.health_education_items)
        register_tab(label="Health and education", url_name="care_health:tab", order=36)
