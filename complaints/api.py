"""Staff API of complaints: list and detail from ``visible_to`` (out of scope is 404), every
transition a POST action calling its service, the timeline, and the category time limits."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, permissions, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from complaints import services
from complaints.filters import ComplaintFilter
from complaints.models import CategoryPolicy, Complaint
from complaints.selectors import complaint_identity_visible_ids
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
    ErrorSerializer,
    ExtensionInputSerializer,
    ExtensionRequestSerializer,
    IdentityAccessSerializer,
    IdentitySerializer,
    LinkAccusedInputSerializer,
    MergeInputSerializer,
    NoteInputSerializer,
    ReasonInputSerializer,
    TextInputSerializer,
)
from workstyle import roles
from workstyle.errors import NotAllowed


class IsStaffUser(permissions.BasePermission):
    """The workbench's audience: office staff, or a cadre with an account."""

    def has_permission(self, request: Request, view: Any) -> bool:
        return roles.is_staff_user(request.user)


ERRORS = {
    400: OpenApiResponse(ErrorSerializer, description="Invalid input, with field errors."),
    403: OpenApiResponse(ErrorSerializer, description="The caller may not do this."),
    404: OpenApiResponse(ErrorSerializer, description="No such complaint the caller may see."),
    409: OpenApiResponse(ErrorSerializer, description="Not possible in the complaint's present state."),
}


def _transition(
    request_serializer: type[serializers.Serializer[Any]] | None,
    response_serializer: type[serializers.Serializer[Any]] = ComplaintDetailSerializer,
    summary: str = "",
) -> Callable[[Any], Any]:
    return extend_schema(
        request=request_serializer, responses={200: response_serializer, **ERRORS}, summary=summary or None
    )


@extend_schema_view(
    list=extend_schema(summary="Complaints the caller may see, filtered"),
    retrieve=extend_schema(summary="One complaint", responses={200: ComplaintDetailSerializer, 404: ErrorSerializer}),
)
class ComplaintViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet[Complaint]):
    """Complaints the caller may see (recusal included); the complainant's identity only with a
    grant. Transitions: POST ``/{id}/<action>/``."""

    serializer_class = ComplaintSerializer
    permission_classes = [permissions.IsAuthenticated, IsStaffUser]
    filterset_class = ComplaintFilter
    ordering_fields = ("submitted_at", "accept_due_at", "reply_due_at", "escalation_level", "updated_at")
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
        page = self.paginate_queryset(queryset)
        rows = list(page if page is not None else queryset)
        # One query for the identity grants of the whole page rather than one per row.
        context = {
            **self.get_serializer_context(),
            "identity_ids": complaint_identity_visible_ids(user=request.user, complaint_ids=[c.pk for c in rows]),
        }
        data = ComplaintSerializer(rows, many=True, context=context).data
        return self.get_paginated_response(data) if page is not None else Response(data)

    # --- helpers ---

    def _input(self, serializer_class: type[serializers.Serializer[Any]], **context: Any) -> dict[str, Any]:
        serializer = serializer_class(data=self.request.data, context={**self.get_serializer_context(), **context})
        serializer.is_valid(raise_exception=True)
        return dict(serializer.validated_data)

    def _detail(self, complaint: Complaint) -> Response:
        complaint = self.get_queryset().get(pk=complaint.pk)
        return Response(ComplaintDetailSerializer(complaint, context=self.get_serializer_context()).data)

    # --- the timeline ---

    @extend_schema(
        request=None, responses={200: ComplaintEventSerializer(many=True), 404: ErrorSerializer}, filters=False
    )
    @action(detail=True, methods=["get"], filter_backends=[])
    def events(self, request: Request, pk: Any = None) -> Response:
        complaint = self.get_object()
        events = complaint.events.select_related("actor").order_by("at", "id")
        page: Any = self.paginate_queryset(events)  # type: ignore[arg-type]  # a timeline, not complaints
        if page is not None:
            return self.get_paginated_response(ComplaintEventSerializer(page, many=True).data)
        return Response(ComplaintEventSerializer(events, many=True).data)

    # --- transitions ---

    @_transition(AcceptInputSerializer, summary="Accept and route to a department (discipline office)")
    @action(detail=True, methods=["post"], filter_backends=[])
    def accept(self, request: Request, pk: Any = None) -> Response:
        complaint = self.get_object()
        data = self._input(AcceptInputSerializer)
        complaint = services.complaint_accept(
            actor=request.user, complaint=complaint, department=data["department"], now=timezone.now()
        )
        return self._detail(complaint)

    @_transition(ReasonInputSerializer, summary="Do not accept, with the reason (discipline office)")
    @action(detail=True, methods=["post"], filter_backends=[])
    def reject(self, request: Request, pk: Any = None) -> Response:
        complaint = self.get_object()
        data = self._input(ReasonInputSerializer)
        complaint = services.complaint_reject(
            actor=request.user, complaint=complaint, reason=data["reason"], now=timezone.now()
        )
        return self._detail(complaint)

    @_transition(AssignInputSerializer, summary="Assign a handler (the head who answers for it)")
    @action(detail=True, methods=["post"], filter_backends=[])
    def assign(self, request: Request, pk: Any = None) -> Response:
        complaint = self.get_object()
        data = self._input(AssignInputSerializer)
        complaint = services.complaint_assign(
            actor=request.user, complaint=complaint, handler=data["handler"], now=timezone.now()
        )
        return self._detail(complaint)

    @_transition(ExtensionInputSerializer, ExtensionRequestSerializer, summary="Ask for the one extension (head)")
    @action(detail=True, methods=["post"], filter_backends=[])
    def request_extension(self, request: Request, pk: Any = None) -> Response:
        complaint = self.get_object()
        data = self._input(ExtensionInputSerializer)
        extension = services.complaint_request_extension(
            actor=request.user, complaint=complaint, days=data["days"], reason=data["reason"], now=timezone.now()
        )
        return Response(ExtensionRequestSerializer(extension).data)

    @_transition(NoteInputSerializer, summary="Approve the pending extension (discipline office)")
    @action(detail=True, methods=["post"], filter_backends=[])
    def approve_extension(self, request: Request, pk: Any = None) -> Response:
        complaint = self.get_object()
        data = self._input(NoteInputSerializer)
        complaint = services.complaint_approve_extension(
            actor=request.user, complaint=complaint, note=data.get("note", ""), now=timezone.now()
        )
        return self._detail(complaint)

    @_transition(NoteInputSerializer, summary="Refuse the pending extension (discipline office)")
    @action(detail=True, methods=["post"], filter_backends=[])
    def refuse_extension(self, request: Request, pk: Any = None) -> Response:
        complaint = self.get_object()
        data = self._input(NoteInputSerializer)
        complaint = services.complaint_refuse_extension(
            actor=request.user, complaint=complaint, note=data.get("note", ""), now=timezone.now()
        )
        return self._detail(complaint)

    @_transition(TextInputSerializer, summary="Reply to the complainant (handler or head)")
    @action(detail=True, methods=["post"], filter_backends=[])
    def reply(self, request: Request, pk: Any = None) -> Response:
        complaint = self.get_object()
        data = self._input(TextInputSerializer)
        complaint = services.complaint_reply(
            actor=request.user, complaint=complaint, text=data["text"], now=timezone.now()
        )
        return self._detail(complaint)

    @_transition(TextInputSerializer, summary="Answer the complainant's review request (handler or head)")
    @action(detail=True, methods=["post"], filter_backends=[])
    def reply_review(self, request: Request, pk: Any = None) -> Response:
        complaint = self.get_object()
        data = self._input(TextInputSerializer)
        complaint = services.complaint_reply_review(
            actor=request.user, complaint=complaint, text=data["text"], now=timezone.now()
        )
        return self._detail(complaint)

    @_transition(None, summary="Close an answered complaint (discipline office or head)")
    @action(detail=True, methods=["post"], filter_backends=[])
    def close(self, request: Request, pk: Any = None) -> Response:
        complaint = self.get_object()
        complaint = services.complaint_close(actor=request.user, complaint=complaint, now=timezone.now())
        return self._detail(complaint)

    @_transition(MergeInputSerializer, summary="Withdraw as a duplicate of another complaint (discipline office)")
    @action(detail=True, methods=["post"], filter_backends=[])
    def merge(self, request: Request, pk: Any = None) -> Response:
        complaint = self.get_object()
        data = self._input(MergeInputSerializer)
        complaint = services.complaint_merge(
            actor=request.user, complaint=complaint, into=data["into"], now=timezone.now()
        )
        return self._detail(complaint)

    @extend_schema(
        request=LinkAccusedInputSerializer,
        responses={
            200: ComplaintDetailSerializer,
            204: OpenApiResponse(description="Linked; the caller is the cadre linked and no longer sees it."),
            **ERRORS,
        },
        summary="Link the cadre complained about (discipline office); recusal applies from then on",
    )
    @action(detail=True, methods=["post"], filter_backends=[])
    def link_accused(self, request: Request, pk: Any = None) -> Response:
        complaint = self.get_object()
        data = self._input(LinkAccusedInputSerializer)
        complaint = services.complaint_link_accused(
            actor=request.user, complaint=complaint, cadre=data["cadre"], now=timezone.now()
        )
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
        if not roles.is_discipline(request.user):
            raise NotAllowed(_("Only the discipline office may do this."))
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

    @_transition(
        ReasonInputSerializer, IdentitySerializer, summary="See the complainant's identity (discipline office)"
    )
    @action(detail=True, methods=["post"], filter_backends=[])
    def reveal_identity(self, request: Request, pk: Any = None) -> Response:
        complaint = self.get_object()
        data = self._input(ReasonInputSerializer)
        access = services.complaint_reveal_identity(
            actor=request.user, complaint=complaint, reason=data["reason"], now=timezone.now()
        )
        complaint.refresh_from_db()
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

    @_transition(ReasonInputSerializer, IdentityAccessSerializer, summary="Ask for the complainant's identity")
    @action(detail=True, methods=["post"], filter_backends=[])
    def request_identity(self, request: Request, pk: Any = None) -> Response:
        complaint = self.get_object()
        data = self._input(ReasonInputSerializer)
        access = services.complaint_request_identity(
            actor=request.user, complaint=complaint, reason=data["reason"], now=timezone.now()
        )
        return Response(IdentityAccessSerializer(access).data)

    @_transition(AccessDecisionInputSerializer, IdentityAccessSerializer, summary="Grant an identity request")
    @action(detail=True, methods=["post"], filter_backends=[])
    def grant_identity(self, request: Request, pk: Any = None) -> Response:
        complaint = self.get_object()
        data = self._input(AccessDecisionInputSerializer, complaint=complaint)
        access = services.complaint_grant_identity(
            actor=request.user, access=data["access"], note=data.get("note", ""), now=timezone.now()
        )
        return Response(IdentityAccessSerializer(access).data)

    @_transition(AccessDecisionInputSerializer, IdentityAccessSerializer, summary="Refuse an identity request")
    @action(detail=True, methods=["post"], filter_backends=[])
    def refuse_identity(self, request: Request, pk: Any = None) -> Response:
        complaint = self.get_object()
        data = self._input(AccessDecisionInputSerializer, complaint=complaint)
        access = services.complaint_refuse_identity(
            actor=request.user, access=data["access"], note=data.get("note", ""), now=timezone.now()
        )
        return Response(IdentityAccessSerializer(access).data)


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
