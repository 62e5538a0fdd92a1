"""The organisation: units (a tree), their departments, and the cadres who work in them."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from workstyle import roles


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
