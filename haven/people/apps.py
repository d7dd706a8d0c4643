from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "haven.people"
    label = "people"
    verbose_name = "Children, adults and their families"

    def ready(self) -> None:
        from haven.people import models as m
        from haven.people import services
        from haven.people.ownership import register_person_owned, register_stays_with_merged

        register_stays_with_merged(
            m.Person, fields=("merged_into",), reason="the merge pointer itself"
        )
        register_person_owned(m.PersonName, move=services.merge_names)
        register_person_owned(m.PersonDisability, move=services.merge_disabilities)
        register_person_owned(
            m.Relationship, fields=("person", "relative_of"), move=services.merge_relationships
        )
        register_person_owned(m.Address)
        register_person_owned(m.InvolvedProfessional)
        register_person_owned(m.Allocation, move=services.merge_allocations)
        register_person_owned(m.RestrictedAccess, move=services.merge_restrictions)
        register_person_owned(m.BreakGlassGrant)

        from haven.chronology.models import ChronologyEvent

        register_person_owned(ChronologyEvent)
