"""/api/v1/cases/: accountability cases. The queryset starts from ``visible_to``: out of scope is
404. Opening is a POST to the list; every transition is a POST action made from the transition
table (``supervision.transitions.CASES``), each calling one service."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import BaseSerializer

from supervision import services
from supervision.filters import CaseFilter, ConversationFilter, NoticeFilter
from supervision.models import AccountabilityCase, Conversation, Notice
from supervision.permissions import case_may_manage, notice_may_draft
from supervision.selectors import case_list_for
from supervision.serializers import (
    CaseDecideSerializer,
    CaseDetailSerializer,
    CaseNoteSerializer,
    CaseOpenSerializer,
    CaseSerializer,
    ConversationSerializer,
    NoticeCreateSerializer,
    NoticeDetailSerializer,
    NoticeSerializer,
    NoticeUpdateSerializer,
    NoticeWithdrawSerializer,
)
from supervision.transitions import CASES, DENIED, NOTICES
from workstyle.api import error_responses
from workstyle.errors import NotAllowed
from workstyle.workflow_api import add_transition_actions


class CaseViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet[AccountabilityCase],
):
    """Accountability cases (discipline office; the organization department reads them)."""

    filterset_class = CaseFilter
    search_fields = ("allegation", "subject_cadre__name", "subject_unit__name")
    ordering_fields = ("opened_at", "status", "decision_date")
    ordering = ("-opened_at", "-id")

    def get_queryset(self) -> QuerySet[AccountabilityCase]:
        qs = case_list_for(user=self.request.user)
        if self.action == "retrieve":
            qs = qs.prefetch_related("events__actor")
        return qs

    def get_serializer_class(self) -> type[BaseSerializer[Any]]:
        if self.action == "retrieve":
            return CaseDetailSerializer
        if self.action == "create":
            return CaseOpenSerializer
        return CaseSerializer

    def _detail(self, case: AccountabilityCase, code: int = status.HTTP_200_OK) -> Response:
        case = self.get_queryset().prefetch_related("events__actor").get(pk=case.pk)
        return Response(CaseDetailSerializer(case, context=self.get_serializer_context()).data, status=code)

    @extend_schema(request=CaseOpenSerializer, responses={201: CaseDetailSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        # The role first: others learn nothing from how their input would have been judged.
        if not case_may_manage(request.user):
            raise NotAllowed(DENIED)
        serializer = CaseOpenSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        case = services.case_open(
            actor=request.user,
            source=data["source"],
            allegation=data["allegation"],
            subject_cadre=data.get("subject_cadre"),
            subject_unit=data.get("subject_unit"),
            complaint=data.get("complaint"),
            now=timezone.now(),
        )
        return self._detail(case, status.HTTP_201_CREATED)


add_transition_actions(
    CaseViewSet,
    CASES,
    services=services,
    inputs={"note": CaseNoteSerializer, "decision": CaseDecideSerializer},
    outputs={"": (lambda view, case, result: view._detail(case), CaseDetailSerializer)},
    errors=error_responses("case"),
)


class ConversationViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet[Conversation]
):
    """Admonishing and reminding conversations with cadres: the discipline office records them."""

    serializer_class = ConversationSerializer
    filterset_class = ConversationFilter
    search_fields = ("cadre__name", "cadre__staff_number", "reason")
    ordering_fields = ("held_on", "recorded_at")
    ordering = ("-held_on", "-id")

    def get_queryset(self) -> QuerySet[Conversation]:
        return Conversation.objects.visible_to(self.request.user).select_related("cadre", "held_by")

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        if not case_may_manage(request.user):
            raise NotAllowed(_("Only the discipline office records conversations."))
        serializer = ConversationSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        conversation = services.conversation_record(actor=request.user, now=timezone.now(), **serializer.validated_data)
        return Response(
            ConversationSerializer(conversation, context=self.get_serializer_context()).data,
            status=status.HTTP_201_CREATED,
        )


class NoticeViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet[Notice],
):
    """Notices: exposures of decided cases and advanced models. The discipline office drafts them;
    its leader publishes and withdraws them."""

    filterset_class = NoticeFilter
    search_fields = ("title", "body")
    ordering_fields = ("published_on", "created_at")
    ordering = ("-published_on", "-created_at", "-id")
    http_method_names = ["get", "post", "put", "patch", "head", "options"]

    def get_queryset(self) -> QuerySet[Notice]:
        qs = Notice.objects.visible_to(self.request.user).select_related("unit")
        if self.action == "retrieve":
            qs = qs.prefetch_related("events__actor")
        return qs

    def get_serializer_class(self) -> type[BaseSerializer[Any]]:
        if self.action == "retrieve":
            return NoticeDetailSerializer
        if self.action == "create":
            return NoticeCreateSerializer
        if self.action in ("update", "partial_update"):
            return NoticeUpdateSerializer
        return NoticeSerializer

    def _detail(self, notice: Notice, code: int = status.HTTP_200_OK) -> Response:
        notice = self.get_queryset().prefetch_related("events__actor").get(pk=notice.pk)
        return Response(NoticeDetailSerializer(notice, context=self.get_serializer_context()).data, status=code)

    @extend_schema(request=NoticeCreateSerializer, responses={201: NoticeDetailSerializer, **error_responses("notice")})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        if not notice_may_draft(request.user):
            raise NotAllowed(services.NOTICE_DRAFT_DENIED)
        serializer = NoticeCreateSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        now = timezone.now()
        if data["kind"] == Notice.Kind.EXPOSURE:
            notice = services.notice_draft_exposure(actor=request.user, case=data["case"], now=now)
        else:
            notice = services.notice_create(
                actor=request.user,
                title=data.get("title", ""),
                body=data.get("body", ""),
                unit=data.get("unit"),
                cadre=data.get("cadre"),
                now=now,
            )
        return self._detail(notice, status.HTTP_201_CREATED)

    @extend_schema(request=NoticeUpdateSerializer, responses={200: NoticeDetailSerializer, **error_responses("notice")})
    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        notice = self.get_object()
        if not notice_may_draft(request.user):
            raise NotAllowed(services.NOTICE_DRAFT_DENIED)
        serializer = NoticeUpdateSerializer(data=request.data, partial=kwargs.get("partial", False))
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        notice = services.notice_update(
            actor=request.user,
            notice=notice,
            title=data.get("title", notice.title),
            body=data.get("body", notice.body),
            now=timezone.now(),
        )
        return self._detail(notice)


add_transition_actions(
    NoticeViewSet,
    NOTICES,
    services=services,
    inputs={"": None, "reason": NoticeWithdrawSerializer},
    outputs={"": (lambda view, notice, result: view._detail(notice), NoticeDetailSerializer)},
    errors=error_responses("notice"),
)
