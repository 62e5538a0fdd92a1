"""Shared API pieces: pagination, the error format, turning domain errors into answers."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import F, QuerySet
from django.db.models.expressions import OrderBy
from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse
from rest_framework import exceptions, filters, permissions, status
from rest_framework.pagination import BasePagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.utils.urls import remove_query_param, replace_query_param
from rest_framework.views import exception_handler as drf_exception_handler

from workstyle import roles
from workstyle.errors import DomainError
from workstyle.paging import CURSOR_PARAM, PAGE_PARAM, may_be_null, read_page
from workstyle.workflow import workflow_seen_by


class IsStaffUser(permissions.BasePermission):
    """The workbench's audience: office staff, or a cadre with an account."""

    def has_permission(self, request: Request, view: Any) -> bool:
        return roles.is_staff_user(request.user)


class Pagination(BasePagination):
    """Every list of the API: ``{"next", "previous", "results"}``, never a count (counting a million
    rows costs more than the page). ``next`` and ``previous`` are links carrying a ``cursor`` (the
    position after the last row, ``workstyle.paging``) when the list's ordering is made of columns
    that are never NULL, the default ordering of every list; otherwise, and for a ``page`` number
    asked without a cursor, they carry page numbers. ``page_size`` up to 200."""

    page_size_query_param = "page_size"
    max_page_size = 200

    def get_page_size(self, request: Request) -> int:
        configured: Any = settings.REST_FRAMEWORK.get("PAGE_SIZE")
        default = int(configured or 50)
        try:
            size = int(request.query_params.get(self.page_size_query_param, default))
        except ValueError:
            return default
        return max(1, min(size, self.max_page_size))

    def paginate_queryset(self, queryset: Any, request: Request, view: Any = None) -> list[Any]:
        self.request = request
        self.page = read_page(queryset, request.query_params, size=self.get_page_size(request))
        # Every viewset's queryset starts from visible_to(user): the actions each row offers need
        # not ask again, row by row.
        workflow_seen_by(self.page.object_list, request.user)
        return self.page.object_list

    def _link(self, cursor: str | None, number: int | None) -> str | None:
        url = remove_query_param(self.request.build_absolute_uri(), PAGE_PARAM)
        url = remove_query_param(url, CURSOR_PARAM)
        if cursor is not None:
            return replace_query_param(url, CURSOR_PARAM, cursor)
        if number is not None:
            return replace_query_param(url, PAGE_PARAM, number)
        return None

    def get_paginated_response(self, data: Any) -> Response:
        page = self.page
        return Response(
            {
                "next": self._link(page.next_cursor, page.extra.get("next_page")),
                "previous": self._link(page.previous_cursor, page.extra.get("previous_page")),
                "results": data,
            }
        )

    def get_paginated_response_schema(self, schema: dict[str, Any]) -> dict[str, Any]:
        link = {"type": "string", "nullable": True, "format": "uri"}
        return {
            "type": "object",
            "required": ["results"],
            "properties": {
                "next": {**link, "example": "https://example.org/api/v1/complaints/?cursor=eyJ2IjpbIjIwMjYt"},
                "previous": link,
                "results": schema,
            },
        }

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        return [
            {
                "name": "cursor",
                "required": False,
                "in": "query",
                "description": "Where the page starts: the value of a `next` or `previous` link.",
                "schema": {"type": "string"},
            },
            {
                "name": "page",
                "required": False,
                "in": "query",
                "description": "A page number, for lists read without a cursor (slower far into a long list).",
                "schema": {"type": "integer"},
            },
            {
                "name": self.page_size_query_param,
                "required": False,
                "in": "query",
                "description": f"Rows per page, at most {self.max_page_size}.",
                "schema": {"type": "integer"},
            },
        ]


class OrderingFilter(filters.OrderingFilter):
    """``?ordering=a,-b`` over the view's ``ordering_fields``. DRF drops a field it does not know
    and answers the list in its default order, so that a client's typo reads as a sorted list;
    here it is a 400 naming the fields the list sorts by. A column that may be NULL sorts its NULLs
    last both ways (rows with nothing to sort by are at the end, as in the staff queue), and the
    primary key breaks ties so that the pages of a sort on a column with repeated values neither
    skip nor repeat a row."""

    def allowed_fields(self, queryset: QuerySet[Any], view: Any, request: Request | None) -> list[str]:
        return [name for name, _label in self.get_valid_fields(queryset, view, {"request": request})]

    def get_ordering(self, request: Request, queryset: QuerySet[Any], view: Any) -> Any:
        raw = request.query_params.get(self.ordering_param)
        terms = [term.strip() for term in str(raw or "").split(",") if term.strip()]
        if not terms:
            return self.get_default_ordering(view)
        allowed = self.allowed_fields(queryset, view, request)
        unknown = [term for term in terms if term.removeprefix("-") not in allowed]
        if unknown:
            raise exceptions.ValidationError(
                {
                    self.ordering_param: [
                        _("Cannot sort by %(fields)s. Sort by one of: %(allowed)s (a leading “-” sorts descending).")
                        % {"fields": ", ".join(term[:64] for term in unknown[:5]), "allowed": ", ".join(allowed)}
                    ]
                }
            )
        return terms

    def filter_queryset(self, request: Request, queryset: QuerySet[Any], view: Any) -> QuerySet[Any]:
        ordering = self.get_ordering(request, queryset, view)
        if not ordering:
            return queryset
        model = queryset.model
        order: list[Any] = []
        paths: set[str] = set()
        for term in ordering:
            if not isinstance(term, str):
                order.append(term)
                continue
            descending = term.startswith("-")
            path = term.lstrip("-")
            paths.add(path)
            if may_be_null(model, path):
                order.append(F(path).desc(nulls_last=True) if descending else F(path).asc(nulls_last=True))
            else:
                order.append(term)
        pk = model._meta.pk
        if paths.isdisjoint({"pk", "id", pk.name if pk is not None else "pk"}):
            last = order[-1]
            descending = last.descending if isinstance(last, OrderBy) else str(last).startswith("-")
            order.append("-pk" if descending else "pk")
        return queryset.order_by(*order)

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        fields = self._schema_fields(view)
        listed = ", ".join(f"`{name}`" for name in fields)
        return [
            {
                "name": self.ordering_param,
                "required": False,
                "in": "query",
                "description": (
                    f"Fields to sort by, comma-separated; a leading `-` sorts descending. One of: {listed}. "
                    "Rows without a value (null) come last either way. Any other field is a 400."
                ),
                "schema": {
                    "type": "array",
                    "items": {"type": "string", "enum": [spelt for name in fields for spelt in (name, f"-{name}")]},
                },
                "style": "form",
                "explode": False,
            }
        ]

    def _schema_fields(self, view: Any) -> list[str]:
        declared = getattr(view, "ordering_fields", self.ordering_fields)
        if declared is not None and declared != "__all__":
            return [item if isinstance(item, str) else item[0] for item in declared]
        request = getattr(view, "request", None)
        return self.allowed_fields(view.get_queryset(), view, request)


def _messages(detail: Any, where: str = "") -> list[str]:
    """The messages of one field's errors as plain strings. A list field's errors come per item
    (``{0: [...]}``) and a nested object's per field: each message says where it belongs."""
    if isinstance(detail, dict):
        return [
            message
            for key, value in detail.items()
            for message in _messages(value, f"{where}{int(key) + 1 if isinstance(key, int) else key}: ")
        ]
    if isinstance(detail, list):
        return [message for item in detail for message in _messages(item, where)]
    return [f"{where}{detail}"]


def _flatten(detail: Any) -> dict[str, list[str]]:
    if isinstance(detail, dict):
        return {str(key): _messages(value) for key, value in detail.items()}
    if isinstance(detail, list):
        return {"non_field_errors": _messages(detail)}
    return {}


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """Every error is JSON: ``{"message": ..., "errors": {field: [..]}}``."""
    if isinstance(exc, DomainError):
        return Response({"message": str(exc.message), "errors": exc.errors}, status=exc.status_code)
    if isinstance(exc, DjangoValidationError):
        errors = exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        return Response({"message": _("The input is not valid."), "errors": errors}, status=400)
    if isinstance(exc, RequestDataTooBig):
        # Django's own limit on a form or multipart body (DATA_UPLOAD_MAX_MEMORY_SIZE).
        return Response({"message": _("The request is too large."), "errors": {}}, status=413)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        response.data = {"message": _("The input is not valid."), "errors": _flatten(exc.detail)}
    else:
        detail = getattr(exc, "detail", None)
        response.data = {"message": str(detail) if detail is not None else str(exc), "errors": {}}
    return response


def error_responses(thing: str) -> dict[int, OpenApiResponse]:
    """The error answers of an action on ``thing`` (e.g. "complaint"), for the schema."""
    from workstyle.serializers import ErrorSerializer

    return {
        400: OpenApiResponse(ErrorSerializer, description="Invalid input, with field errors."),
        403: OpenApiResponse(ErrorSerializer, description="The caller may not do this."),
        404: OpenApiResponse(ErrorSerializer, description=f"No such {thing} the caller may see."),
        409: OpenApiResponse(ErrorSerializer, description=f"Not possible in the {thing}'s present state."),
    }


def domain_response(exc: DomainError) -> Response:
    return Response({"message": str(exc.message), "errors": exc.errors}, status=exc.status_code)


__all__ = ["IsStaffUser", "OrderingFilter", "Pagination", "domain_response", "exception_handler", "status"]
