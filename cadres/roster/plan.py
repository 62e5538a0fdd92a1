"""The plan of an import: every row of the whole file checked against the database, and the
upserts it will make, before anything is written."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Model
from django.utils.translation import gettext as _

from cadres.models import Cadre, Department, Unit
from cadres.roster.headers import RosterKind, normalize
from cadres.roster.read import RosterRow, RosterSheet, RowError
from cadres.roster.values import FALSE_WORDS, KIND_WORDS, RANK_WORDS, TRUE_WORDS, choice_table

_SLUG = re.compile(r"^[-a-zA-Z0-9_]+$")


@dataclass
class _Entry:
    label: str
    row: int
    values: dict[str, Any]  # references as codes / staff numbers
    instance: Any = None  # the existing record, locked
    changed: list[str] = field(default_factory=list)
    head: str | None = None  # staff number of the head, when the roster gives one


class RosterPlan:
    """Everything an import will do, checked before anything is written.

    It runs inside the import's transaction: the rows it will update are locked first, so what it
    checked still holds when it writes."""

    def __init__(self, sheets: Sequence[RosterSheet]) -> None:
        self.errors: list[RowError] = []
        self.sheets = sheets
        self.units: dict[str, _Entry] = {}
        self.departments: dict[str, _Entry] = {}
        self.cadres: dict[str, _Entry] = {}
        self.kinds = {sheet.kind for sheet in sheets}
        self.kind_table = choice_table(Unit.Kind, KIND_WORDS)
        self.rank_table = choice_table(Cadre.Rank, RANK_WORDS)
        self.row_has_error: set[tuple[str, int]] = set()

    # --- helpers --------------------------------------------------------------------------------
    def error(self, label: str, row: int, model: type[Model], name: str, message: str) -> None:
        verbose = str(getattr(model._meta.get_field(name), "verbose_name", name))
        self.errors.append(RowError(label, row, _("%(field)s: %(error)s") % {"field": verbose, "error": message}))
        self.row_has_error.add((label, row))

    def text(
        self, row: RosterRow, label: str, model: type[Model], name: str, *, required: bool, column: str | None = None
    ) -> str:
        value = row.values.get(column or name, "")
        limit = getattr(model._meta.get_field(name), "max_length", None)
        if required and not value:
            self.error(label, row.number, model, name, _("a value is required."))
        elif limit and len(value) > limit:
            self.error(
                label,
                row.number,
                model,
                name,
                _("at most %(limit)d characters (it has %(length)d).") % {"limit": limit, "length": len(value)},
            )
        return value

    def code(self, row: RosterRow, label: str, model: type[Model], name: str, column: str | None = None) -> str:
        value = self.text(row, label, model, name, required=True, column=column)
        if value and not _SLUG.match(value):
            self.error(
                label,
                row.number,
                model,
                name,
                _("“%(value)s” may hold only letters, digits, “-” and “_”.") % {"value": value},
            )
        return value

    def flag(self, row: RosterRow, label: str, model: type[Model], name: str) -> bool | None:
        value = row.values.get(name, "")
        if not value:
            return None
        key = normalize(value)
        if key in TRUE_WORDS:
            return True
        if key in FALSE_WORDS:
            return False
        self.error(label, row.number, model, name, _("“%(value)s” is not yes or no (是/否).") % {"value": value})
        return None

    def choice(
        self, row: RosterRow, label: str, model: type[Model], name: str, table: dict[str, str], *, required: bool
    ) -> str | None:
        value = row.values.get(name, "")
        if not value:
            if required:
                self.error(label, row.number, model, name, _("a value is required."))
            return None
        found = table.get(normalize(value))
        if found is None:
            choices = getattr(model._meta.get_field(name), "choices", None) or []
            known = "、".join(str(choice_label) for _value, choice_label in choices)
            self.error(
                label,
                row.number,
                model,
                name,
                _("“%(value)s” is not one of: %(known)s.") % {"value": value, "known": known},
            )
        return found

    def remember(self, entries: dict[str, _Entry], key: str, entry: _Entry, model: type[Model], name: str) -> None:
        if not key:
            return
        first = entries.get(key)
        if first is not None:
            self.error(
                entry.label,
                entry.row,
                model,
                name,
                _("“%(value)s” appears again (first in %(sheet)s, row %(row)d).")
                % {"value": key, "sheet": first.label, "row": first.row},
            )
            return
        entries[key] = entry

    def rows(self, kind: RosterKind) -> Iterable[tuple[RosterSheet, RosterRow]]:
        for sheet in self.sheets:
            if sheet.kind == kind:
                for row in sheet.rows:
                    yield sheet, row

    # --- the plan -------------------------------------------------------------------------------
    def build(self) -> None:
        self._load_units()
        self._plan_units()
        self._load_departments()
        self._plan_departments()
        self._plan_cadres()
        self._check_heads()

    def _load_units(self) -> None:
        codes = [row.values.get("code", "") for _sheet, row in self.rows(RosterKind.UNITS)]
        # Lock in primary-key order so that two imports never wait on each other in a cycle.
        locked = Unit.objects.select_for_update().filter(code__in=[c for c in codes if c]).order_by("pk")
        self.unit_instances = {unit.code: unit for unit in locked}
        rows = Unit.objects.values_list("pk", "code", "parent_id", "name")
        self.unit_code_by_id = {pk: code for pk, code, _parent, _name in rows}
        self.db_unit_parent = {code: self.unit_code_by_id.get(parent) for _pk, code, parent, _name in rows}
        self.db_unit_name = {code: name for _pk, code, _parent, name in rows}

    def _plan_units(self) -> None:
        for sheet, row in self.rows(RosterKind.UNITS):
            label, columns = sheet.label, sheet.columns
            values: dict[str, Any] = {
                "code": self.code(row, label, Unit, "code"),
                "name": self.text(row, label, Unit, "name", required=True),
                "kind": self.choice(row, label, Unit, "kind", self.kind_table, required=True),
            }
            if "parent" in columns:
                parent = row.values.get("parent", "")
                values["parent"] = parent or None
            active = self.flag(row, label, Unit, "active")
            if active is not None:
                values["active"] = active
            entry = _Entry(label, row.number, values, head=row.values.get("head") or None)
            entry.instance = self.unit_instances.get(values["code"])
            self.remember(self.units, values["code"], entry, Unit, "code")

        known = set(self.db_unit_parent) | set(self.units)
        self.final_parent = dict(self.db_unit_parent)
        final_name = dict(self.db_unit_name)
        for code, entry in self.units.items():
            parent_code = entry.values.get("parent")
            if parent_code is not None and parent_code not in known:
                self.error(
                    entry.label,
                    entry.row,
                    Unit,
                    "parent",
                    _("no unit has the code “%(code)s”.") % {"code": parent_code},
                )
            elif parent_code == code:
                self.error(entry.label, entry.row, Unit, "parent", _("a unit cannot be its own parent."))
            if "parent" in entry.values:
                self.final_parent[code] = parent_code
            elif entry.instance is None:
                self.final_parent[code] = None
            final_name[code] = entry.values["name"]
        for code, entry in self.units.items():
            if self.final_parent.get(code) == code:
                continue  # reported above
            seen = {code}
            node = self.final_parent.get(code)
            while node is not None and node not in seen:
                seen.add(node)
                node = self.final_parent.get(node)
            if node == code:
                self.error(entry.label, entry.row, Unit, "parent", _("the parent units form a loop."))
        siblings: dict[tuple[str, str], list[str]] = defaultdict(list)
        for code, parent_of in self.final_parent.items():
            if parent_of is not None:  # NULLs are distinct in the unique constraint: roots may share a name
                siblings[(parent_of, final_name[code])].append(code)
        for (_parent, name), codes in siblings.items():
            for code in codes:
                if len(codes) > 1 and code in self.units:
                    others = "、".join(sorted(c for c in codes if c != code))
                    entry = self.units[code]
                    self.error(
                        entry.label,
                        entry.row,
                        Unit,
                        "name",
                        _("“%(name)s” is also the name of unit %(others)s under the same parent.")
                        % {"name": name, "others": others},
                    )
        for entry in self.units.values():
            instance = entry.instance
            if instance is None:
                continue
            current = {
                "name": instance.name,
                "kind": instance.kind,
                "parent": self.unit_code_by_id.get(instance.parent_id),
                "active": instance.active,
            }
            entry.changed = [name for name, value in entry.values.items() if name != "code" and current[name] != value]

    def _load_departments(self) -> None:
        codes = [row.values.get("code", "") for _sheet, row in self.rows(RosterKind.DEPARTMENTS)]
        locked = Department.objects.select_for_update().filter(code__in=[c for c in codes if c]).order_by("pk")
        self.department_instances = {department.code: department for department in locked}
        rows = Department.objects.values_list("code", "unit_id", "name")
        self.db_department_unit = {code: self.unit_code_by_id[unit] for code, unit, _name in rows}
        self.db_department_name = {code: name for code, _unit, name in rows}

    def _plan_departments(self) -> None:
        known_units = set(self.final_parent)
        for sheet, row in self.rows(RosterKind.DEPARTMENTS):
            label = sheet.label
            values: dict[str, Any] = {
                "code": self.code(row, label, Department, "code"),
                "name": self.text(row, label, Department, "name", required=True),
                "unit": self.text(row, label, Department, "unit", required=True),
            }
            if values["unit"] and values["unit"] not in known_units:
                self.error(
                    label,
                    row.number,
                    Department,
                    "unit",
                    _("no unit has the code “%(code)s”.") % {"code": values["unit"]},
                )
            active = self.flag(row, label, Department, "active")
            if active is not None:
                values["active"] = active
            entry = _Entry(label, row.number, values, head=row.values.get("head") or None)
            entry.instance = self.department_instances.get(values["code"])
            self.remember(self.departments, values["code"], entry, Department, "code")

        self.final_department_unit = dict(self.db_department_unit)
        final_name = dict(self.db_department_name)
        for code, entry in self.departments.items():
            self.final_department_unit[code] = entry.values["unit"]
            final_name[code] = entry.values["name"]
        in_unit: dict[tuple[str, str], list[str]] = defaultdict(list)
        for code, unit in self.final_department_unit.items():
            in_unit[(unit, final_name[code])].append(code)
        for (_unit, name), codes in in_unit.items():
            for code in codes:
                if len(codes) > 1 and code in self.departments:
                    entry = self.departments[code]
                    others = "、".join(sorted(c for c in codes if c != code))
                    self.error(
                        entry.label,
                        entry.row,
                        Department,
                        "name",
                        _("“%(name)s” is also the name of department %(others)s in the same unit.")
                        % {"name": name, "others": others},
                    )
        for entry in self.departments.values():
            instance = entry.instance
            if instance is None:
                continue
            current = {
                "name": instance.name,
                "unit": self.unit_code_by_id.get(instance.unit_id),
                "active": instance.active,
            }
            entry.changed = [name for name, value in entry.values.items() if name != "code" and current[name] != value]

    def _plan_cadres(self) -> None:
        numbers = [row.values.get("staff_number", "") for _sheet, row in self.rows(RosterKind.CADRES)]
        locked = Cadre.objects.select_for_update().filter(staff_number__in=[n for n in numbers if n]).order_by("pk")
        self.cadre_instances = {cadre.staff_number: cadre for cadre in locked}
        department_codes = dict(
            Department.objects.filter(
                pk__in={cadre.department_id for cadre in self.cadre_instances.values() if cadre.department_id}
            ).values_list("pk", "code")
        )
        for sheet, row in self.rows(RosterKind.CADRES):
            label, columns = sheet.label, sheet.columns
            values: dict[str, Any] = {
                "staff_number": self.text(row, label, Cadre, "staff_number", required=True),
                "name": self.text(row, label, Cadre, "name", required=True),
            }
            instance = self.cadre_instances.get(values["staff_number"])
            unit = row.values.get("unit", "")
            department = row.values.get("department", "")
            if unit and unit not in self.final_parent:
                self.error(label, row.number, Cadre, "unit", _("no unit has the code “%(code)s”.") % {"code": unit})
            elif department and department not in self.final_department_unit:
                self.error(
                    label,
                    row.number,
                    Cadre,
                    "department",
                    _("no department has the code “%(code)s”.") % {"code": department},
                )
            elif department and unit and self.final_department_unit[department] != unit:
                self.error(
                    label,
                    row.number,
                    Cadre,
                    "department",
                    _("department “%(department)s” is not in unit “%(unit)s”.")
                    % {"department": department, "unit": unit},
                )
            elif not unit and not department:
                self.error(label, row.number, Cadre, "unit", _("give the unit or the department."))
            else:
                values["unit"] = unit or self.final_department_unit[department]
                if department or "department" in columns:
                    values["department"] = department or None
                else:
                    # No department column: a cadre who stays in his unit keeps his department.
                    placed = (
                        department_codes.get(instance.department_id)
                        if instance is not None and instance.department_id is not None
                        else None
                    )
                    keep = placed is not None and self.final_department_unit.get(placed) == values["unit"]
                    values["department"] = placed if keep else None
            if "position" in columns and row.values.get("position"):
                values["position"] = self.text(row, label, Cadre, "position", required=False)
            rank = self.choice(row, label, Cadre, "rank", self.rank_table, required=False)
            if rank is not None:
                values["rank"] = rank
            for name in ("is_leading", "active"):
                flag = self.flag(row, label, Cadre, name)
                if flag is not None:
                    values[name] = flag
            entry = _Entry(label, row.number, values, instance=instance)
            self.remember(self.cadres, values["staff_number"], entry, Cadre, "staff_number")
            if instance is not None and (label, row.number) not in self.row_has_error:
                current = {
                    "name": instance.name,
                    "unit": self.unit_code_by_id.get(instance.unit_id),
                    "department": department_codes.get(instance.department_id) if instance.department_id else None,
                    "position": instance.position,
                    "rank": instance.rank,
                    "is_leading": instance.is_leading,
                    "active": instance.active,
                }
                entry.changed = [
                    name for name, value in values.items() if name != "staff_number" and current[name] != value
                ]

    def _check_heads(self) -> None:
        wanted = {entry.head for entry in [*self.units.values(), *self.departments.values()] if entry.head}
        existing = set(Cadre.objects.filter(staff_number__in=wanted).values_list("staff_number", flat=True))
        known = existing | set(self.cadres)
        head_of = dict(
            Cadre.objects.filter(
                pk__in=[
                    entry.instance.head_id
                    for entry in [*self.units.values(), *self.departments.values()]
                    if entry.instance is not None and entry.instance.head_id
                ]
            ).values_list("pk", "staff_number")
        )
        for entries, model in ((self.units, Unit), (self.departments, Department)):
            for entry in entries.values():
                if entry.head is None:
                    continue
                if entry.head not in known:
                    self.error(
                        entry.label,
                        entry.row,
                        model,
                        "head",
                        _("no cadre has the staff number “%(number)s”.") % {"number": entry.head},
                    )
                elif entry.instance is not None and head_of.get(entry.instance.head_id) != entry.head:
                    entry.changed.append("head")

    def counts(self) -> dict[str, dict[str, int]]:
        result: dict[str, dict[str, int]] = {}
        for kind, entries in (
            (RosterKind.UNITS, self.units),
            (RosterKind.DEPARTMENTS, self.departments),
            (RosterKind.CADRES, self.cadres),
        ):
            if kind not in self.kinds:
                continue
            counter: Counter[str] = Counter(created=0, updated=0, unchanged=0)
            for entry in entries.values():
                if entry.instance is None:
                    counter["created"] += 1
                elif entry.changed:
                    counter["updated"] += 1
                else:
                    counter["unchanged"] += 1
            result[kind.value] = dict(counter)
        return result

    # --- writing --------------------------------------------------------------------------------
    def apply(self) -> None:
        unit_ids = {code: pk for pk, code in self.unit_code_by_id.items()}
        for code in sorted(self.units, key=self._depth):
            entry = self.units[code]
            values = entry.values
            fields = {
                "name": values["name"],
                "kind": values["kind"],
                "parent_id": unit_ids[values["parent"]] if values.get("parent") else None,
                "active": values.get("active", True),
            }
            if entry.instance is None:
                entry.instance = Unit.objects.create(code=code, **fields)
                unit_ids[code] = entry.instance.pk
            else:
                self._update(entry, fields, {"parent": "parent_id"})

        department_ids = dict(Department.objects.values_list("code", "pk"))
        for code, entry in self.departments.items():
            values = entry.values
            fields = {"name": values["name"], "unit_id": unit_ids[values["unit"]], "active": values.get("active", True)}
            if entry.instance is None:
                entry.instance = Department.objects.create(code=code, **fields)
                department_ids[code] = entry.instance.pk
            else:
                self._update(entry, fields, {"unit": "unit_id"})

        new_cadres: list[Cadre] = []
        changed_cadres: list[Cadre] = []
        changed_fields: set[str] = set()
        for number, entry in self.cadres.items():
            values = entry.values
            fields = {
                "name": values["name"],
                "unit_id": unit_ids[values["unit"]],
                "department_id": department_ids[values["department"]] if values.get("department") else None,
                "position": values.get("position", ""),
                "rank": values.get("rank", Cadre.Rank.CLERK),
                "is_leading": values.get("is_leading", False),
                "active": values.get("active", True),
            }
            if entry.instance is None:
                new_cadres.append(Cadre(staff_number=number, **fields))
            elif entry.changed:
                attributes = {"unit": "unit_id", "department": "department_id"}
                for name in entry.changed:
                    attribute = attributes.get(name, name)
                    setattr(entry.instance, attribute, fields[attribute])
                    changed_fields.add(name)
                changed_cadres.append(entry.instance)
        Cadre.objects.bulk_create(new_cadres, batch_size=500)
        if changed_cadres:
            Cadre.objects.bulk_update(changed_cadres, sorted(changed_fields), batch_size=500)

        heads = {entry.head for entry in [*self.units.values(), *self.departments.values()] if entry.head}
        head_ids = dict(Cadre.objects.filter(staff_number__in=heads).values_list("staff_number", "pk"))
        for entries in (self.units, self.departments):
            for entry in entries.values():
                if entry.head is not None and entry.instance.head_id != head_ids[entry.head]:
                    entry.instance.head_id = head_ids[entry.head]
                    entry.instance.save(update_fields=["head"])

    def _update(self, entry: _Entry, fields: dict[str, Any], attributes: dict[str, str]) -> None:
        names = [name for name in entry.changed if name != "head"]
        if not names:
            return
        for name in names:
            attribute = attributes.get(name, name)
            setattr(entry.instance, attribute, fields[attribute])
        entry.instance.save(update_fields=names)

    def _depth(self, code: str) -> int:
        depth = 0
        node = self.final_parent.get(code)
        while node is not None and depth <= len(self.final_parent):
            depth += 1
            node = self.final_parent.get(node)
        return depth
