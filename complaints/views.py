"""Workbench pages of complaints: the queue, the complaint page and its actions, bulk routing.

Every page starts from ``Complaint.objects.visible_to(request.user)``: a complaint out of the
user's scope (or naming him) answers 404. Pages never change state: each action posts to
``complaint_action``, which hands the form's input to the row's service. The actions a page offers,
their labels and messages come from the transition table (``complaints.transitions``)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

import segno
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import F, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from complaints import forms as cf
from complaints import services
from complaints.filters import ComplaintPageFilter
from complaints.models import Complaint, ExtensionRequest, IdentityAccess, IdentityView
from complaints.permissions import complaint_may_bulk_accept, complaint_may_intake
from complaints.selectors import (
    complaint_allowed_actions,
    complaint_awaiting_reply_from_q,
    complaint_identity_accesses,
    complaint_identity_log,
    complaint_status_counts,
)
from complaints.transitions import COMPLAINTS
from workstyle import roles
from workstyle.errors import DomainError, NotAllowed
from workstyle.filters import TRUE_VALUES, filtered_or_none
from workstyle.forms import form_add_domain_error
from workstyle.http import safe_next
from workstyle.links import related_links
from workstyle.paging import paginate
from workstyle.views import staff_required
from workstyle.workflow import Transition

PAGE_SIZE = 25


# The status tabs count at most this many complaints each and show "1000+" beyond: a bounded read of
# an index, never a count of the whole table.
COUNT_CAP = 1000


def with_due(qs: QuerySet[Complaint]) -> QuerySet[Complaint]:
    """Annotate the deadline that runs now (the stored ``Complaint.due_at``) as ``due``."""
    return qs.annotate(due=F("due_at"))


# ---------------------------------------------------------------------------------------------
# The queue


SORTS = {
    "code": "tracking_code",
    "submitted": "submitted_at",
    "category": "category",
    "status": "status",
    "due": "due_at",
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
    ComplaintFilter's filters. "Mine" are those awaiting the user's reply
    (``complaint_awaiting_reply_from_q``), as the workbench counts them."""
    if params.get("open") in ("1", "true", "on"):
        qs = qs.filter(status__in=Complaint.OPEN_STATUSES)
    if params.get("mine") in ("1", "true", "on"):
        cadre = roles.cadre_of(user)
        qs = qs.filter(complaint_awaiting_reply_from_q(cadre)) if cadre is not None else qs.none()
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
    filterset = ComplaintPageFilter(request.GET or None, queryset=visible, request=request)
    filtered = _quick_filters(filtered_or_none(filterset), request.GET, request.user)

    # Counts per status over the filtered set, leaving out the status filter itself, so that each
    # count says what choosing that status would show; each stops at COUNT_CAP.
    without_status = request.GET.copy()
    for key in ("status", "page", "cursor", "sort"):
        without_status.pop(key, None)
    counted = _quick_filters(
        filtered_or_none(ComplaintPageFilter(without_status or None, queryset=visible, request=request)),
        request.GET,
        request.user,
    )
    by_status = complaint_status_counts(counted, cap=COUNT_CAP)
    counts = [(value, label, by_status[value]) for value, label in Complaint.Status.choices]

    # The overdue, most overdue first unless a column is chosen: a walk down the deadline's index.
    overdue = request.GET.get("overdue") in TRUE_VALUES
    sort, ordering = _sorting(request.GET.get("sort", "due" if overdue else DEFAULT_SORT))
    rows = with_due(filtered.select_related("department__unit", "handler", "unit")).order_by(*ordering)
    page = paginate(request, rows, size=PAGE_SIZE)
    for complaint in page.object_list:
        complaint.is_overdue = bool(complaint.due and complaint.due < now)

    current_status = request.GET.get("status", "")
    may_bulk_accept = complaint_may_bulk_accept(request.user)
    return render(
        request,
        "complaints/staff/queue.html",
        {
            "filterset": filterset,
            "filter_form": filterset.form,
            "page": page,
            "counts": counts,
            "counts_total": by_status[""],
            "count_cap": COUNT_CAP,
            "current_status": current_status,
            "sort": sort,
            "sort_next": {key: (f"-{key}" if sort == key else key) for key in SORTS},
            "bulk_form": cf.BulkAcceptForm(user=request.user) if may_bulk_accept else None,
            "may_intake": complaint_may_intake(request.user),
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


def _form(row: Transition, complaint: Complaint, user: Any, **kwargs: Any) -> cf.ActionForm:
    return cf.ACTION_FORMS[row.input](complaint=complaint, user=user, action=row.action, **kwargs)


# Events the complainant causes through the public pages: recorded without an actor, like the sweep's.
COMPLAINANT_VERBS = ("submit", *(row.event_verb for row in COMPLAINTS if not row.staff))


def _actor_label(event: Any) -> str:
    if event.actor is not None:
        return str(event.actor.get_full_name() or event.actor.get_username())
    return _("Complainant") if event.verb in COMPLAINANT_VERBS else _("System")


def _decision_buttons(rows: list[Transition], allowed: list[str]) -> list[dict[str, Any]]:
    """Rows of one topic that share an input are one form with a button each (approve or refuse):
    the first is the main button, the others are shown as the weightier choice."""
    return [
        {"action": row.action, "label": row.label, "danger": index > 0}
        for index, row in enumerate(rows)
        if row.action in allowed
    ]


def _render_detail(
    request: HttpRequest,
    complaint: Complaint,
    *,
    bound: cf.ActionForm | None = None,
    status: int = 200,
) -> HttpResponse:
    user = request.user
    allowed = complaint_allowed_actions(user=user, complaint=complaint)
    rows = [COMPLAINTS[action] for action in allowed]

    def form_for(row: Transition, **kwargs: Any) -> cf.ActionForm:
        # The prefix names the form on the page: decisions of one topic share a form.
        if bound is not None and bound.prefix == (cf.ACTION_FORMS[row.input].prefix_name or row.action):
            return bound
        return _form(row, complaint, user, **kwargs)

    main_actions = [(row.action, form_for(row), row) for row in rows if not row.topic]
    extension_rows = [row for row in COMPLAINTS if row.topic == "extension"]
    extension_allowed = [row for row in extension_rows if row.action in allowed]
    decision_form = form_for(extension_allowed[0]) if extension_allowed else None

    identity_actions = [
        (row.action, form_for(row), row) for row in rows if row.topic == "identity" and row.input != "identity_decision"
    ]
    identity_decisions = [row for row in COMPLAINTS if row.input == "identity_decision"]
    identity_buttons = _decision_buttons(identity_decisions, allowed)
    pending_identity = []
    if identity_buttons:
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
                    identity_decisions[0], complaint, user, initial={"access": access.pk}, auto_id=f"id_%s_{access.pk}"
                )
            pending_identity.append((access, form))
    now = timezone.now()
    accesses = complaint_identity_accesses(user=user, complaint_ids=[complaint.pk], now=now)
    services.complaint_identity_record_views(user=user, accesses=accesses, channel=IdentityView.Channel.PAGE, now=now)
    identity_visible = bool(accesses)
    own_identity_requests = complaint.identity_accesses.filter(user_id=int(user.pk or 0)).order_by("-requested_at")

    # A refused action that is no longer offered keeps the user's input on the page, read-only.
    stale_form = None
    shown = [
        *(form for _a, form, _r in main_actions),
        *(form for _a, form, _r in identity_actions),
        *([decision_form] if decision_form is not None else []),
        *(form for _access, form in pending_identity),
    ]
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
    due = complaint.current_due_at
    context = {
        "complaint": complaint,
        "allowed": allowed,
        "forms": {action: form for action, form, _row in (*main_actions, *identity_actions)},
        "main_actions": main_actions,
        "identity_actions": identity_actions,
        "decision_form": decision_form,
        "extension_buttons": _decision_buttons(extension_rows, allowed),
        "identity_buttons": identity_buttons,
        "stale_form": stale_form,
        "bound_action": bound.action if bound is not None else "",
        "stale_label": COMPLAINTS[bound.action].label if bound is not None else "",
        "identity_visible": identity_visible,
        "pending_identity": pending_identity,
        "own_identity_requests": own_identity_requests,
        "identity_log": complaint_identity_log(user=user, complaint=complaint),
        "attachments": complaint.attachments.all(),
        "supplements": complaint.supplements.all(),
        "extension_requests": complaint.extension_requests.select_related("requested_by", "decided_by"),
        "timeline": timeline,
        "duplicates": complaint.duplicates.visible_to(user).only("pk", "tracking_code", "title"),
        "related": related_links(user, complaint),
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
    row = COMPLAINTS.rows.get(action)
    if row is None or not row.staff:
        raise Http404
    complaint = _visible_complaint(request, pk)
    form = _form(row, complaint, request.user, data=request.POST)
    try:
        # Who may act is judged before the input, as the API does: others learn nothing from it.
        COMPLAINTS.authorize(action, actor=request.user, obj=complaint)
    except NotAllowed as exc:
        messages.error(request, str(exc.message))
        return _render_detail(request, complaint, bound=form, status=exc.status_code)
    if not form.is_valid():
        messages.error(request, _("The form has errors; please correct them."))
        return _render_detail(request, complaint, bound=form, status=400)
    service = COMPLAINTS.service(services, row.action)
    try:
        service(actor=request.user, now=timezone.now(), **form.service_kwargs())
    except DomainError as exc:
        for field, errors in exc.errors.items():
            if field in form.fields:
                form.add_error(field, errors)
        messages.error(request, str(exc.message))
        complaint = _visible_complaint(request, pk)
        return _render_detail(request, complaint, bound=form, status=exc.status_code)
    messages.success(request, row.done % {"code": complaint.tracking_code})
    if Complaint.objects.visible_to(request.user).filter(pk=pk).exists():
        return redirect("complaints:detail", pk=pk)
    return redirect("complaints:queue")


# ---------------------------------------------------------------------------------------------
# Letters, calls and visits, and their receipts


def _day(value: Any) -> str:
    return date_format(timezone.localtime(value), "Y-m-d")


def receipt_situation(complaint: Complaint, *, now: Any) -> list[str]:
    """Where the complaint stands, in the receipt's words: a receipt reprinted long after the
    complaint came in must not promise a decision that was taken long ago, or a date now past."""
    S = Complaint.Status
    status = complaint.status
    if status == S.WITHDRAWN:
        return [_("This complaint concerns the same matter as another one and is handled together with it.")]
    if status == S.SUBMITTED:
        due = _day(complaint.accept_due_at)
        if complaint.accept_due_at < now:
            return [_("The decision whether to accept it was due by %(due)s and is overdue.") % {"due": due}]
        return [_("The decision whether to accept it is due by %(due)s.") % {"due": due}]
    if status == S.REJECTED:
        decided = complaint.closed_at or complaint.updated_at
        return [_("It was not accepted (decided on %(at)s).") % {"at": _day(decided)}]
    lines = []
    if complaint.accepted_at is not None:
        lines.append(_("It was accepted on %(at)s.") % {"at": _day(complaint.accepted_at)})
    if status in (S.ACCEPTED, S.ASSIGNED, S.RETURNED) and complaint.reply_due_at is not None:
        due = _day(complaint.reply_due_at)
        if complaint.reply_due_at < now:
            lines.append(_("The reply was due by %(due)s and is overdue.") % {"due": due})
        else:
            lines.append(_("The reply is due by %(due)s.") % {"due": due})
    if complaint.replied_at is not None:
        lines.append(_("It was answered on %(at)s.") % {"at": _day(complaint.replied_at)})
    if complaint.review_requested_at is not None:
        lines.append(_("A review was requested on %(at)s.") % {"at": _day(complaint.review_requested_at)})
        if complaint.review_replied_at is not None:
            lines.append(_("The review was answered on %(at)s.") % {"at": _day(complaint.review_replied_at)})
        elif status == S.REVIEW_REQUESTED and complaint.review_due_at is not None:
            due = _day(complaint.review_due_at)
            if complaint.review_due_at < now:
                lines.append(_("The answer to the review was due by %(due)s and is overdue.") % {"due": due})
            else:
                lines.append(_("The answer to the review is due by %(due)s.") % {"due": due})
    if status == S.CLOSED and complaint.closed_at is not None:
        lines.append(_("It was closed on %(at)s.") % {"at": _day(complaint.closed_at)})
    return lines


def _receipt_context(request: HttpRequest, complaint: Complaint, *, access_key: str = "") -> dict[str, Any]:
    address = f"{settings.WORKSTYLE_SITE_URL.rstrip('/')}{reverse('complaints:track')}"
    qr = segno.make(f"{address}?{urlencode({'code': complaint.tracking_code})}", error="m")
    return {
        "complaint": complaint,
        "access_key": access_key,
        "track_address": address,
        "situation": receipt_situation(complaint, now=timezone.now()),
        "may_reissue": complaint_may_intake(request.user),
        # Inline SVG: printed with the page, nothing loaded from anywhere.
        "qr_svg": mark_safe(qr.svg_inline(scale=4, omitsize=True, title=complaint.tracking_code)),  # noqa: S308
    }


@staff_required
@never_cache
@require_http_methods(["GET", "POST"])
def complaint_intake(request: HttpRequest) -> HttpResponse:
    """The discipline office records a letter, call or visit; the answer is the receipt, with the
    access key shown this once."""
    if not complaint_may_intake(request.user):
        raise PermissionDenied
    form = cf.IntakeForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            complaint, access_key = services.complaint_intake(
                actor=request.user, now=timezone.now(), **form.service_kwargs()
            )
        except DomainError as exc:
            form_add_domain_error(form, exc)
            messages.error(request, str(exc.message))
        else:
            messages.success(request, _("Complaint %(code)s recorded.") % {"code": complaint.tracking_code})
            return render(
                request, "complaints/staff/receipt.html", _receipt_context(request, complaint, access_key=access_key)
            )
    elif request.method == "POST":
        messages.error(request, _("The form has errors; please correct them."))
    status = 400 if request.method == "POST" else 200
    return render(request, "complaints/staff/intake.html", {"form": form}, status=status)


@staff_required
@never_cache
@require_http_methods(["GET", "POST"])
def complaint_receipt(request: HttpRequest, pk: int) -> HttpResponse:
    """The printable receipt, for whoever may see the complaint: tracking code, tracking address and
    its QR code. The access key is kept only as its digest, so a reprint with a key issues a new one
    (POST, the discipline office only), on the timeline."""
    complaint = _visible_complaint(request, pk)
    access_key = ""
    if request.method == "POST":
        try:
            complaint, access_key = services.complaint_reissue_key(
                actor=request.user, complaint=complaint, now=timezone.now()
            )
        except NotAllowed as exc:
            messages.error(request, str(exc.message))
            context = _receipt_context(request, complaint)
            return render(request, "complaints/staff/receipt.html", context, status=exc.status_code)
        messages.warning(request, _("A new access key was issued; the old one no longer works."))
    return render(request, "complaints/staff/receipt.html", _receipt_context(request, complaint, access_key=access_key))
