from django.apps import AppConfig


class ChildInNeedConfig(AppConfig):
    name = "haven.childinneed"
    label = "childinneed"
    verbose_name = "Children in need"

    def ready(self) -> None:
        from haven.childinneed import events
        from haven.chronology.models import register_event_kinds

        register_event_kinds(events.ChildInNeedEvent)

        from haven.childinneed.models import CINPlan, CINReview
        from haven.people.ownership import refuse_if_both_open, register_person_owned

        register_person_owned(
            CINPlan, on_clash=refuse_if_both_open(CINPlan, "an open child in need plan")
        )
        register_person_owned(CINReview)
