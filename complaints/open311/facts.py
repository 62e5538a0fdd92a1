"""What GeoReport v2 shows: the categories as services, and complaints as service requests with
only what the public may see."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from cadres.models import Unit
from complaints.models import Category, Complaint
from complaints.open311.formats import w3_datetime
from complaints.public.serializers import category_rows

OPEN = "open"
CLOSED = "closed"
STATUSES = (OPEN, CLOSED)

# The attributes of every service definition, sent back as ``attribute[code]=value``.
ATTRIBUTE_TITLE = "title"
ATTRIBUTE_UNIT = "unit"
ATTRIBUTE_ACCUSED = "accused_name"


def _notice(row: dict[str, Any]) -> str:
    return _(
        "Accepted or not within %(accept)s days; answered within %(reply)s days of acceptance "
        "(once extended by at most %(extension)s days); a review may be asked within %(window)s days "
        "of the answer."
    ) % {
        "accept": row["accept_days"],
        "reply": row["reply_days"],
        "extension": row["max_extension_days"],
        "window": row["review_window_days"],
    }


def services() -> list[dict[str, Any]]:
    """GET Service List: one service per category, with its time limits as the description."""
    return [
        {
            "service_code": row["code"],
            "service_name": row["label"],
            "description": _notice(row),
            # Title, unit and the name of the cadre complained about are asked for (all optional).
            "metadata": True,
            "type": "realtime",
            "keywords": "",
            "group": _("Work style"),
        }
        for row in category_rows()
    ]


def service_notice(category: str) -> str:
    row = next(row for row in category_rows() if row["code"] == category)
    return _notice(row)


def service_definition(service_code: str) -> dict[str, Any]:
    """GET Service Definition: the same three optional attributes for every category."""
    units = Unit.objects.filter(active=True).order_by("name", "id").values_list("pk", "name")
    return {
        "service_code": service_code,
        "attributes": [
            {
                "variable": True,
                "code": ATTRIBUTE_TITLE,
                "datatype": "string",
                "required": False,
                "datatype_description": _("At most 200 characters."),
                "order": 1,
                "description": _("One line that sums it up (the first line of the description when left out)."),
            },
            {
                "variable": True,
                "code": ATTRIBUTE_UNIT,
                "datatype": "singlevaluelist",
                "required": False,
                "datatype_description": None,
                "order": 2,
                "description": _("The unit complained about."),
                "values": [{"key": str(pk), "name": name} for pk, name in units],
            },
            {
                "variable": True,
                "code": ATTRIBUTE_ACCUSED,
                "datatype": "string",
                "required": False,
                "datatype_description": _("At most 64 characters."),
                "order": 3,
                "description": _("The name of the cadre complained about, if known."),
            },
        ],
    }


def is_service_code(value: str) -> bool:
    return value in Category.values


def status_of(complaint: Complaint) -> str:
    """Open while someone owes the complainant an answer (``Complaint.OPEN_STATUSES``)."""
    return OPEN if complaint.is_open else CLOSED


def service_request(complaint: Complaint) -> dict[str, Any]:
    """A complaint as anyone may see it. ``description`` stays empty and no person or unit appears:
    the complaint's words and the parties are for the complainant and the office alone."""
    department = complaint.department
    closed = status_of(complaint) == CLOSED
    updated = complaint.closed_at if complaint.closed_at is not None else complaint.updated_at
    return {
        "service_request_id": complaint.public_id,
        "status": status_of(complaint),
        "status_notes": str(complaint.get_status_display()),
        "service_name": str(complaint.get_category_display()),
        "service_code": complaint.category,
        "description": None,
        "agency_responsible": f"{department.unit.name} · {department.name}" if department is not None else None,
        "service_notice": None,
        "requested_datetime": w3_datetime(complaint.submitted_at),
        "updated_datetime": w3_datetime(updated),
        "expected_datetime": None if closed else w3_datetime(complaint.current_due_at),
        # Complaints carry no place: the location fields are there, empty, as clients expect them.
        "address": None,
        "address_id": None,
        "zipcode": None,
        "lat": None,
        "long": None,
        "media_url": None,
    }


def complaint_list_public(
    *,
    service_codes: Collection[str] = (),
    statuses: Collection[str] = (),
    start: dt.datetime,
    end: dt.datetime,
    limit: int,
) -> QuerySet[Complaint]:
    """Complaints filed between ``start`` and ``end``, newest first, at most ``limit``."""
    complaints = Complaint.objects.filter(submitted_at__gte=start, submitted_at__lte=end)
    if service_codes:
        complaints = complaints.filter(category__in=service_codes)
    if set(statuses) == {OPEN}:
        complaints = complaints.filter(status__in=Complaint.OPEN_STATUSES)
    elif set(statuses) == {CLOSED}:
        complaints = complaints.exclude(status__in=Complaint.OPEN_STATUSES)
    return complaints.select_related("department__unit").order_by("-submitted_at", "-id")[:limit]


def complaint_list_by_public_ids(public_ids: Collection[str]) -> QuerySet[Complaint]:
    return (
        Complaint.objects.filter(public_id__in=list(public_ids))
        .select_related("department__unit")
        .order_by("-submitted_at", "-id")
    )
