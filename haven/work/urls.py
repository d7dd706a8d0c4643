from django.urls import path

from haven.work import views

app_name = "work"
urlpatterns = [
    path("", views.home, name="home"),
    path("my-work/", views.my_work, name="mine"),
    path("audit/", views.audit, name="audit"),
    path("start/", views.start, name="start"),
    path("team/<slug:section>/", views.team_list, name="team_list"),
]
