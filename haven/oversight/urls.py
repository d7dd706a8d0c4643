from django.urls import path

from haven.oversight import views

app_name = "oversight"
urlpatterns = [
    path("people/<id:person_id>/oversight/", views.person_oversight, name="person"),
    path("supervision/", views.supervision_home, name="supervision_home"),
    path("supervision/<id:user_id>/", views.supervision_worker, name="supervision_worker"),
    path("performance/oversight/", views.figures_page, name="figures"),
]
