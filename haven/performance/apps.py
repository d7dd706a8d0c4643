from django.apps import AppConfig


class PerformanceConfig(AppConfig):
    name = "haven.performance"
    label = "performance"
    verbose_name = "Performance figures and Ofsted lists"
    # Where this app's pages live: (prefix, URLconf), included by haven/urls.py.
    urls = (("performance/", "haven.performance.urls"),)

    def ready(self) -> None:
        # Each page's measures register themselves on import.
        from haven.accounts.permissions import Capability
        from haven.performance import front_door, protection  # noqa: F401
        from haven.ui.navigation import register_nav_link

        register_nav_link(
            label="Performance",
            url_name="performance:front_door",
            order=40,
            capability=Capability.VIEW_FIGURES,
        )
        register_nav_link(
            label="Annex A",
            url_name="performance:annex_a",
            order=45,
            capability=Capability.VIEW_FIGURES,
            sections=("performance:annex_a",),
        )
        from haven.accounts.permissions import user_can
        from haven.work.landing import register_landing

        register_landing(
            url_name="performance:front_door",
            order=70,
            applies=lambda user: user_can(user, Capability.VIEW_FIGURES),
        )
