"""Pages of the public side (no account)."""

from django.urls import path

from complaints import public_views

urlpatterns = [
    path("complaints/new/", public_views.complaint_new, name="new"),
    path("complaints/submitted/", public_views.complaint_submitted, name="submitted"),
    path("complaints/track/", public_views.complaint_track, name="track"),
]
