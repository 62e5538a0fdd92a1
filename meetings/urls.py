"""Workbench pages of the meetings (included under /workbench/)."""

from django.urls import path

from meetings import views

app_name = "meetings"
urlpatterns = [
    path("meetings/", views.meeting_list, name="list"),
    path("meetings/new/", views.meeting_new, name="new"),
    path("meetings/<int:pk>/", views.meeting_detail, name="detail"),
    path("meetings/<int:pk>/report/", views.meeting_report, name="report"),
    path("meetings/<int:pk>/report.docx", views.meeting_document, name="document"),
    # The filer's forms (edit, minutes, problem, item, summary) and the report's transitions.
    path("meetings/<int:pk>/<slug:action>/", views.meeting_action, name="action"),
    path("meeting-units/<int:pk>/", views.unit_history, name="unit"),
    path("meeting-units/<int:pk>/<slug:action>/", views.unit_action, name="unit_action"),
    path("rectifications/", views.item_list, name="items"),
    path("rectifications/<int:pk>/", views.item_detail, name="item"),
    path("rectifications/<int:pk>/<slug:action>/", views.item_action, name="item_action"),
    path("rectification-files/<int:pk>/", views.attachment_download, name="attachment"),
]
