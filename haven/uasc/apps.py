from django.apps import AppConfig


class UASCConfig(AppConfig):
    name = "haven.uasc"
    label = "uasc"
    verbose_name = "Unaccompanied asylum-seeking children"

    def ready(self) -> None:
        from haven.people.ownership import register_person_owned
        from haven.uasc.models import NTSTransfer, UASCStatus

        register_person_owned(UASCStatus)
        register_person_owned(NTSTransfer)
