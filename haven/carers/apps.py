from django.apps import AppConfig


class CarersConfig(AppConfig):
    name = "haven.carers"
    label = "carers"
    verbose_name = "Carers, homes and adopters"
