from django.urls import include, path

from haven.ui import views as ui_views

urlpatterns = [
    path("healthz", ui_views.healthz, name="healthz"),
    path("", include("haven.accounts.urls")),
    path("", include("haven.work.urls")),
    path("people/", include("haven.people.urls")),
    path("people/", include("haven.chronology.urls")),
]
