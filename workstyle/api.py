"""Shared API pieces: pagination, the error format, turning domain errors into answers."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse
from rest_framework import exceptions, permissions, status
from rest_framework.pagination import PageNumberPagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from workstyle import roles
from workstyle.errors import DomainError


class IsStaffUser(permissions.BasePermission):
    """The workbench's audience: office staff, or a cadre with an account."""

    def has_permission(self, request: Request, view: Any) -> bool:
        return roles.is_staff_user(request.user)


class Pagination(PageNumberPagination):
    page_size_query_param = "page_size"
    max_page_size = 200


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


__all__ = ["IsStaffUser", "Pagination", "domain_response", "exception_handler", "status"]
