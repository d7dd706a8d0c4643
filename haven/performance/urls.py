from django.urls import path

from haven.performance import views

app_name = "performance"
urlpatterns = [
    path("front-door/", views.front_door, name="front_door"),
    path("figures/<slug:key>/", views.figures_page, name="page"),
    path("front-door/list/", views.measure_list, name="measure_list"),
    path("annex-a/", views.annex_a_download, name="annex_a"),
    path("child-protection/", views.child_protection, name="child_protection"),
]
