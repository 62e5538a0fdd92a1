"""/api/v1/public/: filing and tracking complaints without an account.

No authentication, throttled per client address. The access key travels only in the
``X-Access-Key`` header, never in a URL; a wrong key and an unknown code get the same 404.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, inline_serializer
from rest_framework import generics, parsers, permissions, serializers, status
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from cadres.models import Unit
from complaints import selectors, services
from complaints.models import Complaint
from complaints.public.ratelimit import client_ip
from complaints.public.serializers import (
    CategorySerializer,
    FeedbackSerializer,
    PublicComplaintCreateSerializer,
    PublicComplaintSerializer,
    PublicReceiptSerializer,
    PublicUnitSerializer,
    ReviewSerializer,
    SupplementSerializer,
    category_rows,
    public_facts,
)
from complaints.public.views import not_found_message
from workstyle.errors import TransitionError
from workstyle.parsers import JSONParser as BoundedJSONParser

ACCESS_KEY_HEADER = "X-Access-Key"

ACCESS_KEY_PARAMETER = OpenApiParameter(
    name=ACCESS_KEY_HEADER,
    type=OpenApiTypes.STR,
    location=OpenApiParameter.HEADER,
    required=True,
    description="The access key given when the complaint was filed.",
)
TRACKING_CODE_PARAMETER = OpenApiParameter(
    name="tracking_code",
    type=OpenApiTypes.STR,
    location=OpenApiParameter.PATH,
    description="The tracking code given when the complaint was filed (any case, dashes optional).",
)

ErrorSerializer = inline_serializer(
    name="PublicError",
    fields={
        "message": serializers.CharField(),
        "errors": serializers.DictField(child=serializers.ListField(child=serializers.CharField())),
    },
)
NOT_FOUND = OpenApiResponse(ErrorSerializer, description="Unknown tracking code or wrong access key (one answer).")
BAD_INPUT = OpenApiResponse(ErrorSerializer, description="Invalid input, with field errors.")
CONFLICT = OpenApiResponse(ErrorSerializer, description="Not allowed in the complaint's present state.")


class ClientThrottle(ScopedRateThrottle):
    """Counts per client address as workstyle.http.client_ip sees it (trusted proxies only)."""

    def get_ident(self, request: Request) -> str:
        return client_ip(request._request)


class PublicAPIView(APIView):
    authentication_classes: list[type] = []
    permission_classes = [permissions.AllowAny]
    throttle_classes = [ClientThrottle]
    throttle_scope = "public"


def _complaint_for(request: Request, tracking_code: str) -> Complaint:
    complaint = selectors.complaint_get_for_public(
        tracking_code=tracking_code, access_key=request.headers.get(ACCESS_KEY_HEADER, "")
    )
    if complaint is None:
        raise NotFound(not_found_message())
    return complaint


def _facts(complaint: Complaint) -> dict[str, Any]:
    return PublicComplaintSerializer(public_facts(complaint, now=timezone.now())).data


class PublicComplaintCreateView(PublicAPIView):
    throttle_scope = "public_submit"
    # The bounded JSON parser of every API view, and multipart for attachments.
    parser_classes = [BoundedJSONParser, parsers.MultiPartParser, parsers.FormParser]

    @extend_schema(
        operation_id="public_complaint_submit",
        summary="File a complaint",
        description="JSON, or multipart/form-data when sending attachments (field `attachments`, repeated).",
        request={
            "application/json": PublicComplaintCreateSerializer,
            "multipart/form-data": PublicComplaintCreateSerializer,
        },
        responses={201: PublicReceiptSerializer, 400: BAD_INPUT},
        auth=[],
        tags=["public"],
    )
    def post(self, request: Request) -> Response:
        serializer = PublicComplaintCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        complaint, access_key = services.complaint_submit(
            actor=None,
            channel=Complaint.Channel.API,
            category=data["category"],
            title=data["title"],
            description=data["description"],
            unit=data.get("unit"),
            accused_name=data.get("accused_name", ""),
            complainant_name=data.get("complainant_name", ""),
            complainant_phone=data.get("complainant_phone", ""),
            complainant_email=data.get("complainant_email", ""),
            attachments=data.get("attachments") or (),
            now=timezone.now(),
        )
        receipt = {
            "tracking_code": complaint.tracking_code,
            "access_key": access_key,
            "status": complaint.status,
            "accept_due_at": complaint.accept_due_at,
        }
        return Response(PublicReceiptSerializer(receipt).data, status=status.HTTP_201_CREATED)


class PublicComplaintDetailView(PublicAPIView):
    @extend_schema(
        operation_id="public_complaint_track",
        summary="Track a complaint",
        parameters=[TRACKING_CODE_PARAMETER, ACCESS_KEY_PARAMETER],
        responses={200: PublicComplaintSerializer, 404: NOT_FOUND},
        auth=[],
        tags=["public"],
    )
    def get(self, request: Request, tracking_code: str) -> Response:
        return Response(_facts(_complaint_for(request, tracking_code)))


class PublicFeedbackView(PublicAPIView):
    @extend_schema(
        operation_id="public_complaint_feedback",
        summary="Rate the reply (once)",
        parameters=[TRACKING_CODE_PARAMETER, ACCESS_KEY_PARAMETER],
        request=FeedbackSerializer,
        responses={200: PublicComplaintSerializer, 400: BAD_INPUT, 404: NOT_FOUND, 409: CONFLICT},
        auth=[],
        tags=["public"],
    )
    def post(self, request: Request, tracking_code: str) -> Response:
        complaint = _complaint_for(request, tracking_code)
        serializer = FeedbackSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        complaint = services.complaint_feedback(
            complaint=complaint,
            rating=serializer.validated_data["rating"],
            comment=serializer.validated_data["comment"],
            now=timezone.now(),
        )
        return Response(_facts(complaint))


class PublicReviewView(PublicAPIView):
    @extend_schema(
        operation_id="public_complaint_review",
        summary="Ask for a review of the reply",
        description="Once, within the category's review window after the reply.",
        parameters=[TRACKING_CODE_PARAMETER, ACCESS_KEY_PARAMETER],
        request=ReviewSerializer,
        responses={200: PublicComplaintSerializer, 400: BAD_INPUT, 404: NOT_FOUND, 409: CONFLICT},
        auth=[],
        tags=["public"],
    )
    def post(self, request: Request, tracking_code: str) -> Response:
        complaint = _complaint_for(request, tracking_code)
        serializer = ReviewSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        complaint = services.complaint_request_review(
            complaint=complaint, reason=serializer.validated_data["reason"], now=timezone.now()
        )
        return Response(_facts(complaint))


class PublicSupplementView(PublicAPIView):
    parser_classes = [BoundedJSONParser, parsers.MultiPartParser, parsers.FormParser]

    @extend_schema(
        operation_id="public_complaint_supplement",
        summary="Add material to an open complaint",
        description=(
            "A text, and attachments as multipart/form-data (field `attachments`, repeated). A closed "
            "complaint gets the same answer as an unknown code."
        ),
        parameters=[TRACKING_CODE_PARAMETER, ACCESS_KEY_PARAMETER],
        request={"application/json": SupplementSerializer, "multipart/form-data": SupplementSerializer},
        responses={201: PublicComplaintSerializer, 400: BAD_INPUT, 404: NOT_FOUND},
        auth=[],
        tags=["public"],
    )
    def post(self, request: Request, tracking_code: str) -> Response:
        complaint = _complaint_for(request, tracking_code)
        if not selectors.complaint_public_actions(complaint, now=timezone.now())["supplement"]:
            # Nothing more can be added: the answer says no more than an unknown code would.
            raise NotFound(not_found_message())
        serializer = SupplementSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            services.complaint_supplement(
                complaint=complaint,
                text=serializer.validated_data["text"],
                attachments=serializer.validated_data.get("attachments") or (),
                now=timezone.now(),
            )
        except TransitionError:
            raise NotFound(not_found_message()) from None  # closed in the meantime
        complaint.refresh_from_db()
        return Response(_facts(complaint), status=status.HTTP_201_CREATED)


class PublicCategoryListView(PublicAPIView):
    @extend_schema(
        operation_id="public_category_list",
        summary="Categories and their time limits (days)",
        responses={200: CategorySerializer(many=True)},
        auth=[],
        tags=["public"],
    )
    def get(self, request: Request) -> Response:
        return Response([CategorySerializer(row).data for row in category_rows()])


class PublicUnitListView(generics.ListAPIView[Unit]):
    """Active units a complaint may name."""

    authentication_classes: list[type] = []
    permission_classes = [permissions.AllowAny]
    throttle_classes = [ClientThrottle]
    throttle_scope = "public"
    serializer_class = PublicUnitSerializer
    filter_backends: list[type] = []

    def get_queryset(self) -> QuerySet[Unit]:
        return Unit.objects.filter(active=True).order_by("name", "id")

    @extend_schema(operation_id="public_unit_list", summary="Units a complaint may name", auth=[], tags=["public"])
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)
