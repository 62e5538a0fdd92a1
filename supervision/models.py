"""Accountability cases (the Party's 2019 Accountability Regulations)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from complaints.models import ComplaintRecusal
from workstyle import roles
from workstyle.models import EventBase, ThroughParentQuerySet


class AccountabilityCaseQuerySet(models.QuerySet["AccountabilityCase"]):
    def visible_to(self, user: Any) -> AccountabilityCaseQuerySet:
        """Cases are the discipline office's business; the organization department reads them to
        know about cadres; nobody else sees them. Nobody sees a case held against himself, nor one
        about a complaint he is recused from (it would tell him the complaint exists)."""
        if not roles.sees_whole_organisation(user):
            return self.none()
        cadre = roles.cadre_of(user)
        if cadre is None:
            return self
        return (
            self.exclude(subject_cadre=cadre)
            .exclude(complaint__accused_cadre=cadre)
            .exclude(complaint_id__in=ComplaintRecusal.objects.filter(cadre=cadre).values("complaint_id"))
        )


class AccountabilityCase(models.Model):
    class Source(models.TextChoices):
        COMPLAINT_ESCALATION = "complaint_escalation", _("Complaint escalation")
        MEETING = "meeting", _("Democratic life meeting")
        INSPECTION = "inspection", _("Inspection")
        AUDIT = "audit", _("Audit")
        LETTER = "letter", _("Letter")
        OTHER = "other", _("Other")

    class Status(models.TextChoices):
        OPENED = "opened", _("Opened")
        INVESTIGATING = "investigating", _("Investigating")
        DECIDED = "decided", _("Decided")
        CLOSED = "closed", _("Closed")

    class Form(models.TextChoices):
        """Forms of accountability (2019 Regulations art. 8)."""

        # for party organizations
        INSPECTION = "inspection", _("Inspection (organization)")
        CIRCULATED_CRITICISM_ORG = "circulated_criticism_org", _("Circulated criticism (organization)")
        REORGANIZATION = "reorganization", _("Reorganization")
        # for leading cadres
        CIRCULATED_CRITICISM = "circulated_criticism", _("Circulated criticism")
        ADMONISHMENT = "admonishment", _("Admonishment")
        SUSPENSION = "suspension", _("Suspension for inspection")
        TRANSFER = "transfer", _("Transfer")
        ORDERED_RESIGNATION = "ordered_resignation", _("Ordered resignation")
        DEMOTION = "demotion", _("Demotion")
        DISMISSAL = "dismissal", _("Dismissal")
        DISCIPLINARY_SANCTION = "disciplinary_sanction", _("Disciplinary sanction")

    source = models.CharField(_("source"), max_length=32, choices=Source.choices)
    subject_cadre = models.ForeignKey(
        "cadres.Cadre",
        verbose_name=_("cadre held accountable"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="accountability_cases",
    )
    subject_unit = models.ForeignKey(
        "cadres.Unit",
        verbose_name=_("party organization held accountable"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="accountability_cases",
    )
    complaint = models.ForeignKey(
        "complaints.Complaint",
        verbose_name=_("complaint"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="accountability_cases",
    )
    # The item whose escalation on the deadline ladder opened the case, of whatever kind (a
    # complaint also keeps its ``complaint`` link, which clients of the API rely on).
    escalated_type = models.ForeignKey(
        ContentType,
        verbose_name=_("type of the escalated item"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    escalated_id = models.PositiveBigIntegerField(_("id of the escalated item"), null=True, blank=True)
    escalated_item = GenericForeignKey("escalated_type", "escalated_id")
    allegation = models.TextField(_("allegation"))
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.OPENED)
    opened_at = models.DateTimeField(_("opened"), db_index=True)
    decision_forms = models.JSONField(_("forms of accountability"), default=list, blank=True)
    decision_date = models.DateField(_("decision date"), null=True, blank=True)
    decision_text = models.TextField(_("decision"), blank=True, default="")
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)

    objects = AccountabilityCaseQuerySet.as_manager()

    class Meta:
        ordering = ("-opened_at", "-id")
        verbose_name = _("accountability case")
        verbose_name_plural = _("accountability cases")
        constraints = [
            # Exactly one procrastination case per escalated complaint, however often the sweep runs.
            models.UniqueConstraint(
                fields=["complaint"],
                condition=Q(source="complaint_escalation"),
                name="one_escalation_case_per_complaint",
            ),
            # At most one escalation case per item of any kind, however often the sweep runs.
            models.UniqueConstraint(fields=["escalated_type", "escalated_id"], name="one_escalation_case_per_item"),
            models.CheckConstraint(
                condition=Q(escalated_type__isnull=True, escalated_id__isnull=True)
                | Q(escalated_type__isnull=False, escalated_id__isnull=False),
                name="escalated_item_complete",
            ),
            models.CheckConstraint(
                condition=Q(subject_cadre__isnull=False) | Q(subject_unit__isnull=False), name="case_has_subject"
            ),
            models.CheckConstraint(
                condition=~Q(source="complaint_escalation") | Q(complaint__isnull=False),
                name="escalation_case_links_complaint",
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.subject_cadre or self.subject_unit}"


class CaseEvent(EventBase):
    """One entry of a case's timeline; verbs and their labels come from
    ``supervision.transitions.CASES``."""

    case = models.ForeignKey(
        AccountabilityCase, on_delete=models.PROTECT, related_name="events", verbose_name=_("accountability case")
    )

    VISIBLE_THROUGH = "case"
    objects = ThroughParentQuerySet.as_manager()

    class Meta(EventBase.Meta):
        verbose_name = _("case event")
        verbose_name_plural = _("case events")


class ConversationQuerySet(models.QuerySet["Conversation"]):
    def visible_to(self, user: Any) -> ConversationQuerySet:
        """The discipline office and the organization department see the conversations held with
        cadres, except one held with themselves; a cadre sees those held with him."""
        cadre = roles.cadre_of(user)
        if roles.sees_whole_organisation(user):
            return self.exclude(cadre=cadre) if cadre is not None else self
        if cadre is None:
            return self.none()
        return self.filter(cadre=cadre)


class Conversation(models.Model):
    """An admonishing or reminding conversation the discipline office held with a cadre (谈话提醒、
    诫勉谈话): e.g. with one whom the democratic appraisal flagged."""

    class Kind(models.TextChoices):
        ADMONISHING = "admonishing", _("Admonishing conversation")
        REMINDING = "reminding", _("Reminding conversation")

    cadre = models.ForeignKey(
        "cadres.Cadre", verbose_name=_("cadre"), on_delete=models.PROTECT, related_name="conversations"
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    held_on = models.DateField(_("held on"))
    held_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("held by"), on_delete=models.PROTECT, related_name="+"
    )
    reason = models.TextField(_("reason"))
    outcome = models.TextField(_("outcome"), blank=True, default="")
    recorded_at = models.DateTimeField(_("recorded"))

    objects = ConversationQuerySet.as_manager()

    class Meta:
        ordering = ("-held_on", "-id")
        verbose_name = _("conversation")
        verbose_name_plural = _("conversations")

    def __str__(self) -> str:
        return f"{self.cadre.name} · {self.held_on}"


# --- Public notices: exposures of decided cases, advanced models ------------------------------------


class NoticeQuerySet(models.QuerySet["Notice"]):
    def published(self) -> NoticeQuerySet:
        """What the public reads: published and not withdrawn."""
        return self.filter(status=Notice.Status.PUBLISHED)

    def visible_to(self, user: Any) -> NoticeQuerySet:
        """The discipline office and the organization department see every notice, drafts and
        withdrawn ones included, except the unpublished ones about a case held against themselves;
        everybody else on the workbench sees what the public sees (the public pages read
        ``published()`` themselves)."""
        if not roles.sees_whole_organisation(user):
            return self.published() if roles.is_staff_user(user) else self.none()
        cadre = roles.cadre_of(user)
        if cadre is None:
            return self
        return self.exclude(Q(case__subject_cadre=cadre) & ~Q(status=Notice.Status.PUBLISHED))


class Notice(models.Model):
    """A public notice: the exposure of a decided accountability case, or an advanced model."""

    class Kind(models.TextChoices):
        EXPOSURE = "exposure", _("Exposure")
        MODEL = "model", _("Advanced model")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=200)
    # Plain text: pages escape it and keep its line breaks; no markup is ever rendered from it.
    body = models.TextField(_("text"))
    unit = models.ForeignKey(
        "cadres.Unit", verbose_name=_("unit"), null=True, blank=True, on_delete=models.PROTECT, related_name="notices"
    )
    # The cadre a role-model notice praises (an exposure names the case's subject instead).
    cadre = models.ForeignKey(
        "cadres.Cadre",
        verbose_name=_("cadre"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="notices",
    )
    case = models.ForeignKey(
        AccountabilityCase,
        verbose_name=_("accountability case"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="notices",
    )
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.DRAFT)
    published_on = models.DateField(_("published on"), null=True, blank=True, db_index=True)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)
    withdraw_reason = models.TextField(_("reason for withdrawal"), blank=True, default="")
    created_at = models.DateTimeField(_("created"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("created by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = NoticeQuerySet.as_manager()

    class Meta:
        ordering = ("-published_on", "-created_at", "-id")
        verbose_name = _("notice")
        verbose_name_plural = _("notices")
        constraints = [
            models.CheckConstraint(
                condition=(Q(kind="exposure") & Q(case__isnull=False)) | (Q(kind="model") & Q(case__isnull=True)),
                name="notice_exposure_has_case",
            ),
            models.CheckConstraint(
                condition=Q(status="draft") | Q(published_on__isnull=False, published_at__isnull=False),
                name="notice_published_has_date",
            ),
            models.CheckConstraint(
                condition=~Q(status="withdrawn") | ~Q(withdraw_reason=""), name="notice_withdrawn_has_reason"
            ),
            # One exposure of a case on record at a time (a withdrawn one may be followed by another).
            models.UniqueConstraint(
                fields=["case"], condition=~Q(status="withdrawn"), name="one_live_exposure_per_case"
            ),
        ]

    def __str__(self) -> str:
        return self.title


class NoticeEvent(EventBase):
    """One entry of a notice's timeline; verbs from ``supervision.transitions.NOTICES``."""

    notice = models.ForeignKey(Notice, on_delete=models.PROTECT, related_name="events", verbose_name=_("notice"))

    VISIBLE_THROUGH = "notice"
    objects = ThroughParentQuerySet.as_manager()

    class Meta(EventBase.Meta):
        verbose_name = _("notice event")
        verbose_name_plural = _("notice events")
