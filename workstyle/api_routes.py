from rest_framework.routers import DefaultRouter

from workstyle.api_views import ApiTokenViewSet, NotificationViewSet
from workstyle.export_api import ExportViewSet

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("notifications", NotificationViewSet, basename="notification")
router.register("auth/tokens", ApiTokenViewSet, basename="apitoken")
router.register("exports", ExportViewSet, basename="export")
urlpatterns = router.urls
