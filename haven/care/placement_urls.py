"""Placement requests and sufficiency (included at the site's root: the child's pages are
under /people/<id>/care/, the placements team's and the figures under /care/)."""

from django.urls import path

from haven.care import placement_views as views

app_name = "placements"
urlpatterns = [
    path("care/sufficiency/", views.sufficiency_page, name="sufficiency"),
    path("care/sufficiency/<slug:measure>/", views.sufficiency_list, name="sufficiency_list"),
    path("care/requests/", views.open_requests, name="requests"),
    path("people/<id:person_id>/care/requests/", views.child_requests, name="child_requests"),
    path(
        "people/<id:person_id>/care/requests/<id:request_id>/",
        views.child_request,
        name="child_request",
    ),
    path(
        "people/<id:person_id>/care/requests/<id:request_id>/<slug:action>/",
        views.child_request_action,
        name="child_request_action",
    ),
]
