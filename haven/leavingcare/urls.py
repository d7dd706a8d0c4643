from django.urls import path

from haven.leavingcare import views

app_name = "leavingcare"
urlpatterns = [
    path("<id:person_id>/leaving-care/", views.tab, name="tab"),
    path("<id:person_id>/leaving-care/my-plan/", views.my_plan, name="my_plan"),
    path(
        "<id:person_id>/leaving-care/health-passport/",
        views.health_passport,
        name="health_passport",
    ),
    path("<id:person_id>/leaving-care/<slug:action>/", views.tab_action, name="action"),
]
