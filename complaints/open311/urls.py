"""/open311/v2/: GeoReport v2, each resource as ``.json`` or ``.xml``."""

from django.urls import path, re_path

from complaints.open311 import views

app_name = "open311"

FORMAT = r"\.(?P<fmt>json|xml)$"

urlpatterns = [
    path("", views.not_found, name="root"),
    re_path(r"^discovery" + FORMAT, views.DiscoveryView.as_view(), name="discovery"),
    re_path(r"^services" + FORMAT, views.ServiceListView.as_view(), name="services"),
    re_path(
        r"^services/(?P<service_code>[A-Za-z0-9_-]{1,64})" + FORMAT,
        views.ServiceDefinitionView.as_view(),
        name="service",
    ),
    re_path(r"^requests" + FORMAT, views.RequestListView.as_view(), name="requests"),
    re_path(
        r"^requests/(?P<service_request_id>[A-Za-z0-9-]{1,32})" + FORMAT,
        views.RequestDetailView.as_view(),
        name="request",
    ),
    re_path(r"^.*$", views.not_found, name="not-found"),
]
