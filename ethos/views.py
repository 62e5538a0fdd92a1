"""Pages of the eight ethos: the cadre's commitment (all eight pledges on one page) and its
printable copy; the organization department's commitment years, completion and review; appraisal
rounds, the rating page, the outside raters' page behind a one-time link, and the results. Every
query starts from ``visible_to(request.user)``; every change calls one service."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cadres.models import Cadre
from ethos import selectors, services
from ethos.forms import ACTION_FORMS, BallotForm, CommitmentForm, CommitmentYearForm, LinkCountForm, RoundForm
from ethos.models import AppraisalRound, Commitment, CommitmentYear, Grade
from ethos.permissions import ethos_may_organise, ethos_sees_all
from ethos.transitions import COMMITMENTS, ORGDEPT_ONLY, ROUNDS
from workstyle import roles
from workstyle.errors import DomainError, NotAllowed
from workstyle.forms import form_add_domain_error
from workstyle.views import staff_required
from workstyle.workflow_pages import page_action

# --- the cadre's commitment ---------------------------------------------------------------------


def _pledges_of(commitment: Commitment | None) -> dict[str, str]:
    if commitment is None:
        return {}
    return {p.ethos.code: p.text for p in commitment.pledges.select_related("ethos")}


@staff_required
def my_commitment(request: HttpRequest) -> HttpResponse:
    """The cadre's commitment for the latest year asked for: the form while it is a draft or
    returned, the signed text (and its print) once signed."""
    cadre = roles.cadre_of(request.user)
    if cadre is None:
        raise PermissionDenied(_("Only a cadre makes a commitment."))
    year = CommitmentYear.objects.order_by("-year").first()
    commitment = Commitment.objects.filter(cadre=cadre, year=year).first() if year else None
    form = CommitmentForm(request.POST or None, initial_pledges=_pledges_of(commitment))
    if request.method == "POST" and year is not None and form.is_valid():
        now = timezone.now()
        try:
            if commitment is None:
                commitment = services.commitment_create(actor=request.user, year=year, pledges=form.pledges(), now=now)
            else:
                services.commitment_update(actor=request.user, commitment=commitment, pledges=form.pledges(), now=now)
            if "sign" in request.POST:
                services.commitment_sign(actor=request.user, commitment=commitment, now=now)
        except DomainError as exc:
            form_add_domain_error(form, exc)
            messages.error(request, str(exc.message))
        else:
            messages.success(request, _("Commitment signed.") if "sign" in request.POST else _("Draft saved."))
            return redirect("ethos:my_commitment")
    context = {
        "year": year,
        "commitment": commitment,
        "form": form,
        "frozen": commitment is not None and commitment.frozen,
        "pledges": commitment.pledges.select_related("ethos") if commitment else [],
    }
    return render(request, "ethos/my_commitment.html", context)


def _commitment(request: HttpRequest, pk: int) -> Commitment:
    return get_object_or_404(
        Commitment.objects.visible_to(request.user).select_related("cadre__unit", "cadre__department", "year"), pk=pk
    )


def _commitment_page(request: HttpRequest, commitment: Commitment, bound: Any = None) -> HttpResponse:
    forms = []
    for action in COMMITMENTS.allowed_actions(user=request.user, obj=commitment):
        row = COMMITMENTS[action]
        form: Any = bound if bound is not None and bound.action == action else ACTION_FORMS[row.input](prefix=action)
        form.action = action
        forms.append((action, form, row))
    context = {
        "commitment": commitment,
        "pledges": commitment.pledges.select_related("ethos"),
        "events": commitment.events.select_related("actor").order_by("at", "id"),
        "action_forms": forms,
    }
    return render(request, "ethos/commitment_detail.html", context)


@staff_required
def commitment_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _commitment_page(request, _commitment(request, pk))


@staff_required
def commitment_print(request: HttpRequest, pk: int) -> HttpResponse:
    commitment = _commitment(request, pk)
    return render(
        request,
        "ethos/commitment_print.html",
        {"commitment": commitment, "pledges": commitment.pledges.select_related("ethos")},
    )


@staff_required
@require_POST
def commitment_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    return page_action(
        request,
        COMMITMENTS,
        action,
        services=services,
        obj_name="commitment",
        get_obj=lambda: _commitment(request, pk),
        make_form=lambda row, commitment: _commitment_action_form(row, request.POST),
        done_url="ethos:commitment_detail",
        rerender=lambda commitment, form: _commitment_page(request, commitment, bound=form),
    )


def _commitment_action_form(row: Any, data: Any) -> Any:
    form = ACTION_FORMS[row.input](data, prefix=row.action)
    form.action = row.action  # type: ignore[attr-defined]
    return form


# --- years and completion -----------------------------------------------------------------------


@staff_required
def year_list(request: HttpRequest) -> HttpResponse:
    may_open = ethos_may_organise(request.user)
    form = CommitmentYearForm(request.POST or None) if may_open else None
    if request.method == "POST":
        if form is None:
            raise PermissionDenied(ORGDEPT_ONLY)
        if form.is_valid():
            try:
                year = services.commitment_year_open(actor=request.user, now=timezone.now(), **form.cleaned_data)
            except DomainError as exc:
                form_add_domain_error(form, exc)
            else:
                messages.success(request, _("Commitments for %(year)s are asked for.") % {"year": year.year})
                return redirect("ethos:year_list")
    context = {
        "years": CommitmentYear.objects.visible_to(request.user),
        "form": form,
        # A plain cadre follows nobody's commitments: no link to a completion page he may not open.
        "shows_completion": selectors.commitment_cadres_for(request.user).exists(),
    }
    return render(request, "ethos/year_list.html", context)


@staff_required
def completion(request: HttpRequest, year: int) -> HttpResponse:
    commitment_year = get_object_or_404(CommitmentYear.objects.visible_to(request.user), year=year)
    rows = selectors.commitment_completion(year=commitment_year, user=request.user)
    if not rows and not ethos_sees_all(request.user):
        raise PermissionDenied(_("Completion is shown to department and unit heads and the organization department."))
    followed = selectors.commitment_cadres_for(request.user)
    commitments = (
        Commitment.objects.visible_to(request.user)
        .filter(year=commitment_year, cadre__in=followed)
        .select_related("cadre__unit", "cadre__department")
        .order_by("cadre__unit__code", "cadre__staff_number")
    )
    status = request.GET.get("status", "")
    if status in Commitment.Status.values:
        commitments = commitments.filter(status=status)
    context = {
        "year": commitment_year,
        "rows": rows,
        "commitments": commitments,
        "statuses": Commitment.Status.choices,
        "status": status,
    }
    return render(request, "ethos/completion.html", context)


# --- appraisal ----------------------------------------------------------------------------------

# The round page's action that is not a transition: issuing outside raters' links.
LINKS = "links"


def _round(request: HttpRequest, pk: int) -> AppraisalRound:
    return get_object_or_404(AppraisalRound.objects.visible_to(request.user).select_related("unit"), pk=pk)


@staff_required
def round_list(request: HttpRequest) -> HttpResponse:
    may_run = ethos_may_organise(request.user)
    form = RoundForm(request.POST or None) if may_run else None
    if request.method == "POST":
        if form is None:
            raise PermissionDenied(ORGDEPT_ONLY)
        if form.is_valid():
            try:
                appraisal = services.round_create(actor=request.user, now=timezone.now(), **form.cleaned_data)
            except DomainError as exc:
                form_add_domain_error(form, exc)
            else:
                messages.success(request, _("Appraisal round prepared."))
                return redirect("ethos:round_detail", pk=appraisal.pk)
    rounds = AppraisalRound.objects.visible_to(request.user).select_related("unit")
    return render(request, "ethos/round_list.html", {"rounds": rounds, "form": form})


def _round_page(request: HttpRequest, appraisal: AppraisalRound, **extra: Any) -> HttpResponse:
    actions = [(action, ROUNDS[action]) for action in ROUNDS.allowed_actions(user=request.user, obj=appraisal)]
    is_rater = appraisal.raters.filter(user_id=request.user.pk or 0).exists()
    results = (
        selectors.round_results(round=appraisal, user=request.user)
        if appraisal.status == AppraisalRound.Status.CLOSED
        else []
    )
    context = {
        "round": appraisal,
        "actions": actions,
        "may_run": ethos_may_organise(request.user) and appraisal.status != AppraisalRound.Status.CLOSED,
        "link_form": extra.pop("link_form", None) or LinkCountForm(),
        "is_rater": is_rater and appraisal.status == AppraisalRound.Status.OPEN,
        "results": results,
        "grades": Grade.choices,
        "threshold": selectors.poor_threshold(),
        "appraisees": appraisal.appraisees.order_by("staff_number"),
        "events": appraisal.events.select_related("actor").order_by("at", "id"),
        **extra,
    }
    return render(request, "ethos/round_detail.html", context)


@staff_required
def round_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _round_page(request, _round(request, pk))


@staff_required
@require_POST
def round_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    if action == LINKS:
        return round_links(request, pk)
    row = ROUNDS.rows.get(action)
    if row is None or not row.staff:
        raise Http404
    appraisal = _round(request, pk)
    try:
        ROUNDS.service(services, action)(actor=request.user, round=appraisal, now=timezone.now())
    except NotAllowed as exc:
        raise PermissionDenied(str(exc.message)) from exc
    except DomainError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, str(row.done))
    return redirect("ethos:round_detail", pk=appraisal.pk)


def round_links(request: HttpRequest, pk: int) -> HttpResponse:
    appraisal = _round(request, pk)
    if not ethos_may_organise(request.user):
        raise PermissionDenied(ORGDEPT_ONLY)
    form = LinkCountForm(request.POST)
    links: list[str] = []
    if form.is_valid():
        try:
            tokens = services.round_issue_links(
                actor=request.user, round=appraisal, count=form.cleaned_data["count"], now=timezone.now()
            )
        except DomainError as exc:
            form_add_domain_error(form, exc)
        else:
            links = [request.build_absolute_uri(f"/appraisal/{token}/") for token in tokens]
    # The links are shown once, on this answer: only their digests are kept.
    return _round_page(request, appraisal, link_form=form, links=links)


def _rating_context(appraisal: AppraisalRound, cadres: Any, chosen: Cadre | None, form: BallotForm) -> dict[str, Any]:
    return {"round": appraisal, "cadres": cadres, "chosen": chosen, "form": form}


@staff_required
def rate(request: HttpRequest, pk: int) -> HttpResponse:
    """The rating page: one cadre at a time, each ethos graded; a ballot can be changed until the
    round closes."""
    appraisal = _round(request, pk)
    own = roles.cadre_of(request.user)
    cadres = appraisal.appraisees.exclude(pk=own.pk if own else 0).order_by("staff_number")
    chosen = cadres.filter(pk=request.POST.get("cadre") or request.GET.get("cadre") or 0).first()
    if chosen is None:
        chosen = cadres.first()
    mine = services.ballots_of(actor=request.user, round=appraisal)
    form = BallotForm(request.POST or None, initial=mine.get(chosen.pk, {}) if chosen else {})
    if request.method == "POST" and form.is_valid():
        target = Cadre.objects.filter(pk=request.POST.get("cadre") or 0).first()
        try:
            if target is None:
                raise DomainError(services.NOT_IN_ROUND)
            services.ballot_cast(
                actor=request.user, round=appraisal, cadre=target, grades=form.grades(), now=timezone.now()
            )
        except NotAllowed as exc:
            form.add_error(None, str(exc.message))
        except DomainError as exc:
            form_add_domain_error(form, exc)
        else:
            messages.success(request, _("Your grades for %(name)s are saved.") % {"name": target.name})
            following = cadres.filter(staff_number__gt=target.staff_number).first()
            url = f"?cadre={following.pk}" if following else f"?cadre={target.pk}"
            return redirect(f"{request.path}{url}")
    context = _rating_context(appraisal, cadres, chosen, form)
    context["rated"] = set(mine)
    context["post_url"] = request.path
    return render(request, "ethos/rate.html", context, status=400 if form.errors else 200)


def public_rate(request: HttpRequest, token: str) -> HttpResponse:
    """An outside rater's page behind his one-time link: each cadre of the round once."""
    rater = services.rater_for_token(token)
    if rater is None:
        raise Http404
    appraisal = rater.round
    cadres = appraisal.appraisees.order_by("staff_number")
    rated = services.rated_by_token(rater=rater)
    chosen = cadres.exclude(pk__in=rated).filter(pk=request.POST.get("cadre") or request.GET.get("cadre") or 0).first()
    if chosen is None:
        chosen = cadres.exclude(pk__in=rated).first()
    form = BallotForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.ballot_cast_by_token(
                token=token, cadre_id=request.POST.get("cadre", ""), grades=form.grades(), now=timezone.now()
            )
        except DomainError as exc:
            form_add_domain_error(form, exc)
        else:
            messages.success(request, _("Your grades are saved. Thank you."))
            return redirect(request.path)
    context = _rating_context(appraisal, cadres, chosen, form)
    context["rated"] = rated
    context["post_url"] = request.path
    context["public"] = True
    context["is_open"] = appraisal.status == AppraisalRound.Status.OPEN
    return render(request, "ethos/rate.html", context, status=400 if form.errors else 200)
