from django.urls import path

from haven.documents import views

app_name = "documents"
urlpatterns = [
    path("templates/", views.templates, name="templates"),
    path("templates/<slug:template_key>/", views.template_edit, name="template_edit"),
    path("<id:person_id>/", views.tab, name="tab"),
    path("<id:person_id>/upload/", views.upload, name="upload"),
    path("<id:person_id>/produce/", views.generate, name="generate"),
    path("<id:person_id>/<id:document_id>/", views.download, name="download"),
]
