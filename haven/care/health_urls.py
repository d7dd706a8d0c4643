from django.urls import path

from haven.care import health_views

app_name = "care_health"
urlpatterns = [
    path("<id:person_id>/health-and-education/", health_views.tab, name="tab"),
]
