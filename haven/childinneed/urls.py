from django.urls import path

from haven.childinneed import views

app_name = "childinneed"
urlpatterns = [
    path("<id:person_id>/episodes/", views.episodes, name="episodes"),
    path("<id:person_id>/closure/", views.closure, name="closure"),
]
