from django.urls import path

from haven.care import views

app_name = "care"
urlpatterns = [
    path("<id:person_id>/care/", views.tab, name="tab"),
    # The statutory work of a period: care and placement plans, visits, reviews.
    path("<id:person_id>/care/plan-visits-reviews/", views.statutory, name="statutory"),
    path(
        "<id:person_id>/care/plan-visits-reviews/<slug:action>/",
        views.statutory_action,
        name="statutory_action",
    ),
    # An IRO's looked-after children and their reviews.
    path("looked-after-reviews/", views.iro_reviews, name="iro_reviews"),
]
