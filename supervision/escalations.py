"""Accountability cases the deadline ladder opens at level 2 (``workstyle.ladder``): many at once,
at most one per escalated item, whatever kind of item it is. Registered as the ladder's case
opener in ``SupervisionConfig.ready()``."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q

from supervision.models import AccountabilityCase, CaseEvent
from workstyle.ladder import LadderCase

Status = AccountabilityCase.Status

# Foreign keys of a case that name whom it holds accountable, never the item that escalated.
_SUBJECT_FIELDS = frozenset({"subject_cadre", "subject_unit"})


def _item_links(model: type[models.Model]) -> list[str]:
    """The case's own foreign keys to ``model`` (a complaint's case has ``complaint``): set besides
    the generic link, found from the model alone so that this module knows no kind of item."""
    return [
        f.attname
        for f in AccountabilityCase._meta.concrete_fields
        if f.many_to_one and f.related_model is model and f.name not in _SUBJECT_FIELDS
    ]


def _content_type_id(model: type[models.Model]) -> int:
    # Read every time, not from ContentType's process-wide cache: the sweep's queries per batch
    # stay the same whether the cache is warm or not.
    opts = model._meta
    found = ContentType.objects.filter(app_label=opts.app_label, model=opts.model_name).values_list("pk", flat=True)
    for pk in found:
        return int(pk)
    return int(ContentType.objects.get_for_model(model).pk)


def case_open_for_escalations(
    *, model: type[models.Model], drafts: Mapping[int, LadderCase], now: datetime
) -> dict[int, AccountabilityCase]:
    """Open the cases of many escalated items of one model in a few INSERTs (the sweep is set-based).

    Call inside the sweep's transaction, with the items locked. An item that already has its
    escalation case keeps it — linked generically, or by the case's own foreign key to the item
    with the same source, as a case opened by hand is. The unique constraints
    ``one_escalation_case_per_item`` and, for complaints, ``one_escalation_case_per_complaint`` are
    the last line of defence and roll the whole batch back should anything slip through.
    Returns the new cases by item id."""
    drafts = {pk: d for pk, d in drafts.items() if d.subject_cadre_id is not None or d.subject_unit_id is not None}
    if not drafts:
        return {}
    sources = {d.source for d in drafts.values()}
    if unknown := sources - set(AccountabilityCase.Source.values):
        raise ValueError(f"unknown accountability case source: {', '.join(sorted(unknown))}")
    type_id = _content_type_id(model)
    links = _item_links(model)
    ids = list(drafts)
    already = Q(escalated_type_id=type_id, escalated_id__in=ids)
    for link in links:
        already |= Q(**{f"{link}__in": ids}, source__in=sources)
    existing: set[int] = set()
    for escalated_type_id, escalated_id, *linked in (
        AccountabilityCase.objects.filter(already).order_by().values_list("escalated_type_id", "escalated_id", *links)
    ):
        if escalated_type_id == type_id:
            existing.add(escalated_id)
        existing.update(pk for pk in linked if pk is not None)
    cases = AccountabilityCase.objects.bulk_create(
        [
            AccountabilityCase(
                source=d.source,
                escalated_type_id=type_id,
                escalated_id=pk,
                subject_cadre_id=d.subject_cadre_id,
                subject_unit_id=None if d.subject_cadre_id is not None else d.subject_unit_id,
                allegation=d.allegation,
                status=Status.OPENED,
                opened_at=now,
                **dict.fromkeys(links, pk),
            )
            for pk, d in drafts.items()
            if pk not in existing
        ]
    )
    CaseEvent.objects.bulk_create(
        [
            CaseEvent(case_id=case.pk, at=now, actor=None, verb="open", to_state=Status.OPENED, data={"sweep": True})
            for case in cases
        ]
    )
    return {int(case.escalated_id): case for case in cases if case.escalated_id is not None}
