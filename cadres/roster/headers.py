"""What the columns of a roster are called: the kinds of roster, and the Chinese and English
header words by which each column is recognised.

Offices name their columns as they please ("单位名称", "Unit name", "上级单位（编号）"): a header is
compared after folding full-width characters, case, blanks and any explanation in parentheses."""

from __future__ import annotations

import re
import unicodedata
from enum import StrEnum


class RosterKind(StrEnum):
    UNITS = "units"
    DEPARTMENTS = "departments"
    CADRES = "cadres"


# The order in which a workbook of several sheets is imported: each refers to the ones before.
KIND_ORDER = (RosterKind.UNITS, RosterKind.DEPARTMENTS, RosterKind.CADRES)


def normalize(text: str) -> str:
    """Header or value as compared: full-width folded to ASCII, case and blanks ignored."""
    return re.sub(r"[\s_*\-]+", "", unicodedata.normalize("NFKC", text)).lower()


def header_key(text: str) -> str:
    """A column header as compared with the words of ``HEADERS``."""
    # "上级单位（编号）", "职级(代码)": the parenthesis only explains the column.
    return normalize(re.sub(r"[（(].*?[）)]", "", unicodedata.normalize("NFKC", text)))


# Column headers each kind of roster accepts (compared after ``header_key``), by field.
HEADERS: dict[RosterKind, dict[str, tuple[str, ...]]] = {
    RosterKind.UNITS: {
        "code": ("code", "unitcode", "编号", "代码", "编码", "单位编号", "单位代码"),
        "name": ("name", "unitname", "名称", "单位名称", "单位"),
        "kind": ("kind", "type", "unittype", "类型", "单位类型", "单位性质", "性质"),
        "parent": (
            "parent",
            "parentcode",
            "parentunit",
            "上级单位",
            "上级",
            "上级单位编号",
            "上级编号",
            "上级单位代码",
        ),
        "head": ("head", "headstaffnumber", "负责人", "负责人工号", "主要负责人", "单位负责人"),
        "active": ("active", "启用", "是否启用", "有效", "状态"),
    },
    RosterKind.DEPARTMENTS: {
        "code": ("code", "departmentcode", "编号", "代码", "编码", "部门编号", "部门代码"),
        "name": ("name", "departmentname", "名称", "部门名称", "部门"),
        "unit": ("unit", "unitcode", "单位", "所属单位", "单位编号", "单位代码"),
        "head": ("head", "headstaffnumber", "负责人", "负责人工号", "部门负责人"),
        "active": ("active", "启用", "是否启用", "有效", "状态"),
    },
    RosterKind.CADRES: {
        "staff_number": ("staffnumber", "staffno", "staffid", "工号", "人员编号", "编号"),
        "name": ("name", "姓名", "名字"),
        "unit": ("unit", "unitcode", "单位", "所属单位", "单位编号", "单位代码"),
        "department": ("department", "departmentcode", "部门", "所属部门", "部门编号", "部门代码"),
        "position": ("position", "title", "职务", "职位"),
        "rank": ("rank", "level", "职级", "级别"),
        "is_leading": ("isleading", "leading", "leadingcadre", "领导干部", "是否领导干部"),
        "active": ("active", "在职", "是否在职", "在岗", "状态"),
    },
}

# Columns a sheet must have to be read as that kind (a cadre needs a unit or a department).
REQUIRED: dict[RosterKind, tuple[tuple[str, ...], ...]] = {
    RosterKind.UNITS: (("code",), ("name",), ("kind",)),
    RosterKind.DEPARTMENTS: (("code",), ("name",), ("unit",)),
    RosterKind.CADRES: (("staff_number",), ("name",), ("unit", "department")),
}

# Sheet names that say what a sheet holds, tested in this order ("各单位干部名册" is a cadre roster).
SHEET_NAMES: tuple[tuple[RosterKind, tuple[str, ...]], ...] = (
    (RosterKind.CADRES, ("cadre", "staff", "people", "干部", "人员", "花名册")),
    (RosterKind.DEPARTMENTS, ("department", "dept", "部门", "科室", "内设机构")),
    (RosterKind.UNITS, ("unit", "单位", "机构")),
)

# How many rows from the top may hold titles and notes before the header row.
HEADER_SEARCH_ROWS = 10

KIND_ALIASES: dict[str, RosterKind] = {
    **{normalize(kind.value): kind for kind in RosterKind},
    "unit": RosterKind.UNITS,
    "单位": RosterKind.UNITS,
    "department": RosterKind.DEPARTMENTS,
    "部门": RosterKind.DEPARTMENTS,
    "cadre": RosterKind.CADRES,
    "干部": RosterKind.CADRES,
}


def parse_kind(value: str | None) -> RosterKind | None:
    if not value:
        return None
    kind = KIND_ALIASES.get(normalize(value))
    if kind is None:
        raise ValueError(value)
    return kind


def column_label(kind: RosterKind, name: str) -> str:
    """How a column is named in messages: its usual Chinese header and the field name."""
    chinese = next((alias for alias in HEADERS[kind][name] if not alias.isascii()), "")
    return f"{chinese} / {name}" if chinese else name
