from django.apps import AppConfig


class AssessmentsConfig(AppConfig):
    name = "haven.assessments"
    label = "assessments"
    verbose_name = "Child and family assessments"
    # Where this app's pages live: (prefix, URLconf), included by haven/urls.py.
    urls = (("assessments/", "haven.assessments.urls"),)

    def ready(self) -> None:
        from haven.assessments import events, work
        from haven.chronology.models import register_event_kinds
        from haven.work.items import register_provider

        register_event_kinds(events.AssessmentEvent)
        register_provider(work.assessment_items)
        register_provider(work.next_step_items)

        from haven.assessments.models import Assessment, NextStep
        from haven.people.ownership import register_person_owned

        register_person_owned(Assessment)
        register_person_owned(NextStep)

        from haven.assessments.selectors import open_assessments
        from haven.people.selectors import register_profile_part

        register_profile_part("open_assessments", open_assessments)

        from haven.assessments import services
        from haven.frontdoor.services import ReferralFollowUp, register_referral_follow_up
        from haven.people.services import register_allocation_follow_up

        register_allocation_follow_up(services.assessments_follow_allocation)
        register_referral_follow_up(
            ReferralFollowUp(
                opened=services.assessment_start_for_referral,
                redated=services.assessments_follow_referral_date,
            )
        )
