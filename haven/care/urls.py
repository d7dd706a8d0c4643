from django.urls import path

from haven.care import views

app_name = "care"
urlpatterns = [
    # The statutory work of a period: care and placement plans, visits, reviews.
    path("people/<id:person_id>/care/plan-visits-reviews/", views.statutory, name="statutory"),
    path(
        "people/<id:person_id>/care/plan-visits-reviews/<slug:action>/",
        views.statutory_action,
        name="statutory_action",
    ),
    path("care/reviews/", views.iro_reviews, name="iro_reviews"),
]
