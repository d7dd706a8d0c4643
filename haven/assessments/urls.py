from django.urls import path

from haven.assessments import views

app_name = "assessments"
urlpatterns = [
    path("<int:assessment_id>/", views.assessment_detail, name="assessment_detail"),
]
