from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.templatetags.static import static
from django.urls import include, path
from django.utils.functional import lazy
from django.views.generic import RedirectView
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from workstyle import api_docs, views
from workstyle.forms import LoginForm

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    # Browsers ask for /favicon.ico whatever the page links: send them to the static file.
    path("favicon.ico", RedirectView.as_view(url=lazy(static, str)("favicon.ico"), permanent=True)),
    path("i18n/", include("django.conf.urls.i18n")),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(authentication_form=LoginForm, redirect_authenticated_user=True),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("workbench/", views.workbench, name="workbench"),
    path("workbench/notifications/", views.notification_list, name="notifications"),
    path("workbench/notifications/read/", views.notification_read, name="notifications-read"),
    path("workbench/notifications/read-all/", views.notification_read_all, name="notifications-read-all"),
    path("workbench/exports/", include("workstyle.export_urls")),
    path("me/", views.my_page, name="me"),
    path("org/", include("cadres.urls")),
    path("", include("complaints.urls")),
    path("workbench/", include("supervision.urls")),
    path("workbench/", include("meetings.urls")),
    path("workbench/", include("stats.urls")),
    path("ethos/", include("ethos.urls")),
    path("appraisal/", include("ethos.public_urls")),
    path("notices/", include("supervision.public_urls")),
    path("captcha/", include("captcha.urls")),
    path("api/v1/", include("workstyle.api_urls")),
    path("open311/v2/", include("complaints.open311.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    # The split view serves Swagger UI's start-up script from its own URL: no inline script.
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="schema"), name="api-docs"),
    path("api/redoc/", api_docs.RedocView.as_view(url_name="schema"), name="api-redoc"),
    path("admin/", admin.site.urls),
]

admin.site.site_header = settings.WORKSTYLE_SITE_NAME
admin.site.site_title = settings.WORKSTYLE_SITE_NAME

# Unhandled exceptions: JSON under /api/, and 503 while the database cannot be reached.
handler500 = "workstyle.views.server_error"
