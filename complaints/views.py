"""Workbench pages of complaints: the queue, the complaint page and its actions, bulk routing,
and the complaints panels of the dashboard.

Every page starts from ``Complaint.objects.visible_to(request.user)``: a complaint out of the
user's scope (or naming him) answers 404. Pages never change state: each action posts to
``complaint_action``, which hands the form's input to the service."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, F, Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from complaints import forms as cf
from complaints import services
from complaints.models import Complaint, ExtensionRequest, IdentityAccess
from complaints.selectors import (
    complaint_allowed_actions,
    complaint_due_expression,
    complaint_filter,
    complaint_identity_visible,
    complaint_overdue_q,
)
from supervision.models import AccountabilityCase
from workstyle import roles
from workstyle.dashboard import register_panels
from workstyle.errors import DomainError
from workstyle.http import safe_next
from workstyle.views import staff_required

PAGE_SIZE = 25

# action name (as complaint_allowed_actions says it) → form class and service function name
ACTIONS: dict[str, tuple[type[cf.ActionForm], str]] = {
    "accept": (cf.AcceptForm, "complaint_accept"),
    "reject": (cf.ReasonForm, "complaint_reject"),
    "assign": (cf.AssignForm, "complaint_assign"),
    "request_extension": (cf.ExtensionRequestForm, "complaint_request_extension"),
    "approve_extension": (cf.DecisionForm, "complaint_approve_extension"),
    "refuse_extension": (cf.DecisionForm, "complaint_refuse_extension"),
    "reply": (cf.TextForm, "complaint_reply"),
    "reply_review": (cf.TextForm, "complaint_reply_review"),
    "close": (cf.ConfirmForm, "complaint_close"),
    "merge": (cf.MergeForm, "complaint_merge"),
    "reveal_identity": (cf.ReasonForm, "complaint_reveal_identity"),
    "request_identity": (cf.ReasonForm, "complaint_request_identity"),
    "grant_identity": (cf.IdentityDecisionForm, "complaint_grant_identity"),
    "refuse_identity": (cf.IdentityDecisionForm, "complaint_refuse_identity"),
    "link_accused": (cf.LinkAccusedForm, "complaint_link_accused"),
}

# The actions shown in the "Actions" card, in this order; the others have their own section.
IDENTITY_DECISIONS = ("grant_identity", "refuse_identity")
MAIN_ACTIONS = (
    "accept",
    "reject",
    "assign",
    "reply",
    "reply_review",
    "request_extension",
    "close",
    "merge",
    "link_accused",
)


def _success_message(action: str, complaint: Complaint) -> str:
    code = complaint.tracking_code
    texts = {
        "accept": _("Complaint %(code)s accepted and routed."),
        "reject": _("Complaint %(code)s not accepted."),
        "assign": _("Complaint %(code)s assigned."),
        "request_extension": _("Extension requested for complaint %(code)s."),
        "approve_extension": _("Extension of complaint %(code)s approved."),
        "refuse_extension": _("Extension of complaint %(code)s refused."),
        "reply": _("Reply to complaint %(code)s sent."),
        "reply_review": _("Review of complaint %(code)s answered."),
        "close": _("Complaint %(code)s closed."),
        "merge": _("Complaint %(code)s merged as a duplicate."),
        "reveal_identity": _("The complainant's identity is shown below; the view is recorded in the timeline."),
        "request_identity": _("Access to the complainant's identity requested."),
        "grant_identity": _("Access to the complainant's identity granted."),
        "refuse_identity": _("Access to the complainant's identity refused."),
        "link_accused": _("Cadre complained about linked to complaint %(code)s; recusal applies from now on."),
    }
    return texts[action] % {"code": code}


def _action_label(action: str) -> str:
    labels = {
        "accept": _("Accept and route"),
        "reject": _("Do not accept"),
        "assign": _("Assign"),
        "request_extension": _("Request an extension"),
        "approve_extension": _("Approve the extension"),
        "refuse_extension": _("Refuse the extension"),
        "reply": _("Send the reply"),
        "reply_review": _("Send the answer to the review"),
        "close": _("Close the complaint"),
        "merge": _("Merge as a duplicate"),
        "reveal_identity": _("Reveal the identity"),
        "request_identity": _("Request access"),
        "grant_identity": _("Grant"),
        "refuse_identity": _("Refuse"),
        "link_accused": _("Link the cadre complained about"),
    }
    return labels[action]


def with_due(qs: QuerySet[Complaint]) -> QuerySet[Complaint]:
    """Annotate the deadline that runs now (``Complaint.current_due_at`` in SQL) as ``due``."""
    return qs.annotate(due=complaint_due_expression())


# ---------------------------------------------------------------------------------------------
# The queue


SORTS = {
    "code": "tracking_code",
    "submitted": "submitted_at",
    "category": "category",
    "status": "status",
    "due": "due",
    "level": "escalation_level",
}
DEFAULT_SORT = "-submitted"


def _sorting(raw: str) -> tuple[str, list[Any]]:
    key = raw.lstrip("-")
    if key not in SORTS:
        raw, key = DEFAULT_SORT, DEFAULT_SORT.lstrip("-")
    field = F(SORTS[key])
    descending = raw.startswith("-")
    # Complaints without a running deadline go last whichever way the list is sorted.
    order = field.desc(nulls_last=True) if descending else field.asc(nulls_last=True)
    return raw, [order, F("id").desc()]


def _quick_filters(qs: QuerySet[Complaint], params: Any, user: Any) -> QuerySet[Complaint]:
    """The dashboard's links: open ones, mine to answer, pending decisions. They add to the
    ComplaintFilter's filters."""
    if params.get("open") in ("1", "true", "on"):
        qs = qs.filter(status__in=Complaint.OPEN_STATUSES)
    if params.get("mine") in ("1", "true", "on"):
        cadre = roles.cadre_of(user)
        qs = (
            qs.filter(handler=cadre, status__in=[Complaint.Status.ASSIGNED, Complaint.Status.REVIEW_REQUESTED])
            if cadre is not None
            else qs.none()
        )
    pending = params.get("pending")
    if pending == "extension":
        qs = qs.filter(
            pk__in=ExtensionRequest.objects.filter(status=ExtensionRequest.Status.PENDING).values("complaint_id")
        )
    elif pending == "identity":
        qs = qs.filter(
            pk__in=IdentityAccess.objects.filter(
                status=IdentityAccess.Status.PENDING, kind=IdentityAccess.Kind.REQUEST
            ).values("complaint_id")
        )
    return qs


QUICK_FILTERS = ("open", "mine", "pending")


@staff_required
def complaint_queue(request: HttpRequest) -> HttpResponse:
    now = timezone.now()
    visible = Complaint.objects.visible_to(request.user)
    filterset = complaint_filter(visible, request.GET or None, request=request)
    filtered = _quick_filters(filterset.qs, request.GET, request.user)

    # Counts per status over the filtered set, leaving out the status filter itself, so that each
    # count says what choosing that status would show.
    without_status = request.GET.copy()
    for key in ("status", "page", "sort"):
        without_status.pop(key, None)
    counted = _quick_filters(
        complaint_filter(visible, without_status or None, request=request).qs, request.GET, request.user
    )
    by_status = dict(counted.order_by().values_list("status").annotate(n=Count("id")).values_list("status", "n"))
    counts = [(value, label, by_status.get(value, 0)) for value, label in Complaint.Status.choices]

    sort, ordering = _sorting(request.GET.get("sort", DEFAULT_SORT))
    rows = with_due(filtered.select_related("department__unit", "handler", "unit")).order_by(*ordering)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    for complaint in page.object_list:
        complaint.is_overdue = bool(complaint.due and complaint.due < now)  # type: ignore[attr-defined]

    current_status = request.GET.get("status", "")
    may_bulk_accept = roles.is_discipline(request.user)
    return render(
        request,
        "complaints/staff/queue.html",
        {
            "filterset": filterset,
            "filter_form": filterset.form,
            "page": page,
            "total": page.paginator.count,
            "counts": counts,
            "counts_total": sum(by_status.values()),
            "current_status": current_status,
            "sort": sort,
            "sort_next": {key: (f"-{key}" if sort == key else key) for key in SORTS},
            "bulk_form": cf.BulkAcceptForm(user=request.user) if may_bulk_accept else None,
            "next_url": request.get_full_path(),
            "quick_filters": {key: request.GET[key] for key in QUICK_FILTERS if request.GET.get(key)},
            "now": now,
        },
    )


@staff_required
@require_POST
def complaint_bulk_accept(request: HttpRequest) -> HttpResponse:
    back = safe_next(request, reverse("complaints:queue"))
    form = cf.BulkAcceptForm(request.POST, user=request.user)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
        return redirect(back)
    selected: list[Complaint] = list(form.cleaned_data["complaints"].order_by("submitted_at", "pk"))
    department = form.cleaned_data["department"]
    # Rows no longer waiting for acceptance are reported one by one and left out, so that the others
    # still go through. (The form offers only complaints the user may see.)
    try:
        outcomes = services.complaint_bulk_accept_each(
            actor=request.user, complaints=selected, department=department, now=timezone.now()
        )
    except DomainError as exc:
        messages.error(request, str(exc.message))
        return redirect(back)
    for outcome in outcomes:
        code = outcome.complaint.tracking_code
        if outcome.accepted:
            messages.success(
                request,
                _("%(code)s: accepted and routed to %(department)s.")
                % {"code": code, "department": f"{department.unit.name} · {department.name}"},
            )
        else:
            messages.error(request, _("%(code)s: %(message)s") % {"code": code, "message": outcome.message})
    return redirect(back)


# ---------------------------------------------------------------------------------------------
# The complaint page


def _visible_complaint(request: HttpRequest, pk: int) -> Complaint:
    qs = Complaint.objects.visible_to(request.user).select_related(
        "department__unit", "department__head", "handler", "unit", "accused_cadre", "responsible_head", "merged_into"
    )
    return get_object_or_404(qs, pk=pk)


def _form(action: str, complaint: Complaint, user: Any, **kwargs: Any) -> cf.ActionForm:
    form_class, _service = ACTIONS[action]
    return form_class(complaint=complaint, user=user, action=action, **kwargs)


# Events the complainant causes through the public pages: recorded without an actor, like the sweep's.
COMPLAINANT_VERBS = ("submit", "feedback", "request_review")


def _actor_label(event: Any) -> str:
    if event.actor is not None:
        return str(event.actor.get_full_name() or event.actor.get_username())
    return _("Complainant") if event.verb in COMPLAINANT_VERBS else _("System")


def _render_detail(
    request: HttpRequest,
    complaint: Complaint,
    *,
    bound: cf.ActionForm | None = None,
    status: int = 200,
) -> HttpResponse:
    user = request.user
    allowed = complaint_allowed_actions(user=user, complaint=complaint)
    action_forms: dict[str, cf.ActionForm] = {}
    for action in allowed:
        if action not in ACTIONS or action in IDENTITY_DECISIONS:
            continue
        # The prefix names the form on the page: approve and refuse share the decision form.
        if bound is not None and bound.prefix == (ACTIONS[action][0].prefix_name or action):
            action_forms[action] = bound
        else:
            action_forms[action] = _form(action, complaint, user)
    # Approve and refuse share one form with two buttons.
    decision_form = action_forms.get("approve_extension") or action_forms.get("refuse_extension")

    identity_visible = complaint_identity_visible(user=user, complaint=complaint)
    may_decide_identity = any(action in allowed for action in IDENTITY_DECISIONS)
    pending_identity = []
    if may_decide_identity:
        for access in complaint.identity_accesses.filter(
            status=IdentityAccess.Status.PENDING, kind=IdentityAccess.Kind.REQUEST
        ).select_related("user"):
            form: cf.ActionForm
            if isinstance(bound, cf.IdentityDecisionForm) and bound.data.get(f"{bound.prefix}-access") == str(
                access.pk
            ):
                form = bound
            else:
                form = _form(
                    "grant_identity", complaint, user, initial={"access": access.pk}, auto_id=f"id_%s_{access.pk}"
                )
            pending_identity.append((access, form))
    own_identity_requests = complaint.identity_accesses.filter(user_id=int(user.pk or 0)).order_by("-requested_at")

    # A refused action that is no longer offered keeps the user's input on the page, read-only.
    stale_form = None
    shown = [*action_forms.values(), *(form for _access, form in pending_identity)]
    if bound is not None and not any(form is bound for form in shown):
        stale_form = bound
        # Read-only, not disabled: a disabled field would render its initial value, not the input.
        for field in stale_form.fields.values():
            field.widget.attrs["readonly"] = True

    events = complaint.events.select_related("actor").order_by("at", "id")
    status_labels = dict(Complaint.Status.choices)
    level_labels = {str(value): label for value, label in Complaint.Level.choices}
    timeline = [
        {
            "event": event,
            "actor": _actor_label(event),
            "from": labels.get(event.from_state, event.from_state),
            "to": labels.get(event.to_state, event.to_state),
        }
        for event in events
        # Escalation events record levels, the others statuses.
        for labels in [level_labels if event.verb == "escalate" else status_labels]
    ]
    now = timezone.now()
    due = complaint.current_due_at
    context = {
        "complaint": complaint,
        "allowed": allowed,
        "forms": action_forms,
        "main_actions": [
            (action, action_forms[action], _action_label(action)) for action in MAIN_ACTIONS if action in action_forms
        ],
        "labels": {action: _action_label(action) for action in ACTIONS},
        "decision_form": decision_form,
        "stale_form": stale_form,
        "bound_action": bound.action if bound is not None else "",
        "stale_label": _action_label(bound.action) if bound is not None else "",
        "identity_visible": identity_visible,
        "pending_identity": pending_identity,
        "own_identity_requests": own_identity_requests,
        "attachments": complaint.attachments.all(),
        "extension_requests": complaint.extension_requests.select_related("requested_by", "decided_by"),
        "timeline": timeline,
        "duplicates": complaint.duplicates.visible_to(user).only("pk", "tracking_code", "title"),
        "cases": AccountabilityCase.objects.visible_to(user)
        .filter(complaint=complaint)
        .select_related("subject_cadre"),
        "due": due,
        "is_overdue": bool(due and due < now),
        "now": now,
    }
    return render(request, "complaints/staff/detail.html", context, status=status)


@staff_required
def complaint_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _render_detail(request, _visible_complaint(request, pk))


@staff_required
@require_POST
def complaint_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    if action not in ACTIONS:
        raise Http404
    complaint = _visible_complaint(request, pk)
    form = _form(action, complaint, request.user, data=request.POST)
    if not form.is_valid():
        messages.error(request, _("The form has errors; please correct them."))
        return _render_detail(request, complaint, bound=form, status=400)
    service = getattr(services, ACTIONS[action][1])
    try:
        service(actor=request.user, now=timezone.now(), **form.service_kwargs())
    except DomainError as exc:
        for field, errors in exc.errors.items():
            if field in form.fields:
                form.add_error(field, errors)
        messages.error(request, str(exc.message))
        complaint = _visible_complaint(request, pk)
        return _render_detail(request, complaint, bound=form, status=exc.status_code)
    messages.success(request, _success_message(action, complaint))
    if Complaint.objects.visible_to(request.user).filter(pk=pk).exists():
        return redirect("complaints:detail", pk=pk)
    return redirect("complaints:queue")


# ---------------------------------------------------------------------------------------------
# The dashboard


@register_panels
def complaint_panels(user: Any) -> list[dict[str, Any]]:
    """What needs the user's attention among the complaints he may see."""
    if not roles.is_staff_user(user):
        return []
    now = timezone.now()
    visible = Complaint.objects.visible_to(user)
    queue = reverse("complaints:queue")
    open_q = Q(status__in=Complaint.OPEN_STATUSES)
    totals = visible.aggregate(
        open=Count("id", filter=open_q),
        overdue=Count("id", filter=open_q & complaint_overdue_q(now)),
        submitted=Count("id", filter=Q(status=Complaint.Status.SUBMITTED)),
    )
    panels: list[dict[str, Any]] = [
        {"key": "complaints-open", "label": _("Open complaints"), "count": totals["open"], "url": f"{queue}?open=true"},
    ]
    if totals["overdue"]:
        panels.append(
            {
                "key": "complaints-overdue",
                "label": _("Overdue complaints"),
                "count": totals["overdue"],
                "url": f"{queue}?overdue=true",
                "alert": True,
            }
        )
    cadre = roles.cadre_of(user)
    if cadre is not None:
        mine = visible.filter(
            handler=cadre, status__in=[Complaint.Status.ASSIGNED, Complaint.Status.REVIEW_REQUESTED]
        ).count()
        if mine:
            panels.append(
                {
                    "key": "complaints-to-reply",
                    "label": _("Awaiting your reply"),
                    "count": mine,
                    "url": f"{queue}?mine=1",
                }
            )
        to_assign = (
            visible.filter(status=Complaint.Status.ACCEPTED)
            .filter(Q(department__head=cadre, responsible_head__isnull=True) | Q(responsible_head=cadre))
            .count()
        )
        if to_assign:
            panels.append(
                {
                    "key": "complaints-to-assign",
                    "label": _("Awaiting a handler"),
                    "count": to_assign,
                    "url": f"{queue}?status=accepted",
                }
            )
    if roles.is_discipline(user):
        if totals["submitted"]:
            panels.append(
                {
                    "key": "complaints-to-accept",
                    "label": _("Awaiting acceptance"),
                    "count": totals["submitted"],
                    "url": f"{queue}?status=submitted",
                }
            )
        extensions = ExtensionRequest.objects.filter(
            status=ExtensionRequest.Status.PENDING, complaint__in=visible
        ).count()
        if extensions:
            panels.append(
                {
                    "key": "complaints-extensions",
                    "label": _("Extension requests to decide"),
                    "count": extensions,
                    "url": f"{queue}?pending=extension",
                    "alert": True,
                }
            )
        identity = IdentityAccess.objects.filter(
            status=IdentityAccess.Status.PENDING, kind=IdentityAccess.Kind.REQUEST, complaint__in=visible
        ).count()
        if identity:
            panels.append(
                {
                    "key": "complaints-identity",
                    "label": _("Identity requests to decide"),
                    "count": identity,
                    "url": f"{queue}?pending=identity",
                    "alert": True,
                }
            )
    return panels
