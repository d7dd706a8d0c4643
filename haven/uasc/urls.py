from django.urls import path

from haven.uasc import views

app_name = "uasc"
urlpatterns = [
    path("<id:person_id>/uasc/", views.uasc, name="uasc"),
    path("<id:person_id>/uasc/<slug:action>/", views.uasc_action, name="uasc_action"),
]
