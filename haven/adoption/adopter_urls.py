from django.urls import path

from haven.adoption import views

app_name = "adopters"
urlpatterns = [
    path("adopters/", views.adopters, name="adopters"),
    path("adopters/<id:adopters_id>/", views.adopters_edit, name="adopters_edit"),
]
