"""The load bench's URLconf (``bench.settings``): the portal's URLs, and the baseline."""

from django.urls import include, path

from bench import views

urlpatterns = [
    path("bench/bare-insert/", views.bare_insert, name="bench-bare-insert"),
    path("", include("workstyle.urls")),
]
