from django.apps import AppConfig


class CarersConfig(AppConfig):
    name = "haven.carers"
    label = "carers"
    verbose_name = "Carers, homes and adopters"
    urls = (("carers/", "haven.carers.urls"),)

    def ready(self) -> None:
        from haven.accounts.permissions import Capability, user_can
        from haven.ui.navigation import register_nav_link

        # In the header for the placements team and those who count placements; caseworkers
        # reach the register from a child's placement request.
        register_nav_link(
            label="Placements",
            url_name="carers:households",
            order=60,
            capability=Capability.SEE_CARERS,
            shown=lambda user: user_can(user, Capability.MANAGE_PLACEMENTS)
            or user_can(user, Capability.VIEW_FIGURES),
            sections=(
                "carers",
                "placements:requests",
                "placements:sufficiency",
                "placements:sufficiency_list",
            ),
            testid="placements-link",
        )
