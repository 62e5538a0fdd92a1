from rest_framework.routers import DefaultRouter

from meetings.api import MeetingReportViewSet, MeetingViewSet, RectificationViewSet

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("meetings", MeetingViewSet, basename="meeting")
router.register("meeting-reports", MeetingReportViewSet, basename="meeting-report")
router.register("rectifications", RectificationViewSet, basename="rectification")
urlpatterns = router.urls
