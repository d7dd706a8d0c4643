from django.apps import AppConfig


class CarersConfig(AppConfig):
    name = "haven.carers"
    label = "carers"
    verbose_name = "Carers, homes and adopters"
    urls = (("carers/", "haven.carers.urls"),)

    def ready(self) -> None:
        from haven.accounts.permissions import Capability
        from haven.ui.navigation import register_nav_link

        register_nav_link(
            label="Carers and homes",
            url_name="carers:households",
            order=60,
            capability=Capability.SEE_CARERS,
            testid="carers-link",
        )
