"""Public complaints, their per-category time limits, timeline, attachments and identity access."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Case, F, Q, When
from django.utils.translation import gettext_lazy as _

from complaints import codes
from workstyle import roles
from workstyle.models import EventBase, ThroughParentQuerySet
from workstyle.scopes import ScopedQuerySet


class Category(models.TextChoices):
    """The outstanding problems the office rectifies (see docs/RULES.md); codes are stable."""

    INACTION = "inaction", _("Inaction, disorder or delay")
    ARBITRARY_CHARGES = "arbitrary_charges", _("Arbitrary charges")
    SPECIAL_FUNDS = "special_funds", _("Misappropriation of special funds")
    SMALL_TREASURY = "small_treasury", _('Off-book "small treasury"')
    LAND_COMPENSATION = "land_compensation", _("Land requisition and compensation")
    SEWAGE = "sewage", _("Illegal sewage discharge")
    ALLOWANCES = "allowances", _("Unauthorized allowances and subsidies")
    FINE_QUOTAS = "fine_quotas", _("Fines and confiscation quotas")
    RECEPTION = "reception", _("Official reception")
    OFFICIAL_CARS = "official_cars", _("Over-standard cars")
    LUXURIOUS_OFFICES = "luxurious_offices", _("Luxurious offices and office supplies")
    OVERSEAS_TRAVEL = "overseas_travel", _("Overseas travel at public expense")
    DEMOCRATIC_CENTRALISM = "democratic_centralism", _("Violation of democratic centralism")
    GAMBLING = "gambling", _("Gambling")
    ASSOCIATIONS = "associations", _("Improper associations and lifestyle")
    RELATIVES_BUSINESS = "relatives_business", _("Employment of leading cadres' spouses and children")
    OTHER = "other", _("Other")


class CategoryPolicyQuerySet(models.QuerySet["CategoryPolicy"]):
    def visible_to(self, user: Any) -> CategoryPolicyQuerySet:
        """Time limits are public: the complainant is owed them as much as the office."""
        return self


class CategoryPolicy(models.Model):
    """Time limits of one category; defaults after the State Council's 2022 Regulations on Letters
    and Visits (arts. 22, 32, 35)."""

    category = models.CharField(_("category"), max_length=32, choices=Category.choices, unique=True)
    accept_days = models.PositiveSmallIntegerField(_("days to decide on acceptance"), default=15)
    reply_days = models.PositiveSmallIntegerField(_("days to reply"), default=60)
    max_extension_days = models.PositiveSmallIntegerField(_("longest extension (days)"), default=30)
    review_window_days = models.PositiveSmallIntegerField(_("days to ask for a review"), default=30)
    review_reply_days = models.PositiveSmallIntegerField(_("days to answer a review"), default=30)

    objects = CategoryPolicyQuerySet.as_manager()

    class Meta:
        ordering = ("category",)
        verbose_name = _("category policy")
        verbose_name_plural = _("category policies")
        constraints = [
            models.CheckConstraint(
                condition=Q(accept_days__gte=1) & Q(reply_days__gte=1) & Q(review_reply_days__gte=1),
                name="policy_positive_limits",
            ),
        ]

    def __str__(self) -> str:
        return str(self.get_category_display())


def new_public_id() -> str:
    """A complaint's public number (Open311's ``service_request_id``): random, so that it says
    nothing of the tracking code nor of how many complaints the office receives, and not a secret:
    anyone may list it with the complaint's category, status and dates."""
    return codes.new_public_id()


def due_expression(deadlines: Mapping[str, str]) -> Case:
    """``CASE WHEN status IN (…) THEN column … END`` over a mapping state → deadline column: the
    deadline that runs now, NULL in any other state."""
    columns: dict[str, list[str]] = {}
    for state, column in deadlines.items():
        columns.setdefault(column, []).append(str(state))
    return Case(
        *[When(status__in=states, then=F(column)) for column, states in columns.items()],
        default=None,
        output_field=models.DateTimeField(),
    )


class ComplaintQuerySet(ScopedQuerySet["Complaint"]):
    def visible_to(self, user: Any) -> ComplaintQuerySet:
        """What a user may see. The discipline office sees every complaint; the organization
        department reads them all (never the complainant's identity). A cadre sees the complaints
        of the department he heads, those he answers for as responsible head, and those assigned to
        him. A complaint is never visible to a cadre recused from it — the cadre it names, or one
        named by a complaint merged with it — whatever his role, discipline office and superuser
        included."""
        cadre = roles.cadre_of(user)
        if roles.sees_whole_organisation(user):
            return self.recused_from(cadre) if cadre is not None else self
        if cadre is None:
            return self.none()
        # The departments he heads as ids, not a join, and each of them, his complaints as
        # responsible head and his complaints as handler as a part of the scope of its own: each
        # part has its indexes, and a page of the scope is read as the union of each part's first
        # rows (``workstyle.scopes``), the same cost at any size of the table.
        departments = cadre.headed_departments.values_list("pk", flat=True)
        scopes = [Q(department=pk) for pk in departments]
        return self.with_scopes(*scopes, Q(responsible_head=cadre), Q(handler=cadre)).recused_from(cadre)

    def recused_from(self, cadre: Any) -> ComplaintQuerySet:
        """Without the complaints ``cadre`` has no part in: those naming him, and those the recusal
        table holds him from (an anti-join)."""
        return self.exclude(accused_cadre=cadre).exclude(
            pk__in=ComplaintRecusal.objects.filter(cadre=cadre).values("complaint_id")
        )


class Complaint(models.Model):
    class Channel(models.TextChoices):
        WEB = "web", _("Web form")
        API = "api", _("API")
        LETTER = "letter", _("Letter")
        PHONE = "phone", _("Phone")
        VISIT = "visit", _("Visit")

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("Submitted")
        ACCEPTED = "accepted", _("Accepted")
        REJECTED = "rejected", _("Not accepted")
        ASSIGNED = "assigned", _("Assigned")
        RETURNED = "returned", _("Returned to the office")
        REPLIED = "replied", _("Replied")
        REVIEW_REQUESTED = "review_requested", _("Review requested")
        REVIEW_REPLIED = "review_replied", _("Review answered")
        CLOSED = "closed", _("Closed")
        WITHDRAWN = "withdrawn", _("Merged (duplicate)")

    # The deadline that runs now, by status: the decision on acceptance, the reply, the answer to a
    # review. Declared here once; the open statuses, ``current_due_at``, its SQL
    # (``complaints.selectors.complaint_due_expression``), the overdue filter and the escalation
    # ladder all follow from it.
    DEADLINES: ClassVar[Mapping[str, str]] = MappingProxyType(
        {
            Status.SUBMITTED: "accept_due_at",
            Status.ACCEPTED: "reply_due_at",
            Status.ASSIGNED: "reply_due_at",
            Status.REVIEW_REQUESTED: "review_due_at",
            # A department that gives a complaint back buys no time: the reply deadline runs on.
            Status.RETURNED: "reply_due_at",
        }
    )

    # Open: someone still owes the complainant an answer.
    OPEN_STATUSES: ClassVar[tuple[str, ...]] = tuple(DEADLINES)

    class Rating(models.TextChoices):
        """The complainant's rating of the reply, in the three levels of the letters-and-visits
        satisfaction survey."""

        SATISFIED = "satisfied", _("Satisfied")
        BASICALLY_SATISFIED = "basically_satisfied", _("Basically satisfied")
        DISSATISFIED = "dissatisfied", _("Dissatisfied")

    # Channels by which the office itself records a complaint (a letter, a call, a visit).
    STAFF_CHANNELS: ClassVar[tuple[str, ...]] = ("letter", "phone", "visit")

    class Level(models.IntegerChoices):
        HANDLER = 0, _("Not escalated")
        DEPARTMENT_HEAD = 1, _("Department head")
        DISCIPLINE_OFFICE = 2, _("Discipline office")

    tracking_code = models.CharField(_("tracking code"), max_length=40, unique=True)
    public_id = models.CharField(_("public number"), max_length=16, unique=True, default=new_public_id, editable=False)
    access_key_hash = models.CharField(_("access key (hashed)"), max_length=128)
    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices, default=Channel.WEB)
    category = models.CharField(_("category"), max_length=32, choices=Category.choices)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"))
    unit = models.ForeignKey(
        "cadres.Unit",
        verbose_name=_("unit complained about"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="complaints",
    )
    accused_name = models.CharField(_("name of the cadre complained about"), max_length=64, blank=True, default="")
    accused_cadre = models.ForeignKey(
        "cadres.Cadre",
        verbose_name=_("cadre complained about"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="complaints_against",
    )
    # The complainant: all optional (anonymous allowed); never shown without an identity grant.
    complainant_name = models.CharField(_("complainant's name"), max_length=64, blank=True, default="")
    complainant_phone = models.CharField(_("complainant's phone"), max_length=32, blank=True, default="")
    complainant_email = models.EmailField(_("complainant's e-mail"), blank=True, default="")
    contacts_erased_at = models.DateTimeField(_("contact details erased"), null=True, blank=True)

    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.SUBMITTED)
    department = models.ForeignKey(
        "cadres.Department",
        verbose_name=_("department"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="complaints",
    )
    # Who answers for the department when its head is recused: the head of a unit above, or
    # nobody (then the discipline office itself).
    responsible_head = models.ForeignKey(
        "cadres.Cadre",
        verbose_name=_("responsible head"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="complaints_responsible",
    )
    handler = models.ForeignKey(
        "cadres.Cadre",
        verbose_name=_("handler"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="complaints_handled",
    )

    submitted_at = models.DateTimeField(_("submitted"), db_index=True)
    accept_due_at = models.DateTimeField(_("acceptance due"))
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)
    # When the present department got it (acceptance or the last re-routing): the window for
    # giving it back runs from here, the reply deadline from acceptance.
    routed_at = models.DateTimeField(_("routed to the department"), null=True, blank=True)
    reject_reason = models.TextField(_("reason for not accepting"), blank=True, default="")
    assigned_at = models.DateTimeField(_("assigned"), null=True, blank=True)
    reply_due_at = models.DateTimeField(_("reply due"), null=True, blank=True)
    extended = models.BooleanField(_("extended"), default=False)
    extension_days = models.PositiveSmallIntegerField(_("extension (days)"), default=0)

    escalation_level = models.PositiveSmallIntegerField(
        _("escalation level"), choices=Level.choices, default=Level.HANDLER
    )
    escalated_at = models.DateTimeField(_("escalated"), null=True, blank=True)
    # The deadline a reminder went out for: one reminder per deadline, a new one after an extension.
    reminded_for = models.DateTimeField(_("reminded for deadline"), null=True, blank=True)

    reply_text = models.TextField(_("reply"), blank=True, default="")
    replied_at = models.DateTimeField(_("replied"), null=True, blank=True)
    replied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("replied by"),
    )

    rating = models.CharField(_("rating"), max_length=24, choices=Rating.choices, blank=True, default="")
    feedback_comment = models.TextField(_("feedback"), blank=True, default="")
    feedback_at = models.DateTimeField(_("feedback given"), null=True, blank=True)

    review_reason = models.TextField(_("reason for review"), blank=True, default="")
    review_requested_at = models.DateTimeField(_("review requested"), null=True, blank=True)
    review_due_at = models.DateTimeField(_("review due"), null=True, blank=True)
    review_reply_text = models.TextField(_("review answer"), blank=True, default="")
    review_replied_at = models.DateTimeField(_("review answered"), null=True, blank=True)

    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    merged_into = models.ForeignKey(
        "self",
        verbose_name=_("merged into"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="duplicates",
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    # The deadline that runs now (``DEADLINES``), stored: a column PostgreSQL computes from the
    # status and the three deadlines on every write, whoever writes (a service, a bulk UPDATE, the
    # sweep), so that it can never disagree with them; NULL when nobody owes an answer. Indexed, it
    # makes "overdue" and "due soon" a range scan instead of a CASE over the whole table.
    due_at = models.GeneratedField(
        expression=due_expression(DEADLINES),
        output_field=models.DateTimeField(null=True),
        db_persist=True,
        null=True,
        verbose_name=_("deadline in force"),
    )

    objects = ComplaintQuerySet.as_manager()

    class Meta:
        ordering = ("-submitted_at", "-id")
        verbose_name = _("complaint")
        verbose_name_plural = _("complaints")
        indexes = [
            # The status tabs' capped counts read these alone (index-only: the recusal's columns
            # are in them), for the whole office and for a department, overdue ones too.
            models.Index(
                fields=["status", "escalation_level"], include=["accused_cadre", "id"], name="complaint_status_level"
            ),
            models.Index(
                fields=["department", "status", "due_at"],
                include=["accused_cadre", "id"],
                name="complaint_department_status",
            ),
            # The default order (newest first, ``Meta.ordering``) within each role's scope
            # (``visible_to``): the whole office, a department, a handler, a responsible head; and
            # within a status tab. A page is a walk down one of these, however long the table.
            models.Index(F("submitted_at").desc(), F("id").desc(), name="complaint_recent"),
            models.Index("department", F("submitted_at").desc(), F("id").desc(), name="complaint_department_recent"),
            models.Index("handler", F("submitted_at").desc(), F("id").desc(), name="complaint_handler_recent"),
            models.Index(
                "responsible_head", F("submitted_at").desc(), F("id").desc(), name="complaint_responsible_recent"
            ),
            models.Index("status", F("submitted_at").desc(), F("id").desc(), name="complaint_status_recent"),
            # Overdue and due soon, most urgent first (open complaints only), and within each part
            # of a scope the queue by deadline (``?sort=due``: its exact order, NULLs last).
            models.Index("due_at", "id", name="complaint_due", condition=Q(due_at__isnull=False)),
            models.Index(
                fields=["department", "due_at", "-id"], include=["accused_cadre"], name="complaint_department_due"
            ),
            models.Index(fields=["handler", "due_at", "-id"], include=["accused_cadre"], name="complaint_handler_due"),
            models.Index(
                fields=["responsible_head", "due_at", "-id"],
                include=["accused_cadre"],
                name="complaint_responsible_due",
            ),
            # The queue sorted by the deadline in force (``?sort=due``, the overdue list): its exact
            # ORDER BY, complaints without a deadline last, so that a page is a walk down it. (An
            # ascending PostgreSQL index keeps NULLs last already; SQLite refuses NULLS LAST here.)
            models.Index(F("due_at").asc(), F("id").desc(), name="complaint_due_sort"),
            # Sorting by a deadline column (``?ordering=reply_due_at``).
            models.Index(fields=["reply_due_at"], name="complaint_reply_due"),
            models.Index(fields=["accept_due_at"], name="complaint_accept_due"),
            # What the discipline office owes, by status, most overdue first (the workbench), and
            # the overdue tabs' capped counts (index-only).
            models.Index(
                fields=["status", "due_at"],
                include=["accused_cadre", "id"],
                name="complaint_status_due",
                condition=Q(due_at__isnull=False),
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(escalation_level__gte=0, escalation_level__lte=2), name="complaint_level_range"
            ),
            models.CheckConstraint(condition=~Q(merged_into=models.F("pk")), name="complaint_not_merged_into_itself"),
            models.CheckConstraint(
                condition=~Q(
                    status__in=["accepted", "assigned", "returned", "replied", "review_requested", "review_replied"]
                )
                | Q(department__isnull=False, reply_due_at__isnull=False),
                name="complaint_routed_has_department",
            ),
            models.CheckConstraint(
                condition=~Q(status="assigned") | Q(handler__isnull=False), name="complaint_assigned_has_handler"
            ),
            models.CheckConstraint(
                condition=~Q(status__in=["replied", "review_requested", "review_replied"])
                | Q(replied_at__isnull=False),
                name="complaint_replied_has_time",
            ),
            models.CheckConstraint(
                condition=~Q(status="withdrawn") | Q(merged_into__isnull=False), name="complaint_withdrawn_is_merged"
            ),
            models.CheckConstraint(condition=Q(extension_days__lte=365), name="complaint_extension_bounded"),
        ]

    def __str__(self) -> str:
        return f"{self.tracking_code} {self.title}"

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES

    @property
    def recused_cadre_ids(self) -> frozenset[int]:
        """The cadres who have no part in this complaint: the cadre it names, and those the recusal
        table holds (``ComplaintRecusal``), read once per instance; the services that add one keep
        it up to date."""
        if "_recused" not in self.__dict__:
            self.__dict__["_recused"] = frozenset(
                ComplaintRecusal.objects.filter(complaint_id=self.pk).values_list("cadre_id", flat=True)
            )
        named = {self.accused_cadre_id} if self.accused_cadre_id is not None else set()
        return self.__dict__["_recused"] | named

    def refresh_from_db(self, *args: Any, **kwargs: Any) -> None:
        self.__dict__.pop("_recused", None)
        super().refresh_from_db(*args, **kwargs)

    @property
    def current_due_at(self) -> Any:
        """The deadline that runs now (``DEADLINES``): acceptance, reply, or review answer."""
        column = self.DEADLINES.get(self.status)
        return getattr(self, column) if column is not None else None


class ComplaintRecusal(models.Model):
    """A cadre who has no part in a complaint: he never sees it, answers for it, handles it or hears
    of it. The cadre it names, and the cadres named by the complaints merged with it — a duplicate
    and the complaint it joined are one matter. Rows are only ever added: once named, recused."""

    complaint = models.ForeignKey(
        Complaint, on_delete=models.CASCADE, related_name="recusals", verbose_name=_("complaint")
    )
    cadre = models.ForeignKey("cadres.Cadre", verbose_name=_("cadre"), on_delete=models.PROTECT, related_name="+")

    VISIBLE_THROUGH = "complaint"
    objects = ThroughParentQuerySet.as_manager()

    class Meta:
        verbose_name = _("recusal")
        verbose_name_plural = _("recusals")
        constraints = [models.UniqueConstraint(fields=["cadre", "complaint"], name="one_recusal_per_cadre")]

    def __str__(self) -> str:
        return f"{self.complaint_id} / {self.cadre_id}"


class ComplaintEvent(EventBase):
    """One entry of a complaint's timeline; verbs and their labels come from
    ``complaints.transitions.COMPLAINTS``."""

    complaint = models.ForeignKey(
        Complaint, on_delete=models.PROTECT, related_name="events", verbose_name=_("complaint")
    )

    VISIBLE_THROUGH = "complaint"
    objects = ThroughParentQuerySet.as_manager()

    class Meta(EventBase.Meta):
        verbose_name = _("complaint event")
        verbose_name_plural = _("complaint events")
        indexes = [models.Index(fields=["complaint", "at"], name="complaint_event_timeline")]


class Supplement(models.Model):
    """Material the complainant added to an open complaint with his code and key (补充材料): a text
    and its attachments. Kept, never changed."""

    complaint = models.ForeignKey(
        Complaint, on_delete=models.PROTECT, related_name="supplements", verbose_name=_("complaint")
    )
    text = models.TextField(_("text"))
    at = models.DateTimeField(_("added"))

    VISIBLE_THROUGH = "complaint"
    objects = ThroughParentQuerySet.as_manager()

    class Meta:
        ordering = ("at", "id")
        verbose_name = _("supplement")
        verbose_name_plural = _("supplements")

    def __str__(self) -> str:
        return f"{self.complaint_id} {self.at:%Y-%m-%d %H:%M}"


class Attachment(models.Model):
    """A file the complainant sent (with the complaint or a supplement), or a scan of his letter
    that staff recorded: PDF, JPEG, PNG or DOCX (checked by content), stored under a random name
    outside any public URL and served only to staff who may see the complaint."""

    complaint = models.ForeignKey(
        Complaint, on_delete=models.PROTECT, related_name="attachments", verbose_name=_("complaint")
    )
    supplement = models.ForeignKey(
        Supplement,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="attachments",
        verbose_name=_("supplement"),
    )
    file = models.FileField(_("file"), upload_to="attachments/%Y/%m/")
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("type"), max_length=100)
    size = models.PositiveIntegerField(_("size"))
    uploaded_at = models.DateTimeField(_("uploaded"))

    VISIBLE_THROUGH = "complaint"
    objects = ThroughParentQuerySet.as_manager()

    class Meta:
        ordering = ("id",)
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self) -> str:
        return self.original_name


class ExtensionRequest(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        APPROVED = "approved", _("Approved")
        REFUSED = "refused", _("Refused")

    complaint = models.ForeignKey(
        Complaint, on_delete=models.PROTECT, related_name="extension_requests", verbose_name=_("complaint")
    )
    days = models.PositiveSmallIntegerField(_("days"))
    reason = models.TextField(_("reason"))
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.PENDING)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("requested by")
    )
    requested_at = models.DateTimeField(_("requested"))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decision_note = models.TextField(_("decision note"), blank=True, default="")

    VISIBLE_THROUGH = "complaint"
    objects = ThroughParentQuerySet.as_manager()

    class Meta:
        ordering = ("-requested_at",)
        verbose_name = _("extension request")
        verbose_name_plural = _("extension requests")
        constraints = [
            # One extension per complaint, and one open request at a time.
            models.UniqueConstraint(
                fields=["complaint"], condition=Q(status="approved"), name="one_extension_per_complaint"
            ),
            models.UniqueConstraint(
                fields=["complaint"], condition=Q(status="pending"), name="one_pending_extension_request"
            ),
            models.CheckConstraint(condition=Q(days__gte=1), name="extension_days_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.complaint.tracking_code} +{self.days}"


class IdentityAccessQuerySet(models.QuerySet["IdentityAccess"]):
    def visible_to(self, user: Any) -> IdentityAccessQuerySet:
        """Who asked to see whom is itself sensitive: the discipline office, which decides, reads
        the requests of the complaints it sees; anyone else only his own."""
        visible = self.filter(complaint__in=Complaint.objects.visible_to(user))
        return visible if roles.is_discipline(user) else visible.filter(user_id=getattr(user, "pk", None))


class IdentityAccess(models.Model):
    """Access to a complainant's identity: a discipline officer's own reveal (granted at once) or
    another staff member's request, granted or refused by the discipline office."""

    class Kind(models.TextChoices):
        REVEAL = "reveal", _("Revealed by the discipline office")
        REQUEST = "request", _("Requested")

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        GRANTED = "granted", _("Granted")
        REFUSED = "refused", _("Refused")

    complaint = models.ForeignKey(
        Complaint, on_delete=models.PROTECT, related_name="identity_accesses", verbose_name=_("complaint")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="identity_accesses", verbose_name=_("user")
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    reason = models.TextField(_("reason"))
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.PENDING)
    requested_at = models.DateTimeField(_("requested"))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decision_note = models.TextField(_("decision note"), blank=True, default="")
    # A reveal or a grant lasts a while (``WORKSTYLE_IDENTITY_ACCESS_HOURS``), then is asked again.
    expires_at = models.DateTimeField(_("expires"), null=True, blank=True)

    objects = IdentityAccessQuerySet.as_manager()

    class Meta:
        ordering = ("-requested_at",)
        verbose_name = _("identity access")
        verbose_name_plural = _("identity accesses")
        constraints = [
            models.UniqueConstraint(
                fields=["complaint", "user"], condition=Q(status="pending"), name="one_pending_identity_request"
            ),
            models.CheckConstraint(
                condition=~Q(status="granted") | Q(expires_at__isnull=False), name="identity_access_expires"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.complaint.tracking_code} {self.user}"


class IdentityViewQuerySet(models.QuerySet["IdentityView"]):
    def visible_to(self, user: Any) -> IdentityViewQuerySet:
        """Who looked at a complainant's identity is the office leader's to read (for the complaints
        he sees); anyone else reads his own views only."""
        visible = self.filter(complaint__in=Complaint.objects.visible_to(user))
        return visible if roles.is_discipline_leader(user) else visible.filter(user_id=getattr(user, "pk", None))


class IdentityView(models.Model):
    """One showing of a complainant's identity to a user: every page and API answer that carried
    it, with the access that allowed it. Written once, never changed (a trigger on PostgreSQL)."""

    class Channel(models.TextChoices):
        PAGE = "page", _("Complaint page")
        API = "api", _("API")
        EXPORT = "export", _("Export")

    complaint = models.ForeignKey(
        Complaint, on_delete=models.PROTECT, related_name="identity_views", verbose_name=_("complaint")
    )
    access = models.ForeignKey(
        IdentityAccess, on_delete=models.PROTECT, related_name="views", verbose_name=_("identity access")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("user")
    )
    at = models.DateTimeField(_("when"), db_index=True)
    channel = models.CharField(_("where"), max_length=8, choices=Channel.choices)

    objects = IdentityViewQuerySet.as_manager()

    class Meta:
        ordering = ("-at", "-id")
        verbose_name = _("view of an identity")
        verbose_name_plural = _("views of identities")
        indexes = [models.Index(fields=["complaint", "at"], name="identity_view_timeline")]

    def __str__(self) -> str:
        return f"{self.complaint_id} {self.user_id} {self.at:%Y-%m-%d %H:%M}"
