from django.urls import path

from haven.administration import views

app_name = "administration"
urlpatterns = [
    path("", views.users, name="users"),
    path("users/new/", views.user_create, name="user_create"),
    path("users/<id:user_id>/", views.user_detail, name="user"),
    path("users/<id:user_id>/edit/", views.user_edit, name="user_edit"),
    path("users/<id:user_id>/<slug:action>/", views.user_action, name="user_action"),
    path("teams/", views.teams, name="teams"),
    path("teams/new/", views.team_create, name="team_create"),
    path("teams/<id:team_id>/", views.team_edit, name="team"),
    path("teams/<id:team_id>/<slug:action>/", views.team_action, name="team_action"),
]
