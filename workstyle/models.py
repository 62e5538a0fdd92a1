"""Shared models: the event base every timeline uses, master-data audit, notifications, outbox, and
the API tokens other systems act with."""

from __future__ import annotations

from datetime import datetime
from typing import Any, ClassVar

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models.functions import Length
from django.db.models.lookups import Exact
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class ThroughParentQuerySet(models.QuerySet[Any]):
    """Rows that belong to a parent record — a complaint's events, attachments, requests; a case's
    events: a user sees them exactly when he sees the parent (``Model.VISIBLE_THROUGH`` names the
    foreign key)."""

    def visible_to(self, user: Any) -> ThroughParentQuerySet:
        parent = self.model.VISIBLE_THROUGH
        related = self.model._meta.get_field(parent).related_model
        return self.filter(**{f"{parent}__in": related._default_manager.visible_to(user)})


def is_administrator(user: Any) -> bool:
    """The portal's administrator: an active superuser. A role like the others, not a way around
    recusal or the identity grant."""
    return bool(getattr(user, "is_superuser", False) and getattr(user, "is_active", False))


class AdminOnlyQuerySet(models.QuerySet[Any]):
    """Records of the portal's own running (audit, outgoing e-mail): the administrator's."""

    def visible_to(self, user: Any) -> AdminOnlyQuerySet:
        return self if is_administrator(user) else self.none()


class EventBase(models.Model):
    """One row of a timeline. Written by services in the transaction of the change it records and
    never changed afterwards: on PostgreSQL a trigger refuses UPDATE and DELETE (see
    ``workstyle.db.immutable``)."""

    at = models.DateTimeField(_("when"), db_index=True)
    # PROTECT, not SET_NULL: the timeline is immutable, so users are deactivated, never deleted.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    verb = models.CharField(_("event"), max_length=64)
    from_state = models.CharField(pgettext_lazy("state", "from"), max_length=32, blank=True, default="")
    to_state = models.CharField(pgettext_lazy("state", "to"), max_length=32, blank=True, default="")
    note = models.TextField(_("note"), blank=True, default="")
    data = models.JSONField(_("data"), default=dict, blank=True)

    # Labels of verbs of a timeline that no workflow writes (a workflow's table labels its own).
    VERBS: ClassVar[dict[str, Any]] = {}

    class Meta:
        abstract = True
        ordering = ("at", "id")

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.verb_label}"

    @property
    def verb_label(self) -> str:
        from workstyle.workflow import event_verb_label

        label = event_verb_label(type(self), self.verb)
        return str(label if label is not None else self.VERBS.get(self.verb, self.verb))


class AuditEvent(EventBase):
    """Changes to master data (units, departments, cadres, imports) that have no timeline of their own."""

    target_type = models.ForeignKey(
        ContentType, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("record type")
    )
    target_id = models.CharField(max_length=64, blank=True, default="", verbose_name=_("record id"))

    objects = AdminOnlyQuerySet.as_manager()

    VERBS: ClassVar[dict[str, Any]] = {
        "import": _("roster imported"),
        "create": _("created"),
        "update": _("updated"),
        "delete": _("deleted"),
        "retry_email": _("e-mail queued for another attempt"),
        "issue_token": _("API token issued"),
        "withdraw_notices": _("notices withdrawn after a recusal"),
        "revoke_token": _("API token revoked"),
        "purge_tokens": _("ended API tokens deleted"),
    }

    class Meta(EventBase.Meta):
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        indexes = [models.Index(fields=["target_type", "target_id"])]


class NotificationQuerySet(models.QuerySet["Notification"]):
    def visible_to(self, user: Any) -> NotificationQuerySet:
        """A notice is its recipient's alone: nobody reads another's, whatever his role."""
        user_id = getattr(user, "pk", None)
        if not getattr(user, "is_authenticated", False) or user_id is None:
            return self.none()
        return self.filter(recipient_id=user_id)

    def administered_by(self, user: Any) -> NotificationQuerySet:
        """What the admin lists: the administrator sees everyone's notices, as the one who keeps
        the portal running (the admin then leaves out those about records he may not see); anyone
        else his own."""
        return self if is_administrator(user) else self.visible_to(user)


class Notification(models.Model):
    """An in-app notice for one recipient. Its text is rendered from ``kind`` and ``params`` in the
    reader's language, so one row serves a Chinese and an English reader alike."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recipient"), on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(_("kind"), max_length=64)
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    url = models.CharField(_("link"), max_length=300, blank=True, default="")
    created_at = models.DateTimeField(_("created"), db_index=True)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        ordering = ("-created_at", "-id")
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        indexes = [models.Index(fields=["recipient", "read_at"], name="notification_unread")]

    def __str__(self) -> str:
        return self.title

    @property
    def title(self) -> str:
        from workstyle.notifications import render_title

        return render_title(self.kind, self.params)

    @property
    def body(self) -> str:
        from workstyle.notifications import render_body

        return render_body(self.kind, self.params)

    @property
    def is_read(self) -> bool:
        return self.read_at is not None


class OutboxEmail(models.Model):
    """An e-mail waiting to be sent, written in the transaction of the change that caused it. The
    relay sends it later; a mail server or broker that is down delays it but never loses it."""

    class Status(models.TextChoices):
        PENDING = "pending", _("pending")
        SENT = "sent", _("sent")
        FAILED = "failed", _("failed")

    notification = models.ForeignKey(
        Notification,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="emails",
        verbose_name=_("notification"),
    )
    to = models.EmailField(pgettext_lazy("e-mail", "to"))
    language = models.CharField(_("language"), max_length=16, default="zh-hans")
    subject = models.CharField(_("subject"), max_length=300)
    body = models.TextField(_("body"))
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), db_index=True)
    last_error = models.TextField(_("last error"), blank=True, default="")
    created_at = models.DateTimeField(_("created"))
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)

    objects = AdminOnlyQuerySet.as_manager()

    class Meta:
        ordering = ("id",)
        verbose_name = _("outgoing e-mail")
        verbose_name_plural = _("outgoing e-mails")
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="outbox_due")]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status="sent") | models.Q(sent_at__isnull=False), name="outbox_sent_has_time"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.to}: {self.subject}"

    @property
    def message_id(self) -> str:
        # Stable per row, so that a receiving server can drop a copy should one ever go out twice.
        return f"<outbox-{self.pk}@workstyle>"


class OutboxSms(models.Model):
    """A text message waiting to be sent through the gateway ``SMS_URL`` names, written in the
    transaction of the change that caused it, sent by a relay with retries like ``OutboxEmail``.
    Its text carries a tracking code, a status and an address, never a complaint's words or a name."""

    class Status(models.TextChoices):
        PENDING = "pending", _("pending")
        SENT = "sent", _("sent")
        FAILED = "failed", _("failed")

    to = models.CharField(pgettext_lazy("sms", "to"), max_length=32)
    text = models.CharField(_("text"), max_length=500)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), db_index=True)
    last_error = models.TextField(_("last error"), blank=True, default="")
    created_at = models.DateTimeField(_("created"))
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)

    objects = AdminOnlyQuerySet.as_manager()

    class Meta:
        ordering = ("id",)
        verbose_name = _("outgoing text message")
        verbose_name_plural = _("outgoing text messages")
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="outbox_sms_due")]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status="sent") | models.Q(sent_at__isnull=False), name="outbox_sms_sent_has_time"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.to}: {self.text[:40]}"


class ApiTokenQuerySet(models.QuerySet["ApiToken"]):
    def visible_to(self, user: Any) -> ApiTokenQuerySet:
        """A token is its holder's: he lists and revokes his own, nobody else's."""
        user_id = getattr(user, "pk", None)
        if not getattr(user, "is_authenticated", False) or user_id is None:
            return self.none()
        return self.filter(user_id=user_id)

    def administered_by(self, user: Any) -> ApiTokenQuerySet:
        """What the admin lists: the administrator sees every token (never its secret, which is
        stored nowhere), so that he can revoke one; anyone else his own."""
        return self if is_administrator(user) else self.visible_to(user)

    def usable(self, now: datetime) -> ApiTokenQuerySet:
        return self.filter(revoked_at__isnull=True, expires_at__gt=now)

    def with_state(self, now: datetime) -> ApiTokenQuerySet:
        """Each row's ``state`` at ``now`` (``ApiToken.State``)."""
        return self.annotate(
            state=models.Case(
                models.When(revoked_at__isnull=False, then=models.Value(ApiToken.State.REVOKED)),
                models.When(expires_at__lte=now, then=models.Value(ApiToken.State.EXPIRED)),
                default=models.Value(ApiToken.State.ACTIVE),
                output_field=models.CharField(),
            )
        )


class ApiToken(models.Model):
    """A token with which another system acts in a user's name. The token itself is shown once,
    when issued, and never stored: the row keeps its identifier (the part before the dot, which is
    not secret and finds the row) and the SHA-256 digest of the whole token. A copy of the database
    therefore lets nobody act as anybody. It expires after ``WORKSTYLE_API_TOKEN_HOURS`` and is
    revoked by its holder, by an administrator, when the holder logs out and when his password
    changes."""

    class State(models.TextChoices):
        ACTIVE = "active", pgettext_lazy("token state", "active")
        EXPIRED = "expired", pgettext_lazy("token state", "expired")
        REVOKED = "revoked", pgettext_lazy("token state", "revoked")

    class RevokedBecause(models.TextChoices):
        HOLDER = "holder", _("revoked by its holder")
        ADMINISTRATOR = "administrator", _("revoked by an administrator")
        LOGOUT = "logout", _("its holder logged out")
        PASSWORD_CHANGE = "password_change", _("its holder's password changed")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(_("name"), max_length=100, blank=True, default="")
    key_id = models.CharField(_("identifier"), max_length=16, unique=True)
    digest = models.CharField(_("digest"), max_length=64)
    created_at = models.DateTimeField(_("created"))
    expires_at = models.DateTimeField(_("expires"))
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    revoked_because = models.CharField(
        _("revoked because"), max_length=32, choices=RevokedBecause.choices, blank=True, default=""
    )

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        ordering = ("-created_at", "-id")
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        constraints = [
            # A SHA-256 digest in hex, never anything as long as a token: no secret fits here.
            models.CheckConstraint(condition=Exact(Length("digest"), 64), name="api_token_digest_is_sha256"),
            models.CheckConstraint(condition=models.Q(expires_at__gt=models.F("created_at")), name="api_token_expires"),
            models.CheckConstraint(
                condition=models.Q(revoked_at__isnull=True, revoked_because="")
                | (models.Q(revoked_at__isnull=False) & ~models.Q(revoked_because="")),
                name="api_token_revoked_with_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.key_id} {self.name}".strip()


class ExportQuerySet(models.QuerySet["Export"]):
    def visible_to(self, user: Any) -> ExportQuerySet:
        """An export is its requester's alone: what it holds was chosen by what he may see, so nobody
        else — whatever his role — lists, reads or downloads it."""
        user_id = getattr(user, "pk", None)
        if not getattr(user, "is_authenticated", False) or user_id is None:
            return self.none()
        return self.filter(user_id=user_id)


class Export(models.Model):
    """A file of records (the complaint queue, the case list, the roster…) written for one user in
    the background, kept for him alone until it expires (``workstyle.exports``)."""

    class Format(models.TextChoices):
        CSV = "csv", _("CSV")
        XLSX = "xlsx", _("Excel (XLSX)")

    class Status(models.TextChoices):
        QUEUED = "queued", pgettext_lazy("export", "Queued")
        RUNNING = "running", pgettext_lazy("export", "Running")
        DONE = "done", pgettext_lazy("export", "Ready")
        FAILED = "failed", pgettext_lazy("export", "Failed")
        EXPIRED = "expired", pgettext_lazy("export", "Expired")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("requested by"), on_delete=models.PROTECT, related_name="exports"
    )
    kind = models.CharField(_("kind"), max_length=32)
    format = models.CharField(_("format"), max_length=8, choices=Format.choices)
    # The filters as the list page or the API gave them (name → list of values), checked when asked
    # for and applied again, with the requester's visibility of that moment, when the file is written.
    filters = models.JSONField(_("filters"), default=dict, blank=True)
    language = models.CharField(_("language"), max_length=16)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.QUEUED)
    rows_total = models.PositiveIntegerField(_("rows"), null=True, blank=True)
    rows_done = models.PositiveIntegerField(_("rows written"), default=0)
    # Relative to the private media root; never under a public URL.
    file = models.CharField(_("file"), max_length=200, blank=True, default="")
    size = models.PositiveBigIntegerField(_("size"), default=0)
    error = models.TextField(_("error"), blank=True, default="")
    created_at = models.DateTimeField(_("requested"))
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    expires_at = models.DateTimeField(_("expires"), null=True, blank=True)

    objects = ExportQuerySet.as_manager()

    class Meta:
        ordering = ("-created_at", "-id")
        verbose_name = _("export")
        verbose_name_plural = _("exports")
        indexes = [
            models.Index(fields=["user", "created_at"], name="export_user_created"),
            models.Index(fields=["status", "expires_at"], name="export_status_expires"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status="done") | (~models.Q(file="") & models.Q(expires_at__isnull=False)),
                name="export_done_has_file",
            ),
            models.CheckConstraint(
                condition=models.Q(rows_total__isnull=True) | models.Q(rows_done__lte=models.F("rows_total")),
                name="export_progress_bounded",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind}.{self.format} #{self.pk}"

    @property
    def progress(self) -> int:
        """Per cent of the rows written: 100 once the file is ready."""
        if self.status in (self.Status.DONE, self.Status.EXPIRED):
            return 100
        if not self.rows_total:
            return 0
        return min(100, self.rows_done * 100 // self.rows_total)


class ExportEvent(EventBase):
    """One step of an export: asked for, started, written, failed, expired (who, when, how many rows)."""

    export = models.ForeignKey(Export, on_delete=models.PROTECT, related_name="events", verbose_name=_("export"))

    VISIBLE_THROUGH = "export"
    objects = ThroughParentQuerySet.as_manager()

    VERBS: ClassVar[dict[str, Any]] = {
        "request": _("export requested"),
        "start": _("export started"),
        "finish": _("export written"),
        "fail": _("export failed"),
        "expire": _("export file deleted"),
    }

    class Meta(EventBase.Meta):
        verbose_name = _("export event")
        verbose_name_plural = _("export events")
