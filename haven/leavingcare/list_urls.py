from django.urls import path

from haven.leavingcare import figures, views

app_name = "leaving_care"
urlpatterns = [
    path("caseload/", views.caseload, name="caseload"),
    path("figures/", figures.figures_view, name="figures"),
    path("figures/<slug:key>/", figures.figures_list, name="figures_list"),
]
