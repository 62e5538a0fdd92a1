"""Demo democratic life meetings for ``manage.py seed_demo``: reports in every state (draft,
submitted, accepted, returned), a sub-district meeting still missing the organization department's
observer, rectification items open, done, verified and overdue. Idempotent: a meeting is found
again by its unit and theme and only created when missing; everything goes through the services."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any, TextIO

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from cadres.models import Cadre, Ethos, Unit
from meetings import services
from meetings.models import Meeting, MeetingReport, UnitSecretary
from workstyle.deadlines import LOCAL_TZ

RS = MeetingReport.Status


@dataclass(frozen=True)
class DemoItem:
    measure: str
    responsible: str  # staff number
    deadline_days: int  # after the meeting
    state: str = "open"  # open, done, verified


@dataclass(frozen=True)
class DemoProblem:
    text: str
    ethos: str
    cadre: str | None
    items: tuple[DemoItem, ...] = ()


@dataclass(frozen=True)
class DemoMeeting:
    unit: str
    theme: str
    days_ago: int
    filer: str  # username
    attendees: tuple[str, ...]
    observers: tuple[str, ...]
    status: str
    minutes: tuple[tuple[str, str, str], ...] = ()
    problems: tuple[DemoProblem, ...] = ()
    summary: str = ""
    return_reason: str = ""
    extra: dict[str, Any] = field(default_factory=dict)


HOUSING = ("JZ0401", "JZ0402", "JZ0411", "JZ0421", "JZ0431", "JZ0441")
DONGHU = ("JZ0801", "JZ0802", "JZ0811", "JZ0821", "JZ0831")
ENV = ("JZ0501", "JZ0511", "JZ0521", "JZ0531")

MEETINGS = [
    DemoMeeting(
        unit="jz-housing",
        theme="作风建设",
        days_ago=60,
        filer="director",
        attendees=HOUSING,
        observers=("inspector", "orgdept"),
        status=RS.ACCEPTED,
        summary="局党组会前广泛征求意见，班子成员逐一谈心谈话，撰写对照检查材料。会上，班子成员逐一"
        "进行对照检查，开展批评和自我批评，查摆出作风方面的突出问题，并逐项制定整改措施。",
        minutes=(
            ("JZ0401", "调查研究不够深入，到基层工地现场办公次数偏少。", "对群众反映的物业纠纷问题跟踪督办不够。"),
            ("JZ0421", "对城市建设项目审批“慢作为”问题重视不够。", "科室办事流程仍有繁琐之处，群众多次跑腿。"),
        ),
        problems=(
            DemoProblem(
                "建设项目审批环节多、时限长，存在“慢作为”现象。",
                "pragmatism",
                "JZ0421",
                (
                    DemoItem("梳理审批事项清单，压缩审批时限三分之一以上并向社会公开。", "JZ0421", 30, "verified"),
                    DemoItem("建立审批超时预警和督办机制，每月通报一次。", "JZ0421", 40, "done"),
                ),
            ),
            DemoProblem(
                "公务接待管理不够规范，个别接待未按标准执行。",
                "frugality",
                "JZ0411",
                (DemoItem("修订公务接待管理办法，实行接待清单制度。", "JZ0411", 45),),
            ),
        ),
    ),
    DemoMeeting(
        unit="jz-housing",
        theme="作风建设（整改落实情况回头看）",
        days_ago=10,
        filer="head",
        attendees=HOUSING,
        observers=("inspector", "orgdept"),
        status=RS.SUBMITTED,
        summary="对上次专题民主生活会查摆问题的整改落实情况进行回头看，逐项对账销号。",
        minutes=(("JZ0402", "对分管领域作风问题督促检查不够。", "对下属科室的指导还需加强。"),),
        problems=(
            DemoProblem(
                "整改落实存在“重部署、轻检查”的问题。",
                "discipline",
                "JZ0402",
                (DemoItem("建立整改台账，每季度开展一次督查。", "JZ0402", 60),),
            ),
        ),
    ),
    DemoMeeting(
        unit="jz-donghu",
        theme="作风建设",
        days_ago=5,
        filer="townhead",
        attendees=DONGHU,
        # The organization department has not sent its observer yet: the report cannot go.
        observers=("inspector",),
        status=RS.DRAFT,
        minutes=(("JZ0801", "深入社区走访群众不够经常。", "对街道干部的作风要求不够严格。"),),
        problems=(
            DemoProblem(
                "服务群众“最后一公里”问题仍然存在，部分事项群众多次跑腿。",
                "people",
                "JZ0811",
                (DemoItem("推行便民服务事项“一窗受理”，公开办事指南。", "JZ0811", 30),),
            ),
        ),
    ),
    DemoMeeting(
        unit="jz-donghu",
        theme="作风建设（上半年）",
        days_ago=45,
        filer="townhead",
        attendees=DONGHU,
        observers=("leader", "orgdept"),
        status=RS.RETURNED,
        summary="街道党工委召开专题民主生活会，班子成员开展批评和自我批评。",
        return_reason="对照检查不够深入，问题查摆较为笼统，整改措施缺乏时限和责任人，请补充完善后重新报送。",
        problems=(
            DemoProblem(
                "城市管理执法中存在简单粗暴现象。",
                "integrity",
                "JZ0821",
                (DemoItem("开展文明执法专题培训，建立执法全过程记录制度。", "JZ0821", 20),),
            ),
        ),
    ),
    DemoMeeting(
        unit="jz-env",
        theme="作风建设",
        days_ago=25,
        filer="envhead",
        attendees=ENV,
        observers=("inspector",),
        # Overdue: due ten days ago and still a draft; the deadline ladder reminds and escalates it.
        status=RS.DRAFT,
        minutes=(("JZ0521", "执法检查“一刀切”，对企业的帮扶指导不够。", "执法监督工作主动性不强。"),),
        problems=(
            DemoProblem(
                "排污许可审批拖延，企业反映强烈。",
                "pragmatism",
                "JZ0531",
                (DemoItem("清理积压的排污许可申请，限期办结。", "JZ0531", 10),),
            ),
        ),
    ),
]

# The demo's units whose head has no account name the cadre who files for them.
SECRETARIES = {"jz-housing": ("JZ0421", "director"), "jz-env": ("JZ0521", None)}


def _users(names: tuple[str, ...]) -> list[Any]:
    return list(get_user_model().objects.filter(username__in=names))


def _cadres(numbers: tuple[str, ...]) -> list[Cadre]:
    return list(Cadre.objects.filter(staff_number__in=numbers))


def _at(day: date) -> datetime:
    return datetime.combine(day, datetime.min.time(), tzinfo=LOCAL_TZ) + timedelta(hours=10)


def _secretaries(now: datetime) -> None:
    for code, (staff_number, head_username) in SECRETARIES.items():
        unit = Unit.objects.filter(code=code).first()
        cadre = Cadre.objects.filter(staff_number=staff_number).first()
        if unit is None or cadre is None or UnitSecretary.objects.filter(unit=unit).exists():
            continue
        head = get_user_model().objects.filter(username=head_username).first() if head_username else None
        if head is not None:
            services.secretary_name(actor=head, unit=unit, cadre=cadre, now=now)
        else:
            # The head has no account in the demo city: the row he would have written.
            UnitSecretary.objects.create(unit=unit, cadre=cadre, named_by=None, named_at=now)


def _build(spec: DemoMeeting, *, now: datetime) -> bool:
    unit = Unit.objects.filter(code=spec.unit).first()
    filer = get_user_model().objects.filter(username=spec.filer).first()
    if unit is None or filer is None or Meeting.objects.filter(unit=unit, theme=spec.theme).exists():
        return False
    held_on = timezone.localtime(now, LOCAL_TZ).date() - timedelta(days=spec.days_ago)
    held = _at(held_on)
    meeting = services.meeting_create(
        actor=filer,
        unit=unit,
        held_on=held_on,
        theme=spec.theme,
        attendees=_cadres(spec.attendees),
        observers=_users(spec.observers),
        now=held,
    )
    cadres = {c.staff_number: c for c in Cadre.objects.filter(unit=unit)}
    for number, self_criticism, received in spec.minutes:
        services.meeting_record_minutes(
            actor=filer,
            meeting=meeting,
            cadre=cadres[number],
            self_criticism=self_criticism,
            criticism_received=received,
            now=held + timedelta(hours=4),
        )
    items = []
    for problem_spec in spec.problems:
        problem = services.meeting_add_problem(
            actor=filer,
            meeting=meeting,
            text=problem_spec.text,
            ethos=Ethos.objects.filter(code=problem_spec.ethos).first(),
            cadre=cadres.get(problem_spec.cadre or ""),
            now=held + timedelta(hours=5),
        )
        for item_spec in problem_spec.items:
            item = services.rectification_create(
                actor=filer,
                problem=problem,
                measure=item_spec.measure,
                responsible=cadres[item_spec.responsible],
                deadline=held_on + timedelta(days=item_spec.deadline_days),
                now=held + timedelta(days=1),
            )
            items.append((item, item_spec))
    if spec.summary:
        services.report_set_summary(
            actor=filer, report=meeting.report, summary=spec.summary, now=held + timedelta(days=2)
        )
    report = meeting.report
    office = get_user_model().objects.filter(username="inspector").first()
    orgdept = get_user_model().objects.filter(username="orgdept").first()
    if spec.status != RS.DRAFT:
        report = services.report_submit(actor=filer, report=report, now=held + timedelta(days=3))
        if spec.status == RS.ACCEPTED and office is not None:
            report = services.report_accept(
                actor=office, report=report, comment="查摆问题具体，整改措施可行。", now=held + timedelta(days=6)
            )
        elif spec.status == RS.RETURNED and orgdept is not None:
            report = services.report_return(
                actor=orgdept, report=report, reason=spec.return_reason, now=held + timedelta(days=6)
            )
    for item, item_spec in items:
        if item_spec.state in ("done", "verified"):
            responsible = item.responsible.user or filer
            finished = min(now, _at(item.deadline) - timedelta(days=2))
            item = services.rectification_complete(
                actor=responsible,
                rectification=item,
                evidence="已按期完成，相关制度文件已印发。",
                now=finished,
            )
            if item_spec.state == "verified" and office is not None:
                services.rectification_verify(
                    actor=office,
                    rectification=item,
                    comment="经核查，整改到位。",
                    now=min(now, finished + timedelta(days=1)),
                )
    return True


def seed(*, now: datetime, stdout: TextIO | None = None) -> None:
    with transaction.atomic():
        _secretaries(now)
    created = 0
    for spec in MEETINGS:
        with transaction.atomic():
            created += _build(spec, now=now)
    if stdout:
        stdout.write(f"meetings demo: {created} democratic life meetings recorded.\n")
