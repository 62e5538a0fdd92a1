from rest_framework.routers import DefaultRouter

from supervision.api import CaseViewSet, ConversationViewSet, NoticeViewSet

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("cases", CaseViewSet, basename="case")
router.register("conversations", ConversationViewSet, basename="conversation")
router.register("notices", NoticeViewSet, basename="notice")
urlpatterns = router.urls
