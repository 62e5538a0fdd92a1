"""The body every workflow's page action shares, beside ``workflow_api`` for the API: the row must
exist and be one staff take on a page (else 404), who may act is judged before the input (403), the
form's input goes to the row's service, and then either the success message and a redirect to the
item's page, or the page re-shown with the form and the refusal."""

from __future__ import annotations

from collections.abc import Callable
from types import ModuleType
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone

from workstyle.errors import DomainError, NotAllowed
from workstyle.forms import form_add_domain_error
from workstyle.workflow import Transition, Workflow


def page_action(
    request: HttpRequest,
    workflow: Workflow,
    action: str,
    *,
    services: ModuleType,
    obj_name: str,
    get_obj: Callable[[], Any],
    make_form: Callable[[Transition, Any], forms.Form],
    done_url: str,
    rerender: Callable[[Any, forms.Form], HttpResponse],
) -> HttpResponse:
    """Take ``action`` on the item ``get_obj`` finds (itself scoped by ``visible_to``); the service
    receives the item as ``obj_name``. ``done_url`` is the item page's URL name (``pk``)."""
    row = workflow.rows.get(action)
    if row is None or not row.staff:
        raise Http404
    obj = get_obj()
    # Who may act is judged before the input, so that others learn nothing from how it would be.
    try:
        workflow.authorize(action, actor=request.user, obj=obj)
    except NotAllowed as exc:
        raise PermissionDenied(str(exc.message)) from exc
    form = make_form(row, obj)
    if form.is_valid():
        try:
            workflow.service(services, action)(
                actor=request.user, now=timezone.now(), **{obj_name: obj}, **form.cleaned_data
            )
        except DomainError as exc:
            form_add_domain_error(form, exc)
            messages.error(request, str(exc.message))
        else:
            messages.success(request, str(row.done))
            return redirect(done_url, pk=obj.pk)
    obj.refresh_from_db()
    return rerender(obj, form)
