from rest_framework.routers import DefaultRouter

from complaints.api import CategoryPolicyViewSet, ComplaintViewSet

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("complaints", ComplaintViewSet, basename="complaint")
router.register("category-policies", CategoryPolicyViewSet, basename="category-policy")
urlpatterns = router.urls
