from django.urls import path
from rest_framework.routers import DefaultRouter

from ethos.api import AppraisalRoundViewSet, CommitmentViewSet, CommitmentYearViewSet, PublicBallotView

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("commitment-years", CommitmentYearViewSet, basename="commitment-year")
router.register("commitments", CommitmentViewSet, basename="commitment")
router.register("appraisal-rounds", AppraisalRoundViewSet, basename="appraisal-round")
urlpatterns = [
    *router.urls,
    path("public/appraisal/<str:token>/ballots/", PublicBallotView.as_view(), name="public-appraisal-ballot"),
]
