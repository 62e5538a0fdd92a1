"""/api/v1/: each app adds its own routes in its ``api_urls`` module."""

from django.urls import include, path

from workstyle import api_views

urlpatterns = [
    path("auth/token/", api_views.TokenView.as_view(), name="api-token"),
    path("", include("workstyle.api_routes")),
    path("", include("cadres.api_urls")),
    path("", include("complaints.api_urls")),
    path("public/", include("complaints.public.api_urls")),
    path("", include("supervision.api_urls")),
    path("", include("meetings.api_urls")),
    path("", include("ethos.api_urls")),
    path("public/", include("supervision.public_api_urls")),
    path("", include("stats.api_urls")),
]
