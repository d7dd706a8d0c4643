from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    name = "haven.documents"
    label = "documents"
    verbose_name = "Documents and letters"
    default_auto_field = "django.db.models.BigAutoField"
    urls = (("documents/", "haven.documents.urls"),)

    def ready(self) -> None:
        from haven.accounts.permissions import Capability
        from haven.documents.models import Document
        from haven.people.ownership import register_person_owned
        from haven.ui.navigation import register_nav_link
        from haven.ui.pages import register_tab

        register_tab(label="Documents", url_name="documents:tab", order=50)
        register_nav_link(
            label="Letter templates",
            url_name="documents:templates",
            order=85,
            capability=Capability.MANAGE_TEMPLATES,
        )
        register_person_owned(Document)
