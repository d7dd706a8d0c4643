from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "haven.people"
    label = "people"
    verbose_name = "Children, adults and their families"
