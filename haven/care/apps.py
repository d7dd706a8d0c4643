from django.apps import AppConfig


class CareConfig(AppConfig):
    name = "haven.care"
    label = "care"
    verbose_name = "Children looked after"
    urls = (("", "haven.care.placement_urls"),)

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

        # Carers, sufficiency and placement requests (haven/care/sufficiency.py,
        # placement_requests.py): the carers' register counts its children from the placements.
        from haven.care import sufficiency
        from haven.carers.occupancy import register_occupancy

        register_occupancy(sufficiency.occupancy)
