from django.apps import AppConfig


class UiConfig(AppConfig):
    name = "haven.ui"
    label = "ui"
    verbose_name = "Interface"

    def ready(self) -> None:
        from haven.ui.navigation import register_nav_link

        # Alerts belong to accounts, which the interface builds on (so it cannot register).
        register_nav_link(
            label="Alerts",
            badge="unread_alerts",
            url_name="accounts:alerts",
            order=90,
            sections=("accounts:alerts", "accounts:alert_open"),
            testid="alerts-link",
        )
