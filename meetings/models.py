"""Democratic life meetings of the leading groups (Opinions III 1): the special meeting on work style
with its minutes and the problems it found, the special report to the discipline commission and the
organization department, and the rectification list."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from cadres.models import Unit
from workstyle import roles
from workstyle.models import EventBase, ThroughParentQuerySet

# The theme the policy sets for the meeting (Opinions III 1).
DEFAULT_THEME = "作风建设"


def _headed_unit_ids(cadre: Any) -> set[int]:
    ids: set[int] = set()
    for unit in Unit.objects.filter(head=cadre, active=True):
        ids |= unit.subtree_ids()
    return ids


class MeetingQuerySet(models.QuerySet["Meeting"]):
    def visible_to(self, user: Any) -> MeetingQuerySet:
        """A unit's own people see its meetings: its head (and the heads of the units above it), the
        secretary he names, the cadres who attended. The discipline office and the organization
        department see a report once it has been submitted to them, and any meeting they sent an
        observer to; the discipline office also sees what the deadline ladder escalated to it. A
        cadre answerable for one rectification item sees that item (``RectificationItem``), not
        the meeting's minutes."""
        if getattr(user, "is_superuser", False):
            return self
        if not getattr(user, "is_authenticated", False):
            return self.none()
        condition = Q(pk__in=[])
        if roles.is_discipline(user) or roles.is_orgdept(user):
            condition |= Q(report__submitted_at__isnull=False) | Q(observers=user)
        if roles.is_discipline(user):
            condition |= Q(report__escalation_level__gte=2) | Q(items__escalation_level__gte=2)
        cadre = roles.cadre_of(user)
        if cadre is not None:
            condition |= Q(unit__secretary__cadre=cadre) | Q(attendees=cadre)
            headed = _headed_unit_ids(cadre)
            if headed:
                condition |= Q(unit_id__in=headed)
        # One row per meeting whatever the joins matched.
        return self.filter(pk__in=Meeting.objects.filter(condition).values("pk"))


class Meeting(models.Model):
    """A leading group's special democratic life meeting on work style."""

    unit = models.ForeignKey(Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="meetings")
    held_on = models.DateField(_("held on"))
    theme = models.CharField(_("theme"), max_length=200, default=DEFAULT_THEME)
    attendees = models.ManyToManyField(
        "cadres.Cadre", verbose_name=_("attendees"), related_name="meetings_attended", blank=True
    )
    observers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("observers"), related_name="meetings_observed", blank=True
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"))
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = MeetingQuerySet.as_manager()

    class Meta:
        ordering = ("-held_on", "-id")
        verbose_name = _("democratic life meeting")
        verbose_name_plural = _("democratic life meetings")
        indexes = [models.Index(fields=["unit", "held_on"], name="meeting_unit_held_on")]

    def __str__(self) -> str:
        return f"{self.unit.name} {self.held_on:%Y-%m-%d}"


class UnitSecretaryQuerySet(models.QuerySet["UnitSecretary"]):
    def visible_to(self, user: Any) -> UnitSecretaryQuerySet:
        """Seen with the unit."""
        return self.filter(unit__in=Unit.objects.visible_to(user))


class UnitSecretary(models.Model):
    """The cadre a unit's head names to file the unit's meetings and reports for him."""

    unit = models.OneToOneField(Unit, verbose_name=_("unit"), on_delete=models.CASCADE, related_name="secretary")
    cadre = models.ForeignKey(
        "cadres.Cadre", verbose_name=_("secretary"), on_delete=models.PROTECT, related_name="secretary_of"
    )
    named_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("named by"), null=True, on_delete=models.PROTECT, related_name="+"
    )
    named_at = models.DateTimeField(_("named"))

    objects = UnitSecretaryQuerySet.as_manager()

    class Meta:
        verbose_name = _("meeting secretary")
        verbose_name_plural = _("meeting secretaries")

    def __str__(self) -> str:
        return f"{self.unit.name}: {self.cadre.name}"


class MinutesEntry(models.Model):
    """The minutes of one attendee: his self-criticism and the criticism he received."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="minutes", verbose_name=_("meeting"))
    cadre = models.ForeignKey("cadres.Cadre", verbose_name=_("attendee"), on_delete=models.PROTECT, related_name="+")
    self_criticism = models.TextField(_("self-criticism"), blank=True, default="")
    criticism_received = models.TextField(_("criticism received"), blank=True, default="")

    VISIBLE_THROUGH = "meeting"
    objects = ThroughParentQuerySet.as_manager()

    class Meta:
        ordering = ("meeting", "cadre__staff_number")
        verbose_name = _("minutes")
        verbose_name_plural = _("minutes")
        constraints = [models.UniqueConstraint(fields=["meeting", "cadre"], name="one_minutes_entry_per_attendee")]

    def __str__(self) -> str:
        return f"{self.meeting}: {self.cadre.name}"


class Problem(models.Model):
    """A problem of work style the meeting found, tagged with the ethos it offends."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="problems", verbose_name=_("meeting"))
    text = models.TextField(_("problem"))
    # Which of the eight ethos (Opinions II(3)1) the problem offends, by its code.
    ethos = models.ForeignKey(
        "cadres.Ethos",
        verbose_name=_("ethos"),
        to_field="code",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    cadre = models.ForeignKey(
        "cadres.Cadre",
        verbose_name=_("cadre concerned"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("recorded"))

    VISIBLE_THROUGH = "meeting"
    objects = ThroughParentQuerySet.as_manager()

    class Meta:
        ordering = ("meeting", "id")
        verbose_name = _("problem found")
        verbose_name_plural = _("problems found")

    def __str__(self) -> str:
        return self.text[:60]


class MeetingReport(models.Model):
    """The special report on the meeting to the discipline commission and the organization
    department, created with its meeting."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        ACCEPTED = "accepted", _("Accepted")
        RETURNED = "returned", _("Returned for revision")

    # The report is owed while it is a draft or back with the unit for revision.
    DEADLINES: ClassVar[Mapping[str, str]] = MappingProxyType({Status.DRAFT: "due_at", Status.RETURNED: "due_at"})

    meeting = models.OneToOneField(Meeting, on_delete=models.CASCADE, related_name="report", verbose_name=_("meeting"))
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.DRAFT)
    summary = models.TextField(_("report text"), blank=True, default="")
    due_at = models.DateTimeField(_("due"))
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)
    return_reason = models.TextField(_("reasons for return"), blank=True, default="")
    escalation_level = models.PositiveSmallIntegerField(_("escalation level"), default=0)
    escalated_at = models.DateTimeField(_("escalated"), null=True, blank=True)
    reminded_for = models.DateTimeField(_("reminded for deadline"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    VISIBLE_THROUGH = "meeting"
    objects = ThroughParentQuerySet.as_manager()

    class Meta:
        ordering = ("-meeting__held_on", "-id")
        verbose_name = _("meeting report")
        verbose_name_plural = _("meeting reports")
        indexes = [models.Index(fields=["status", "due_at"], name="meeting_report_status_due")]
        constraints = [
            models.CheckConstraint(
                condition=Q(escalation_level__gte=0, escalation_level__lte=2), name="meeting_report_level_range"
            ),
            models.CheckConstraint(
                condition=Q(status="draft") | Q(submitted_at__isnull=False), name="meeting_report_submitted_at"
            ),
            models.CheckConstraint(
                condition=~Q(status="accepted") | Q(accepted_at__isnull=False), name="meeting_report_accepted_at"
            ),
        ]

    def __str__(self) -> str:
        return str(self.meeting)


class MeetingReportEvent(EventBase):
    """One entry of a report's timeline (the meeting's changes included)."""

    report = models.ForeignKey(MeetingReport, on_delete=models.PROTECT, related_name="events", verbose_name=_("report"))

    VISIBLE_THROUGH = "report"
    objects = ThroughParentQuerySet.as_manager()

    class Meta(EventBase.Meta):
        verbose_name = _("report event")
        verbose_name_plural = _("report events")


class RectificationItemQuerySet(models.QuerySet["RectificationItem"]):
    def visible_to(self, user: Any) -> RectificationItemQuerySet:
        """The items of the meetings the user sees, and the items he is answerable for."""
        condition = Q(meeting__in=Meeting.objects.visible_to(user))
        cadre = roles.cadre_of(user)
        if cadre is not None:
            condition |= Q(responsible=cadre)
        return self.filter(condition)


class RectificationItem(models.Model):
    """One measure of the rectification list: a problem the meeting found, what is done about it,
    by whom and by when."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        DONE = "done", _("Done")
        VERIFIED = "verified", _("Verified")

    DEADLINES: ClassVar[Mapping[str, str]] = MappingProxyType({Status.OPEN: "due_at"})

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="items", verbose_name=_("meeting"))
    problem = models.ForeignKey(Problem, verbose_name=_("problem"), on_delete=models.PROTECT, related_name="items")
    measure = models.TextField(_("measure"))
    responsible = models.ForeignKey(
        "cadres.Cadre", verbose_name=_("responsible cadre"), on_delete=models.PROTECT, related_name="rectifications"
    )
    deadline = models.DateField(_("deadline"))
    # The end of the deadline's local day: what the deadline ladder compares with the time.
    due_at = models.DateTimeField(_("due"))
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.OPEN)
    evidence = models.TextField(_("evidence"), blank=True, default="")
    done_at = models.DateTimeField(_("done"), null=True, blank=True)
    verified_at = models.DateTimeField(_("verified"), null=True, blank=True)
    escalation_level = models.PositiveSmallIntegerField(_("escalation level"), default=0)
    escalated_at = models.DateTimeField(_("escalated"), null=True, blank=True)
    reminded_for = models.DateTimeField(_("reminded for deadline"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"))
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = RectificationItemQuerySet.as_manager()

    class Meta:
        ordering = ("meeting", "deadline", "id")
        verbose_name = _("rectification item")
        verbose_name_plural = _("rectification items")
        indexes = [models.Index(fields=["status", "due_at"], name="rectification_status_due")]
        constraints = [
            models.CheckConstraint(
                condition=Q(escalation_level__gte=0, escalation_level__lte=2), name="rectification_level_range"
            ),
            models.CheckConstraint(condition=Q(status="open") | Q(done_at__isnull=False), name="rectification_done_at"),
        ]

    def __str__(self) -> str:
        return self.measure[:60]


class RectificationEvent(EventBase):
    item = models.ForeignKey(
        RectificationItem, on_delete=models.PROTECT, related_name="events", verbose_name=_("rectification item")
    )

    VISIBLE_THROUGH = "item"
    objects = ThroughParentQuerySet.as_manager()

    class Meta(EventBase.Meta):
        verbose_name = _("rectification event")
        verbose_name_plural = _("rectification events")


class RectificationAttachment(models.Model):
    """Evidence of a rectification done: PDF, JPEG, PNG or DOCX (checked by content), stored under a
    random name and served only to those who see the item."""

    item = models.ForeignKey(
        RectificationItem, on_delete=models.PROTECT, related_name="attachments", verbose_name=_("rectification item")
    )
    file = models.FileField(_("file"), upload_to="rectifications/%Y/%m/")
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("type"), max_length=100)
    size = models.PositiveIntegerField(_("size"))
    uploaded_at = models.DateTimeField(_("uploaded"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"), null=True, on_delete=models.PROTECT, related_name="+"
    )

    VISIBLE_THROUGH = "item"
    objects = ThroughParentQuerySet.as_manager()

    class Meta:
        ordering = ("id",)
        verbose_name = _("rectification attachment")
        verbose_name_plural = _("rectification attachments")

    def __str__(self) -> str:
        return self.original_name
