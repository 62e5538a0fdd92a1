"""Staff API of complaints: list and detail from ``visible_to`` (out of scope is 404), every
transition a POST action calling its service, the timeline, and the category time limits."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, permissions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from complaints import services
from complaints.filters import ComplaintFilter
from complaints.models import CategoryPolicy, Complaint, IdentityAccess, IdentityView
from complaints.permissions import complaint_may_bulk_accept, complaint_may_intake
from complaints.selectors import complaint_identity_accesses
from complaints.serializers import (
    AcceptInputSerializer,
    AccessDecisionInputSerializer,
    AssignInputSerializer,
    BulkAcceptInputSerializer,
    BulkAcceptResponseSerializer,
    CategoryPolicySerializer,
    ComplaintDetailSerializer,
    ComplaintEventSerializer,
    ComplaintSerializer,
    ExtensionInputSerializer,
    ExtensionRequestSerializer,
    FollowUpInputSerializer,
    IdentityAccessSerializer,
    IdentitySerializer,
    IntakeInputSerializer,
    IntakeReceiptSerializer,
    LinkAccusedInputSerializer,
    MergeInputSerializer,
    NoteInputSerializer,
    ReasonInputSerializer,
    RerouteInputSerializer,
    StatementInputSerializer,
    TextInputSerializer,
)
from complaints.transitions import COMPLAINTS
from workstyle.api import IsStaffUser, error_responses
from workstyle.errors import NotAllowed
from workstyle.filters import TRUE_VALUES
from workstyle.serializers import ErrorSerializer
from workstyle.workflow import GONE
from workstyle.workflow_api import add_transition_actions

ERRORS = error_responses("complaint")


def _transition(
    request_serializer: type[serializers.Serializer[Any]] | None,
    response_serializer: type[serializers.Serializer[Any]] = ComplaintDetailSerializer,
    summary: str = "",
) -> Callable[[Any], Any]:
    return extend_schema(
        request=request_serializer, responses={200: response_serializer, **ERRORS}, summary=summary or None
    )


@extend_schema_view(
    list=extend_schema(
        summary="Complaints the caller may see, filtered",
        description=(
            "Newest first; with `overdue=true` and no `ordering`, most overdue first. `ordering=due_at` sorts by "
            "the deadline in force (complaints nobody owes an answer to last, either way), as the staff queue does."
        ),
    ),
    retrieve=extend_schema(summary="One complaint", responses={200: ComplaintDetailSerializer, 404: ErrorSerializer}),
)
class ComplaintViewSet(
    mixins.CreateModelMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet[Complaint]
):
    """Complaints the caller may see (recusal included); the complainant's identity only with a
    grant. Transitions: POST ``/{id}/<action>/``. POST to the list records a letter, call or visit."""

    serializer_class = ComplaintSerializer
    permission_classes = [permissions.IsAuthenticated, IsStaffUser]
    filterset_class = ComplaintFilter
    # ``due_at``: the deadline in force, NULL (sorted last) when nobody owes an answer.
    ordering_fields = ("submitted_at", "due_at", "accept_due_at", "reply_due_at", "escalation_level", "updated_at")
    ordering = ("-submitted_at", "-id")

    def get_queryset(self) -> QuerySet[Complaint]:
        return Complaint.objects.visible_to(self.request.user).select_related(
            "department", "department__head", "responsible_head", "handler"
        )

    def get_serializer_class(self) -> type[serializers.BaseSerializer[Any]]:
        if self.action == "list":
            return ComplaintSerializer
        return ComplaintDetailSerializer

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        queryset = self.filter_queryset(self.get_queryset())
        if request.query_params.get("overdue") in TRUE_VALUES and not request.query_params.get("ordering"):
            # The overdue, most overdue first: a walk down the deadline's index, however many there are.
            queryset = queryset.order_by("due_at", "id")
        page = self.paginate_queryset(queryset)
        rows = list(page if page is not None else queryset)
        data = ComplaintSerializer(rows, many=True, context=self._identity_context(rows)).data
        return self.get_paginated_response(data) if page is not None else Response(data)

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        complaint = self.get_object()
        return Response(ComplaintDetailSerializer(complaint, context=self._identity_context([complaint])).data)

    def _identity_context(self, complaints: Sequence[Complaint]) -> dict[str, Any]:
        """The serializers' context, with the complaints whose complainant the caller may see now
        (one query for the whole page); each showing is recorded."""
        now = timezone.now()
        accesses = complaint_identity_accesses(
            user=self.request.user, complaint_ids=[complaint.pk for complaint in complaints], now=now
        )
        services.complaint_identity_record_views(
            user=self.request.user, accesses=accesses, channel=IdentityView.Channel.API, now=now
        )
        return {**self.get_serializer_context(), "identity_ids": set(accesses)}

    # --- helpers ---

    def _input(self, serializer_class: type[serializers.Serializer[Any]], **context: Any) -> dict[str, Any]:
        serializer = serializer_class(data=self.request.data, context={**self.get_serializer_context(), **context})
        serializer.is_valid(raise_exception=True)
        return dict(serializer.validated_data)

    def _detail(self, complaint: Complaint) -> Response:
        complaint = self.get_queryset().get(pk=complaint.pk)
        return Response(ComplaintDetailSerializer(complaint, context=self._identity_context([complaint])).data)

    # --- intake of letters, calls and visits ---

    @extend_schema(
        summary="Record a letter, call or visit (discipline office); answers the access key once",
        request={"application/json": IntakeInputSerializer, "multipart/form-data": IntakeInputSerializer},
        responses={201: IntakeReceiptSerializer, 400: ERRORS[400], 403: ERRORS[403]},
        filters=False,
    )
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        # The role first: others learn nothing from how their input would have been judged.
        if not complaint_may_intake(request.user):
            raise NotAllowed(_("Only the discipline office records letters, calls and visits."))
        data = self._input(IntakeInputSerializer)
        complaint, access_key = services.complaint_intake(actor=request.user, now=timezone.now(), **data)
        complaint = self.get_queryset().get(pk=complaint.pk)
        context = {**self._identity_context([complaint]), "access_key": access_key}
        return Response(IntakeReceiptSerializer(complaint, context=context).data, status=status.HTTP_201_CREATED)

    # --- the timeline ---

    @extend_schema(
        summary="The complaint's timeline",
        request=None,
        responses={200: ComplaintEventSerializer(many=True), 404: ErrorSerializer},
        filters=False,
    )
    @action(detail=True, methods=["get"], filter_backends=[])
    def events(self, request: Request, pk: Any = None) -> Response:
        complaint = self.get_object()
        events = complaint.events.select_related("actor").order_by("at", "id")
        page: Any = self.paginate_queryset(events)  # type: ignore[arg-type]  # a timeline, not complaints
        if page is not None:
            return self.get_paginated_response(ComplaintEventSerializer(page, many=True).data)
        return Response(ComplaintEventSerializer(events, many=True).data)

    # --- transitions: one action per staff row of the table, added below the class ---

    def transition_response(self, complaint: Complaint, result: Any) -> Response:
        """The complaint as the caller now sees it; 204 when he no longer may (he was just linked as
        the cadre it names: recusal)."""
        if not self.get_queryset().filter(pk=complaint.pk).exists():
            return Response(status=204)
        return self._detail(complaint)

    @extend_schema(
        request=BulkAcceptInputSerializer,
        responses={200: BulkAcceptResponseSerializer, 400: ERRORS[400], 403: ERRORS[403]},
        summary="Accept several complaints into one department (discipline office), with an outcome per id",
        filters=False,
    )
    @action(detail=False, methods=["post"], filter_backends=[], pagination_class=None)
    def bulk_accept(self, request: Request) -> Response:
        # The role first: others learn nothing from how their input would have been judged.
        if not complaint_may_bulk_accept(request.user):
            raise NotAllowed(COMPLAINTS["accept"].denied)
        data = self._input(BulkAcceptInputSerializer)
        ids = list(dict.fromkeys(data["complaints"]))
        # An id the caller may not see reads exactly like one that does not exist.
        visible = self.get_queryset().in_bulk(ids)
        outcomes = {
            outcome.complaint.pk: outcome
            for outcome in services.complaint_bulk_accept_each(
                actor=request.user,
                complaints=[visible[pk] for pk in ids if pk in visible],
                department=data["department"],
                now=timezone.now(),
            )
        }
        results = []
        for pk in ids:
            outcome = outcomes.get(pk)
            if outcome is None:
                results.append(
                    {
                        "id": pk,
                        "outcome": "not_found",
                        "tracking_code": None,
                        "message": _("No complaint you can see has this id."),
                    }
                )
            else:
                results.append(
                    {
                        "id": pk,
                        "outcome": "accepted" if outcome.accepted else "refused",
                        "tracking_code": outcome.complaint.tracking_code,
                        "message": _("Accepted and routed.") if outcome.accepted else outcome.message,
                    }
                )
        accepted = sum(1 for row in results if row["outcome"] == "accepted")
        return Response(BulkAcceptResponseSerializer({"accepted": accepted, "results": results}).data)


def _identity(view: ComplaintViewSet, complaint: Complaint, access: IdentityAccess) -> Response:
    """The complainant's identity, answered to the reveal that opened it (a showing, recorded)."""
    complaint.refresh_from_db()
    services.complaint_identity_record_views(
        user=view.request.user, accesses={complaint.pk: access.pk}, channel=IdentityView.Channel.API, now=timezone.now()
    )
    return Response(
        IdentitySerializer(
            {
                "access": access.pk,
                "complainant_name": complaint.complainant_name,
                "complainant_phone": complaint.complainant_phone,
                "complainant_email": complaint.complainant_email,
            }
        ).data
    )


add_transition_actions(
    ComplaintViewSet,
    COMPLAINTS,
    services=services,
    # The serializer of each input shape the table names (``Transition.input``).
    inputs={
        "": None,
        "department": AcceptInputSerializer,
        "reason": ReasonInputSerializer,
        "handler": AssignInputSerializer,
        "extension": ExtensionInputSerializer,
        "note": NoteInputSerializer,
        "identity_decision": AccessDecisionInputSerializer,
        "text": TextInputSerializer,
        "into": MergeInputSerializer,
        "cadre": LinkAccusedInputSerializer,
        "reroute": RerouteInputSerializer,
        "statement": StatementInputSerializer,
        "follow_up": FollowUpInputSerializer,
    },
    # And of each output shape (``Transition.output``): the answer and its schema.
    outputs={
        "": (lambda view, complaint, result: view.transition_response(complaint, result), ComplaintDetailSerializer),
        GONE: (lambda view, complaint, result: view.transition_response(complaint, result), ComplaintDetailSerializer),
        "extension_request": (
            lambda view, complaint, request: Response(ExtensionRequestSerializer(request).data),
            ExtensionRequestSerializer,
        ),
        "identity": (_identity, IdentitySerializer),
        "identity_access": (
            lambda view, complaint, access: Response(IdentityAccessSerializer(access).data),
            IdentityAccessSerializer,
        ),
    },
    errors=ERRORS,
)


@extend_schema_view(
    list=extend_schema(summary="Time limits of every category"),
    retrieve=extend_schema(summary="Time limits of one category"),
    update=extend_schema(
        summary="Change a category's time limits (discipline office)",
        responses={200: CategoryPolicySerializer, **ERRORS},
    ),
    partial_update=extend_schema(
        summary="Change some of a category's time limits (discipline office)",
        responses={200: CategoryPolicySerializer, **ERRORS},
    ),
)
class CategoryPolicyViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.UpdateModelMixin, viewsets.GenericViewSet[CategoryPolicy]
):
    """Per-category time limits: read by staff, changed by the discipline office."""

    serializer_class = CategoryPolicySerializer
    permission_classes = [permissions.IsAuthenticated, IsStaffUser]
    lookup_field = "category"
    queryset = CategoryPolicy.objects.all()
    filter_backends: list[Any] = []

    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        policy = self.get_object()
        serializer = self.get_serializer(policy, data=request.data, partial=kwargs.get("partial", False))
        serializer.is_valid(raise_exception=True)
        policy = services.category_policy_update(
            actor=request.user, policy=policy, now=timezone.now(), **serializer.validated_data
        )
        return Response(self.get_serializer(policy).data)
