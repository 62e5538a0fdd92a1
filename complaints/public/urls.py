"""Pages of the public side (no account), and the staff download of what the public sent."""

from django.urls import path

from complaints import attachments
from complaints.public import views

urlpatterns = [
    path("complaints/new/", views.complaint_new, name="new"),
    path("complaints/submitted/", views.complaint_submitted, name="submitted"),
    path("complaints/track/", views.complaint_track, name="track"),
    path(
        "workbench/complaints/<int:pk>/attachments/<int:attachment_id>/",
        attachments.attachment_download,
        name="attachment",
    ),
]
