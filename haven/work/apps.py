from django.apps import AppConfig


class WorkConfig(AppConfig):
    name = "haven.work"
    label = "work"
    verbose_name = "Work management"
    # Where this app's pages live: (prefix, URLconf), included by haven/urls.py.
    urls = (("", "haven.work.urls"),)

    def ready(self) -> None:
        from haven.accounts.permissions import Capability, user_can
        from haven.core.db_roles import register_prepare_step
        from haven.people.ownership import register_stays_with_merged
        from haven.ui.navigation import register_nav_link
        from haven.work import store
        from haven.work.landing import register_landing
        from haven.work.models import StoredItem

        # The work store's triggers, made after every migrate.
        register_prepare_step(store.install_triggers)
        register_stays_with_merged(
            StoredItem,
            fields=("person",),
            reason="the store makes the items of both records again after a merge",
        )
        register_nav_link(
            label="My work",
            url_name="work:mine",
            order=20,
            capability=Capability.WRITE_RECORDS,
            sections=("work:home", "work:mine", "work:team_list"),
        )
        register_nav_link(
            label="Audit",
            url_name="work:audit",
            order=25,
            capability=Capability.SEE_ACCESS_LOG,
            # Managers have the access log on each child's page; the audit start is for auditors.
            shown=lambda user: not user_can(user, Capability.WRITE_RECORDS),
        )
        # Managers land on their teams' work (the MASH manager too: decisions to authorise).
        register_landing(
            url_name="work:home",
            order=10,
            applies=lambda user: user_can(user, Capability.SEE_TEAM_WORK),
        )
        # Practitioners: their cases and what is due (front door and chairs land earlier).
        register_landing(
            url_name="work:home",
            order=50,
            applies=lambda user: user_can(user, Capability.WRITE_RECORDS),
        )
        register_landing(
            url_name="work:audit",
            order=60,
            applies=lambda user: user_can(user, Capability.SEE_ACCESS_LOG),
        )
