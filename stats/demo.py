"""A year of demo history for ``manage.py seed_demo``, so that every chart of the statistics page
has a shape: complaints received over the last twelve months, more in some months than others,
accepted (mostly in time), rejected, extended, answered (mostly in time), rated and closed.

Everything goes through the complaint services with ``now`` set back to the moment of each step,
so the rows, timelines and deadlines are those production would write. Drawn from a fixed seed, so
every run plans the same history; idempotent: a history complaint is found again by its title and
only the missing ones are created, each whole or not at all. Runs after the apps' own demo data.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from typing import Any, Protocol

from django.contrib.auth import get_user_model
from django.db import transaction

from cadres.models import Department, Unit
from complaints import services
from complaints.models import Category, Complaint
from stats.services import stats_refresh

OFFICER = "inspector"
SIZE = 96
SEED = 20260512
# Busier and quieter months, by how many months ago: the plan (and so every title) must not depend
# on the day the seed runs, or a later run would not find the complaints of an earlier one.
MONTH_WEIGHT = (0.8, 1.2, 1.4, 0.9, 0.7, 1.0, 1.3, 1.1, 0.6, 0.9, 1.2, 1.0)
SUBJECTS: dict[str, str] = {
    Category.INACTION: "办事窗口推诿拖延",
    Category.ARBITRARY_CHARGES: "违规收取办证费用",
    Category.LAND_COMPENSATION: "征地补偿款迟迟未发放",
    Category.SEWAGE: "工厂夜间偷排污水",
    Category.SPECIAL_FUNDS: "扶贫专项资金去向不明",
    Category.RECEPTION: "超标准公务接待",
    Category.OFFICIAL_CARS: "公车私用",
    Category.ALLOWANCES: "违规发放津贴补贴",
    Category.FINE_QUOTAS: "下达罚没指标",
    Category.OTHER: "其他作风问题",
}
CHANNELS = ("web", "web", "web", "phone", "letter", "visit")


class Writer(Protocol):
    def write(self, text: str, /) -> Any: ...


def _title(index: int, category: str) -> str:
    return f"{SUBJECTS[category]}（样例{index + 1:03d}）"


def _plan() -> list[dict[str, Any]]:
    """The history, drawn from the fixed seed: when each complaint came and what became of it."""
    rng = random.Random(SEED)
    categories = list(SUBJECTS)
    weights = [6, 4, 3, 2, 2, 2, 1.5, 1.5, 1, 1]
    plans: list[dict[str, Any]] = []
    while len(plans) < SIZE:
        days_ago = rng.uniform(20, 365)
        if rng.random() > MONTH_WEIGHT[min(11, int(days_ago // 30.5))] / 1.4:
            continue
        category = rng.choices(categories, weights)[0]
        fate = rng.random()
        plans.append(
            {
                "days_ago": days_ago,
                "category": category,
                "channel": rng.choice(CHANNELS),
                "reject": fate < 0.06,
                # days to the decision on acceptance: within the 15-day limit but one in ten
                "decide_after": rng.uniform(0.5, 12) if rng.random() < 0.9 else rng.uniform(16, 22),
                "extend": rng.random() < 0.1,
                # days from acceptance to the reply: in time mostly, one in seven late
                "reply_after": rng.uniform(5, 50) if rng.random() < 0.86 else rng.uniform(62, 80),
                "rating": rng.choices(["satisfied", "basically_satisfied", "dissatisfied", ""], [50, 22, 10, 18])[0],
                "close": rng.random() < 0.75,
                "pick": rng.random(),
            }
        )
        plans[-1]["title"] = _title(len(plans) - 1, category)
    return plans


def _create(plan: dict[str, Any], *, now: datetime, units: list[Unit], departments: list[Department]) -> None:
    User = get_user_model()
    officer = User.objects.get(username=OFFICER)
    start = now - timedelta(days=plan["days_ago"])

    def at(days: float) -> datetime:
        return start + timedelta(days=days)

    department = departments[int(plan["pick"] * len(departments))]
    staff_channel = plan["channel"] in Complaint.STAFF_CHANNELS
    complaint, _key = services.complaint_submit(
        actor=officer if staff_channel else None,
        channel=plan["channel"],
        category=plan["category"],
        title=plan["title"],
        description="群众反映的作风问题，请核实处理。",
        unit=department.unit if plan["pick"] < 0.8 else units[int(plan["pick"] * 97) % len(units)],
        complainant_name="群众" if plan["pick"] < 0.5 else "",
        now=start,
    )
    decided = at(plan["decide_after"])
    if decided > now:
        return
    if plan["reject"]:
        services.complaint_reject(actor=officer, complaint=complaint, reason="不属于本机关受理范围。", now=decided)
        return
    complaint = services.complaint_accept(actor=officer, complaint=complaint, department=department, now=decided)
    head = department.head.user if department.head is not None else officer
    if plan["extend"] and at(plan["decide_after"] + 40) < now:
        services.complaint_request_extension(
            actor=head,
            complaint=complaint,
            days=20,
            reason="案情复杂，需进一步核查。",
            now=at(plan["decide_after"] + 40),
        )
        complaint = services.complaint_approve_extension(
            actor=officer, complaint=complaint, note="同意延期。", now=at(plan["decide_after"] + 41)
        )
    replied = at(plan["decide_after"] + plan["reply_after"])
    if replied > now:
        return
    complaint = services.complaint_reply(
        actor=head, complaint=complaint, text="经核查，情况已处理，现予答复。", now=replied
    )
    if plan["rating"] and replied + timedelta(days=3) < now:
        complaint = services.complaint_feedback(
            complaint=complaint, rating=plan["rating"], comment="", now=replied + timedelta(days=3)
        )
    if plan["close"] and replied + timedelta(days=5) < now:
        services.complaint_close(actor=officer, complaint=complaint, now=replied + timedelta(days=5))


def seed(*, now: datetime, stdout: Writer | None = None) -> dict[str, int]:
    """Create the history complaints that are missing; returns how many it made and found."""
    plans = _plan()
    existing = set(Complaint.objects.filter(title__in=[p["title"] for p in plans]).values_list("title", flat=True))
    departments = list(
        Department.objects.filter(head__user__isnull=False, head__active=True)
        .select_related("unit", "head__user")
        .order_by("code")
    )
    units = list(Unit.objects.order_by("code"))
    created = 0
    if departments and units:
        for plan in plans:
            if plan["title"] in existing:
                continue
            with transaction.atomic():
                _create(plan, now=now, units=units, departments=departments)
            created += 1
    # The page reads the summary: bring it up to date with everything the demo wrote.
    stats_refresh(now=now)
    if stdout is not None:
        stdout.write(
            f"Statistics history: {created} complaints of the past year created, {len(existing)} already there.\n"
        )
    return {"created": created, "existing": len(existing)}
