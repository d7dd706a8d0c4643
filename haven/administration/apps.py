from django.apps import AppConfig


class AdministrationConfig(AppConfig):
    name = "haven.administration"
    label = "administration"
    verbose_name = "User and team administration"
    urls = (("administration/", "haven.administration.urls"),)

    def ready(self) -> None:
        from haven.accounts.permissions import Capability, user_can
        from haven.ui.navigation import register_nav_link
        from haven.work.landing import register_landing

        register_nav_link(
            label="Users and teams",
            url_name="administration:users",
            order=80,
            capability=Capability.MANAGE_USERS,
            testid="administration-link",
        )
        register_landing(
            url_name="administration:users",
            order=90,
            applies=lambda user: user_can(user, Capability.MANAGE_USERS),
        )
