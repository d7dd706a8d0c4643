from django.urls import path

from haven.returns import views

app_name = "returns"
urlpatterns = [
    path("", views.returns_home, name="home"),
    path("cin/<id:year>.xml", views.cin_download, name="cin_download"),
    path("cin/<id:year>/issues/", views.cin_issues, name="cin_issues"),
    path("cin/import/", views.cin_import, name="cin_import"),
    path("ssda903/<id:year>.zip", views.ssda903_download, name="ssda903_download"),
    path("ssda903/<id:year>/issues/", views.ssda903_issues, name="ssda903_issues"),
    path("cin/import/<uuid:job_id>/commit/", views.cin_import_commit, name="cin_import_commit"),
    path("ssda903/import/", views.ssda903_import, name="ssda903_import"),
    path(
        "ssda903/import/<uuid:job_id>/commit/",
        views.ssda903_import_commit,
        name="ssda903_import_commit",
    ),
]
