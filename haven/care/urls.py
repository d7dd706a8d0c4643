from django.urls import path

from haven.care import views

app_name = "care"
urlpatterns = [
    path("<id:person_id>/care/", views.tab, name="tab"),
]
