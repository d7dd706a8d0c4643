from django.apps import AppConfig


class WorkConfig(AppConfig):
    name = "haven.work"
    label = "work"
    verbose_name = "Work management"
