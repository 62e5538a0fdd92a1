"""Pages of the public side (no account): file a complaint, then track it with code and key.

The access key never travels in a URL: it is typed into a POST form, and after a successful lookup
only the tracking code is kept in the session (for a limited time) so that the follow-up forms
(rating, review) need not carry the key again.
"""

from __future__ import annotations

import time
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from complaints import codes, selectors, services
from complaints.models import Complaint
from complaints.public.forms import ComplaintForm, FeedbackForm, ReviewForm, SupplementForm, TrackForm
from complaints.public.ratelimit import ratelimit_hit
from complaints.public.serializers import public_facts
from workstyle.errors import DomainError
from workstyle.forms import form_add_domain_error

RECEIPT_SESSION_KEY = "complaints:receipt"
TRACKED_SESSION_KEY = "complaints:tracked"
# How long a successful lookup lets this browser rate or ask for a review without the key again.
TRACKED_SECONDS = 3600
FORM_SCOPE = "complaint_form"
TRACK_SCOPE = "complaint_track"


def not_found_message() -> str:
    """One answer for an unknown code and a wrong key: nobody learns which codes exist."""
    return _("No complaint matches this tracking code and access key. Check both and try again.")


def _track_limit() -> int:
    # Lookups are cheap for an honest visitor and carry no risk of guessing (137-bit secrets), so
    # they get more room than filing; the limit only stops a flood.
    return settings.WORKSTYLE_PUBLIC_FORM_LIMIT * 6


def _form_initial(data: Any) -> dict[str, Any]:
    keep = [*ComplaintForm.base_fields]
    keep = [name for name in keep if name not in ("attachments", "website", "captcha")]
    return {name: data.get(name, "") for name in keep}


@never_cache
@require_http_methods(["GET", "POST"])
def complaint_new(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return render(request, "complaints/public/new.html", {"form": ComplaintForm()})
    if not ratelimit_hit(request, scope=FORM_SCOPE):
        messages.error(
            request,
            _("Too many complaints have been sent from your connection in the last hour. Please try again later."),
        )
        form = ComplaintForm(initial=_form_initial(request.POST))
        return render(request, "complaints/public/new.html", {"form": form}, status=429)
    form = ComplaintForm(request.POST, request.FILES)
    if form.is_spam:
        # A bot filled in the hidden field: it gets what a person would get, and nothing is stored.
        _keep_receipt(request, codes.new_tracking_code(), codes.new_access_key())
        return redirect("complaints:submitted")
    if form.is_valid():
        data = form.cleaned_data
        try:
            complaint, access_key = services.complaint_submit(
                actor=None,
                channel=Complaint.Channel.WEB,
                category=data["category"],
                title=data["title"],
                description=data["description"],
                unit=data["unit"],
                accused_name=data["accused_name"],
                complainant_name=data["complainant_name"],
                complainant_phone=data["complainant_phone"],
                complainant_email=data["complainant_email"],
                attachments=data["attachments"],
                now=timezone.now(),
            )
        except DomainError as exc:
            form_add_domain_error(form, exc)
        else:
            _keep_receipt(request, complaint.tracking_code, access_key)
            return redirect("complaints:submitted")
    return render(request, "complaints/public/new.html", {"form": form})


def _keep_receipt(request: HttpRequest, tracking_code: str, access_key: str) -> None:
    # Until the next page shows it once; then it is gone from the server too.
    request.session[RECEIPT_SESSION_KEY] = {"tracking_code": tracking_code, "access_key": access_key}


@never_cache
@require_http_methods(["GET"])
def complaint_submitted(request: HttpRequest) -> HttpResponse:
    receipt = request.session.pop(RECEIPT_SESSION_KEY, None)
    return render(request, "complaints/public/submitted.html", {"receipt": receipt})


def _tracked_complaint(request: HttpRequest) -> Complaint | None:
    tracked = request.session.get(TRACKED_SESSION_KEY)
    if not isinstance(tracked, dict) or float(tracked.get("until", 0)) < time.time():
        request.session.pop(TRACKED_SESSION_KEY, None)
        return None
    return (
        Complaint.objects.select_related("department__unit")
        .filter(tracking_code=tracked.get("tracking_code", ""))
        .first()
    )


@never_cache
@require_http_methods(["GET", "POST"])
def complaint_track(request: HttpRequest) -> HttpResponse:
    complaint = _tracked_complaint(request)
    if request.method == "POST":
        action = request.POST.get("action", "lookup")
        if action == "lookup":
            return _lookup(request)
        if action == "forget":
            request.session.pop(TRACKED_SESSION_KEY, None)
            return redirect("complaints:track")
        if complaint is None:
            messages.error(request, _("Please enter your tracking code and access key again."))
            return redirect("complaints:track")
        if action == "feedback":
            return _feedback(request, complaint)
        if action == "review":
            return _review(request, complaint)
        if action == "supplement":
            return _supplement(request, complaint)
        return redirect("complaints:track")
    if complaint is None:
        return render(request, "complaints/public/track.html", {"form": TrackForm()})
    return _render_tracked(request, complaint)


def _lookup(request: HttpRequest) -> HttpResponse:
    form = TrackForm(request.POST)
    if not ratelimit_hit(request, scope=TRACK_SCOPE, limit=_track_limit()):
        messages.error(request, _("Too many look-ups from your connection in the last hour. Please try again later."))
        return render(request, "complaints/public/track.html", {"form": TrackForm()}, status=429)
    if form.is_valid():
        complaint = selectors.complaint_get_for_public(
            tracking_code=form.cleaned_data["tracking_code"], access_key=form.cleaned_data["access_key"]
        )
        if complaint is not None:
            # A fresh session id at the moment the session starts to stand for a complaint.
            request.session.cycle_key()
            request.session[TRACKED_SESSION_KEY] = {
                "tracking_code": complaint.tracking_code,
                "until": time.time() + TRACKED_SECONDS,
            }
            return redirect("complaints:track")
        form.add_error(None, not_found_message())
    # The key is never echoed back into the page: PasswordInput does not render its value.
    return render(request, "complaints/public/track.html", {"form": form})


def _feedback(request: HttpRequest, complaint: Complaint) -> HttpResponse:
    form = FeedbackForm(request.POST)
    if not form.is_valid():
        return _render_tracked(request, complaint, feedback_form=form)
    try:
        services.complaint_feedback(
            complaint=complaint,
            rating=form.cleaned_data["rating"],
            comment=form.cleaned_data["comment"],
            now=timezone.now(),
        )
    except DomainError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("Thank you: your rating of the reply has been recorded."))
    return redirect("complaints:track")


def _review(request: HttpRequest, complaint: Complaint) -> HttpResponse:
    form = ReviewForm(request.POST)
    if not form.is_valid():
        return _render_tracked(request, complaint, review_form=form)
    try:
        services.complaint_request_review(complaint=complaint, reason=form.cleaned_data["reason"], now=timezone.now())
    except DomainError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("Your request for a review has been received."))
    return redirect("complaints:track")


def _supplement(request: HttpRequest, complaint: Complaint) -> HttpResponse:
    form = SupplementForm(request.POST, request.FILES)
    if not form.is_valid():
        return _render_tracked(request, complaint, supplement_form=form)
    try:
        services.complaint_supplement(
            complaint=complaint,
            text=form.cleaned_data["text"],
            attachments=form.cleaned_data["attachments"],
            now=timezone.now(),
        )
    except DomainError as exc:
        form_add_domain_error(form, exc)
        return _render_tracked(request, complaint, supplement_form=form)
    messages.success(request, _("Your material has been added to the complaint."))
    return redirect("complaints:track")


def _render_tracked(
    request: HttpRequest,
    complaint: Complaint,
    *,
    feedback_form: FeedbackForm | None = None,
    review_form: ReviewForm | None = None,
    supplement_form: SupplementForm | None = None,
) -> HttpResponse:
    context = {
        "complaint": public_facts(complaint, now=timezone.now()),
        "feedback_form": feedback_form or FeedbackForm(),
        "review_form": review_form or ReviewForm(),
        "supplement_form": supplement_form or SupplementForm(),
    }
    return render(request, "complaints/public/tracked.html", context)
