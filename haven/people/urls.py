from django.urls import path

from haven.people import views

app_name = "people"
urlpatterns = [
    path("search/", views.search, name="search"),
    path("new/", views.person_create, name="person_create"),
    path("<id:person_id>/", views.person_detail, name="person_detail"),
    path("<id:person_id>/print/", views.person_print, name="person_print"),
    path("<id:person_id>/edit/", views.person_edit, name="person_edit"),
    path("<id:person_id>/addresses/new/", views.address_add, name="address_add"),
    path("<id:person_id>/names/new/", views.name_add, name="name_add"),
    path("<id:person_id>/family/new/", views.relationship_add, name="relationship_add"),
    path("<id:person_id>/professionals/new/", views.professional_add, name="professional_add"),
    path("<id:person_id>/allocation/", views.allocation, name="allocation"),
    path("<id:person_id>/access-log/", views.access_log, name="access_log"),
    path("<id:person_id>/access-log.csv", views.access_log_csv, name="access_log_csv"),
    path("<id:person_id>/merge/", views.merge, name="merge"),
    path("<id:person_id>/restrict/", views.restrict, name="restrict"),
    path("<id:person_id>/emergency-access/", views.break_glass, name="break_glass"),
]
