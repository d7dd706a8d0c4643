from django.urls import path

from haven.missing import views

app_name = "missing"
urlpatterns = [
    path("<id:person_id>/missing/", views.tab, name="tab"),
    path("<id:person_id>/missing/<slug:action>/", views.action, name="action"),
]
