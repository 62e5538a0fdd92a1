"""/api/v1/public/notices/: published notices, no account, throttled."""

from django.urls import path

from supervision import public

urlpatterns = [
    path("notices/", public.PublicNoticeListView.as_view(), name="public-notice-list"),
    path("notices/<int:pk>/", public.PublicNoticeDetailView.as_view(), name="public-notice-detail"),
]
