from django.urls import path

from haven.people import chronology_views as views

app_name = "chronology"
urlpatterns = [
    path("<id:person_id>/chronology/", views.person_chronology, name="person_chronology"),
    path(
        "<id:person_id>/chronology/print/",
        views.person_chronology_print,
        name="person_chronology_print",
    ),
]
