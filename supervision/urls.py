"""Workbench pages of supervision (included under /workbench/)."""

from django.urls import path

from supervision import views

app_name = "supervision"
urlpatterns = [
    path("cases/", views.case_list, name="case_list"),
    path("cases/new/", views.case_open, name="case_open"),
    path("cases/<int:pk>/", views.case_detail, name="case_detail"),
    # One route per action of the transition table: /cases/<pk>/investigate/, …/decide/, …/close/.
    path("cases/<int:pk>/<slug:action>/", views.case_action, name="case_action"),
    path("notices/", views.notice_list, name="notice_list"),
    path("notices/new/", views.notice_new, name="notice_new"),
    path("notices/<int:pk>/", views.notice_detail, name="notice_detail"),
    path("notices/<int:pk>/<slug:action>/", views.notice_action, name="notice_action"),
]
