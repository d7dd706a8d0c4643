from django.apps import AppConfig


class PerformanceConfig(AppConfig):
    name = "haven.performance"
    label = "performance"
    verbose_name = "Performance figures and Ofsted lists"

    def ready(self) -> None:
        # Each page's measures register themselves on import.
        from haven.performance import front_door, protection  # noqa: F401
