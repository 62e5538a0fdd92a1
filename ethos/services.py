"""Every write of the eight ethos: commitment years, commitments and their pledges, the reminders,
appraisal rounds, rating links and ballots. Transitions go through ``ethos.transitions``
(``COMMITMENTS.step``, ``ROUNDS.step``: lock, start state, actor, event in one transaction)."""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Iterable, Mapping
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from cadres.models import Cadre, Ethos, Unit
from ethos.models import (
    AppraisalRound,
    Ballot,
    BallotReceipt,
    Commitment,
    CommitmentReminder,
    CommitmentYear,
    Grade,
    Pledge,
    Rater,
)
from ethos.permissions import ethos_may_organise
from ethos.transitions import COMMITMENTS, ORGDEPT_ONLY, ROUNDS
from workstyle import roles
from workstyle.deadlines import LOCAL_TZ
from workstyle.errors import InvalidInput, NotAllowed, TransitionError
from workstyle.roles import Actor
from workstyle.services import NotificationItem, notification_send_many
from workstyle.tokens import token_digest

Status = Commitment.Status
RoundStatus = AppraisalRound.Status

# Days before the deadline on which a cadre with no signed commitment is reminded.
REMINDER_DAYS_BEFORE = 7
# The most outside raters' links one request issues.
MAX_LINKS = 200
SIGNED = (Status.SIGNED, Status.REVIEWED)

BALLOT_INVALID = _("The ballot is not valid.")
NOT_IN_ROUND = _("This cadre is not appraised in this round.")
LINK_INVALID = _("This rating link is not valid.")
RESULTS_AFTER_CLOSING = _("The results are shown once the round is closed.")


# --- commitment years ---------------------------------------------------------------------------


def commitment_year_open(*, actor: Actor, year: int, deadline: dt.date, now: dt.datetime) -> CommitmentYear:
    """Ask every active cadre for a commitment for ``year``, due by the end of ``deadline``."""
    if not ethos_may_organise(actor):
        raise NotAllowed(ORGDEPT_ONLY)
    errors: dict[str, list[Any]] = {}
    if not 2000 <= year <= 2100:
        errors["year"] = [_("Give a year between 2000 and 2100.")]
    if deadline < now.astimezone(LOCAL_TZ).date():
        errors["deadline"] = [_("The deadline cannot be in the past.")]
    if CommitmentYear.objects.filter(year=year).exists():
        errors["year"] = [_("Commitments for this year have already been asked for.")]
    if errors:
        raise InvalidInput(_("The commitment year cannot be opened."), errors=errors)
    try:
        with transaction.atomic():
            return CommitmentYear.objects.create(
                year=year, deadline=deadline, opened_at=now, opened_by_id=getattr(actor, "pk", None)
            )
    except IntegrityError as exc:
        raise InvalidInput(
            _("The commitment year cannot be opened."),
            errors={"year": [_("Commitments for this year have already been asked for.")]},
        ) from exc


def commitment_year_end(year: CommitmentYear) -> dt.datetime:
    """The moment signing is due: the end of the deadline's local day."""
    return dt.datetime.combine(year.deadline, dt.time.max, tzinfo=LOCAL_TZ)


# --- pledges ------------------------------------------------------------------------------------


def _normalise(text: str) -> str:
    return " ".join((text or "").split())


def commitment_check_pledges(pledges: Iterable[Mapping[str, Any]]) -> dict[str, str]:
    """The pledges by ethos code, or InvalidInput saying what is wrong: one pledge per ethos, all
    eight, none shorter than the minimum, no two the same, no unknown ethos."""
    ethos = {e.code: e for e in Ethos.objects.all()}
    minimum = settings.WORKSTYLE_PLEDGE_MIN_CHARS
    by_code: dict[str, str] = {}
    errors: dict[str, list[Any]] = {}
    problems: list[Any] = []
    for item in pledges:
        code = str(item.get("ethos") or "")
        text = _normalise(str(item.get("text") or ""))
        if code not in ethos:
            problems.append(_("Unknown ethos: %(code)s.") % {"code": code or "—"})
            continue
        if code in by_code:
            problems.append(_("Two pledges for “%(ethos)s”: give one per ethos.") % {"ethos": ethos[code].name})
            continue
        by_code[code] = text
        if not text:
            errors.setdefault(code, []).append(_("Write a pledge for “%(ethos)s”.") % {"ethos": ethos[code].name})
        elif len(text) < minimum:
            errors.setdefault(code, []).append(
                _("The pledge for “%(ethos)s” is too short: write at least %(count)d characters.")
                % {"ethos": ethos[code].name, "count": minimum}
            )
    missing = [e for code, e in ethos.items() if code not in by_code]
    if missing:
        problems.append(
            _("A commitment needs a pledge for each of the eight ethos; missing: %(names)s.")
            % {"names": "、".join(e.name for e in missing)}
        )
    seen: dict[str, str] = {}
    for code, text in by_code.items():
        if not text:
            continue
        if text in seen:
            errors.setdefault(code, []).append(
                _("The pledge for “%(ethos)s” is the same as the one for “%(other)s”: each ethos needs its own.")
                % {"ethos": ethos[code].name, "other": ethos[seen[text]].name}
            )
        else:
            seen[text] = code
    if problems:
        errors["pledges"] = problems
    if errors:
        raise InvalidInput(_("The pledges are not complete."), errors=errors)
    return by_code


def _write_pledges(commitment: Commitment, by_code: Mapping[str, str]) -> None:
    ethos = {e.code: e for e in Ethos.objects.all()}
    existing = {p.ethos_id: p for p in commitment.pledges.all()}
    for code, text in by_code.items():
        row = existing.get(ethos[code].pk)
        if row is None:
            Pledge.objects.create(commitment=commitment, ethos=ethos[code], text=text)
        elif row.text != text:
            row.text = text
            row.save(update_fields=["text"])


def commitment_frozen_error(commitment: Commitment) -> TransitionError:
    return TransitionError(
        _("The commitment is %(status)s and can no longer be changed.") % {"status": commitment.get_status_display()}
    )


# --- commitments --------------------------------------------------------------------------------


def commitment_create(
    *, actor: Actor, year: CommitmentYear, pledges: Iterable[Mapping[str, Any]], now: dt.datetime
) -> Commitment:
    """A cadre's own draft commitment for ``year``."""
    cadre = roles.cadre_of(actor)
    if cadre is None:
        raise NotAllowed(_("Only a cadre makes a commitment, for himself."))
    if Commitment.objects.filter(cadre=cadre, year=year).exists():
        raise InvalidInput(
            _("You already have a commitment for %(year)s.") % {"year": year.year},
            errors={"year": [_("You already have a commitment for %(year)s.") % {"year": year.year}]},
        )
    by_code = commitment_check_pledges(pledges)
    try:
        with transaction.atomic():
            commitment = Commitment.objects.create(
                cadre=cadre, year=year, status=Status.DRAFT, created_at=now, updated_at=now
            )
            _write_pledges(commitment, by_code)
            COMMITMENTS.record(commitment, actor=actor, verb="create", now=now, to_state=Status.DRAFT)
    except IntegrityError as exc:
        raise InvalidInput(
            _("You already have a commitment for %(year)s.") % {"year": year.year},
            errors={"year": [_("You already have a commitment for %(year)s.") % {"year": year.year}]},
        ) from exc
    return commitment


def commitment_record_paper(
    *,
    actor: Actor,
    cadre: Cadre,
    year: CommitmentYear,
    pledges: Iterable[Mapping[str, Any]],
    signed_at: dt.datetime,
    now: dt.datetime,
) -> Commitment:
    """The organization department records a commitment a cadre signed on paper (one without an
    account signs a printed form): the same pledges and rules, signed when the paper says."""
    if not ethos_may_organise(actor):
        raise NotAllowed(ORGDEPT_ONLY)
    errors: dict[str, list[Any]] = {}
    if not cadre.active:
        errors["cadre"] = [_("The cadre is no longer active.")]
    if Commitment.objects.filter(cadre=cadre, year=year).exists():
        errors["cadre"] = [_("This cadre already has a commitment for %(year)s.") % {"year": year.year}]
    if signed_at > now:
        errors["signed_at"] = [_("A commitment cannot be signed in the future.")]
    if errors:
        raise InvalidInput(_("The commitment cannot be recorded."), errors=errors)
    by_code = commitment_check_pledges(pledges)
    with transaction.atomic():
        commitment = Commitment.objects.create(
            cadre=cadre, year=year, status=Status.SIGNED, created_at=now, updated_at=now, signed_at=signed_at
        )
        _write_pledges(commitment, by_code)
        COMMITMENTS.record(
            commitment,
            actor=actor,
            verb="paper",
            now=now,
            to_state=Status.SIGNED,
            data={"signed_at": signed_at.isoformat()},
        )
    return commitment


def commitment_update(
    *, actor: Actor, commitment: Commitment, pledges: Iterable[Mapping[str, Any]], now: dt.datetime
) -> Commitment:
    """Change the pledges of a draft or returned commitment; a signed one is frozen (409)."""
    with transaction.atomic():
        locked = Commitment.objects.select_for_update().get(pk=commitment.pk)
        if not Commitment.objects.visible_to(actor).filter(pk=locked.pk).exists():
            raise NotAllowed(_("You may not do this."))
        if locked.frozen:
            raise commitment_frozen_error(locked)
        own = roles.cadre_of(actor)
        if own is None or locked.cadre_id != own.pk:
            raise NotAllowed(_("Only the cadre himself may change his commitment."))
        by_code = commitment_check_pledges(pledges)
        _write_pledges(locked, by_code)
        locked.updated_at = now
        locked.save(update_fields=["updated_at"])
        COMMITMENTS.record(locked, actor=actor, verb="update", now=now)
    return locked


def commitment_sign(*, actor: Actor, commitment: Commitment, now: dt.datetime) -> Commitment:
    with COMMITMENTS.step("sign", actor=actor, obj=commitment, now=now) as step:
        # The pledges are checked again: the rules may have changed since the draft was saved.
        commitment_check_pledges(
            {"ethos": p.ethos.code, "text": p.text} for p in step.obj.pledges.select_related("ethos")
        )
        step.save(signed_at=now, updated_at=now)
    return step.obj


def commitment_review(*, actor: Actor, commitment: Commitment, now: dt.datetime, comment: str = "") -> Commitment:
    with COMMITMENTS.step("review", actor=actor, obj=commitment, now=now) as step:
        step.save(reviewed_at=now, review_comment=comment.strip(), updated_at=now, note=comment.strip())
    return step.obj


def commitment_return(*, actor: Actor, commitment: Commitment, now: dt.datetime, reason: str = "") -> Commitment:
    with COMMITMENTS.step("return", actor=actor, obj=commitment, now=now) as step:
        if not (reason or "").strip():
            raise InvalidInput(
                _("The commitment cannot be returned."),
                errors={"reason": [_("Say what the cadre should amend.")]},
            )
        step.save(return_reason=reason.strip(), updated_at=now, note=reason.strip())
    return step.obj


# --- reminders ----------------------------------------------------------------------------------


def _unsigned_cadres(year: CommitmentYear) -> Any:
    signed = Commitment.objects.filter(year=year, status__in=SIGNED).values("cadre_id")
    return Cadre.objects.active().exclude(pk__in=signed)


def _head_of(cadre: Cadre) -> Cadre | None:
    department = cadre.department
    if department is not None and department.head_id not in (None, cadre.pk):
        return department.head
    if cadre.unit.head_id not in (None, cadre.pk):
        return cadre.unit.head
    return None


def commitment_reminders_send(*, now: dt.datetime) -> dict[str, int]:
    """Remind the active cadres with no signed commitment 7 days before the deadline and on its day,
    and tell their department head (else their unit head) once the deadline has passed — each once
    per year and cadre, recorded in ``CommitmentReminder``, however often and wherever this runs
    (the year's row is locked while it works). A stage whose time has passed is not sent late: a
    cadre first found on the deadline's day gets the day's reminder only."""
    today = now.astimezone(LOCAL_TZ).date()
    counts = {"before": 0, "due": 0, "head": 0}
    for year_id in CommitmentYear.objects.filter(deadline__gte=today - dt.timedelta(days=366)).values_list(
        "pk", flat=True
    ):
        with transaction.atomic():
            year = CommitmentYear.objects.select_for_update().get(pk=year_id)
            if today > year.deadline:
                stage = CommitmentReminder.Stage.HEAD
            elif today == year.deadline:
                stage = CommitmentReminder.Stage.DUE
            elif today >= year.deadline - dt.timedelta(days=REMINDER_DAYS_BEFORE):
                stage = CommitmentReminder.Stage.BEFORE
            else:
                continue
            done = CommitmentReminder.objects.filter(year=year, stage=stage).values("cadre_id")
            cadres = list(
                _unsigned_cadres(year)
                .exclude(pk__in=done)
                .select_related("user", "department__head__user", "unit__head__user")
                .order_by("pk")
            )
            if not cadres:
                continue
            due = year.deadline.isoformat()
            items: list[NotificationItem] = []
            for cadre in cadres:
                params = {"year": year.year, "due": due}
                if stage == CommitmentReminder.Stage.HEAD:
                    head = _head_of(cadre)
                    if head is not None and head.active:
                        params |= {"name": cadre.name, "staff_number": cadre.staff_number}
                        items.append(([head.user], "commitment_missing_head", params, "/ethos/completion/"))
                else:
                    kind = "commitment_reminder" if stage == CommitmentReminder.Stage.BEFORE else "commitment_due_today"
                    items.append(([cadre.user], kind, params, "/ethos/commitment/"))
            CommitmentReminder.objects.bulk_create(
                [CommitmentReminder(year=year, cadre=cadre, stage=stage, sent_at=now) for cadre in cadres]
            )
            notification_send_many(items=items, now=now)
            counts[stage] += len(cadres)
    return counts


# --- appraisal rounds ---------------------------------------------------------------------------


def round_create(
    *,
    actor: Actor,
    unit: Unit,
    year: int,
    now: dt.datetime,
    raters: Iterable[Cadre] | None = None,
) -> AppraisalRound:
    """Prepare the appraisal of ``unit``'s active cadres for ``year``. The raters with an account
    are ``raters`` (by default the unit's active cadres who have one); outside raters get links."""
    if not ethos_may_organise(actor):
        raise NotAllowed(ORGDEPT_ONLY)
    errors: dict[str, list[Any]] = {}
    if not 2000 <= year <= 2100:
        errors["year"] = [_("Give a year between 2000 and 2100.")]
    if AppraisalRound.objects.filter(unit=unit, year=year).exists():
        errors["year"] = [_("This unit already has an appraisal round for this year.")]
    appraisees = list(Cadre.objects.active().filter(unit=unit))
    if not appraisees:
        errors["unit"] = [_("The unit has no active cadres to appraise.")]
    chosen = list(raters) if raters is not None else [c for c in appraisees if c.user_id is not None]
    without_account = [c.name for c in chosen if c.user_id is None or not c.active]
    if without_account:
        errors["raters"] = [
            _("These cadres have no account and cannot rate: %(names)s.") % {"names": "、".join(without_account)}
        ]
    if errors:
        raise InvalidInput(_("The appraisal round cannot be prepared."), errors=errors)
    try:
        with transaction.atomic():
            appraisal = AppraisalRound.objects.create(unit=unit, year=year, status=RoundStatus.DRAFT, created_at=now)
            appraisal.appraisees.set(appraisees)
            Rater.objects.bulk_create([Rater(round=appraisal, user_id=c.user_id) for c in chosen])
            ROUNDS.record(
                appraisal,
                actor=actor,
                verb="create",
                now=now,
                to_state=RoundStatus.DRAFT,
                data={"appraisees": len(appraisees), "raters": len(chosen)},
            )
    except IntegrityError as exc:
        raise InvalidInput(
            _("The appraisal round cannot be prepared."),
            errors={"year": [_("This unit already has an appraisal round for this year.")]},
        ) from exc
    return appraisal


def round_open(*, actor: Actor, round: AppraisalRound, now: dt.datetime) -> AppraisalRound:
    with ROUNDS.step("open", actor=actor, obj=round, now=now) as step:
        step.save(opened_at=now)
    return step.obj


def round_close(*, actor: Actor, round: AppraisalRound, now: dt.datetime) -> AppraisalRound:
    """Close the round and cut every receipt's link to its ballot, in the same transaction: from
    now on nothing joins a ballot to its rater."""
    with ROUNDS.step("close", actor=actor, obj=round, now=now) as step:
        BallotReceipt.objects.filter(rater__round=step.obj).update(ballot=None)
        step.save(closed_at=now, data={"ballots": step.obj.ballots.count()})
    return step.obj


def round_issue_links(*, actor: Actor, round: AppraisalRound, count: int, now: dt.datetime) -> list[str]:
    """``count`` one-time rating tokens for outside raters. Only their digests are kept: the tokens
    are shown once, here."""
    if not ethos_may_organise(actor):
        raise NotAllowed(ORGDEPT_ONLY)
    if not 1 <= count <= MAX_LINKS:
        raise InvalidInput(
            _("The links cannot be issued."),
            errors={"count": [_("Ask for between 1 and %(max)d links.") % {"max": MAX_LINKS}]},
        )
    with transaction.atomic():
        locked = AppraisalRound.objects.select_for_update().get(pk=round.pk)
        if locked.status == RoundStatus.CLOSED:
            raise TransitionError(_("The appraisal round is closed; no more links can be issued."))
        tokens = [secrets.token_urlsafe(24) for _i in range(count)]
        Rater.objects.bulk_create([Rater(round=locked, token_hash=token_digest(t)) for t in tokens])
        ROUNDS.record(locked, actor=actor, verb="links", now=now, data={"count": count})
    return tokens


def rater_for_token(token: str) -> Rater | None:
    if not token or len(token) > 64:
        return None
    return Rater.objects.select_related("round__unit").filter(token_hash=token_digest(token)).first()


def _check_grades(grades: Any) -> dict[str, str]:
    codes = list(Ethos.objects.values_list("code", flat=True))
    if not isinstance(grades, Mapping):
        raise InvalidInput(BALLOT_INVALID, errors={"grades": [_("Give a grade for each of the eight ethos.")]})
    problems: list[Any] = []
    unknown = [str(code) for code in grades if code not in codes]
    if unknown:
        problems.append(_("Unknown ethos: %(code)s.") % {"code": ", ".join(unknown)})
    missing = [code for code in codes if code not in grades]
    if missing:
        problems.append(_("Grade every ethos; missing: %(codes)s.") % {"codes": ", ".join(missing)})
    bad = sorted({str(value) for value in grades.values() if value not in Grade.values})
    if bad:
        problems.append(
            _("Unknown grade: %(grades)s (use excellent, good, fair or poor).") % {"grades": ", ".join(bad)}
        )
    if problems:
        raise InvalidInput(BALLOT_INVALID, errors={"grades": problems})
    return {code: str(grades[code]) for code in codes}


def _cast(*, rater: Rater, round: AppraisalRound, cadre: Cadre, grades: Any, may_change: bool) -> Ballot:
    """Under the round's lock (taken by the caller): record or change ``rater``'s ballot on ``cadre``."""
    if round.status != RoundStatus.OPEN:
        raise TransitionError(
            _("The appraisal round is %(status)s: ballots are taken only while it is open.")
            % {"status": round.get_status_display()}
        )
    if not round.appraisees.filter(pk=cadre.pk).exists():
        raise InvalidInput(BALLOT_INVALID, errors={"cadre": [NOT_IN_ROUND]})
    checked = _check_grades(grades)
    receipt = BallotReceipt.objects.select_for_update().filter(rater=rater, cadre=cadre).first()
    if receipt is not None:
        if not may_change or receipt.ballot_id is None:
            raise TransitionError(_("This cadre has already been rated with this link; a link rates each cadre once."))
        ballot = Ballot.objects.get(pk=receipt.ballot_id)
        ballot.grades = checked
        ballot.save(update_fields=["grades"])
        return ballot
    ballot = Ballot.objects.create(round=round, cadre=cadre, grades=checked)
    BallotReceipt.objects.create(rater=rater, cadre=cadre, ballot=ballot)
    return ballot


def _user_id(actor: Actor) -> int:
    """The actor's user id, or 0 (which no user has) for the system or an anonymous visitor."""
    return int(getattr(actor, "pk", None) or 0)


def ballot_cast(*, actor: Actor, round: AppraisalRound, cadre: Cadre, grades: Any, now: dt.datetime) -> Ballot:
    """A rater with an account grades each ethos of one cadre; he may change it while the round is
    open. Nobody rates himself."""
    with transaction.atomic():
        locked = AppraisalRound.objects.select_for_update().get(pk=round.pk)
        rater = Rater.objects.filter(round=locked, user_id=_user_id(actor)).first()
        if rater is None:
            raise NotAllowed(_("You are not a rater in this appraisal round."))
        own = roles.cadre_of(actor)
        if own is not None and own.pk == cadre.pk:
            raise NotAllowed(_("Nobody rates himself."))
        return _cast(rater=rater, round=locked, cadre=cadre, grades=grades, may_change=True)


def ballot_cast_by_token(*, token: str, cadre_id: Any, grades: Any, now: dt.datetime) -> Ballot:
    """An outside rater's ballot through his one-time link: one ballot per cadre, never changed."""
    rater = rater_for_token(token)
    if rater is None:
        raise NotAllowed(LINK_INVALID)
    with transaction.atomic():
        locked = AppraisalRound.objects.select_for_update().get(pk=rater.round_id)
        cadre = Cadre.objects.filter(pk=cadre_id).first() if str(cadre_id).isdigit() else None
        if cadre is None:
            raise InvalidInput(BALLOT_INVALID, errors={"cadre": [NOT_IN_ROUND]})
        return _cast(rater=rater, round=locked, cadre=cadre, grades=grades, may_change=False)


def ballots_of(*, actor: Actor, round: AppraisalRound) -> dict[int, dict[str, str]]:
    """The caller's own grades in an open round, by cadre id (to change them); nothing once it is
    closed, when the link is gone."""
    receipts = BallotReceipt.objects.filter(
        rater__round=round, rater__user_id=_user_id(actor), ballot__isnull=False
    ).select_related("ballot")
    return {r.cadre_id: dict(r.ballot.grades) for r in receipts if r.ballot is not None}


def rated_by_token(*, rater: Rater) -> set[int]:
    return set(BallotReceipt.objects.filter(rater=rater).values_list("cadre_id", flat=True))
