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
    path("contacts/<id:contact_id>/checks/<id:check_id>/response/", views.check_respond, name="check_respond"),
    path("contacts/<id:contact_id>/children/<id:contact_child_id>/decision/", views.decide, name="decide"),
    path("contacts/<id:contact_id>/children/<id:contact_child_id>/authorise/", views.authorise, name="authorise"),
]
