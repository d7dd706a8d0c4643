from django.urls import path

from haven.assessments import views

app_name = "assessments"
urlpatterns = [
    path("<id:assessment_id>/", views.assessment_detail, name="assessment_detail"),
]
