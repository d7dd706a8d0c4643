from django.urls import path

from haven.frontdoor import views

app_name = "frontdoor"
urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("contacts/new/", views.contact_create, name="contact_create"),
    path("match/", views.match, name="match"),
    path("contacts/<id:contact_id>/", views.contact_detail, name="contact_detail"),
    path("contacts/<id:contact_id>/assign/", views.assign, name="assign"),
    path("contacts/<id:contact_id>/checks/", views.check_request, name="check_request"),
    path(
        "contacts/<id:contact_id>/checks/<id:check_id>/response/",
        views.check_respond,
        name="check_respond",
    ),
    path(
        "contacts/<id:contact_id>/children/<id:contact_child_id>/decision/",
        views.decide,
        name="decide",
    ),
    path(
        "contacts/<id:contact_id>/children/<id:contact_child_id>/authorise/",
        views.authorise,
        name="authorise",
    ),
    path("contacts/<id:contact_id>/decision/", views.decide_group, name="decide_group"),
    path(
        "contacts/<id:contact_id>/children/<id:contact_child_id>/return/",
        views.return_decision,
        name="return_decision",
    ),
    path(
        "contacts/<id:contact_id>/children/<id:contact_child_id>/amend/", views.amend, name="amend"
    ),
    path(
        "contacts/<id:contact_id>/feedback/<id:feedback_id>/sent/",
        views.feedback_sent,
        name="feedback_sent",
    ),
    path("contacts/<id:contact_id>/add-child/", views.add_child, name="add_child"),
]
