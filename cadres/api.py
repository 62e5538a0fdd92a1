"""Read-only API of the organisation. Querysets start from ``visible_to``: out of scope is 404."""

from __future__ import annotations

from django.db.models import QuerySet
from rest_framework import permissions, viewsets

from cadres.filters import CadreFilter, DepartmentFilter, UnitFilter
from cadres.models import Cadre, Department, Ethos, Unit
from cadres.serializers import CadreSerializer, DepartmentSerializer, EthosSerializer, UnitSerializer
from workstyle.api import IsStaffUser


class UnitViewSet(viewsets.ReadOnlyModelViewSet[Unit]):
    """Units the caller may see (the whole organisation for office staff; otherwise his own unit,
    and the units below it for a unit head)."""

    serializer_class = UnitSerializer
    permission_classes = [permissions.IsAuthenticated, IsStaffUser]
    filterset_class = UnitFilter
    search_fields = ("name", "code")
    ordering_fields = ("code", "name", "kind")
    ordering = ("code",)

    def get_queryset(self) -> QuerySet[Unit]:
        return Unit.objects.visible_to(self.request.user).select_related("parent", "head")


class DepartmentViewSet(viewsets.ReadOnlyModelViewSet[Department]):
    """Departments the caller may see."""

    serializer_class = DepartmentSerializer
    permission_classes = [permissions.IsAuthenticated, IsStaffUser]
    filterset_class = DepartmentFilter
    search_fields = ("name", "code")
    ordering_fields = ("code", "name", "unit__code")
    ordering = ("unit__code", "code")

    def get_queryset(self) -> QuerySet[Department]:
        return Department.objects.visible_to(self.request.user).select_related("unit", "head")


class CadreViewSet(viewsets.ReadOnlyModelViewSet[Cadre]):
    """Cadres the caller may see."""

    serializer_class = CadreSerializer
    permission_classes = [permissions.IsAuthenticated, IsStaffUser]
    filterset_class = CadreFilter
    search_fields = ("name", "staff_number")
    ordering_fields = ("staff_number", "name", "rank", "unit__code")
    ordering = ("staff_number",)

    def get_queryset(self) -> QuerySet[Cadre]:
        return Cadre.objects.visible_to(self.request.user).select_related("unit", "department")


class EthosViewSet(viewsets.ReadOnlyModelViewSet[Ethos]):
    """The eight ethos, in order; one is addressed by its code. Reference data: the same for every
    caller, named in the request's language. Never paged: there are eight."""

    serializer_class = EthosSerializer
    permission_classes = [permissions.IsAuthenticated, IsStaffUser]
    lookup_field = "code"
    pagination_class = None
    filter_backends: list[type] = []

    def get_queryset(self) -> QuerySet[Ethos]:
        return Ethos.objects.order_by("order")
