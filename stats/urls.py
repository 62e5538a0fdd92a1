"""Workbench pages of the statistics (included under /workbench/)."""

from django.urls import path

from stats import views

app_name = "stats"
urlpatterns = [path("statistics/", views.statistics_page, name="statistics")]
