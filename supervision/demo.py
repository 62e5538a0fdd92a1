"""Demo accountability cases for ``manage.py seed_demo``: cases from sources other than complaint
escalations (those come from the complaints demo and the ladder), in every status, one decided
with forms for a party organization and one for a cadre. Idempotent: a case is found again by
its source and allegation, and only what is missing is done; everything goes through the services."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TextIO

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from cadres.models import Cadre, Unit
from supervision import services
from supervision.models import AccountabilityCase, Conversation, Notice
from workstyle.roles import Actor

Source = AccountabilityCase.Source
Status = AccountabilityCase.Status
Form = AccountabilityCase.Form
OFFICER = "inspector"


@dataclass(frozen=True)
class DemoCase:
    source: str
    allegation: str
    opened_days_ago: int
    status: str
    cadre: str | None = None  # staff number
    unit: str | None = None  # unit code
    forms: tuple[str, ...] = ()
    decision: str = ""


CASES = [
    DemoCase(
        source=Source.INSPECTION,
        unit="jz-qingshan",
        allegation="巡察发现：青山镇党委对上轮巡察反馈的惠农资金发放迟缓问题整改不力，"
        "多项整改措施逾期未完成，履行全面从严治党主体责任不到位。",
        opened_days_ago=40,
        status=Status.DECIDED,
        forms=(Form.INSPECTION, Form.CIRCULATED_CRITICISM_ORG),
        decision="责令青山镇党委作出书面检查，并在全市范围内通报批评；限期三十日内完成整改并报送整改报告。",
    ),
    DemoCase(
        source=Source.AUDIT,
        cadre="JZ0721",
        allegation="审计发现：市人民医院财务科违规发放加班补贴，科长对审核把关失职。",
        opened_days_ago=60,
        status=Status.CLOSED,
        forms=(Form.ADMONISHMENT,),
        decision="对其进行诫勉，责令退还违规发放的补贴。",
    ),
    DemoCase(
        source=Source.LETTER,
        cadre="JZ0531",
        allegation="来信反映：生态环境局水和大气环境科对企业排污许可申请长期拖延不办，群众反映强烈。",
        opened_days_ago=12,
        status=Status.INVESTIGATING,
    ),
    DemoCase(
        source=Source.MEETING,
        cadre="JZ0931",
        allegation="专题民主生活会查摆：财政所对涉农专项资金拨付中存在慢作为问题，对照检查材料未如实说明。",
        opened_days_ago=3,
        status=Status.OPENED,
    ),
]

_ORDER = [Status.OPENED, Status.INVESTIGATING, Status.DECIDED, Status.CLOSED]


def _advance(case: AccountabilityCase, spec: DemoCase, *, actor: Actor, now: datetime) -> AccountabilityCase:
    """Take the case through the services up to the status the demo wants."""
    opened = now - timedelta(days=spec.opened_days_ago)
    target = _ORDER.index(AccountabilityCase.Status(spec.status))
    if case.status == Status.OPENED and target >= 1:
        case = services.case_investigate(actor=actor, case=case, note="成立核查组。", now=opened + timedelta(days=1))
    if case.status == Status.INVESTIGATING and target >= 2:
        decided = opened + timedelta(days=max(2, spec.opened_days_ago // 2))
        case = services.case_decide(
            actor=actor,
            case=case,
            forms=list(spec.forms),
            decision_date=timezone.localtime(decided).date(),
            text=spec.decision,
            now=decided,
        )
    if case.status == Status.DECIDED and target >= 3:
        case = services.case_close(actor=actor, case=case, note="决定已执行。", now=now - timedelta(days=1))
    return case


def seed(*, now: datetime, stdout: TextIO | None = None) -> None:
    officer = get_user_model().objects.filter(username=OFFICER).first()
    if officer is None:
        if stdout:
            stdout.write("supervision demo: no discipline office account yet; skipped.\n")
        return
    opened = 0
    for spec in CASES:
        subject_cadre = Cadre.objects.filter(staff_number=spec.cadre).first() if spec.cadre else None
        subject_unit = Unit.objects.filter(code=spec.unit).first() if spec.unit else None
        if subject_cadre is None and subject_unit is None:
            continue
        with transaction.atomic():
            case = AccountabilityCase.objects.filter(source=spec.source, allegation=spec.allegation).first()
            if case is None:
                case = services.case_open(
                    actor=officer,
                    source=spec.source,
                    allegation=spec.allegation,
                    subject_cadre=subject_cadre,
                    subject_unit=subject_unit,
                    now=now - timedelta(days=spec.opened_days_ago),
                )
                opened += 1
            _advance(case, spec, actor=officer, now=now)
    if stdout:
        stdout.write(f"supervision demo: {opened} accountability cases opened.\n")
    seed_notices(now=now, stdout=stdout)
    seed_conversations(now=now, stdout=stdout)


# --- Notices: exposures of the decided demo cases, and one advanced model ------------------------------

LEADER = "leader"
MODEL_CADRE = "JZ0801"
MODEL_TITLE = "扎根基层、一心为民的好书记"
MODEL_BODY = (
    "东湖街道党工委书记任职以来，坚持每周到社区接待群众，推动解决老旧小区加装电梯、"
    "背街小巷整治等民生难题86件，群众满意度位居全市前列。\n\n"
    "该同志严守廉洁纪律，带头落实中央八项规定精神，所在街道连续三年无违纪违法案件。"
    "现予以通报表扬，号召全市广大干部向其学习。"
)


def seed_notices(*, now: datetime, stdout: TextIO | None = None) -> None:
    """Two published exposures of decided demo cases and one published advanced model."""
    users = {u.username: u for u in get_user_model().objects.filter(username__in=[OFFICER, LEADER])}
    officer, leader = users.get(OFFICER), users.get(LEADER)
    if officer is None or leader is None:
        return
    published = 0
    for spec in CASES:
        if spec.status not in (Status.DECIDED, Status.CLOSED):
            continue
        case = AccountabilityCase.objects.filter(source=spec.source, allegation=spec.allegation).first()
        if case is None or case.notices.exists():
            continue
        with transaction.atomic():
            notice = services.notice_draft_exposure(actor=officer, case=case, now=now - timedelta(days=2))
            services.notice_publish(actor=leader, notice=notice, now=now - timedelta(days=1))
            published += 1
    cadre = Cadre.objects.filter(staff_number=MODEL_CADRE).first()
    if cadre is not None and not Notice.objects.filter(kind=Notice.Kind.MODEL, title=MODEL_TITLE).exists():
        with transaction.atomic():
            notice = services.notice_create(
                actor=officer, title=MODEL_TITLE, body=MODEL_BODY, cadre=cadre, now=now - timedelta(days=5)
            )
            services.notice_publish(actor=leader, notice=notice, now=now - timedelta(days=4))
            published += 1
    if stdout:
        stdout.write(f"supervision demo: {published} notices published.\n")


# --- Conversations: the reminding conversation with the cadre the appraisal flags ------------------

# The housing bureau's cadre whom the demo appraisal flags (``ethos.demo.FLAGGED``).
CONVERSATION_CADRE = "JZ0424"
CONVERSATION_REASON = "年度民主测评中，“廉洁自律”一项“差”评占比达到预警线。"
CONVERSATION_OUTCOME = "本人对测评反映的问题作出说明，表示将严守廉洁纪律、主动接受监督，一个月内提交书面整改报告。"


def seed_conversations(*, now: datetime, stdout: TextIO | None = None) -> None:
    officer = get_user_model().objects.filter(username=OFFICER).first()
    cadre = Cadre.objects.filter(staff_number=CONVERSATION_CADRE).first()
    if officer is None or cadre is None or Conversation.objects.filter(cadre=cadre).exists():
        return
    services.conversation_record(
        actor=officer,
        cadre=cadre,
        kind=Conversation.Kind.REMINDING,
        held_on=timezone.localtime(now - timedelta(days=3)).date(),
        reason=CONVERSATION_REASON,
        outcome=CONVERSATION_OUTCOME,
        now=now,
    )
    if stdout:
        stdout.write("supervision demo: 1 conversation recorded.\n")
