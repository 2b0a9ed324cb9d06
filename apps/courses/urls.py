from django.urls import path

from apps.courses.views import learner, reports

app_name = "courses"
urlpatterns = [
    path("learning/", learner.dashboard, name="dashboard"),
    path("organisation/progress/", reports.organisation_report, name="organisation_report"),
    path("certificates/verify/", learner.certificate_verify, name="certificate_lookup"),
    path("certificates/<str:code>/", learner.certificate_verify, name="certificate_verify"),
    path("certificates/<str:code>/pdf/", learner.certificate_pdf, name="certificate_pdf"),
]
