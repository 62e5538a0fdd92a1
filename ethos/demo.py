"""Demo data of the eight ethos for ``manage.py seed_demo``: this year's commitments — most cadres
signed (those with an account through their own account, the others recorded from paper by the
organization department), a few drafts, none yet for some — and a closed democratic appraisal of
the housing bureau with its results, one cadre flagged for an admonishing conversation.
Idempotent: what exists is kept; everything goes through the services."""

from __future__ import annotations

import datetime as dt
from typing import Any, TextIO

from django.contrib.auth import get_user_model
from django.db import transaction

from cadres.models import Cadre, Unit
from ethos import services
from ethos.models import AppraisalRound, Commitment, CommitmentYear
from workstyle.deadlines import LOCAL_TZ

ORGDEPT = "orgdept"
APPRAISED_UNIT = "jz-housing"
# The cadre whom the appraisal flags: half of the raters grade his integrity "poor".
FLAGGED = "JZ0424"
# Cadres who have only a draft, and cadres with nothing yet (to show completion below 100%).
DRAFTS = {"cadre", "JZ0832", "JZ0932"}
MISSING = {"JZ0922", "JZ1112", "JZ0722", "JZ0532"}

PLEDGES = {
    "study": "每月至少研读一本业务或理论书籍，结合{position}岗位撰写学习心得，解决一个工作中的实际问题",
    "people": "每季度深入基层走访群众不少于两次，对群众反映的{position}职责内问题做到件件有回音",
    "pragmatism": "对分管事项建立台账、明确时限，{position}岗位承担的任务按期办结，不搞形式主义",
    "frugality": "严格执行公务接待和差旅标准，{position}岗位经手经费精打细算，坚决反对铺张浪费",
    "discipline": "坚决执行上级决策部署，{position}岗位不打折扣、不搞变通，令行禁止",
    "democracy": "重大事项坚持集体研究，虚心听取同事意见，作为{position}团结协作、不搞一言堂",
    "integrity": "严守廉洁从政各项规定，不利用{position}职务便利为本人及亲属谋取利益，管好身边人",
    "decency": "遵守社会公德和家庭美德，{position}八小时以外慎独慎微，不参与赌博等低俗活动",
}


def _pledges(cadre: Cadre) -> list[dict[str, str]]:
    position = cadre.position or "本职"
    return [{"ethos": code, "text": text.format(position=position)} for code, text in PLEDGES.items()]


def _seed_commitments(*, orgdept: Any, now: dt.datetime) -> int:
    today = now.astimezone(LOCAL_TZ).date()
    year = CommitmentYear.objects.filter(year=today.year).first()
    if year is None:
        year = services.commitment_year_open(
            actor=orgdept,
            year=today.year,
            deadline=today + dt.timedelta(days=20),
            now=now - dt.timedelta(days=10),
        )
    made = 0
    done = set(Commitment.objects.filter(year=year).values_list("cadre_id", flat=True))
    for cadre in Cadre.objects.active().select_related("user").order_by("staff_number"):
        username = cadre.user.username if cadre.user else ""
        if cadre.pk in done or cadre.staff_number in MISSING:
            continue
        draft = username in DRAFTS or cadre.staff_number in DRAFTS
        with transaction.atomic():
            if cadre.user is not None:
                commitment = services.commitment_create(
                    actor=cadre.user, year=year, pledges=_pledges(cadre), now=now - dt.timedelta(days=8)
                )
                if not draft:
                    services.commitment_sign(actor=cadre.user, commitment=commitment, now=now - dt.timedelta(days=7))
            elif not draft:
                services.commitment_record_paper(
                    actor=orgdept,
                    cadre=cadre,
                    year=year,
                    pledges=_pledges(cadre),
                    signed_at=now - dt.timedelta(days=6),
                    now=now - dt.timedelta(days=5),
                )
            else:
                continue
        made += 1
    return made


def _seed_round(*, orgdept: Any, now: dt.datetime) -> bool:
    unit = Unit.objects.filter(code=APPRAISED_UNIT).first()
    year = now.astimezone(LOCAL_TZ).year
    if unit is None or AppraisalRound.objects.filter(unit=unit, year=year).exists():
        return False
    with transaction.atomic():
        appraisal = services.round_create(actor=orgdept, unit=unit, year=year, now=now - dt.timedelta(days=4))
        services.round_open(actor=orgdept, round=appraisal, now=now - dt.timedelta(days=4))
        tokens = services.round_issue_links(actor=orgdept, round=appraisal, count=6, now=now - dt.timedelta(days=4))
        cadres = list(appraisal.appraisees.order_by("staff_number"))
        for i, token in enumerate(tokens):
            for j, cadre in enumerate(cadres):
                grades = dict.fromkeys(PLEDGES, "excellent" if (i + j) % 3 == 0 else "good")
                if cadre.staff_number == FLAGGED and i % 2 == 0:
                    grades["integrity"] = "poor"
                    grades["frugality"] = "fair"
                services.ballot_cast_by_token(
                    token=token, cadre_id=cadre.pk, grades=grades, now=now - dt.timedelta(days=3)
                )
        for rater in appraisal.raters.filter(user__isnull=False).select_related("user"):
            own = getattr(rater.user, "cadre", None)
            for cadre in cadres:
                if own is not None and own.pk == cadre.pk:
                    continue
                services.ballot_cast(
                    actor=rater.user,
                    round=appraisal,
                    cadre=cadre,
                    grades=dict.fromkeys(PLEDGES, "good"),
                    now=now - dt.timedelta(days=3),
                )
        services.round_close(actor=orgdept, round=appraisal, now=now - dt.timedelta(days=2))
    return True


def seed(*, now: dt.datetime, stdout: TextIO | None = None) -> None:
    orgdept = get_user_model().objects.filter(username=ORGDEPT).first()
    if orgdept is None:
        if stdout:
            stdout.write("ethos demo: no organization department account yet; skipped.\n")
        return
    made = _seed_commitments(orgdept=orgdept, now=now)
    appraised = _seed_round(orgdept=orgdept, now=now)
    if stdout:
        stdout.write(f"ethos demo: {made} commitments made; appraisal round {'closed' if appraised else 'kept'}.\n")
