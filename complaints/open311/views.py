"""The GeoReport v2 endpoints. Anyone may call them, throttled per client address like the public
API (filing like filing there); every answer and every error is in the format the URL names."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, parsers, permissions
from rest_framework.request import Request
from rest_framework.views import APIView

from complaints import services
from complaints.models import Complaint
from complaints.open311 import facts
from complaints.open311.formats import JSON, XML, error, respond
from complaints.public.api import ClientThrottle
from complaints.public.forms import TITLE_MAX
from complaints.public.serializers import PublicComplaintCreateSerializer
from workstyle.errors import DomainError

SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
# The date of the last change to what these endpoints answer (GeoReport's discovery "changeset").
CHANGESET = "2026-11-29T00:00:00+08:00"
# GeoReport's default and largest answer: 1000 requests, filed within 90 days.
MAX_REQUESTS = 1000
MAX_SPAN = dt.timedelta(days=90)
# A title made from the description when the client sends none (many clients know no attributes).
DERIVED_TITLE_LENGTH = 50

# The public API's field, and the name the client sent it under.
FIELD_NAMES = {
    "category": "service_code",
    "title": f"attribute[{facts.ATTRIBUTE_TITLE}]",
    "unit": f"attribute[{facts.ATTRIBUTE_UNIT}]",
    "accused_name": f"attribute[{facts.ATTRIBUTE_ACCUSED}]",
    "description": "description",
    "complainant_name": "first_name",
    "complainant_phone": "phone",
    "complainant_email": "email",
}


class BadRequest(Exception):
    """Input the endpoint cannot serve: answered with GeoReport errors, nothing done."""

    def __init__(self, *descriptions: str, status: int = 400) -> None:
        super().__init__(*descriptions)
        self.descriptions = descriptions
        self.status = status


@extend_schema(exclude=True)  # GeoReport is its own contract; the discovery document points to it.
class Open311View(APIView):
    authentication_classes: list[type] = []
    permission_classes = [permissions.AllowAny]
    throttle_classes = [ClientThrottle]
    throttle_scope = "public"
    parser_classes = [parsers.FormParser, parsers.MultiPartParser]

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        # Filing counts against the public API's submission limit, reading against its reading one.
        self.throttle_scope = "public_submit" if request.method == "POST" else "public"
        super().initial(request, *args, **kwargs)

    def handle_exception(self, exc: Exception) -> Any:
        fmt = self.kwargs.get("fmt", XML)
        if isinstance(exc, BadRequest):
            return error(fmt, exc.status, *exc.descriptions)
        if isinstance(exc, DomainError):
            messages = [f"{field}: {message}" for field, items in exc.errors.items() for message in items]
            return error(fmt, exc.status_code, *(messages or [str(exc.message)]))
        if isinstance(exc, Http404):
            return error(fmt, 404, _("Not found."))
        if isinstance(exc, exceptions.APIException):
            response = error(fmt, exc.status_code, str(exc.detail))
            wait = getattr(exc, "wait", None)
            if wait is not None:
                response["Retry-After"] = str(int(wait))
            return response
        raise exc


class DiscoveryView(Open311View):
    def get(self, request: Request, fmt: str) -> HttpResponse:
        url = settings.WORKSTYLE_SITE_URL.rstrip("/") + reverse("open311:root")
        return respond(
            fmt,
            "discovery",
            {
                "changeset": CHANGESET,
                "contact": str(settings.WORKSTYLE_SITE_NAME),
                "key_service": None,
                "endpoints": [
                    {
                        "specification": SPECIFICATION,
                        "url": url.rstrip("/"),
                        "changeset": CHANGESET,
                        "type": "production",
                        "formats": ["text/xml", "application/json"],
                    }
                ],
            },
        )


class ServiceListView(Open311View):
    def get(self, request: Request, fmt: str) -> HttpResponse:
        return respond(fmt, "services", facts.services())


class ServiceDefinitionView(Open311View):
    def get(self, request: Request, fmt: str, service_code: str) -> HttpResponse:
        if not facts.is_service_code(service_code):
            raise BadRequest(_("No service with the code %(code)s.") % {"code": service_code}, status=404)
        return respond(fmt, "service_definition", facts.service_definition(service_code))


def _split(value: str | None) -> list[str]:
    return [part.strip() for part in (value or "").split(",") if part.strip()]


def _moment(name: str, value: str | None, *, end: bool) -> dt.datetime | None:
    """A date or date-time parameter in W3C form; a date alone is the start (or end) of that day."""
    if not value:
        return None
    # An unencoded "+" of an offset arrives as a space.
    text = value.strip().replace(" ", "+")
    try:
        moment = parse_datetime(text)
        if moment is None:
            day = parse_date(text)
            if day is not None:
                moment = dt.datetime.combine(day, dt.time.max if end else dt.time.min)
    except ValueError:
        moment = None
    if moment is None:
        raise BadRequest(_("%(name)s is not a date in W3C format, e.g. 2026-01-01T00:00:00+08:00.") % {"name": name})
    return timezone.make_aware(moment) if timezone.is_naive(moment) else moment


def _max_requests(value: str | None) -> int:
    if not value:
        return MAX_REQUESTS
    try:
        number = int(value)
    except ValueError:
        number = 0
    if not 1 <= number <= MAX_REQUESTS:
        raise BadRequest(_("max_requests must be a number from 1 to %(max)s.") % {"max": MAX_REQUESTS})
    return number


def _date_range(request: Request) -> tuple[dt.datetime, dt.datetime]:
    start = _moment("start_date", request.query_params.get("start_date"), end=False)
    end = _moment("end_date", request.query_params.get("end_date"), end=True)
    # GeoReport: the most recent 90 days when neither is given; 90 days from the one given.
    if start is None and end is None:
        end = timezone.now()
    if start is None:
        assert end is not None
        start = end - MAX_SPAN
    if end is None:
        end = start + MAX_SPAN
    if start > end:
        raise BadRequest(_("start_date is after end_date."))
    if end - start > MAX_SPAN:
        raise BadRequest(_("start_date and end_date may not span more than 90 days."))
    return start, end


class RequestListView(Open311View):
    def get(self, request: Request, fmt: str) -> HttpResponse:
        params = request.query_params
        limit = _max_requests(params.get("max_requests"))
        ids = _split(params.get("service_request_id"))
        if ids:
            # GeoReport: listed numbers override every other argument.
            if len(ids) > limit:
                raise BadRequest(_("At most %(max)s service_request_id at once.") % {"max": limit})
            complaints = list(facts.complaint_list_by_public_ids([value.upper() for value in ids]))
        else:
            codes = _split(params.get("service_code"))
            unknown = [code for code in codes if not facts.is_service_code(code)]
            if unknown:
                raise BadRequest(*(_("No service with the code %(code)s.") % {"code": code} for code in unknown))
            statuses = _split(params.get("status"))
            if any(value not in facts.STATUSES for value in statuses):
                raise BadRequest(_("status must be open, closed, or both separated by a comma."))
            start, end = _date_range(request)
            complaints = list(
                facts.complaint_list_public(service_codes=codes, statuses=statuses, start=start, end=end, limit=limit)
            )
        return respond(fmt, "service_requests", [facts.service_request(complaint) for complaint in complaints])

    def post(self, request: Request, fmt: str) -> HttpResponse:
        data = request.POST
        code = str(data.get("service_code") or "")
        if not code:
            raise BadRequest(_("service_code was not provided."))
        if not facts.is_service_code(code):
            raise BadRequest(_("No service with the code %(code)s.") % {"code": code}, status=404)
        description = str(data.get("description") or "")
        title = str(data.get(FIELD_NAMES["title"]) or "").strip() or _derived_title(description)
        name = " ".join(str(data.get(key) or "").strip() for key in ("first_name", "last_name")).strip()
        serializer = PublicComplaintCreateSerializer(
            data={
                "category": code,
                "title": title,
                "description": description,
                "unit": data.get(FIELD_NAMES["unit"]) or None,
                "accused_name": str(data.get(FIELD_NAMES["accused_name"]) or ""),
                "complainant_name": name,
                "complainant_phone": str(data.get("phone") or ""),
                "complainant_email": str(data.get("email") or ""),
            }
        )
        if not serializer.is_valid():
            errors = dict(serializer.errors)
            if "description" in errors and not data.get(FIELD_NAMES["title"]):
                # The title was to come from the description: one error says what is missing.
                errors.pop("title", None)
            raise BadRequest(
                *(
                    f"{FIELD_NAMES.get(field, field)}: {message}"
                    for field, messages in errors.items()
                    for message in messages
                )
            )
        valid = serializer.validated_data
        complaint, access_key = services.complaint_submit(
            actor=None,
            channel=Complaint.Channel.API,
            category=valid["category"],
            title=valid["title"],
            description=valid["description"],
            unit=valid.get("unit"),
            accused_name=valid.get("accused_name", ""),
            complainant_name=valid.get("complainant_name", ""),
            complainant_phone=valid.get("complainant_phone", ""),
            complainant_email=valid.get("complainant_email", ""),
            now=timezone.now(),
        )
        receipt = {
            "service_request_id": complaint.public_id,
            "service_notice": facts.service_notice(complaint.category),
            "account_id": None,
            # Extension fields: what the complainant tracks the complaint with, given this once.
            "tracking_code": complaint.tracking_code,
            "access_key": access_key,
        }
        return respond(fmt, "service_requests", [receipt], status=201)


def _derived_title(description: str) -> str:
    line = next((line.strip() for line in description.splitlines() if line.strip()), "")
    if len(line) > DERIVED_TITLE_LENGTH:
        line = line[: DERIVED_TITLE_LENGTH - 1] + "…"
    return line[:TITLE_MAX]


class RequestDetailView(Open311View):
    def get(self, request: Request, fmt: str, service_request_id: str) -> HttpResponse:
        complaint = facts.complaint_list_by_public_ids([service_request_id.upper()]).first()
        if complaint is None:
            raise BadRequest(_("No service request with the id %(id)s.") % {"id": service_request_id}, status=404)
        return respond(fmt, "service_requests", [facts.service_request(complaint)])


def not_found(request: HttpRequest, fmt: str = XML) -> HttpResponse:
    """Any other address under /open311/v2/: GeoReport's 404, in JSON when the path asks for it."""
    return error(JSON if request.path.endswith(".json") else fmt, 404, _("Not found."))
