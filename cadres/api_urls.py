from django.urls import path
from rest_framework.routers import DefaultRouter

from cadres.api import (
    CadreDossierPDFView,
    CadreViewSet,
    DebriefingRoundViewSet,
    DebriefingViewSet,
    DepartmentViewSet,
    PersonalReportViewSet,
    UnitViewSet,
)

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("units", UnitViewSet, basename="unit")
router.register("departments", DepartmentViewSet, basename="department")
router.register("cadres", CadreViewSet, basename="cadre")
router.register("debriefing-rounds", DebriefingRoundViewSet, basename="debriefing-round")
router.register("debriefings", DebriefingViewSet, basename="debriefing")
router.register("personal-reports", PersonalReportViewSet, basename="personal-report")
urlpatterns = [
    path("cadres/<int:pk>/dossier.pdf", CadreDossierPDFView.as_view(), name="cadre-dossier-pdf"),
    *router.urls,
]
