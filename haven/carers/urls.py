from django.urls import path

from haven.carers import views

app_name = "carers"
urlpatterns = [
    path("", views.households, name="households"),
    path("households/new/", views.household_create, name="household_create"),
    path("households/<id:household_id>/", views.household, name="household"),
    path(
        "households/<id:household_id>/<slug:action>/",
        views.household_action,
        name="household_action",
    ),
    path("homes/", views.homes, name="homes"),
    path("homes/new/", views.home_create, name="home_create"),
    path("homes/<id:home_id>/", views.home, name="home"),
    path("homes/<id:home_id>/<slug:action>/", views.home_action, name="home_action"),
]
