"""The demo city's organisation for ``manage.py seed_demo``: 江州市, a prefecture-level city with
its party committee, discipline commission, organization department, government bureaus, a court,
a hospital, a state-owned water company, a sub-district and a town.

Every row is keyed by its natural key (unit and department code, staff number, username) and only
written when it differs from the data below, so that a second run changes nothing. Other demos
(complaints, supervision) look the people up by username or staff number, e.g. ``HEAD_DEPARTMENT``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any, Protocol

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import check_password, make_password
from django.contrib.auth.models import Group
from django.db import models, transaction
from django.utils import timezone

from cadres import services
from cadres.models import Cadre, CadrePost, Debriefing, DebriefingRound, Department, PersonalReport, Unit
from workstyle import roles

K = Unit.Kind
R = Cadre.Rank

# (code, name, kind, parent code)
UNITS: list[tuple[str, str, str, str | None]] = [
    ("jz-cpc", "中共江州市委员会", K.PARTY_ORGAN, None),
    ("jz-cdi", "中共江州市纪律检查委员会", K.PARTY_ORGAN, "jz-cpc"),
    ("jz-org", "中共江州市委组织部", K.PARTY_ORGAN, "jz-cpc"),
    ("jz-gov", "江州市人民政府", K.GOVERNMENT_ORGAN, None),
    ("jz-housing", "江州市住房和城乡建设局", K.GOVERNMENT_ORGAN, "jz-gov"),
    ("jz-env", "江州市生态环境局", K.GOVERNMENT_ORGAN, "jz-gov"),
    ("jz-market", "江州市市场监督管理局", K.GOVERNMENT_ORGAN, "jz-gov"),
    ("jz-hospital", "江州市人民医院", K.PUBLIC_INSTITUTION, "jz-gov"),
    ("jz-donghu", "江州市东湖街道", K.TOWNSHIP, "jz-gov"),
    ("jz-qingshan", "江州市青山镇", K.TOWNSHIP, "jz-gov"),
    ("jz-court", "江州市中级人民法院", K.JUDICIAL_ORGAN, None),
    ("jz-water", "江州水务集团有限公司", K.STATE_ENTERPRISE, None),
]

# (code, unit code, name)
DEPARTMENTS: list[tuple[str, str, str]] = [
    ("cdi-office", "jz-cdi", "办公室"),
    ("cdi-style", "jz-cdi", "党风政风监督室"),
    ("cdi-petition", "jz-cdi", "信访室"),
    ("cdi-review", "jz-cdi", "案件审理室"),
    ("org-office", "jz-org", "办公室"),
    ("org-cadre", "jz-org", "干部科"),
    ("org-supervision", "jz-org", "干部监督科"),
    ("housing-office", "jz-housing", "办公室"),
    ("housing-construction", "jz-housing", "城市建设科"),
    ("housing-market", "jz-housing", "房地产市场监管科"),
    ("housing-works", "jz-housing", "建筑业管理科"),
    ("env-office", "jz-env", "办公室"),
    ("env-enforcement", "jz-env", "执法监督科"),
    ("env-pollution", "jz-env", "水和大气环境科"),
    ("market-office", "jz-market", "办公室"),
    ("market-price", "jz-market", "价格监督检查科"),
    ("market-food", "jz-market", "食品安全监管科"),
    ("hospital-office", "jz-hospital", "院办公室"),
    ("hospital-finance", "jz-hospital", "财务科"),
    ("donghu-office", "jz-donghu", "党政办公室"),
    ("donghu-urban", "jz-donghu", "城市管理办公室"),
    ("donghu-social", "jz-donghu", "社会事务办公室"),
    ("qingshan-office", "jz-qingshan", "党政办公室"),
    ("qingshan-agri", "jz-qingshan", "农业农村办公室"),
    ("qingshan-finance", "jz-qingshan", "财政所"),
    ("court-office", "jz-court", "办公室"),
    ("court-enforcement", "jz-court", "执行局"),
    ("water-service", "jz-water", "客户服务部"),
]

# (staff number, name, unit code, department code, position, rank, leading cadre)
CADRES: list[tuple[str, str, str, str | None, str, str, bool]] = [
    ("JZ0001", "陈志远", "jz-cpc", None, "市委书记", R.BUREAU, True),
    ("JZ0002", "林晓红", "jz-cpc", None, "市委副书记", R.BUREAU_DEPUTY, True),
    ("JZ0101", "郑国华", "jz-cdi", None, "市纪委书记、市监委主任", R.BUREAU_DEPUTY, True),
    ("JZ0102", "何立新", "jz-cdi", None, "市纪委副书记", R.DIVISION, True),
    ("JZ0111", "孙丽", "jz-cdi", "cdi-office", "办公室主任", R.SECTION, True),
    ("JZ0112", "马超", "jz-cdi", "cdi-office", "科员", R.CLERK, False),
    ("JZ0121", "黄志强", "jz-cdi", "cdi-style", "党风政风监督室主任", R.SECTION, True),
    ("JZ0122", "周敏", "jz-cdi", "cdi-style", "党风政风监督室副主任", R.SECTION_DEPUTY, False),
    ("JZ0123", "许文静", "jz-cdi", "cdi-style", "科员", R.CLERK, False),
    ("JZ0131", "朱红梅", "jz-cdi", "cdi-petition", "信访室主任", R.SECTION, True),
    ("JZ0132", "高翔", "jz-cdi", "cdi-petition", "科员", R.CLERK, False),
    ("JZ0141", "胡斌", "jz-cdi", "cdi-review", "案件审理室主任", R.SECTION, True),
    ("JZ0142", "罗佳", "jz-cdi", "cdi-review", "科员", R.CLERK, False),
    ("JZ0201", "梁秋实", "jz-org", None, "市委常委、组织部部长", R.BUREAU_DEPUTY, True),
    ("JZ0211", "宋晓梅", "jz-org", "org-office", "办公室主任", R.SECTION, True),
    ("JZ0221", "唐志刚", "jz-org", "org-cadre", "干部科科长", R.SECTION, True),
    ("JZ0222", "韩雪", "jz-org", "org-cadre", "科员", R.CLERK, False),
    ("JZ0231", "冯建军", "jz-org", "org-supervision", "干部监督科科长", R.SECTION, True),
    ("JZ0232", "吴静", "jz-org", "org-supervision", "干部监督科副科长", R.SECTION_DEPUTY, False),
    ("JZ0301", "赵东升", "jz-gov", None, "市长", R.BUREAU, True),
    ("JZ0302", "钱卫国", "jz-gov", None, "副市长", R.BUREAU_DEPUTY, True),
    ("JZ0401", "张海涛", "jz-housing", None, "党组书记、局长", R.DIVISION, True),
    ("JZ0402", "邓玉兰", "jz-housing", None, "副局长", R.DIVISION_DEPUTY, True),
    ("JZ0411", "曹敏", "jz-housing", "housing-office", "办公室主任", R.SECTION, True),
    ("JZ0412", "彭磊", "jz-housing", "housing-office", "科员", R.CLERK, False),
    ("JZ0421", "王建国", "jz-housing", "housing-construction", "城市建设科科长", R.SECTION, True),
    ("JZ0422", "李明", "jz-housing", "housing-construction", "科员", R.CLERK, False),
    ("JZ0423", "谢婷", "jz-housing", "housing-construction", "科员", R.CLERK, False),
    ("JZ0424", "蒋涛", "jz-housing", "housing-construction", "城市建设科副科长", R.SECTION_DEPUTY, False),
    ("JZ0431", "沈红", "jz-housing", "housing-market", "房地产市场监管科科长", R.SECTION, True),
    ("JZ0432", "韦强", "jz-housing", "housing-market", "科员", R.CLERK, False),
    ("JZ0441", "杜鹏", "jz-housing", "housing-works", "建筑业管理科科长", R.SECTION, True),
    ("JZ0442", "叶倩", "jz-housing", "housing-works", "科员", R.CLERK, False),
    ("JZ0501", "潘志明", "jz-env", None, "党组书记、局长", R.DIVISION, True),
    ("JZ0511", "袁芳", "jz-env", "env-office", "办公室主任", R.SECTION, True),
    ("JZ0521", "杨帆", "jz-env", "env-enforcement", "执法监督科科长", R.SECTION, True),
    ("JZ0522", "孔祥瑞", "jz-env", "env-enforcement", "科员", R.CLERK, False),
    ("JZ0531", "崔丽娟", "jz-env", "env-pollution", "水和大气环境科科长", R.SECTION, True),
    ("JZ0532", "董浩", "jz-env", "env-pollution", "科员", R.CLERK, False),
    ("JZ0601", "范永刚", "jz-market", None, "党组书记、局长", R.DIVISION, True),
    ("JZ0611", "汪洁", "jz-market", "market-office", "办公室主任", R.SECTION, True),
    ("JZ0621", "田野", "jz-market", "market-price", "价格监督检查科科长", R.SECTION, True),
    ("JZ0622", "石磊", "jz-market", "market-price", "科员", R.CLERK, False),
    ("JZ0631", "姚静", "jz-market", "market-food", "食品安全监管科科长", R.SECTION, True),
    ("JZ0632", "廖凯", "jz-market", "market-food", "科员", R.CLERK, False),
    ("JZ0701", "汤卫东", "jz-hospital", None, "党委书记", R.DIVISION, True),
    ("JZ0711", "史小燕", "jz-hospital", "hospital-office", "院办公室主任", R.SECTION, True),
    ("JZ0721", "邱建华", "jz-hospital", "hospital-finance", "财务科科长", R.SECTION, True),
    ("JZ0722", "陶然", "jz-hospital", "hospital-finance", "会计", R.CLERK, False),
    ("JZ0801", "刘洋", "jz-donghu", None, "街道党工委书记", R.SECTION, True),
    ("JZ0802", "毛晓军", "jz-donghu", None, "街道办事处主任", R.SECTION, True),
    ("JZ0811", "万芳", "jz-donghu", "donghu-office", "党政办公室主任", R.SECTION_DEPUTY, True),
    ("JZ0812", "顾强", "jz-donghu", "donghu-office", "科员", R.CLERK, False),
    ("JZ0821", "段志勇", "jz-donghu", "donghu-urban", "城市管理办公室主任", R.SECTION_DEPUTY, True),
    ("JZ0822", "雷鸣", "jz-donghu", "donghu-urban", "科员", R.CLERK, False),
    ("JZ0831", "龙小琴", "jz-donghu", "donghu-social", "社会事务办公室主任", R.SECTION_DEPUTY, True),
    ("JZ0832", "黎晓明", "jz-donghu", "donghu-social", "科员", R.CLERK, False),
    ("JZ0901", "江涛", "jz-qingshan", None, "镇党委书记", R.SECTION, True),
    ("JZ0902", "付红", "jz-qingshan", None, "镇长", R.SECTION, True),
    ("JZ0911", "童欣", "jz-qingshan", "qingshan-office", "党政办公室主任", R.SECTION_DEPUTY, True),
    ("JZ0921", "程伟", "jz-qingshan", "qingshan-agri", "农业农村办公室主任", R.SECTION_DEPUTY, True),
    ("JZ0922", "陆平", "jz-qingshan", "qingshan-agri", "科员", R.CLERK, False),
    ("JZ0931", "白雪", "jz-qingshan", "qingshan-finance", "财政所所长", R.SECTION_DEPUTY, True),
    ("JZ0932", "崔永", "jz-qingshan", "qingshan-finance", "会计", R.CLERK, False),
    ("JZ1001", "戴德明", "jz-court", None, "院长", R.BUREAU_DEPUTY, True),
    ("JZ1011", "贾晓东", "jz-court", "court-office", "办公室主任", R.SECTION, True),
    ("JZ1021", "夏志军", "jz-court", "court-enforcement", "执行局局长", R.DIVISION, True),
    ("JZ1022", "钟丽", "jz-court", "court-enforcement", "法官助理", R.CLERK, False),
    ("JZ1101", "秦建平", "jz-water", None, "党委书记、董事长", R.DIVISION, True),
    ("JZ1111", "侯佳", "jz-water", "water-service", "客户服务部经理", R.SECTION, True),
    ("JZ1112", "邵伟", "jz-water", "water-service", "客服专员", R.CLERK, False),
]

UNIT_HEADS: dict[str, str] = {
    "jz-cpc": "JZ0001",
    "jz-cdi": "JZ0101",
    "jz-org": "JZ0201",
    "jz-gov": "JZ0301",
    "jz-housing": "JZ0401",
    "jz-env": "JZ0501",
    "jz-market": "JZ0601",
    "jz-hospital": "JZ0701",
    "jz-donghu": "JZ0801",
    "jz-qingshan": "JZ0901",
    "jz-court": "JZ1001",
    "jz-water": "JZ1101",
}

DEPARTMENT_HEADS: dict[str, str] = {
    "cdi-office": "JZ0111",
    "cdi-style": "JZ0121",
    "cdi-petition": "JZ0131",
    "cdi-review": "JZ0141",
    "org-office": "JZ0211",
    "org-cadre": "JZ0221",
    "org-supervision": "JZ0231",
    "housing-office": "JZ0411",
    "housing-construction": "JZ0421",
    "housing-market": "JZ0431",
    "housing-works": "JZ0441",
    "env-office": "JZ0511",
    "env-enforcement": "JZ0521",
    "env-pollution": "JZ0531",
    "market-office": "JZ0611",
    "market-price": "JZ0621",
    "market-food": "JZ0631",
    "hospital-office": "JZ0711",
    "hospital-finance": "JZ0721",
    "donghu-office": "JZ0811",
    "donghu-urban": "JZ0821",
    "donghu-social": "JZ0831",
    "qingshan-office": "JZ0911",
    "qingshan-agri": "JZ0921",
    "qingshan-finance": "JZ0931",
    "court-office": "JZ1011",
    "court-enforcement": "JZ1021",
    "water-service": "JZ1111",
}


class Writer(Protocol):
    def write(self, text: str, /) -> Any: ...


@dataclass(frozen=True)
class Account:
    username: str
    staff_number: str | None  # the cadre the account belongs to; None for the administrator
    role: str  # shown in the list of demo logins
    groups: tuple[str, ...] = ()
    superuser: bool = False


ACCOUNTS: list[Account] = [
    Account("admin", None, "administrator (Django admin, every page)", superuser=True),
    Account("inspector", "JZ0122", "discipline office (市纪委党风政风监督室)", groups=(roles.DISCIPLINE,)),
    Account(
        "leader",
        "JZ0121",
        "leader of the discipline office (市纪委党风政风监督室主任)",
        groups=(roles.DISCIPLINE, roles.DISCIPLINE_LEADER),
    ),
    Account("orgdept", "JZ0232", "organization department (市委组织部干部监督科)", groups=(roles.ORGDEPT,)),
    Account("head", "JZ0421", "department head (住建局城市建设科科长)"),
    Account("cadre", "JZ0422", "cadre in head's department (住建局城市建设科科员)"),
    Account("director", "JZ0401", "unit head above head (住建局局长)"),
    Account("envhead", "JZ0521", "department head (生态环境局执法监督科科长)"),
    Account("townhead", "JZ0801", "township head (东湖街道党工委书记)"),
]

# What other demos need to find without repeating the data above.
HEAD_DEPARTMENT = "housing-construction"
EMAIL_DOMAIN = "jiangzhou.example"


@dataclass
class Result:
    created: int = 0
    updated: int = 0
    counts: dict[str, int] = field(default_factory=dict)
    accounts: list[Account] = field(default_factory=list)


def _upsert(model: type[models.Model], lookup: Mapping[str, Any], values: Mapping[str, Any], result: Result) -> Any:
    """Create the row, or write only the fields that differ from ``values`` (foreign keys by *_id)."""
    obj = model._default_manager.filter(**lookup).first()
    if obj is None:
        result.created += 1
        return model._default_manager.create(**lookup, **values)
    changed = [name for name, value in values.items() if getattr(obj, name) != value]
    if changed:
        for name in changed:
            setattr(obj, name, values[name])
        obj.save(update_fields=[name.removesuffix("_id") if name.endswith("_id") else name for name in changed])
        result.updated += 1
    return obj


def seed(*, password: str, stdout: Writer | None = None) -> Result:
    """Seed the demo organisation and its accounts (all with ``password``); idempotent."""
    result = Result(accounts=list(ACCOUNTS))
    with transaction.atomic():
        units: dict[str, Unit] = {}
        for code, name, kind, parent in UNITS:
            units[code] = _upsert(
                Unit,
                {"code": code},
                {"name": name, "kind": kind, "parent_id": units[parent].pk if parent else None, "active": True},
                result,
            )
        departments: dict[str, Department] = {}
        for code, unit, name in DEPARTMENTS:
            departments[code] = _upsert(
                Department, {"code": code}, {"unit_id": units[unit].pk, "name": name, "active": True}, result
            )
        cadres: dict[str, Cadre] = {}
        for number, name, unit, department, position, rank, leading in CADRES:
            cadres[number] = _upsert(
                Cadre,
                {"staff_number": number},
                {
                    "name": name,
                    "unit_id": units[unit].pk,
                    "department_id": departments[department].pk if department else None,
                    "position": position,
                    "rank": rank,
                    "is_leading": leading,
                    "active": True,
                },
                result,
            )
        # Heads last: units, departments and cadres point at each other.
        for code, number in UNIT_HEADS.items():
            _upsert(Unit, {"code": code}, {"head_id": cadres[number].pk}, result)
        for code, number in DEPARTMENT_HEADS.items():
            _upsert(Department, {"code": code}, {"head_id": cadres[number].pk}, result)
        encoded = _password_hash(password)
        for account in ACCOUNTS:
            _seed_account(account, encoded=encoded, cadres=cadres, result=result)
    result.counts = {
        "units": Unit.objects.filter(code__in=units).count(),
        "departments": Department.objects.filter(code__in=departments).count(),
        "cadres": Cadre.objects.filter(staff_number__in=cadres).count(),
        "accounts": len(ACCOUNTS),
    }
    if stdout is not None:
        stdout.write(
            "Demo city 江州市: {units} units, {departments} departments, {cadres} cadres, {accounts} accounts "
            "({created} rows created, {updated} updated).\n".format(
                **result.counts, created=result.created, updated=result.updated
            )
        )
    return result


def _password_hash(password: str) -> str:
    """The hash every demo account gets. They share one password, so they may share one hash (and
    salt): a run costs one or two slow hash computations instead of two per account, and a hash that
    already matches is kept, so that a second run rewrites nothing."""
    usernames = [account.username for account in ACCOUNTS]
    stored = get_user_model().objects.filter(username__in=usernames).values_list("password", flat=True)
    for encoded in sorted(set(stored)):
        if check_password(password, encoded):
            return encoded
    return make_password(password)


def _seed_account(account: Account, *, encoded: str, cadres: Mapping[str, Cadre], result: Result) -> None:
    cadre = cadres[account.staff_number] if account.staff_number else None
    user = _upsert(
        get_user_model(),
        {"username": account.username},
        {
            "first_name": cadre.name if cadre else "系统管理员",
            "last_name": "",
            "email": f"{account.username}@{EMAIL_DOMAIN}",
            "is_active": True,
            "is_staff": account.superuser,
            "is_superuser": account.superuser,
        },
        result,
    )
    if user.password != encoded:
        user.password = encoded
        user.save(update_fields=["password"])
        result.updated += 1
    wanted = set(account.groups)
    current = set(user.groups.values_list("name", flat=True))
    if wanted != current:
        user.groups.set([Group.objects.get_or_create(name=name)[0] for name in sorted(wanted)])
        result.updated += 1
    if cadre is not None and cadre.user_id != user.pk:
        # The account may still hang on another record (a roster edited by hand): move it here.
        Cadre.objects.filter(user=user).exclude(pk=cadre.pk).update(user=None)
        cadre.user = user
        cadre.save(update_fields=["user"])
        result.updated += 1


# --- The cadres' own records: debriefings in every state, personal-matter reports, past posts ------

# (account, duties, integrity, state wanted: draft | submitted | reviewed)
DEBRIEFINGS: list[tuple[str, str, str, str]] = [
    (
        "head",
        "牵头推进老旧小区改造项目12个，按期完成率100%；办理群众来信来访事项47件。",
        "严格执行中央八项规定精神，未收受礼品礼金，未违规插手工程项目。",
        "reviewed",
    ),
    (
        "director",
        "落实全面从严治党主体责任，主持召开党组会议研究党风廉政建设工作6次。",
        "带头遵守廉洁自律规定，配偶子女未在本系统从业、经商。",
        "submitted",
    ),
    ("envhead", "组织开展执法检查38次，查处环境违法案件9起。", "", "draft"),
]

# (account, rows of the declaration)
PERSONAL_REPORTS: list[tuple[str, list[dict[str, Any]]]] = [
    (
        "head",
        [
            {"kind": "spouse_employment", "person": "配偶", "description": "江州市第一中学教师"},
            {"kind": "property", "person": "本人", "description": "东湖街道住房一套，建筑面积112平方米"},
            {"kind": "abroad", "person": "本人", "description": "因私赴新加坡探亲7天", "days_ago": 200},
        ],
    ),
    (
        "director",
        [
            {"kind": "child_employment", "person": "儿子", "description": "在上海某律师事务所任律师"},
            {"kind": "investment", "person": "配偶", "description": "持有基金", "amount": "86000.00"},
        ],
    ),
    ("townhead", [{"kind": "marriage", "person": "本人", "description": "无变化"}]),
]

# (staff number, unit code, position, rank, from, until)
PAST_POSTS: list[tuple[str, str, str, str, str, str]] = [
    ("JZ0421", "jz-donghu", "东湖街道党工委委员、办事处副主任", R.SECTION, "2016-03-01", "2021-08-31"),
    ("JZ0401", "jz-env", "生态环境局副局长", R.DIVISION_DEPUTY, "2015-06-01", "2020-12-31"),
]


def seed_records(*, now: Any, stdout: Writer | None = None) -> None:
    """Debriefings of this year in every state, personal-matter reports of the demo's leading
    cadres, and some past posts; idempotent, through the services."""
    users = {u.username: u for u in get_user_model().objects.filter(username__in=[a.username for a in ACCOUNTS])}
    orgdept = users.get("orgdept")
    if orgdept is None:
        return
    today = timezone.localtime(now).date()
    year = today.year
    if not DebriefingRound.objects.filter(year=year).exists():
        services.debriefing_round_set(actor=orgdept, year=year, due_on=today + timedelta(days=20), now=now)
    for username, duties, integrity, wanted in DEBRIEFINGS:
        user = users.get(username)
        debriefing = Debriefing.objects.filter(year=year, cadre__user=user).first() if user else None
        if debriefing is None:
            continue
        if debriefing.status == Debriefing.Status.DRAFT:
            debriefing = services.debriefing_update(
                actor=user, debriefing=debriefing, duties=duties, integrity=integrity, now=now
            )
            if wanted != "draft":
                debriefing = services.debriefing_submit(actor=user, debriefing=debriefing, now=now)
        if wanted == "reviewed" and debriefing.status == Debriefing.Status.SUBMITTED:
            services.debriefing_review(
                actor=orgdept, debriefing=debriefing, note="述职述廉报告内容全面，评价为好。", now=now
            )
    report_year = year - 1
    for username, rows in PERSONAL_REPORTS:
        user = users.get(username)
        if user is None or PersonalReport.objects.filter(cadre__user=user, year=report_year).exists():
            continue
        items = [
            {
                **{k: v for k, v in row.items() if k != "days_ago"},
                "occurred_on": today - timedelta(days=row["days_ago"]) if "days_ago" in row else None,
            }
            for row in rows
        ]
        report = services.personal_report_create(actor=user, year=report_year, items=items, now=now)
        services.personal_report_submit(actor=user, personal_report=report, now=now)
    for number, unit, position, rank, start, end in PAST_POSTS:
        cadre = Cadre.objects.filter(staff_number=number).first()
        unit_row = Unit.objects.filter(code=unit).first()
        if cadre is None or unit_row is None:
            continue
        CadrePost.objects.get_or_create(
            cadre=cadre,
            started_on=date.fromisoformat(start),
            defaults={"unit": unit_row, "position": position, "rank": rank, "ended_on": date.fromisoformat(end)},
        )
    if stdout is not None:
        stdout.write(
            f"Cadres' records: {Debriefing.objects.filter(year=year).count()} debriefings for {year}, "
            f"{PersonalReport.objects.filter(year=report_year).count()} personal-matter reports for {report_year}.\n"
        )
