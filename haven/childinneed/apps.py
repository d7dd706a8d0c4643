from django.apps import AppConfig


class ChildInNeedConfig(AppConfig):
    name = "haven.childinneed"
    label = "childinneed"
    verbose_name = "Children in need"
