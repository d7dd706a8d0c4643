from django.urls import path

from haven.protection import views

app_name = "protection"
urlpatterns = [
    path("conferences/", views.chair_conferences, name="conferences"),
    path("<id:person_id>/protection/", views.child_protection, name="child_protection"),
    path(
        "<id:person_id>/protection/<slug:action>/",
        views.protection_action,
        name="protection_action",
    ),
]
