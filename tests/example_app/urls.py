from django.urls import path

from tests.example_app import views

app_name = "example"
urlpatterns = [
    path("", views.home, name="home"),
    path("<id:person_id>/", views.tab, name="tab"),
]
