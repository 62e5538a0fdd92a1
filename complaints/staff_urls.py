"""Workbench pages of complaints."""

from django.urls import path

from complaints import views

urlpatterns = [
    path("workbench/complaints/", views.complaint_queue, name="queue"),
    path("workbench/complaints/<int:pk>/", views.complaint_detail, name="detail"),
]
