"""The API side of a transition table: one ``POST /<objects>/{id}/<action>/`` per staff row, made
from the row, so that an action added to the table is in the API (and its schema) with no code.

Each action finds the object through the viewset's ``get_queryset`` (out of scope is 404), asks the
table whether the caller is one of those who may take it (403 before his input is judged: others
learn nothing from it), validates the input with the serializer of the row's input shape, calls
the row's service and answers with the serializer of the row's output shape."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from types import ModuleType
from typing import Any

from django.utils import timezone, translation
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from workstyle.workflow import GONE, Transition, Workflow

# What an action answers: a function of (viewset, object, the service's result), and its schema.
Output = tuple[Callable[[Any, Any, Any], Response], type[serializers.BaseSerializer[Any]]]


def _summary(row: Transition) -> str:
    with translation.override("en"):
        return f"{row.label} ({row.who.staff_description})"


def _description(row: Transition) -> str | None:
    with translation.override("en"):
        return str(row.help) if row.help else None


def add_transition_actions(
    viewset: type[viewsets.GenericViewSet[Any]],
    workflow: Workflow,
    *,
    services: ModuleType,
    inputs: Mapping[str, type[serializers.Serializer[Any]] | None],
    outputs: Mapping[str, Output],
    errors: Mapping[int, OpenApiResponse],
) -> None:
    """Add an API action to ``viewset`` for every staff row of ``workflow``."""
    for row in workflow.staff_rows():
        method = _action(row, workflow, services=services, inputs=inputs, outputs=outputs, errors=errors)
        setattr(viewset, row.action, method)


def _action(
    row: Transition,
    workflow: Workflow,
    *,
    services: ModuleType,
    inputs: Mapping[str, type[serializers.Serializer[Any]] | None],
    outputs: Mapping[str, Output],
    errors: Mapping[int, OpenApiResponse],
) -> Any:
    input_serializer = inputs[row.input]
    respond, output_serializer = outputs[row.output]
    service = workflow.service(services, row.action)

    def transition(self: Any, request: Request, pk: Any = None) -> Response:
        obj = self.get_object()
        workflow.authorize(row.action, actor=request.user, obj=obj)
        data: dict[str, Any] = {}
        if input_serializer is not None:
            context = {**self.get_serializer_context(), workflow.entity: obj}
            serializer = input_serializer(data=request.data, context=context)
            serializer.is_valid(raise_exception=True)
            data = dict(serializer.validated_data)
        result = service(actor=request.user, now=timezone.now(), **{workflow.entity: obj}, **data)
        return respond(self, obj, result)

    transition.__name__ = row.action
    responses: dict[int, Any] = {200: output_serializer, **errors}
    if row.output == GONE:
        responses[204] = OpenApiResponse(description="Done; the caller may no longer see the object (recusal).")
    method = action(detail=True, methods=["post"], filter_backends=[])(transition)
    return extend_schema(
        request=input_serializer, responses=responses, summary=_summary(row), description=_description(row)
    )(method)
