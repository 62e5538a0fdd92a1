"""Demo complaints for ``manage.py seed_demo``: the demo city's complaints in every state, some
overdue at each escalation level, some naming a cadre (recusal), named and anonymous.

Runs after the organisation (``cadres/demo.py``) and looks its people up by username and staff
number. Everything goes through the services, with ``now`` set in the past, so that timelines,
deadlines, routing and notifications are what production would produce; then two escalation sweeps
(ten days ago and now) build the ladder. Idempotent: a demo complaint is found again by its title
and only the missing ones are created, each whole or not at all.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Protocol

from django.contrib.auth import get_user_model
from django.db import transaction

from cadres.models import Cadre, Department, Unit
from complaints import services
from complaints.models import Category, Complaint, IdentityAccess

C = Category
Channel = Complaint.Channel
OFFICER = "inspector"
# The first sweep runs this many days ago, the second now: complaints overdue since before the first
# are at level 2 after the second (its grace is WORKSTYLE_ESCALATION_DAYS, 7 by default).
FIRST_SWEEP_DAYS_AGO = 10


class Writer(Protocol):
    def write(self, text: str, /) -> Any: ...


@dataclass(frozen=True)
class Step:
    verb: str
    days_ago: float
    actor: str = OFFICER
    args: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class DemoComplaint:
    title: str
    category: str
    description: str
    submitted_days_ago: float
    steps: tuple[Step, ...] = ()
    unit: str | None = None  # unit code
    accused_name: str = ""
    complainant: tuple[str, str, str] | None = None  # name, phone, e-mail; None: anonymous
    channel: str = Channel.WEB


def _s(verb: str, days_ago: float, actor: str = OFFICER, **args: Any) -> Step:
    return Step(verb, days_ago, actor, args)


HC = "housing-construction"
ENV = "env-enforcement"

COMPLAINTS: list[DemoComplaint] = [
    # --- submitted -----------------------------------------------------------------------------
    DemoComplaint(
        "青山镇农机购置补贴申请半年无人办理",
        C.INACTION,
        "今年三月我向青山镇农业农村办公室提交了农机购置补贴申请，材料齐全。至今已过去半年，"
        "多次打电话询问都说在走流程，去办公室也找不到经办人。请纪委督促尽快办理。",
        2,
        unit="jz-qingshan",
    ),
    DemoComplaint(
        "市场监管局价格检查科检查时收取“服务费”",
        C.ARBITRARY_CHARGES,
        "上个月市场监管局价格监督检查科到我店检查，检查结束后要求缴纳所谓“检查服务费”800元，"
        "没有开具任何票据。周边几家商户也遇到同样情况。",
        12,
        unit="jz-market",
        complainant=("刘建华", "13870010001", "liujianhua@example.com"),
    ),
    DemoComplaint(
        "东湖街道违规向辖区企业摊派宣传费用",
        C.ARBITRARY_CHARGES,
        "东湖街道以创建文明城市为名，向辖区小微企业每家摊派宣传费两千元，不交就在检查中“重点关照”。",
        20,
        unit="jz-donghu",
        complainant=("", "13870010002", ""),
    ),
    DemoComplaint(
        "来电反映水务集团抄表员收取“加急费”",
        C.ARBITRARY_CHARGES,
        "群众来电反映：水务集团客服专员上门办理水表过户时，称正常办理需一个月，另交二百元“加急费”可当天办结。",
        1,
        unit="jz-water",
        channel=Channel.PHONE,
    ),
    # --- rejected --------------------------------------------------------------------------------
    DemoComplaint(
        "小区物业费上涨过快",
        C.OTHER,
        "我们小区物业公司今年物业费每平方米上涨了五毛钱，业主普遍不满，希望有关部门管一管。",
        8,
        steps=(
            _s(
                "reject",
                6,
                reason="所反映问题属于物业服务合同纠纷，不属于纪检监察机关受理范围，"
                "建议向住建部门物业监管机构或人民法院反映。",
            ),
        ),
        complainant=("陈女士", "13870010003", ""),
    ),
    # --- accepted, not yet assigned --------------------------------------------------------------
    DemoComplaint(
        "城市建设科对老旧小区改造投诉推诿扯皮",
        C.INACTION,
        "我们小区列入老旧小区改造计划两年了，施工单位进场后停工半年。多次向住建局城市建设科反映，"
        "每次都说“正在协调”，没有任何进展。",
        5,
        steps=(_s("accept", 3, department=HC),),
        unit="jz-housing",
        complainant=("周立群", "13870010004", "zhouliqun@example.com"),
    ),
    DemoComplaint(
        "东湖街道城管执法人员暴力执法",
        C.INACTION,
        "九月十二日上午，东湖街道城管执法人员在菜市场门口没收流动摊贩的三轮车，并推搡一名老人，周围群众拍下了视频。",
        10,
        steps=(_s("accept", 8, department="donghu-urban"),),
        unit="jz-donghu",
    ),
    # --- assigned ----------------------------------------------------------------------------------
    DemoComplaint(
        "住建局城市建设科窗口办事拖延",
        C.INACTION,
        "我申请办理施工许可证变更，住建局城市建设科窗口一会儿说缺材料，一会儿说系统维护，"
        "前后跑了五趟还没办下来，每次要求补的材料都不一样。",
        20,
        steps=(
            _s("accept", 18, department=HC),
            _s("assign", 17, "head", handler="JZ0422"),
            _s("request_identity", 16, "head", reason="需要电话联系投诉人核实跑办的具体时间和窗口。"),
        ),
        unit="jz-housing",
        complainant=("黄志明", "13870010005", "huangzhiming@example.com"),
    ),
    DemoComplaint(
        "建筑工地扬尘治理专项资金被挪作他用",
        C.SPECIAL_FUNDS,
        "据了解，今年市里拨付的建筑工地扬尘治理专项资金，有一部分被用于局机关办公楼外立面装修。",
        50,
        steps=(
            _s("accept", 48, department=HC),
            _s("assign", 47, "head", handler="JZ0424"),
            _s("request_extension", 6, "head", days=20, reason="涉及近三年资金账目，需商请审计部门协助核查。"),
        ),
        unit="jz-housing",
    ),
    DemoComplaint(
        "城市建设科技术服务费收入不入账设“小金库”",
        C.SMALL_TREASURY,
        "住建局城市建设科对外提供图纸审查技术服务，收取的服务费不上缴财政，存放在科室私人账户，"
        "用于发放奖金和吃喝招待。",
        72,
        steps=(
            _s("accept", 70, department=HC),
            _s("assign", 69, "head", handler="JZ0423"),
            _s("request_extension", 15, "head", days=30, reason="需调取近五年银行流水并商请审计部门协助，工作量大。"),
            _s("approve_extension", 14, note="同意延期30天，请抓紧核查。"),
        ),
        unit="jz-housing",
        complainant=("", "", "whistle2024@example.com"),
    ),
    # --- overdue: level 1 (reply due five days ago; the acceptance above is overdue too) -------------
    DemoComplaint(
        "城市建设科科员在验收中吃拿卡要",
        C.RECEPTION,
        "我公司承建的小区配套工程竣工验收时，城市建设科工作人员暗示要安排吃饭，我们没有安排，验收就一直拖着不签字。",
        67,
        steps=(
            _s("accept", 65, department=HC),
            _s("assign", 64, "head", handler="JZ0422"),
        ),
        unit="jz-housing",
        complainant=("吴永强", "13870010006", ""),
    ),
    # --- overdue: level 2 (reply due twenty days ago): an accountability case opens -------------------
    DemoComplaint(
        "化工园区企业夜间偷排废水，执法科不作为",
        C.SEWAGE,
        "青山镇化工园区有企业长期在夜间通过雨水管偷排废水，河水发黑发臭。多次向生态环境局执法监督科举报，"
        "执法人员来了看一眼就走，从未处罚。",
        82,
        steps=(
            _s("accept", 80, department=ENV),
            _s("assign", 79, "envhead", handler="JZ0522"),
        ),
        unit="jz-env",
        complainant=("沿河村村民", "13870010007", ""),
    ),
    # --- replied -----------------------------------------------------------------------------------
    DemoComplaint(
        "住建局违规发放节日津贴补贴",
        C.ALLOWANCES,
        "今年中秋节前，住建局以“加班补助”名义给全体干部职工每人发放两千元购物卡，没有任何加班记录。",
        40,
        steps=(
            _s("accept", 38, department=HC),
            _s("assign", 37, "head", handler="JZ0422"),
            _s("reveal", 30, reason="需当面听取投诉人陈述，核实购物卡发放的具体时间和经手人。"),
            _s(
                "reply",
                10,
                "cadre",
                text="经核查，局机关中秋节前确以“加班补助”名义发放购物卡，属违规发放津贴补贴。"
                "已责令全额清退，对主要责任人进行诫勉谈话，并在全系统通报。感谢您的监督。",
            ),
            _s("feedback", 8, rating="satisfied", comment="处理及时，满意。"),
        ),
        unit="jz-housing",
        complainant=("李秀英", "13870010008", "lixiuying@example.com"),
    ),
    # --- returned, re-routed, with material added --------------------------------------------------
    DemoComplaint(
        "来信反映排污企业夜间偷排",
        C.SEWAGE,
        "来信反映：城东工业园一家印染厂每天夜里十一点后通过雨水管向河道直排污水，河水发黑发臭，附河道照片三张。",
        6,
        steps=(
            _s("accept", 5, department=HC),
            _s("return", 4, "head", reason="排污执法属生态环境局执法监督科职责，不属本科室业务，退回改派。"),
        ),
        unit="jz-housing",
        complainant=("王来信", "13870010011", ""),
        channel=Channel.LETTER,
    ),
    DemoComplaint(
        "执法监督科对餐馆罚款不开票据",
        C.FINE_QUOTAS,
        "生态环境局执法人员对我家餐馆油烟问题罚款五百元，只收现金，不开任何票据。",
        12,
        steps=(
            _s("accept", 11, department=HC),
            _s("reroute", 10, department=ENV, reason="所反映问题属生态环境局执法监督科，改派办理。"),
            _s("supplement", 9, "", text="补充：罚款时间为本月三日下午，两名执法人员，其中一人戴眼镜。"),
        ),
        unit="jz-env",
        complainant=("", "13870010012", "diner@example.com"),
    ),
    # --- review requested ----------------------------------------------------------------------------
    DemoComplaint(
        "征地补偿款迟迟不到位",
        C.LAND_COMPENSATION,
        "青山镇建设工业园征用我村土地已两年，部分农户的补偿款至今没有发放到位，镇里说资金在市住建局。",
        60,
        steps=(
            _s("accept", 58, department=HC),
            _s("assign", 57, "head", handler="JZ0422"),
            _s("reply", 20, "cadre", text="经核实，补偿款已于上月拨付至镇财政所，将在本月内发放到户。"),
            _s("feedback", 18, rating="dissatisfied", comment="到现在钱也没发，答复不实。"),
            _s("request_review", 5, reason="答复说本月内发放，但村里至今没有一户收到，请重新核查。"),
        ),
        unit="jz-qingshan",
        complainant=("张大山", "13870010009", ""),
    ),
    # --- review answered -----------------------------------------------------------------------------
    DemoComplaint(
        "住建局领导干部配偶经营建材生意",
        C.RELATIVES_BUSINESS,
        "住建局一名副局长的配偶开办建材公司，承揽了多个政府投资项目的材料供应，涉嫌利用职务影响。",
        100,
        steps=(
            _s("accept", 98, department=HC),
            _s("assign", 97, "head", handler="JZ0424"),
            _s("reply", 60, "head", text="经核查，该公司未承揽本局管理的政府投资项目，反映问题不属实。"),
            _s("request_review", 45, reason="该公司承揽了城南安置房项目的材料供应，请复查。"),
            _s(
                "reply_review",
                25,
                text="复查发现，城南安置房项目确有该公司供货，已移交市纪委进一步调查，相关副局长已按规定回避。",
            ),
        ),
        unit="jz-housing",
        complainant=("知情人", "", "insider@example.com"),
    ),
    # --- closed ---------------------------------------------------------------------------------------
    DemoComplaint(
        "城建科公车私用接送子女",
        C.OFFICIAL_CARS,
        "住建局城市建设科的公务用车每天早上七点半停在实验小学门口接送孩子，车牌号江A·G1234。",
        130,
        steps=(
            _s("accept", 128, department=HC),
            _s("assign", 127, "head", handler="JZ0422"),
            _s("reply", 90, "cadre", text="经查属实，已对当事人进行批评教育并责令作出书面检查，收回车辆钥匙统一管理。"),
            _s("feedback", 88, rating="basically_satisfied", comment=""),
            _s("follow_up", 70, note="电话回访投诉人，表示公车已停止接送，对处理基本满意。"),
            _s("close", 55),
        ),
        unit="jz-housing",
    ),
    DemoComplaint(
        "执法监督科对企业重复检查、变相罚款",
        C.FINE_QUOTAS,
        "生态环境局执法监督科一个月内对我厂检查四次，每次都找理由罚款，听说科里有罚款指标。",
        110,
        steps=(
            _s("accept", 108, department=ENV),
            _s(
                "reply",
                70,
                "envhead",
                text="经查，执法监督科不存在罚款指标，但检查频次确实过高，已规范检查计划并向企业说明情况。",
            ),
            _s("close", 35),
        ),
        unit="jz-env",
        complainant=("王厂长", "13870010010", ""),
    ),
    # --- withdrawn: a duplicate merged into the one above it -------------------------------------------
    DemoComplaint(
        "施工许可证变更跑了五趟还没办成",
        C.INACTION,
        "在住建局办施工许可证变更，窗口每次要求的材料都不一样，已经跑了五趟。",
        19,
        steps=(_s("merge", 18, into="住建局城市建设科窗口办事拖延"),),
        unit="jz-housing",
        complainant=("黄志明", "13870010005", ""),
    ),
    # --- recusal: the complaint names the department head; it goes past him to the unit's head ---------
    DemoComplaint(
        "城市建设科科长接受开发商宴请",
        C.RECEPTION,
        "住建局城市建设科科长王建国多次在江州大酒店接受开发商宴请，饭后还有娱乐活动。",
        15,
        steps=(
            _s("accept", 13, department=HC),
            _s("assign", 12, "director", handler="JZ0423"),
        ),
        unit="jz-housing",
        accused_name="王建国",
    ),
    # --- recusal: the complaint names a plain cadre; he never sees it -----------------------------------
    DemoComplaint(
        "城市建设科科员工作日打麻将赌博",
        C.GAMBLING,
        "住建局城市建设科的李明经常在工作日下午到单位附近的茶楼打麻将，输赢上千元。",
        9,
        steps=(
            _s("accept", 7, department=HC),
            _s("assign", 6, "head", handler="JZ0424"),
        ),
        unit="jz-housing",
        accused_name="李明",
    ),
    DemoComplaint(
        "街道城管办主任违规出国旅游",
        C.OVERSEAS_TRAVEL,
        "东湖街道城市管理办公室主任段志勇今年五月以考察名义到东南亚旅游一周，费用由街道报销。",
        25,
        steps=(
            _s("accept", 23, department="donghu-urban"),
            _s("assign", 22, "townhead", handler="JZ0822"),
        ),
        unit="jz-donghu",
        accused_name="段志勇",
        complainant=("", "13870010011", ""),
    ),
    DemoComplaint(
        "医院新建行政楼办公室超标装修",
        C.LUXURIOUS_OFFICES,
        "市人民医院新行政楼院领导办公室面积超标，装修使用实木护墙板和进口石材，与医院经费紧张形成鲜明对比。",
        4,
        unit="jz-hospital",
    ),
    DemoComplaint(
        "镇党委书记个人说了算，重大事项不上会",
        C.DEMOCRATIC_CENTRALISM,
        "青山镇的重大项目和大额资金使用，镇党委书记一个人拍板，从不召开党委会研究。",
        3,
        unit="jz-qingshan",
        complainant=("镇机关干部", "", ""),
    ),
]


def _user(username: str) -> Any:
    user = get_user_model().objects.filter(username=username).first()
    if user is None:
        raise LookupError(f"demo user {username!r} is missing: run the organisation seed (cadres/demo.py) first")
    return user


def _create(demo: DemoComplaint, *, now: datetime) -> Complaint:
    def at(days_ago: float) -> datetime:
        return now - timedelta(days=days_ago)

    name, phone, email = demo.complainant or ("", "", "")
    recorder = _user(OFFICER) if demo.channel != Channel.WEB else None
    complaint, _key = services.complaint_submit(
        actor=recorder,
        channel=demo.channel,
        category=demo.category,
        title=demo.title,
        description=demo.description,
        unit=Unit.objects.get(code=demo.unit) if demo.unit else None,
        accused_name=demo.accused_name,
        complainant_name=name,
        complainant_phone=phone,
        complainant_email=email,
        now=at(demo.submitted_days_ago),
    )
    for step in demo.steps:
        when = at(step.days_ago)
        actor = _user(step.actor) if step.actor else None  # "": the complainant himself
        args = step.args
        if step.verb == "accept":
            department = Department.objects.get(code=args["department"])
            complaint = services.complaint_accept(actor=actor, complaint=complaint, department=department, now=when)
        elif step.verb == "reject":
            complaint = services.complaint_reject(actor=actor, complaint=complaint, reason=args["reason"], now=when)
        elif step.verb == "assign":
            handler = Cadre.objects.get(staff_number=args["handler"])
            complaint = services.complaint_assign(actor=actor, complaint=complaint, handler=handler, now=when)
        elif step.verb == "request_extension":
            services.complaint_request_extension(
                actor=actor, complaint=complaint, days=args["days"], reason=args["reason"], now=when
            )
        elif step.verb == "approve_extension":
            complaint = services.complaint_approve_extension(
                actor=actor, complaint=complaint, note=args.get("note", ""), now=when
            )
        elif step.verb == "reply":
            complaint = services.complaint_reply(actor=actor, complaint=complaint, text=args["text"], now=when)
        elif step.verb == "feedback":
            complaint = services.complaint_feedback(
                complaint=complaint, rating=args["rating"], comment=args["comment"], now=when
            )
        elif step.verb == "request_review":
            complaint = services.complaint_request_review(complaint=complaint, reason=args["reason"], now=when)
        elif step.verb == "reply_review":
            complaint = services.complaint_reply_review(actor=actor, complaint=complaint, text=args["text"], now=when)
        elif step.verb == "close":
            complaint = services.complaint_close(actor=actor, complaint=complaint, now=when)
        elif step.verb == "merge":
            into = Complaint.objects.get(title=args["into"])
            complaint = services.complaint_merge(actor=actor, complaint=complaint, into=into, now=when)
        elif step.verb == "reroute":
            department = Department.objects.get(code=args["department"])
            complaint = services.complaint_reroute(
                actor=actor, complaint=complaint, department=department, reason=args["reason"], now=when
            )
        elif step.verb == "return":
            complaint = services.complaint_return(actor=actor, complaint=complaint, reason=args["reason"], now=when)
        elif step.verb == "follow_up":
            complaint = services.complaint_follow_up(actor=actor, complaint=complaint, note=args["note"], now=when)
        elif step.verb == "supplement":
            services.complaint_supplement(complaint=complaint, text=args["text"], now=when)
        elif step.verb == "reveal":
            services.complaint_reveal_identity(actor=actor, complaint=complaint, reason=args["reason"], now=when)
        elif step.verb == "request_identity":
            services.complaint_request_identity(actor=actor, complaint=complaint, reason=args["reason"], now=when)
        else:  # pragma: no cover - a typo in the data above
            raise ValueError(f"unknown demo step {step.verb!r}")
        complaint.refresh_from_db()
    return complaint


def seed(*, now: datetime, stdout: Writer | None = None) -> dict[str, int]:
    """Create the demo complaints that are missing, then sweep; returns what it did."""
    existing = set(Complaint.objects.filter(title__in=[d.title for d in COMPLAINTS]).values_list("title", flat=True))
    created = 0
    for demo in COMPLAINTS:
        if demo.title in existing:
            continue
        # Each complaint whole or not at all: a run that stops half way leaves no complaint
        # stuck between two steps, and the next run creates it again.
        with transaction.atomic():
            _create(demo, now=now)
        created += 1
    report = {"created": created, "existing": len(existing)}
    if created:
        # Ten days ago the oldest overdue complaints reach level 1; now they reach level 2 (with
        # their accountability case), and those overdue since reach level 1.
        first = services.escalate_overdue(now=now - timedelta(days=FIRST_SWEEP_DAYS_AGO))
        second = services.escalate_overdue(now=now)
        for key in ("reminded", "escalated_1", "escalated_2", "cases_opened"):
            report[key] = first.get(key, 0) + second.get(key, 0)
    if stdout is not None:
        by_level = {
            level: Complaint.objects.filter(title__in=[d.title for d in COMPLAINTS], escalation_level=level).count()
            for level in Complaint.Level.values
        }
        pending_identity = IdentityAccess.objects.filter(
            status=IdentityAccess.Status.PENDING, complaint__title__in=[d.title for d in COMPLAINTS]
        ).count()
        stdout.write(
            f"Demo complaints: {created} created, {len(existing)} already there; escalation levels "
            f"0/1/2: {by_level[0]}/{by_level[1]}/{by_level[2]}; {pending_identity} identity request(s) pending.\n"
        )
    return report


def demo_answered_complaint(
    *, title: str, description: str, reply: str, now: datetime, complainant_name: str = "", complainant_phone: str = ""
) -> tuple[Complaint, str]:
    """One more complaint in the demo city, filed from the web, routed to the demo cadre's
    department, assigned to him and answered, all through the services at ``now``: what a citizen
    sees once the office has replied. Returns it with its access key."""
    cadre = Cadre.objects.select_related("department", "user").get(user__username="cadre")
    if cadre.department is None:
        raise LookupError("the demo's cadre belongs to no department: run the organisation seed first")
    complaint, key = services.complaint_submit(
        actor=None,
        channel=Complaint.Channel.WEB,
        category=Category.ARBITRARY_CHARGES,
        title=title,
        description=description,
        complainant_name=complainant_name,
        complainant_phone=complainant_phone,
        complainant_email="",
        now=now,
    )
    complaint = services.complaint_accept(
        actor=_user(OFFICER), complaint=complaint, department=cadre.department, now=now
    )
    complaint = services.complaint_assign(actor=_user("head"), complaint=complaint, handler=cadre, now=now)
    complaint = services.complaint_reply(actor=cadre.user, complaint=complaint, text=reply, now=now)
    return complaint, key
