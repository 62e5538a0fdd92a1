from django.urls import path

from stats.api import StatisticsView

urlpatterns = [path("statistics/", StatisticsView.as_view(), name="api-statistics")]
