from django.urls import include, path

from haven.ui import views as ui_views

urlpatterns = [
    path("healthz", ui_views.healthz, name="healthz"),
    path("", include("haven.accounts.urls")),
    path("", include("haven.work.urls")),
    path("people/", include("haven.people.urls")),
    path("people/", include("haven.people.chronology_urls")),
    path("performance/", include("haven.performance.urls")),
    path("returns/", include("haven.returns.urls")),
    path("jobs/", include("haven.jobs.urls")),
    path("people/", include("haven.protection.urls")),
    path("front-door/", include("haven.frontdoor.urls")),
    path("assessments/", include("haven.assessments.urls")),
]
