"""Workbench pages of supervision (included under /workbench/)."""

from django.urls import path

from supervision import views

app_name = "supervision"
urlpatterns = [
    path("cases/", views.case_list, name="case_list"),
    path("cases/new/", views.case_open, name="case_open"),
    path("cases/<int:pk>/", views.case_detail, name="case_detail"),
    path("cases/<int:pk>/investigate/", views.case_investigate, name="case_investigate"),
    path("cases/<int:pk>/decide/", views.case_decide, name="case_decide"),
    path("cases/<int:pk>/close/", views.case_close, name="case_close"),
]
