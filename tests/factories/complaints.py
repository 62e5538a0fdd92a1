"""Complaints in any state, for tests.

``ComplaintFactory`` builds a submitted complaint directly (fast; the access key is in
``complaint.access_key``, the tracking code random). ``complaint_in_state`` walks the real services
from submission to the state asked for, so its timeline, deadlines and routing are what production
would produce.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import factory
from django.utils import timezone

from complaints import codes, services
from complaints.models import Category, CategoryPolicy, Complaint
from complaints.permissions import complaint_head
from complaints.transitions import COMPLAINTS
from tests.factories.org import CadreFactory, DepartmentFactory, UserFactory
from workstyle.workflow import Transition

COMPLAINANT = {
    "complainant_name": "张投诉",
    "complainant_phone": "13912345678",
    "complainant_email": "complainant-secret@example.com",
}


class ComplaintFactory(factory.django.DjangoModelFactory):
    """A submitted complaint with a known access key (``.access_key``) and a named complainant."""

    class Meta:
        model = Complaint

    access_key = factory.LazyFunction(codes.new_access_key)
    tracking_code = factory.LazyFunction(codes.new_tracking_code)
    access_key_hash = factory.LazyAttribute(lambda o: codes.hash_access_key(o.access_key))
    channel = Complaint.Channel.WEB
    category = Category.INACTION
    title = factory.Sequence(lambda n: f"投诉事项{n}")
    description = "办事窗口长期无人，群众多次反映无果。"
    complainant_name = COMPLAINANT["complainant_name"]
    complainant_phone = COMPLAINANT["complainant_phone"]
    complainant_email = COMPLAINANT["complainant_email"]
    status = Complaint.Status.SUBMITTED
    submitted_at = factory.LazyFunction(timezone.now)
    accept_due_at = factory.LazyAttribute(lambda o: o.submitted_at + timedelta(days=15))

    @classmethod
    def _create(cls, model_class: Any, *args: Any, **kwargs: Any) -> Complaint:
        key = kwargs.pop("access_key", None)
        complaint = super()._create(model_class, *args, **kwargs)
        complaint.access_key = key
        return complaint


def action_inputs(
    row: Transition, complaint: Complaint, *, department: Any, handler: Any, now: datetime
) -> dict[str, Any]:
    """Valid input of a transition row, by the shape of its input (``Transition.input``)."""
    shape = row.input
    if shape == "department":
        return {"department": department}
    if shape == "handler":
        return {"handler": handler}
    if shape == "reason":
        return {"reason": "不属于受理范围" if row.target == Complaint.Status.REJECTED else "整改不到位"}
    if shape == "text":
        return {"text": "已核实并整改。" if row.target == Complaint.Status.REPLIED else "复查属实。"}
    if shape == "into":
        return {"into": ComplaintFactory(submitted_at=now)}
    if shape == "extension":
        return {"days": 10, "reason": "需调取档案"}
    if shape == "note":
        return {"note": ""}
    if shape == "feedback":
        return {"rating": Complaint.Rating.SATISFIED, "comment": ""}
    if shape == "reroute":
        if complaint.department_id == department.pk:
            department = DepartmentFactory(unit=department.unit)
        return {"department": department, "reason": "不属于本部门职责"}
    if shape == "statement":
        return {"text": "原答复依据的材料已补充说明。"}
    if shape == "follow_up":
        return {"note": "电话回访，投诉人表示基本满意。"}
    if shape == "supplement":
        return {"text": "补充：事发时间为上周三上午。"}
    if shape == "cadre":
        return {"cadre": CadreFactory(department=department)}
    if shape == "identity_decision":
        return {"access": complaint.identity_accesses.filter(status="pending").first(), "note": ""}
    if shape == "":
        return {}
    raise ValueError(f"no sample input for {shape!r}")


def row_actor(row: Transition, complaint: Complaint, *, discipline: Any, handler: Any, now: datetime) -> Any:
    """The first of the complaint's people whom the row lets act: its handler, its head, the
    discipline office, else nobody (the complainant, the system)."""
    head = complaint_head(complaint)
    candidates = [
        handler.user if handler is not None and handler.user_id else None,
        head.user if head is not None and head.user_id else None,
        discipline,
    ]
    for candidate in candidates:
        if candidate is not None and COMPLAINTS.can(row.action, actor=candidate, obj=complaint, now=now):
            return candidate
    if not row.staff:
        return None
    if head is not None and head.user_id is None:
        raise ValueError("the department's head needs a user account")
    raise ValueError(f"nobody of this complaint may {row.action}")


def take(row: Transition, complaint: Complaint, *, actor: Any, now: datetime, **inputs: Any) -> Any:
    """Call the row's service as the workbench and the public side do."""
    service = COMPLAINTS.service(services, row.action)
    if row.staff:
        return service(actor=actor, complaint=complaint, now=now, **inputs)
    return service(complaint=complaint, now=now, **inputs)


def discipline_actor() -> Any:
    return UserFactory(username="inspector-factory", groups=["discipline"])


def complaint_in_state(
    status: str,
    *,
    department: Any = None,
    handler: Any = None,
    now: datetime | None = None,
    discipline: Any = None,
    unit: Any = None,
    accused_name: str = "",
    accused_cadre: Any = None,
    category: str = Category.INACTION,
    anonymous: bool = False,
    **fields: Any,
) -> Complaint:
    """A complaint brought to ``status`` through the services, at time ``now`` (default: now).

    Routed states need ``department``; ``handler`` defaults to a new cadre of that department.
    The access key is on ``complaint.access_key``."""
    now = now or timezone.now()
    discipline = discipline or discipline_actor()
    # Through the handler's assignment wherever that lies on the way, as most complaints go.
    steps = COMPLAINTS.path(status, via=(Complaint.Status.ASSIGNED,))
    if "reroute" in steps:
        # Most complaints stay where they were routed; going through a handler is no reason to re-route.
        steps = COMPLAINTS.path(status)
    if any(COMPLAINTS[action].input == "department" for action in steps) and department is None:
        raise ValueError("a routed state needs a department")
    contacts = {} if anonymous else dict(COMPLAINANT)
    complaint, key = services.complaint_submit(
        actor=None,
        channel=fields.pop("channel", Complaint.Channel.WEB),
        category=category,
        title=fields.pop("title", "窗口办事难"),
        description=fields.pop("description", "办事窗口长期无人，群众多次反映无果。"),
        unit=unit,
        accused_name=accused_name,
        now=now,
        **contacts,
    )
    if accused_cadre is not None and complaint.accused_cadre_id != accused_cadre.pk:
        # As staff would: the public only names a cadre.
        complaint = services.complaint_link_accused(actor=discipline, complaint=complaint, cadre=accused_cadre, now=now)
    for action in steps:
        row = COMPLAINTS[action]
        if row.input == "handler" and handler is None:
            handler = CadreFactory(department=department)
        inputs = action_inputs(row, complaint, department=department, handler=handler, now=now)
        actor = row_actor(row, complaint, discipline=discipline, handler=handler, now=now)
        complaint = take(row, complaint, actor=actor, now=now, **inputs)
    if fields:
        Complaint.objects.filter(pk=complaint.pk).update(**fields)
        complaint.refresh_from_db()
    complaint.access_key = key
    return complaint


def policy_row(category: str) -> CategoryPolicy:
    """The stored policy of a category. A data migration makes them; a transactional test elsewhere
    may have emptied the table, so make it when missing."""
    return CategoryPolicy.objects.get_or_create(category=category)[0]
