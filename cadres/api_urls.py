from rest_framework.routers import DefaultRouter

from cadres.api import CadreViewSet, DepartmentViewSet, EthosViewSet, UnitViewSet

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("units", UnitViewSet, basename="unit")
router.register("departments", DepartmentViewSet, basename="department")
router.register("cadres", CadreViewSet, basename="cadre")
router.register("ethos", EthosViewSet, basename="ethos")
urlpatterns = router.urls
