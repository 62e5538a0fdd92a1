"""The organisation: units (a tree), their departments, and the cadres who work in them."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from cadres.access import personal_report_grants
from workstyle import roles
from workstyle.models import EventBase, ThroughParentQuerySet


class UnitQuerySet(models.QuerySet["Unit"]):
    def visible_to(self, user: Any) -> UnitQuerySet:
        """Office-wide staff see every unit; a cadre sees his own unit, and a unit head the units
        below his too."""
        if roles.sees_whole_organisation(user):
            return self
        cadre = roles.cadre_of(user)
        if cadre is None:
            return self.none()
        ids = {cadre.unit_id}
        for unit in Unit.objects.filter(head=cadre):
            ids |= unit.subtree_ids()
        return self.filter(pk__in=ids)


class DepartmentQuerySet(models.QuerySet["Department"]):
    def visible_to(self, user: Any) -> DepartmentQuerySet:
        """Office-wide staff see every department; a cadre the departments of his unit (a unit head,
        of the units below his too)."""
        if roles.sees_whole_organisation(user):
            return self
        return self.filter(unit__in=Unit.objects.visible_to(user))


class CadreQuerySet(models.QuerySet["Cadre"]):
    def visible_to(self, user: Any) -> CadreQuerySet:
        """Office-wide staff see every cadre. A unit head sees the cadres of his unit and the units
        below; a department head those of the departments he heads; every cadre himself and the
        colleagues of his own department."""
        if roles.sees_whole_organisation(user):
            return self
        cadre = roles.cadre_of(user)
        if cadre is None:
            return self.none()
        condition = Q(pk=cadre.pk) | Q(department__head=cadre)
        if cadre.department_id is not None:
            condition |= Q(department_id=cadre.department_id)
        headed_units: set[int] = set()
        for unit in Unit.objects.filter(head=cadre):
            headed_units |= unit.subtree_ids()
        if headed_units:
            condition |= Q(unit_id__in=headed_units)
        return self.filter(condition)

    def active(self) -> CadreQuerySet:
        return self.filter(active=True)


class Unit(models.Model):
    class Kind(models.TextChoices):
        PARTY_ORGAN = "party_organ", _("Party organ")
        GOVERNMENT_ORGAN = "government_organ", _("Government organ")
        NPC_ORGAN = "npc_organ", _("NPC standing committee organ")
        CPPCC_ORGAN = "cppcc_organ", _("CPPCC organ")
        PEOPLES_ORGANIZATION = "peoples_organization", _("People's organization")
        JUDICIAL_ORGAN = "judicial_organ", _("Judicial organ")
        PUBLIC_INSTITUTION = "public_institution", _("Public institution")
        STATE_ENTERPRISE = "state_enterprise", _("State-owned enterprise")
        TOWNSHIP = "township", _("Township / sub-district")

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=120)
    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices)
    parent = models.ForeignKey(
        "self", verbose_name=_("parent unit"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    head = models.ForeignKey(
        "Cadre", verbose_name=_("head"), null=True, blank=True, on_delete=models.SET_NULL, related_name="headed_units"
    )
    active = models.BooleanField(_("active"), default=True)

    objects = UnitQuerySet.as_manager()

    class Meta:
        ordering = ("code",)
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        constraints = [
            models.UniqueConstraint(fields=["parent", "name"], name="unit_name_unique_under_parent"),
            models.CheckConstraint(condition=~Q(parent=models.F("pk")), name="unit_not_own_parent"),
        ]

    def __str__(self) -> str:
        return self.name

    def subtree_ids(self) -> set[int]:
        """This unit and every unit below it (one query per level; unit trees are shallow)."""
        ids = {self.pk}
        frontier = {self.pk}
        while frontier:
            frontier = set(Unit.objects.filter(parent_id__in=frontier).values_list("pk", flat=True)) - ids
            ids |= frontier
        return ids

    def ancestors(self) -> list[Unit]:
        chain: list[Unit] = []
        seen = {self.pk}
        node = self.parent
        while node is not None and node.pk not in seen:
            chain.append(node)
            seen.add(node.pk)
            node = node.parent
        return chain


class Department(models.Model):
    unit = models.ForeignKey(Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="departments")
    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=120)
    head = models.ForeignKey(
        "Cadre",
        verbose_name=_("head"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="headed_departments",
    )
    active = models.BooleanField(_("active"), default=True)

    objects = DepartmentQuerySet.as_manager()

    class Meta:
        ordering = ("unit__code", "code")
        verbose_name = _("department")
        verbose_name_plural = _("departments")
        constraints = [models.UniqueConstraint(fields=["unit", "name"], name="department_name_unique_in_unit")]

    def __str__(self) -> str:
        return f"{self.unit.name} · {self.name}"


class Cadre(models.Model):
    class Rank(models.TextChoices):
        CLERK = "clerk", _("Clerk")
        SECTION_DEPUTY = "section_deputy", _("Deputy section level")
        SECTION = "section", _("Section level")
        DIVISION_DEPUTY = "division_deputy", _("Deputy division level")
        DIVISION = "division", _("Division level")
        BUREAU_DEPUTY = "bureau_deputy", _("Deputy bureau level")
        BUREAU = "bureau", _("Bureau level")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user account"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="cadre",
    )
    staff_number = models.CharField(_("staff number"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=64)
    unit = models.ForeignKey(Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="cadres")
    department = models.ForeignKey(
        Department,
        verbose_name=_("department"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="cadres",
    )
    position = models.CharField(_("position"), max_length=120, blank=True, default="")
    rank = models.CharField(_("rank"), max_length=32, choices=Rank.choices, default=Rank.CLERK)
    is_leading = models.BooleanField(_("leading cadre"), default=False)
    active = models.BooleanField(_("active"), default=True)

    objects = CadreQuerySet.as_manager()

    class Meta:
        ordering = ("staff_number",)
        verbose_name = _("cadre")
        verbose_name_plural = _("cadres")
        indexes = [models.Index(fields=["unit", "department"], name="cadre_unit_department")]

    def __str__(self) -> str:
        return f"{self.name} ({self.staff_number})"


class EthosQuerySet(models.QuerySet["Ethos"]):
    def visible_to(self, user: Any) -> EthosQuerySet:
        """Reference data: everyone reads all eight."""
        return self


class Ethos(models.Model):
    """One of the eight good ethos every cadre is asked to carry forward (Opinions II(3), first to
    eighth): reference data filled by a migration, named and described in both languages."""

    class Code(models.TextChoices):
        """The stable codes clients and other records use, in the policy's order."""

        STUDY = "study"
        PEOPLE = "people"
        PRAGMATISM = "pragmatism"
        FRUGALITY = "frugality"
        DISCIPLINE = "discipline"
        DEMOCRACY = "democracy"
        INTEGRITY = "integrity"
        DECENCY = "decency"

    code = models.CharField(_("code"), max_length=20, unique=True)
    order = models.PositiveSmallIntegerField(_("order"), unique=True)
    name_zh = models.CharField(_("name (Chinese)"), max_length=40)
    name_en = models.CharField(_("name (English)"), max_length=120)
    description_zh = models.TextField(_("description (Chinese)"))
    description_en = models.TextField(_("description (English)"))

    objects = EthosQuerySet.as_manager()

    class Meta:
        ordering = ("order",)
        verbose_name = _("ethos")
        verbose_name_plural = _("ethos")
        constraints = [
            models.CheckConstraint(condition=Q(order__gte=1, order__lte=8), name="ethos_order_one_to_eight"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return self.name_en if _speaks_english() else self.name_zh

    @property
    def description(self) -> str:
        return self.description_en if _speaks_english() else self.description_zh


def _speaks_english() -> bool:
    """The active language is English; anything else (the default included) reads Chinese."""
    return (get_language() or "").startswith("en")


# --- The cadre's file: post history, yearly debriefings, personal-matter reports -------------------


class CadrePost(models.Model):
    """One post a cadre held: the dossier's post history (the present post is the cadre's own
    fields; a post that ended has ``ended_on``)."""

    cadre = models.ForeignKey(Cadre, verbose_name=_("cadre"), on_delete=models.CASCADE, related_name="posts")
    unit = models.ForeignKey(Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+")
    position = models.CharField(_("position"), max_length=120)
    rank = models.CharField(_("rank"), max_length=32, choices=Cadre.Rank.choices, default=Cadre.Rank.CLERK)
    started_on = models.DateField(_("from"))
    ended_on = models.DateField(_("until"), null=True, blank=True)

    VISIBLE_THROUGH = "cadre"
    objects = ThroughParentQuerySet.as_manager()

    class Meta:
        ordering = ("cadre", "-started_on", "-id")
        verbose_name = _("post held")
        verbose_name_plural = _("posts held")
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=models.F("started_on")),
                name="post_ends_after_start",
            )
        ]

    def __str__(self) -> str:
        return f"{self.cadre.name}: {self.position}"


class DebriefingRoundQuerySet(models.QuerySet["DebriefingRound"]):
    def visible_to(self, user: Any) -> DebriefingRoundQuerySet:
        """The years called for and their due dates are known to everyone on the workbench."""
        return self if roles.is_staff_user(user) else self.none()


class DebriefingRound(models.Model):
    """The organization department's call for one year's debriefings, with their due date."""

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    due_at = models.DateTimeField(_("due"))
    created_at = models.DateTimeField(_("created"))

    objects = DebriefingRoundQuerySet.as_manager()

    class Meta:
        ordering = ("-year",)
        verbose_name = _("debriefing round")
        verbose_name_plural = _("debriefing rounds")
        constraints = [models.CheckConstraint(condition=Q(year__gte=2000), name="debriefing_round_year")]

    def __str__(self) -> str:
        return str(self.year)


class DebriefingQuerySet(models.QuerySet["Debriefing"]):
    def visible_to(self, user: Any) -> DebriefingQuerySet:
        """The cadre's own, and all of them for the discipline office and the organization
        department."""
        if roles.sees_whole_organisation(user):
            return self
        cadre = roles.cadre_of(user)
        if cadre is None:
            return self.none()
        return self.filter(cadre=cadre)


class Debriefing(models.Model):
    """A leading cadre's yearly report on performing his duties and keeping clean (述职述廉)."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        REVIEWED = "reviewed", _("Reviewed")

    cadre = models.ForeignKey(Cadre, verbose_name=_("cadre"), on_delete=models.PROTECT, related_name="debriefings")
    round = models.ForeignKey(
        DebriefingRound, verbose_name=_("round"), on_delete=models.PROTECT, related_name="debriefings"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.DRAFT)
    duties = models.TextField(_("performance of duties"), blank=True, default="")
    integrity = models.TextField(_("keeping clean"), blank=True, default="")
    attachment = models.FileField(_("attachment"), upload_to="debriefings/%Y/", blank=True, default="")
    due_at = models.DateTimeField(_("due"), db_index=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    reviewed_at = models.DateTimeField(_("reviewed"), null=True, blank=True)
    review_note = models.TextField(_("review"), blank=True, default="")
    # The deadline ladder (workstyle.ladder)
    escalation_level = models.PositiveSmallIntegerField(_("escalation level"), default=0)
    escalated_at = models.DateTimeField(_("escalated"), null=True, blank=True)
    reminded_for = models.DateTimeField(_("reminded for the deadline of"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = DebriefingQuerySet.as_manager()

    class Meta:
        ordering = ("-year", "cadre__staff_number")
        verbose_name = _("debriefing")
        verbose_name_plural = _("debriefings")
        constraints = [
            models.UniqueConstraint(fields=["cadre", "year"], name="one_debriefing_per_cadre_and_year"),
            models.CheckConstraint(
                condition=Q(status="draft") | Q(submitted_at__isnull=False), name="debriefing_submitted_has_date"
            ),
            models.CheckConstraint(condition=Q(escalation_level__lte=2), name="debriefing_escalation_level_range"),
        ]

    def __str__(self) -> str:
        return f"{self.cadre.name} {self.year}"


class DebriefingEvent(EventBase):
    debriefing = models.ForeignKey(
        Debriefing, on_delete=models.PROTECT, related_name="events", verbose_name=_("debriefing")
    )

    VISIBLE_THROUGH = "debriefing"
    objects = ThroughParentQuerySet.as_manager()

    class Meta(EventBase.Meta):
        verbose_name = _("debriefing event")
        verbose_name_plural = _("debriefing events")


class PersonalReportQuerySet(models.QuerySet["PersonalReport"]):
    def visible_to(self, user: Any) -> PersonalReportQuerySet:
        """The cadre's own and, for the organization department, everybody's. The discipline
        office reads them only through a grant (while it has a case open on the cadre,
        ``cadres.access``); a cadre never reads another's."""
        if getattr(user, "is_superuser", False) or roles.is_orgdept(user):
            return self
        condition = Q(pk__in=[])
        cadre = roles.cadre_of(user)
        if cadre is not None:
            condition |= Q(cadre=cadre)
        for granted in personal_report_grants(user):
            condition |= Q(cadre_id__in=granted)
        return self.filter(condition)


class PersonalReport(models.Model):
    """One version of a leading cadre's yearly report on personal matters (个人有关事项报告). A
    change after submission is a new version; every version is kept."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")

    cadre = models.ForeignKey(Cadre, verbose_name=_("cadre"), on_delete=models.PROTECT, related_name="personal_reports")
    year = models.PositiveSmallIntegerField(_("year"))
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.DRAFT)
    created_at = models.DateTimeField(_("created"))
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = PersonalReportQuerySet.as_manager()

    class Meta:
        ordering = ("-year", "cadre__staff_number", "-version")
        verbose_name = _("personal-matter report")
        verbose_name_plural = _("personal-matter reports")
        constraints = [
            models.UniqueConstraint(fields=["cadre", "year", "version"], name="personal_report_version_unique"),
            # At most one version in the making per cadre and year.
            models.UniqueConstraint(
                fields=["cadre", "year"], condition=Q(status="draft"), name="one_draft_personal_report"
            ),
            models.CheckConstraint(
                condition=Q(status="draft") | Q(submitted_at__isnull=False), name="personal_report_submitted_has_date"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.cadre.name} {self.year} v{self.version}"


class PersonalReportItem(models.Model):
    """One declared matter: a row of the report, never free text alone."""

    class Kind(models.TextChoices):
        MARRIAGE = "marriage", _("Change of marital status")
        SPOUSE_EMPLOYMENT = "spouse_employment", _("Spouse's employment")
        CHILD_EMPLOYMENT = "child_employment", _("Child's employment")
        FAMILY_BUSINESS = "family_business", _("Business run by spouse or children")
        ABROAD = "abroad", _("Travel abroad (private)")
        PROPERTY = "property", _("Real estate")
        INVESTMENT = "investment", _("Investments")

    report = models.ForeignKey(PersonalReport, on_delete=models.CASCADE, related_name="items", verbose_name=_("report"))
    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices)
    person = models.CharField(_("person"), max_length=64, blank=True, default="")
    description = models.CharField(_("details"), max_length=500)
    occurred_on = models.DateField(_("date"), null=True, blank=True)
    amount = models.DecimalField(_("amount (yuan)"), max_digits=14, decimal_places=2, null=True, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    VISIBLE_THROUGH = "report"
    objects = ThroughParentQuerySet.as_manager()

    class Meta:
        ordering = ("report", "order", "id")
        verbose_name = _("declared matter")
        verbose_name_plural = _("declared matters")

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.description}"


class PersonalReportEvent(EventBase):
    report = models.ForeignKey(
        PersonalReport, on_delete=models.PROTECT, related_name="events", verbose_name=_("report")
    )

    VISIBLE_THROUGH = "report"
    objects = ThroughParentQuerySet.as_manager()

    class Meta(EventBase.Meta):
        verbose_name = _("personal-matter report event")
        verbose_name_plural = _("personal-matter report events")


class PersonalReportViewQuerySet(models.QuerySet["PersonalReportView"]):
    def visible_to(self, user: Any) -> PersonalReportViewQuerySet:
        """The log is the organization department's, which keeps the reports."""
        if getattr(user, "is_superuser", False) or roles.is_orgdept(user):
            return self
        return self.none()


class PersonalReportView(models.Model):
    """Every time someone reads a personal-matter report: who, when, where."""

    class Channel(models.TextChoices):
        PAGE = "page", _("Page")
        API = "api", _("API")
        DOSSIER = "dossier", _("Dossier")
        PDF = "pdf", _("PDF")

    report = models.ForeignKey(PersonalReport, on_delete=models.PROTECT, related_name="views", verbose_name=_("report"))
    viewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("viewer")
    )
    at = models.DateTimeField(_("when"), db_index=True)
    channel = models.CharField(_("where"), max_length=16, choices=Channel.choices)

    objects = PersonalReportViewQuerySet.as_manager()

    class Meta:
        ordering = ("-at", "-id")
        verbose_name = _("view of a personal-matter report")
        verbose_name_plural = _("views of personal-matter reports")

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.channel}"
