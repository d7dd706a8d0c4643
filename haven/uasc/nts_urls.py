from django.urls import path

from haven.uasc import figures

app_name = "nts"
urlpatterns = [
    path("", figures.nts, name="position"),
    path("children/", figures.nts_children, name="children"),
]
