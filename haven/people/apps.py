from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "haven.people"
    label = "people"
    verbose_name = "Children, adults and their families"
    # Where this app's pages live: (prefix, URLconf), included by haven/urls.py.
    urls = (("people/", "haven.people.urls"), ("people/", "haven.people.chronology_urls"))

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
        from haven.accounts.permissions import Capability
        from haven.people import selectors
        from haven.ui.navigation import register_nav_link
        from haven.ui.pages import register_person_loader, register_tab

        register_person_loader(selectors.person_get_for_user)
        register_nav_link(
            label="Search",
            url_name="people:search",
            order=10,
            capability=Capability.SEARCH_PEOPLE,
            sections=("people:search", "people:person_create"),
        )
        register_tab(label="Summary", url_name="people:person_detail", order=10)
        register_tab(
            label="Access and changes",
            url_name="people:access_log",
            order=90,
            capability=Capability.SEE_ACCESS_LOG,
        )
        register_tab(label="Chronology", url_name="chronology:person_chronology", order=20)
