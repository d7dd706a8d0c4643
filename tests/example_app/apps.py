"""The smallest complete part of the service: a tab on the child's page, a header link, a work
provider, a figures page and a CLI subcommand, plugged in from ``ready()`` with no edit outside
this folder (``tests/example_settings.py`` adds it to INSTALLED_APPS;
``tests/test_example_app.py`` proves each registration took)."""

from django.apps import AppConfig


class ExampleConfig(AppConfig):
    name = "tests.example_app"
    label = "example"
    verbose_name = "Example part of the service"
    urls = (("example/", "tests.example_app.urls"),)

    def ready(self) -> None:
        from haven.accounts.permissions import Capability
        from haven.performance.measures import register_page
        from haven.ui.navigation import register_nav_link
        from haven.ui.pages import register_tab
        from haven.work.items import register_provider
        from tests.example_app import figures, work

        register_tab(label="Example", url_name="example:tab", order=95)
        register_nav_link(
            label="Example", url_name="example:home", order=90, capability=Capability.VIEW_RECORDS
        )
        register_provider(work.example_items)
        register_page(figures.EXAMPLE)
