from django.urls import path

from haven.adoption import views

app_name = "adoption"
urlpatterns = [
    path("<id:person_id>/adoption/", views.adoption, name="adoption"),
    path("<id:person_id>/adoption/<slug:action>/", views.adoption_action, name="adoption_action"),
]
