from django.urls import path

from complaints import public_views, views

app_name = "complaints"
urlpatterns = [
    # the public side, no account
    path("complaints/new/", public_views.complaint_new, name="new"),
    path("complaints/submitted/", public_views.complaint_submitted, name="submitted"),
    path("complaints/track/", public_views.complaint_track, name="track"),
    # the staff side
    path("workbench/complaints/", views.complaint_queue, name="queue"),
    path("workbench/complaints/<int:pk>/", views.complaint_detail, name="detail"),
]
