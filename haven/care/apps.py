from django.apps import AppConfig


class CareConfig(AppConfig):
    name = "haven.care"
    label = "care"
    verbose_name = "Children looked after"
    urls = (("people/", "haven.care.urls"),)

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
