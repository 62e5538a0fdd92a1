from django.urls import re_path
from rest_framework.routers import DefaultRouter

from cadres.api import (
    CadreDossierPDFView,
    CadreViewSet,
    DebriefingRoundViewSet,
    DebriefingViewSet,
    DepartmentViewSet,
    EthosViewSet,
    PersonalReportViewSet,
    UnitViewSet,
)

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("units", UnitViewSet, basename="unit")
router.register("departments", DepartmentViewSet, basename="department")
router.register("cadres", CadreViewSet, basename="cadre")
router.register("ethos", EthosViewSet, basename="ethos")
router.register("debriefing-rounds", DebriefingRoundViewSet, basename="debriefing-round")
router.register("debriefings", DebriefingViewSet, basename="debriefing")
router.register("personal-reports", PersonalReportViewSet, basename="personal-report")
urlpatterns = [
    # An API address (the API matrix tries it), not a page: a pattern the page walker leaves alone.
    re_path(r"^cadres/(?P<pk>[0-9]+)/dossier\.pdf$", CadreDossierPDFView.as_view(), name="cadre-dossier-pdf"),
    *router.urls,
]
