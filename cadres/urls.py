from django.urls import path

from cadres import views

app_name = "cadres"
urlpatterns = [
    path("units/", views.unit_tree, name="units"),
    path("units/<int:pk>/", views.unit_detail, name="unit"),
    path("departments/", views.department_list, name="departments"),
    path("departments/<int:pk>/", views.department_detail, name="department"),
    path("cadres/", views.cadre_list, name="cadres"),
    path("cadres/options/", views.cadre_options, name="cadre_options"),
    path("departments/options/", views.department_options, name="department_options"),
    path("cadres/<int:pk>/", views.cadre_detail, name="cadre"),
    path("cadres/<int:pk>/dossier/", views.cadre_dossier, name="dossier"),
    path("cadres/<int:pk>/dossier.pdf", views.cadre_dossier_pdf, name="dossier_pdf"),
    path("debriefings/", views.debriefing_list, name="debriefings"),
    path("debriefings/<int:pk>/", views.debriefing_detail, name="debriefing"),
    path("debriefings/<int:pk>/attachment/", views.debriefing_attachment, name="debriefing_attachment"),
    path("debriefings/<int:pk>/<slug:action>/", views.debriefing_action, name="debriefing_action"),
]
urlpatterns += [
    path("personal-reports/", views.personal_report_list, name="personal_reports"),
    path("personal-reports/new/", views.personal_report_new, name="personal_report_new"),
    path("personal-reports/<int:pk>/", views.personal_report_detail, name="personal_report"),
    path("personal-reports/<int:pk>/<slug:action>/", views.personal_report_action, name="personal_report_action"),
]
