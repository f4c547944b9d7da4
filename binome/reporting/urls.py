from django.urls import path

from binome.reporting import views

app_name = "reporting"

urlpatterns = [
    # Département
    path("", views.periods, name="periods"),
    path("periodes/ouvrir/", views.period_open, name="period_open"),
    path("periodes/<uuid:period_id>/", views.period_detail, name="period_detail"),
    path("periodes/<uuid:period_id>/cotech.pdf", views.cotech_pdf, name="cotech_pdf"),
    path("suivis/<uuid:report_id>/relancer/", views.report_remind, name="report_remind"),
    # Both
    path("suivis/<uuid:report_id>/", views.report_detail, name="report_detail"),
    # Association
    path("mon-association/", views.my_reports, name="my_reports"),
    path("suivis/<uuid:report_id>/saisie/", views.report_edit, name="report_edit"),
]

urlpatterns += [
    path("import/", views.import_start, name="import_start"),
    path("import/modele.xlsx", views.import_template, name="import_template"),
    path("import/<uuid:job_id>/", views.import_job, name="import_job"),
    path("import/<uuid:job_id>/etat/", views.import_job_status, name="import_job_status"),
    path("import/<uuid:job_id>/confirmer/", views.import_confirm, name="import_confirm"),
]
