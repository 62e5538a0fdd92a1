"""Workbench pages of complaints."""

from django.urls import path

from complaints import views

urlpatterns = [
    path("workbench/complaints/", views.complaint_queue, name="queue"),
    path("workbench/complaints/bulk-accept/", views.complaint_bulk_accept, name="bulk_accept"),
    path("workbench/complaints/new/", views.complaint_intake, name="intake"),
    path("complaints/<int:pk>/receipt/", views.complaint_receipt, name="receipt"),
    path("workbench/complaints/<int:pk>/", views.complaint_detail, name="detail"),
    path("workbench/complaints/<int:pk>/<slug:action>/", views.complaint_action, name="action"),
]
