"""The eight ethos put to work (Opinions II(3); Opinions III 2): the yearly commitment every cadre
signs, a pledge per ethos, and the democratic appraisal in which raters grade each ethos of each
cadre of a unit.

Ballots are secret. A rater's ``BallotReceipt`` (he rated this cadre in this round) and the
``Ballot`` (the grades) are separate rows: the receipt points at the ballot only while the round is
open, so that the rater can change his grades, and closing the round cuts that link. Ballots carry
no timestamps and random keys, so that nothing orders or dates them against the receipts."""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from cadres.models import Cadre
from workstyle import roles
from workstyle.models import EventBase, ThroughParentQuerySet


class Grade(models.TextChoices):
    EXCELLENT = "excellent", _("Excellent")
    GOOD = "good", _("Good")
    FAIR = "fair", _("Fair")
    POOR = "poor", _("Poor")


# --- commitments ----------------------------------------------------------------------------------


class CommitmentYearQuerySet(models.QuerySet["CommitmentYear"]):
    def visible_to(self, user: Any) -> CommitmentYearQuerySet:
        """Every user of the workbench knows which years are open for commitments."""
        return self if roles.is_staff_user(user) else self.none()


class CommitmentYear(models.Model):
    """A year for which the organization department asks every active cadre for a commitment."""

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    # Signing is due by the end of this local day.
    deadline = models.DateField(_("deadline"))
    opened_at = models.DateTimeField(_("opened"))
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("opened by"), null=True, on_delete=models.PROTECT, related_name="+"
    )

    objects = CommitmentYearQuerySet.as_manager()

    class Meta:
        ordering = ("-year",)
        verbose_name = _("commitment year")
        verbose_name_plural = _("commitment years")
        constraints = [
            models.CheckConstraint(condition=Q(year__gte=2000, year__lte=2100), name="commitment_year_range")
        ]

    def __str__(self) -> str:
        return str(self.year)


class CommitmentQuerySet(models.QuerySet["Commitment"]):
    def visible_to(self, user: Any) -> CommitmentQuerySet:
        """The organization department and the discipline office see every commitment; a cadre his
        own; a department head those of his department; a unit head those of his unit and the units
        below it."""
        if roles.sees_whole_organisation(user):
            return self
        cadre = roles.cadre_of(user)
        if cadre is None:
            return self.none()
        condition = Q(cadre=cadre) | Q(cadre__department__head=cadre)
        headed: set[int] = set()
        for unit in cadre.headed_units.all():
            headed |= unit.subtree_ids()
        if headed:
            condition |= Q(cadre__unit_id__in=headed)
        return self.filter(condition)


class Commitment(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SIGNED = "signed", _("Signed")
        REVIEWED = "reviewed", _("Reviewed")
        RETURNED = "returned", _("Returned for amendment")

    cadre = models.ForeignKey(Cadre, verbose_name=_("cadre"), on_delete=models.PROTECT, related_name="commitments")
    year = models.ForeignKey(
        CommitmentYear, verbose_name=_("year"), on_delete=models.PROTECT, related_name="commitments"
    )
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.DRAFT)
    created_at = models.DateTimeField(_("created"))
    updated_at = models.DateTimeField(_("updated"))
    signed_at = models.DateTimeField(_("signed"), null=True, blank=True)
    reviewed_at = models.DateTimeField(_("reviewed"), null=True, blank=True)
    review_comment = models.TextField(_("review comment"), blank=True, default="")
    return_reason = models.TextField(_("reason for return"), blank=True, default="")

    objects = CommitmentQuerySet.as_manager()

    class Meta:
        ordering = ("-year__year", "cadre__staff_number")
        verbose_name = _("commitment")
        verbose_name_plural = _("commitments")
        constraints = [
            models.UniqueConstraint(fields=["cadre", "year"], name="one_commitment_per_cadre_and_year"),
            models.CheckConstraint(
                condition=Q(status__in=["draft", "returned"]) | Q(signed_at__isnull=False),
                name="signed_commitment_has_signed_at",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.cadre.name} · {self.year.year}"

    @property
    def frozen(self) -> bool:
        return self.status in (self.Status.SIGNED, self.Status.REVIEWED)


class Pledge(models.Model):
    """A cadre's concrete pledge on one ethos, in one commitment."""

    commitment = models.ForeignKey(
        Commitment, on_delete=models.CASCADE, related_name="pledges", verbose_name=_("commitment")
    )
    ethos = models.ForeignKey("cadres.Ethos", verbose_name=_("ethos"), on_delete=models.PROTECT, related_name="+")
    text = models.TextField(_("pledge"))

    VISIBLE_THROUGH = "commitment"
    objects = ThroughParentQuerySet.as_manager()

    class Meta:
        ordering = ("ethos__order",)
        verbose_name = _("pledge")
        verbose_name_plural = _("pledges")
        constraints = [models.UniqueConstraint(fields=["commitment", "ethos"], name="one_pledge_per_ethos")]

    def __str__(self) -> str:
        return self.text[:40]


class CommitmentEvent(EventBase):
    """One entry of a commitment's timeline; verbs and labels from ``ethos.transitions.COMMITMENTS``."""

    commitment = models.ForeignKey(
        Commitment, on_delete=models.PROTECT, related_name="events", verbose_name=_("commitment")
    )

    VISIBLE_THROUGH = "commitment"
    objects = ThroughParentQuerySet.as_manager()

    class Meta(EventBase.Meta):
        verbose_name = _("commitment event")
        verbose_name_plural = _("commitment events")


class CommitmentReminder(models.Model):
    """That a cadre with no signed commitment was reminded (or his head told) at one stage of a
    year: the record that makes each reminder happen once."""

    class Stage(models.TextChoices):
        BEFORE = "before", _("Seven days before the deadline")
        DUE = "due", _("On the deadline")
        HEAD = "head", _("After the deadline, to the head")

    year = models.ForeignKey(CommitmentYear, on_delete=models.CASCADE, related_name="reminders", verbose_name=_("year"))
    cadre = models.ForeignKey(Cadre, on_delete=models.CASCADE, related_name="+", verbose_name=_("cadre"))
    stage = models.CharField(max_length=8, choices=Stage.choices, verbose_name=_("stage"))
    sent_at = models.DateTimeField(verbose_name=_("sent"))

    class Meta:
        verbose_name = _("commitment reminder")
        verbose_name_plural = _("commitment reminders")
        constraints = [
            models.UniqueConstraint(fields=["year", "cadre", "stage"], name="one_commitment_reminder_per_stage")
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.cadre_id} {self.stage}"


# --- democratic appraisal -----------------------------------------------------------------------


class AppraisalRoundQuerySet(models.QuerySet["AppraisalRound"]):
    def visible_to(self, user: Any) -> AppraisalRoundQuerySet:
        """The organization department and the discipline office see every round; a cadre the
        rounds he rates in or is appraised in."""
        if roles.sees_whole_organisation(user):
            return self
        cadre = roles.cadre_of(user)
        if cadre is None:
            return self.none()
        return self.filter(Q(raters__user=user) | Q(appraisees=cadre)).distinct()


class AppraisalRound(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Being prepared")
        OPEN = "open", _("Open for rating")
        CLOSED = "closed", pgettext_lazy("appraisal round", "Closed")

    unit = models.ForeignKey(
        "cadres.Unit", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="appraisal_rounds"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    status = models.CharField(_("status"), max_length=8, choices=Status.choices, default=Status.DRAFT)
    appraisees = models.ManyToManyField(Cadre, verbose_name=_("cadres appraised"), related_name="appraisal_rounds")
    created_at = models.DateTimeField(_("created"))
    opened_at = models.DateTimeField(_("opened"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)

    objects = AppraisalRoundQuerySet.as_manager()

    class Meta:
        ordering = ("-year", "unit__code")
        verbose_name = _("appraisal round")
        verbose_name_plural = _("appraisal rounds")
        constraints = [models.UniqueConstraint(fields=["unit", "year"], name="one_appraisal_round_per_unit_and_year")]

    def __str__(self) -> str:
        return f"{self.unit.name} · {self.year}"


class AppraisalRoundEvent(EventBase):
    round = models.ForeignKey(AppraisalRound, on_delete=models.PROTECT, related_name="events", verbose_name=_("round"))

    VISIBLE_THROUGH = "round"
    objects = ThroughParentQuerySet.as_manager()

    class Meta(EventBase.Meta):
        verbose_name = _("appraisal round event")
        verbose_name_plural = _("appraisal round events")


class Rater(models.Model):
    """Someone chosen to rate in a round: a user with an account (one of the unit's cadres), or an
    outside representative holding a one-time link (only the link's digest is kept)."""

    round = models.ForeignKey(AppraisalRound, on_delete=models.CASCADE, related_name="raters", verbose_name=_("round"))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("user"),
    )
    token_hash = models.CharField(max_length=64, null=True, blank=True, unique=True, verbose_name=_("token digest"))

    class Meta:
        verbose_name = _("rater")
        verbose_name_plural = _("raters")
        constraints = [
            models.UniqueConstraint(fields=["round", "user"], name="one_rater_per_user_and_round"),
            models.CheckConstraint(
                condition=Q(user__isnull=False, token_hash__isnull=True)
                | Q(user__isnull=True, token_hash__isnull=False),
                name="rater_is_user_or_link",
            ),
        ]

    def __str__(self) -> str:
        return f"rater #{self.pk}"


class BallotReceipt(models.Model):
    """That a rater has rated a cadre in a round: what keeps him to one ballot per cadre. Points at
    the ballot only while the round is open (closing sets ``ballot`` to NULL); no timestamps."""

    rater = models.ForeignKey(Rater, on_delete=models.CASCADE, related_name="receipts", verbose_name=_("rater"))
    cadre = models.ForeignKey(Cadre, on_delete=models.PROTECT, related_name="+", verbose_name=_("cadre"))
    ballot = models.OneToOneField(
        "Ballot", null=True, blank=True, on_delete=models.SET_NULL, related_name="receipt", verbose_name=_("ballot")
    )

    class Meta:
        verbose_name = _("ballot receipt")
        verbose_name_plural = _("ballot receipts")
        constraints = [models.UniqueConstraint(fields=["rater", "cadre"], name="one_ballot_per_rater_and_cadre")]

    def __str__(self) -> str:
        return f"receipt #{self.pk}"


class Ballot(models.Model):
    """The grades one rater gave one cadre: ``{ethos code: grade}``. No rater, no time, a random
    key."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    round = models.ForeignKey(AppraisalRound, on_delete=models.CASCADE, related_name="ballots", verbose_name=_("round"))
    cadre = models.ForeignKey(Cadre, on_delete=models.PROTECT, related_name="+", verbose_name=_("cadre"))
    grades = models.JSONField(verbose_name=_("grades"))

    class Meta:
        # Listing ballots in a stable order that says nothing about when they were cast.
        ordering = ("id",)
        verbose_name = _("ballot")
        verbose_name_plural = _("ballots")

    def __str__(self) -> str:
        return str(self.id)
