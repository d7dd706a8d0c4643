from django.apps import AppConfig


class WorkConfig(AppConfig):
    name = "haven.work"
    label = "work"
    verbose_name = "Work management"
    # Where this app's pages live: (prefix, URLconf), included by haven/urls.py.
    urls = (("", "haven.work.urls"),)

    def ready(self) -> None:
        from haven.ui.navigation import register_nav_link

        register_nav_link(label="My work", url_name="work:home", order=20)
