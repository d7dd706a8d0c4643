from django.urls import path

from haven.work import views

app_name = "work"
urlpatterns = [
    path("", views.home, name="home"),
    path("team/<slug:section>/", views.team_list, name="team_list"),
]
