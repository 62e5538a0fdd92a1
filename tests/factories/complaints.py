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
from complaints.selectors import complaint_head
from tests.factories.org import CadreFactory, UserFactory

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


# The order a complaint goes through; a state is reached by walking this path.
_PATH = {
    "submitted": [],
    "rejected": ["reject"],
    "withdrawn": ["merge"],
    "accepted": ["accept"],
    "assigned": ["accept", "assign"],
    "replied": ["accept", "assign", "reply"],
    "review_requested": ["accept", "assign", "reply", "request_review"],
    "review_replied": ["accept", "assign", "reply", "request_review", "reply_review"],
    "closed": ["accept", "assign", "reply", "close"],
}


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
    steps = _PATH[status]
    if "accept" in steps and department is None:
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
    for step in steps:
        if step == "reject":
            complaint = services.complaint_reject(
                actor=discipline, complaint=complaint, reason="不属于受理范围", now=now
            )
        elif step == "merge":
            target = ComplaintFactory(submitted_at=now)
            complaint = services.complaint_merge(actor=discipline, complaint=complaint, into=target, now=now)
        elif step == "accept":
            complaint = services.complaint_accept(actor=discipline, complaint=complaint, department=department, now=now)
        elif step == "assign":
            head = complaint_head(complaint)
            actor = head.user if head is not None and head.user_id else discipline
            if head is not None and head.user_id is None:
                raise ValueError("the department's head needs a user account to assign")
            if handler is None:
                handler = CadreFactory(department=department)
            complaint = services.complaint_assign(actor=actor, complaint=complaint, handler=handler, now=now)
        elif step == "reply":
            actor = handler.user if handler.user_id else _head_user(complaint, discipline)
            complaint = services.complaint_reply(actor=actor, complaint=complaint, text="已核实并整改。", now=now)
        elif step == "request_review":
            complaint = services.complaint_request_review(complaint=complaint, reason="整改不到位", now=now)
        elif step == "reply_review":
            actor = handler.user if handler.user_id else _head_user(complaint, discipline)
            complaint = services.complaint_reply_review(actor=actor, complaint=complaint, text="复查属实。", now=now)
        elif step == "close":
            complaint = services.complaint_close(actor=discipline, complaint=complaint, now=now)
    if fields:
        Complaint.objects.filter(pk=complaint.pk).update(**fields)
        complaint.refresh_from_db()
    complaint.access_key = key
    return complaint


def _head_user(complaint: Complaint, discipline: Any) -> Any:
    head = complaint_head(complaint)
    return head.user if head is not None and head.user_id else discipline


def policy_row(category: str) -> CategoryPolicy:
    """The stored policy of a category. A data migration makes them; a transactional test elsewhere
    may have emptied the table, so make it when missing."""
    return CategoryPolicy.objects.get_or_create(category=category)[0]
