"""/api/v1/commitment-years/, /api/v1/commitments/, /api/v1/appraisal-rounds/ and the outside
raters' /api/v1/public/appraisal/{token}/. Querysets start from ``visible_to``: out of scope is 404.
Transitions are POST actions made from the tables (``ethos.transitions``); every write is one
service call."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import BaseSerializer
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from cadres.models import Cadre
from ethos import selectors, services
from ethos.filters import CommitmentFilter, RoundFilter
from ethos.models import AppraisalRound, Commitment, CommitmentYear
from ethos.permissions import ethos_may_organise
from ethos.serializers import (
    BallotSerializer,
    CadreResultSerializer,
    CommitmentCommentSerializer,
    CommitmentCreateSerializer,
    CommitmentDetailSerializer,
    CommitmentReasonSerializer,
    CommitmentSerializer,
    CommitmentUpdateSerializer,
    CommitmentYearSerializer,
    LinkCountSerializer,
    RaterLinkSerializer,
    RoundCreateSerializer,
    RoundSerializer,
)
from ethos.transitions import COMMITMENTS, ORGDEPT_ONLY, ROUNDS
from workstyle.api import IsStaffUser, error_responses
from workstyle.errors import InvalidInput, NotAllowed, TransitionError
from workstyle.workflow_api import add_transition_actions


class CommitmentYearViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet[CommitmentYear]
):
    """The years for which commitments are asked; the organization department opens one with its
    deadline."""

    serializer_class = CommitmentYearSerializer
    permission_classes = [permissions.IsAuthenticated, IsStaffUser]
    lookup_field = "year"
    filter_backends: list[type] = []

    def get_queryset(self) -> QuerySet[CommitmentYear]:
        return CommitmentYear.objects.visible_to(self.request.user)

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        if not ethos_may_organise(request.user):
            raise NotAllowed(ORGDEPT_ONLY)
        serializer = CommitmentYearSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        year = services.commitment_year_open(actor=request.user, now=timezone.now(), **serializer.validated_data)
        return Response(CommitmentYearSerializer(year).data, status=status.HTTP_201_CREATED)

    @action(detail=True, methods=["get"])
    def completion(self, request: Request, year: Any = None) -> Response:
        """Per unit and department, how many of the cadres the caller follows have signed."""
        rows = selectors.commitment_completion(year=self.get_object(), user=request.user)
        return Response(
            [
                {
                    "unit": row.unit,
                    "department": row.department,
                    "cadres": row.cadres,
                    "signed": row.signed,
                    "reviewed": row.reviewed,
                    "draft": row.draft,
                    "returned": row.returned,
                    "missing": row.missing,
                    "share": row.share,
                }
                for row in rows
            ]
        )


class CommitmentViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet[Commitment],
):
    """Yearly commitments: a cadre's own (he drafts, changes and signs it), his department's for a
    department head, every one for the organization department and the discipline office."""

    permission_classes = [permissions.IsAuthenticated, IsStaffUser]
    filterset_class = CommitmentFilter
    search_fields = ("cadre__name", "cadre__staff_number")
    ordering_fields = ("year__year", "status", "signed_at", "cadre__staff_number")
    ordering = ("-year__year", "cadre__staff_number")
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self) -> QuerySet[Commitment]:
        return (
            Commitment.objects.visible_to(self.request.user)
            .select_related("cadre", "year")
            .prefetch_related("pledges__ethos")
        )

    def get_serializer_class(self) -> type[BaseSerializer[Any]]:
        if self.action == "retrieve":
            return CommitmentDetailSerializer
        if self.action == "create":
            return CommitmentCreateSerializer
        if self.action == "partial_update":
            return CommitmentUpdateSerializer
        return CommitmentSerializer

    def _detail(self, commitment: Commitment, code: int = status.HTTP_200_OK) -> Response:
        fresh = self.get_queryset().prefetch_related("events__actor").get(pk=commitment.pk)
        return Response(CommitmentDetailSerializer(fresh, context=self.get_serializer_context()).data, status=code)

    @extend_schema(request=CommitmentCreateSerializer, responses={201: CommitmentDetailSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = CommitmentCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        commitment = services.commitment_create(
            actor=request.user, year=data["year"], pledges=data["pledges"], now=timezone.now()
        )
        return self._detail(commitment, status.HTTP_201_CREATED)

    @extend_schema(request=CommitmentUpdateSerializer, responses={200: CommitmentDetailSerializer})
    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        commitment = self.get_object()
        # A frozen commitment says so before its input is judged.
        if commitment.frozen:
            raise services.commitment_frozen_error(commitment)
        serializer = CommitmentUpdateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.commitment_update(
            actor=request.user, commitment=commitment, pledges=serializer.validated_data["pledges"], now=timezone.now()
        )
        return self._detail(commitment)

    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return self.partial_update(request, *args, **kwargs)


add_transition_actions(
    CommitmentViewSet,
    COMMITMENTS,
    services=services,
    inputs={"": None, "comment": CommitmentCommentSerializer, "reason": CommitmentReasonSerializer},
    outputs={"": (lambda view, obj, result: view._detail(obj), CommitmentDetailSerializer)},
    errors=error_responses("commitment"),
)


def _links(request: Request, tokens: list[str]) -> list[dict[str, str]]:
    return [
        {"token": token, "url": request.build_absolute_uri(reverse("ethos-public-rate", args=[token]))}
        for token in tokens
    ]


class AppraisalRoundViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet[AppraisalRound]
):
    """Democratic appraisal rounds: the organization department prepares one for a unit and a year,
    opens and closes it; raters cast their ballots; the results come once it is closed."""

    permission_classes = [permissions.IsAuthenticated, IsStaffUser]
    filterset_class = RoundFilter
    ordering_fields = ("year", "status", "unit__code")
    ordering = ("-year", "unit__code")

    def get_queryset(self) -> QuerySet[AppraisalRound]:
        return (
            AppraisalRound.objects.visible_to(self.request.user).select_related("unit").prefetch_related("appraisees")
        )

    def get_serializer_class(self) -> type[BaseSerializer[Any]]:
        return RoundCreateSerializer if self.action == "create" else RoundSerializer

    def _detail(self, round: AppraisalRound, code: int = status.HTTP_200_OK) -> Response:
        fresh = self.get_queryset().get(pk=round.pk)
        return Response(RoundSerializer(fresh, context=self.get_serializer_context()).data, status=code)

    @extend_schema(request=RoundCreateSerializer, responses={201: RoundSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        if not ethos_may_organise(request.user):
            raise NotAllowed(ORGDEPT_ONLY)
        serializer = RoundCreateSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        appraisal = services.round_create(
            actor=request.user,
            unit=data["unit"],
            year=data["year"],
            raters=data.get("raters"),
            now=timezone.now(),
        )
        return self._detail(appraisal, status.HTTP_201_CREATED)

    @extend_schema(request=LinkCountSerializer, responses={201: RaterLinkSerializer(many=True)})
    @action(detail=True, methods=["post"], url_path="rater-links", filter_backends=[])
    def rater_links(self, request: Request, pk: Any = None) -> Response:
        """One-time rating links for outside raters; the tokens are shown only here."""
        appraisal = self.get_object()
        if not ethos_may_organise(request.user):
            raise NotAllowed(ORGDEPT_ONLY)
        serializer = LinkCountSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        tokens = services.round_issue_links(
            actor=request.user, round=appraisal, count=serializer.validated_data["count"], now=timezone.now()
        )
        return Response(_links(request, tokens), status=status.HTTP_201_CREATED)

    @extend_schema(responses={200: CadreResultSerializer(many=True)})
    @action(detail=True, methods=["get"], filter_backends=[])
    def results(self, request: Request, pk: Any = None) -> Response:
        """Per cadre and ethos: counts, shares and flags; once the round is closed."""
        appraisal = self.get_object()
        if appraisal.status != AppraisalRound.Status.CLOSED:
            raise TransitionError(services.RESULTS_AFTER_CLOSING)
        results = selectors.round_results(round=appraisal, user=request.user)
        return Response(CadreResultSerializer(results, many=True).data)

    @extend_schema(
        methods=["post"],
        summary="Grade the ethos of one cadre",
        request=BallotSerializer,
        responses={201: BallotSerializer},
    )
    @extend_schema(
        methods=["get"], summary="The caller's own grades in the round", responses={200: BallotSerializer(many=True)}
    )
    @action(detail=True, methods=["get", "post"], filter_backends=[])
    def ballots(self, request: Request, pk: Any = None) -> Response:
        """GET: the caller's own grades while the round is open (to change them). POST: grade each
        ethos of one cadre of the round."""
        appraisal = self.get_object()
        if request.method == "GET":
            own = services.ballots_of(actor=request.user, round=appraisal)
            return Response([{"cadre": cadre, "grades": grades} for cadre, grades in own.items()])
        serializer = BallotSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        cadre = Cadre.objects.filter(pk=data["cadre"]).first()
        if cadre is None:
            raise InvalidInput(services.BALLOT_INVALID, errors={"cadre": [services.NOT_IN_ROUND]})
        services.ballot_cast(
            actor=request.user, round=appraisal, cadre=cadre, grades=data["grades"], now=timezone.now()
        )
        return Response({"cadre": cadre.pk, "grades": data["grades"]}, status=status.HTTP_201_CREATED)


add_transition_actions(
    AppraisalRoundViewSet,
    ROUNDS,
    services=services,
    inputs={"": None},
    outputs={"": (lambda view, obj, result: view._detail(obj), RoundSerializer)},
    errors=error_responses("appraisal round"),
)


class PublicBallotView(APIView):
    """An outside rater's ballot through his one-time link: no account, throttled."""

    authentication_classes: list[type] = []
    permission_classes = [permissions.AllowAny]
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "public"

    @extend_schema(request=BallotSerializer, responses={201: BallotSerializer})
    def post(self, request: Request, token: str) -> Response:
        rater = services.rater_for_token(token)
        if rater is None:
            return Response({"message": str(services.LINK_INVALID), "errors": {}}, status=status.HTTP_404_NOT_FOUND)
        serializer = BallotSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        services.ballot_cast_by_token(token=token, cadre_id=data["cadre"], grades=data["grades"], now=timezone.now())
        return Response({"cadre": data["cadre"], "grades": data["grades"]}, status=status.HTTP_201_CREATED)
