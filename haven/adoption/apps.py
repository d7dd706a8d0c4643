from django.apps import AppConfig


class AdoptionConfig(AppConfig):
    name = "haven.adoption"
    label = "adoption"
    verbose_name = "Adoption"

    def ready(self) -> None:
        from haven.adoption.models import AdoptionPlan
        from haven.people.ownership import refuse_if_both_open, register_person_owned

        register_person_owned(
            AdoptionPlan,
            on_clash=refuse_if_both_open(
                AdoptionPlan,
                "an open adoption plan",
                end_field="adoption_order_on",
                start_field="decided_on",
            ),
        )
