from rest_framework.routers import DefaultRouter

from supervision.api import CaseViewSet, NoticeViewSet

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("cases", CaseViewSet, basename="case")
router.register("notices", NoticeViewSet, basename="notice")
urlpatterns = router.urls
