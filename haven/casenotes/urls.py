from django.urls import path

from haven.casenotes import figures, views

app_name = "casenotes"
urlpatterns = [
    path("readability/", views.readability_check, name="readability"),
    path("figures/weekly/", figures.weekly, name="weekly"),
    path("<id:person_id>/", views.notes_tab, name="tab"),
    path("<id:person_id>/new/", views.note_new, name="new"),
    path("<id:person_id>/print/", views.notes_print, name="print"),
    path("<id:person_id>/notes/<id:note_id>/", views.note_detail, name="note"),
]
