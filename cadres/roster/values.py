"""What offices write in the cells of a roster instead of the codes: unit kinds, ranks, yes and no."""

from __future__ import annotations

from typing import Any

from django.utils import translation

from cadres.models import Cadre, Unit
from cadres.roster.headers import normalize

# Words offices write instead of the codes; the labels of the choices in both languages are
# accepted as well (see ``choice_table``).
KIND_WORDS: dict[str, str] = {
    "党的机关": Unit.Kind.PARTY_ORGAN,
    "党委机关": Unit.Kind.PARTY_ORGAN,
    "党委部门": Unit.Kind.PARTY_ORGAN,
    "党的工作机关": Unit.Kind.PARTY_ORGAN,
    "政府机关": Unit.Kind.GOVERNMENT_ORGAN,
    "行政机关": Unit.Kind.GOVERNMENT_ORGAN,
    "政府部门": Unit.Kind.GOVERNMENT_ORGAN,
    "人大机关": Unit.Kind.NPC_ORGAN,
    "人大常委会机关": Unit.Kind.NPC_ORGAN,
    "政协机关": Unit.Kind.CPPCC_ORGAN,
    "群团组织": Unit.Kind.PEOPLES_ORGANIZATION,
    "人民团体": Unit.Kind.PEOPLES_ORGANIZATION,
    "群团机关": Unit.Kind.PEOPLES_ORGANIZATION,
    "司法机关": Unit.Kind.JUDICIAL_ORGAN,
    "审判机关": Unit.Kind.JUDICIAL_ORGAN,
    "检察机关": Unit.Kind.JUDICIAL_ORGAN,
    "事业单位": Unit.Kind.PUBLIC_INSTITUTION,
    "国有企业": Unit.Kind.STATE_ENTERPRISE,
    "国企": Unit.Kind.STATE_ENTERPRISE,
    "乡镇": Unit.Kind.TOWNSHIP,
    "街道": Unit.Kind.TOWNSHIP,
    "乡镇(街道)": Unit.Kind.TOWNSHIP,
    "乡镇/街道": Unit.Kind.TOWNSHIP,
    "乡镇街道": Unit.Kind.TOWNSHIP,
}
RANK_WORDS: dict[str, str] = {
    "办事员": Cadre.Rank.CLERK,
    "科员": Cadre.Rank.CLERK,
    "一般干部": Cadre.Rank.CLERK,
    "副科级": Cadre.Rank.SECTION_DEPUTY,
    "副科": Cadre.Rank.SECTION_DEPUTY,
    "乡科级副职": Cadre.Rank.SECTION_DEPUTY,
    "正科级": Cadre.Rank.SECTION,
    "正科": Cadre.Rank.SECTION,
    "科级": Cadre.Rank.SECTION,
    "乡科级正职": Cadre.Rank.SECTION,
    "副处级": Cadre.Rank.DIVISION_DEPUTY,
    "副处": Cadre.Rank.DIVISION_DEPUTY,
    "县处级副职": Cadre.Rank.DIVISION_DEPUTY,
    "正处级": Cadre.Rank.DIVISION,
    "正处": Cadre.Rank.DIVISION,
    "处级": Cadre.Rank.DIVISION,
    "县处级正职": Cadre.Rank.DIVISION,
    "副厅级": Cadre.Rank.BUREAU_DEPUTY,
    "副局级": Cadre.Rank.BUREAU_DEPUTY,
    "厅局级副职": Cadre.Rank.BUREAU_DEPUTY,
    "正厅级": Cadre.Rank.BUREAU,
    "正局级": Cadre.Rank.BUREAU,
    "厅级": Cadre.Rank.BUREAU,
    "局级": Cadre.Rank.BUREAU,
    "厅局级正职": Cadre.Rank.BUREAU,
}
TRUE_WORDS = frozenset({"1", "true", "yes", "y", "是", "是的", "有", "√", "✓", "在职", "在岗", "启用", "有效", "正常"})
FALSE_WORDS = frozenset(
    {"0", "false", "no", "n", "否", "无", "×", "✗", "不在职", "离职", "离岗", "退休", "停用", "无效", "撤销"}
)


def choice_table(choices: Any, words: dict[str, str]) -> dict[str, str]:
    table = {normalize(key): value for key, value in words.items()}
    for value, label in choices.choices:
        table[normalize(value)] = value
        for language in ("en", "zh-hans"):
            with translation.override(language):
                table[normalize(str(label))] = value
    return table
