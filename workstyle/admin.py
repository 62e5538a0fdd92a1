"""The rules every admin of the portal obeys (``GuardedAdminMixin``), and the admin of the shared
pieces. Audit events, notifications and outgoing e-mails are written by services only, so the admin
shows them read-only; the one thing it may do is ask the outbox for another attempt, through a
service. API tokens are listed without their secret (the portal does not keep it) and revoked
through a service.

A superuser is a role, not a way around the rules: the admin shows what ``visible_to(user)`` (or,
for the portal's own records, ``administered_by(user)``) lets him see — a complaint that names him
is as absent here as on the workbench — and never a field declared hidden (the complainant's
identity, a token's digest): it is not shown, filtered, searched or ordered by, here or through a
related model. The only way to see a complainant is the recorded reveal on the workbench."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any, ClassVar, cast

from django.apps import apps
from django.contrib import admin, messages
from django.contrib.admin.options import BaseModelAdmin
from django.contrib.admin.utils import NestedObjects, NotRelationField, get_fields_from_path, quote
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import GroupAdmin as DjangoGroupAdmin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import FieldDoesNotExist, ImproperlyConfigured
from django.db import models, router
from django.db.models import Q, QuerySet
from django.db.models.constants import LOOKUP_SEP
from django.db.models.fields.json import KT
from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.text import capfirst
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from workstyle import roles, services
from workstyle.models import ApiToken, AuditEvent, EventBase, Notification, OutboxEmail, is_administrator
from workstyle.notifications import kind_label
from workstyle.workflow import event_state_label, event_verb_label

# --- hidden fields ------------------------------------------------------------------------------

# Fields no admin touches, by model: filled from the admins' ``hidden_fields`` as they are made,
# so that a lookup through a related model (an event's ``complaint__complainant_phone``) is refused
# as surely as one on the model itself.
HIDDEN_FIELDS: dict[type[models.Model], frozenset[str]] = {}


def admin_hide_fields(model: type[models.Model], fields: Iterable[str]) -> None:
    concrete = model._meta.concrete_model or model
    HIDDEN_FIELDS[concrete] = HIDDEN_FIELDS.get(concrete, frozenset()) | frozenset(fields)


def hidden_fields_of(model: type[models.Model]) -> frozenset[str]:
    return HIDDEN_FIELDS.get(model._meta.concrete_model or model, frozenset())


def _names(item: Any) -> list[str]:
    """The field paths an item of ``list_display``, ``ordering`` or ``search_fields`` refers to."""
    if isinstance(item, str):
        return [item]
    if isinstance(item, models.F):
        return [str(item.deconstruct()[1][0])]
    names = []
    if hasattr(item, "get_source_expressions"):
        for source in item.get_source_expressions():
            names += _names(source)
    order_field = getattr(item, "admin_order_field", None)
    if order_field is not None:
        names += _names(order_field)
    return names


def touches_hidden(model: type[models.Model], path: str) -> bool:
    """Whether a lookup, an ordering or a search path reaches a hidden field: ``complainant_phone``,
    ``-complainant_name``, ``^complainant_email``, ``complaint__complainant_phone__startswith``,
    ``events__complaint__access_key_hash``."""
    current = model
    for part in path.lstrip("-^=@").split(LOOKUP_SEP):
        try:
            field = current._meta.get_field(part)
        except FieldDoesNotExist:
            return False  # a lookup or transform (startswith, regex, year…), or a name Django refuses
        hidden = hidden_fields_of(current)
        if field.name in hidden or getattr(field, "attname", None) in hidden:
            return True
        related = field.related_model if field.is_relation else None
        if not isinstance(related, type):
            return False  # a plain field: what follows are its transforms
        current = related
    return False


def _refers_to_hidden(model: type[models.Model], item: Any) -> bool:
    return any(touches_hidden(model, name) for name in _names(item))


# --- visibility ---------------------------------------------------------------------------------


def admin_visible(queryset: QuerySet[Any], user: Any) -> QuerySet[Any]:
    """What the admin may list of ``queryset``'s model for ``user``: ``administered_by(user)`` where
    the model has one (records the administrator keeps for everybody), else ``visible_to(user)``."""
    if hasattr(queryset, "administered_by"):
        return queryset.administered_by(user)
    if hasattr(queryset, "visible_to"):
        return queryset.visible_to(user)
    raise ImproperlyConfigured(
        f"{queryset.model._meta.label} has no visible_to(user): the admin cannot tell what a user may see."
    )


def _has_visibility(model: Any) -> bool:
    queryset = model._default_manager.all()
    return hasattr(queryset, "visible_to") or hasattr(queryset, "administered_by")


def _guarded_relation(field: Any) -> bool:
    """A foreign key to a record the user may or may not see."""
    return bool((field.many_to_one or field.one_to_one) and field.concrete and _has_visibility(field.related_model))


def _visible_pks(model: Any, pks: Iterable[Any], user: Any) -> set[Any]:
    wanted = {pk for pk in pks if pk is not None}
    if not wanted:
        return set()
    return set(admin_visible(model._default_manager.all(), user).filter(pk__in=wanted).values_list("pk", flat=True))


# Finders of what names a record the user may not see in the text of a notice — a tracking code, a
# link — registered by the apps that own such records (complaints, supervision).
_mention_finders: list[Callable[[Any], Iterable[str]]] = []


def admin_register_hidden_mentions(finder: Callable[[Any], Iterable[str]]) -> None:
    _mention_finders.append(finder)


def hidden_mentions(user: Any) -> list[str]:
    """Tracking codes and links of the records ``user`` may not see (a complaint that names him, a
    case against him). Only asked for an administrator, for whom they are few."""
    return sorted({mention for finder in _mention_finders for mention in finder(user) if mention})


def notifications_mentioning(mentions: Sequence[str]) -> QuerySet[Notification]:
    """The notices about any of ``mentions``: by the code in their params or by their link."""
    return Notification.objects.alias(mentioned_code=KT("params__code")).filter(
        Q(mentioned_code__in=mentions) | Q(url__in=mentions)
    )


class VisibleRelatedFieldListFilter(admin.RelatedFieldListFilter):
    """A filter by a related record offers only the records the user may see."""

    def field_choices(self, field: Any, request: HttpRequest, model_admin: Any) -> Any:
        ordering = self.field_admin_ordering(field, request, model_admin)
        visible = admin_visible(field.related_model._default_manager.all(), request.user)
        return field.get_choices(
            include_blank=False, ordering=ordering, limit_choices_to=Q(pk__in=visible.values("pk"))
        )


class _RelatedColumn:
    """A column showing a related record only when the user may see it (else the empty value):
    a case shows its complaint only to those who may see the complaint."""

    def __init__(self, field: Any) -> None:
        self.field = field
        self.__name__ = field.name
        self.short_description = field.verbose_name
        self.admin_order_field = field.name

    def __call__(self, obj: Any) -> Any:
        seen = obj.__dict__.get("_workstyle_related_seen", {})
        if not seen.get(self.field.name, False):
            return None
        return getattr(obj, self.field.name)


# --- codes shown by their labels ----------------------------------------------------------------


def _verb_label(model: Any, verb: str) -> Any:
    label = event_verb_label(model, verb)
    return label if label is not None else model.VERBS.get(verb, verb)


def code_labeller(model: Any, name: str) -> Callable[[Any, str], Any] | None:
    """How a field that holds a code without choices (an event's verb and states, a notice's kind)
    is shown to people: the label its workflow or registry gives it. None for other fields."""
    if isinstance(model, type) and issubclass(model, EventBase):
        if name == "verb":
            return _verb_label
        if name in ("from_state", "to_state"):
            return event_state_label
    if model is Notification and name == "kind":
        return lambda _model, code: kind_label(code)
    return None


class _CodeColumn:
    """A column, read-only field or filter value showing a code by its label (``route_past`` →
    "越级转办"); ordered and filtered by the code itself."""

    def __init__(self, model: Any, name: str, labeller: Callable[[Any, str], Any]) -> None:
        self.model = model
        self.name = name
        self.labeller = labeller
        self.__name__ = f"{name}_label"
        self.short_description = model._meta.get_field(name).verbose_name
        self.admin_order_field = name

    def label(self, code: str) -> str:
        return str(self.labeller(self.model, code)) if code else ""

    def __call__(self, obj: Any) -> str:
        return self.label(getattr(obj, self.name))


_CODE_COLUMNS: dict[tuple[Any, str], _CodeColumn] = {}


def _code_column(model: Any, item: Any) -> Any:
    if not isinstance(item, str):
        return item
    labeller = code_labeller(model, item)
    if labeller is None:
        return item
    return _CODE_COLUMNS.setdefault((model, item), _CodeColumn(model, item, labeller))


def _labelled(model: Any, items: Iterable[Any]) -> list[Any]:
    shown: list[Any] = []
    for item in items:
        column = _code_column(model, item)
        if column not in shown:
            shown.append(column)
    return shown


class CodeLabelListFilter(admin.AllValuesFieldListFilter):
    """The admin's filter by the values present, each shown by its label."""

    def choices(self, changelist: Any) -> Any:
        labeller = code_labeller(self.field.model, self.field.name)
        for choice in super().choices(changelist):
            value = choice.get("display")
            if labeller is not None and isinstance(value, str) and choice.get("query_string") and value:
                lookup = choice["query_string"]
                if self.lookup_kwarg in lookup:
                    choice = {**choice, "display": str(labeller(self.field.model, value))}
            yield choice


class GuardedAdminMixin(BaseModelAdmin):
    """For every ModelAdmin and inline of the portal: the rows are what the user may see, related
    records he may not see are left out of the page, and the fields in ``hidden_fields`` (and those
    hidden on related models) are never shown or looked up. ``lookup_allowed`` refuses a filter on
    them in the query string (400), whatever its lookup (``__startswith``, ``__regex``…) and through
    whichever relation."""

    hidden_fields: ClassVar[tuple[str, ...]] = ()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.hidden_fields:
            admin_hide_fields(self.model, self.hidden_fields)

    # The rows.

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        return admin_visible(super().get_queryset(request), request.user)

    def get_field_queryset(self, db: Any, db_field: Any, request: HttpRequest) -> Any:
        # Choices of a related record: a select, what an autocomplete or a raw id may name.
        queryset = super().get_field_queryset(db, db_field, request)
        model = db_field.remote_field.model
        if not _has_visibility(model):
            return queryset
        if queryset is None:
            queryset = model._default_manager.using(db).all()
        return admin_visible(queryset, request.user)

    def lookup_allowed(self, lookup: str, value: Any, request: HttpRequest) -> bool:
        if touches_hidden(self.model, lookup):
            return False
        return super().lookup_allowed(lookup, value, request)

    def to_field_allowed(self, request: HttpRequest, to_field: str) -> bool:
        # A popup answers with the value of this field: never a hidden one.
        if touches_hidden(self.model, to_field):
            return False
        return super().to_field_allowed(request, to_field)

    def get_ordering(self, request: HttpRequest) -> Any:
        ordering = super().get_ordering(request) or self.model._meta.ordering
        return [item for item in ordering if not _refers_to_hidden(self.model, item)] or ["-pk"]

    def get_sortable_by(self, request: HttpRequest) -> Any:
        return [item for item in super().get_sortable_by(request) if not _refers_to_hidden(self.model, item)]

    # The fields of the change (or view) page.

    def _left_out(self, request: HttpRequest, obj: Any) -> frozenset[str]:
        """The hidden fields, and the foreign keys of ``obj`` that point at a record the user may
        not see (a case's complaint that names him). An inline is given its parent: only its own
        hidden fields apply."""
        hidden = hidden_fields_of(self.model)
        if obj is None or not isinstance(obj, self.model):
            return hidden
        cache = request.__dict__.setdefault("_workstyle_unseen", {})
        key = (obj._meta.label, obj.pk)
        if key not in cache:
            unseen = set()
            for field in obj._meta.concrete_fields:
                value = getattr(obj, field.attname)
                if (
                    _guarded_relation(field)
                    and value is not None
                    and not _visible_pks(field.related_model, [value], request.user)
                ):
                    unseen.add(field.name)
            cache[key] = frozenset(unseen)
        return hidden | cache[key]

    def get_exclude(self, request: HttpRequest, obj: Any = None) -> Any:
        exclude = super().get_exclude(request, obj)
        left_out = self._left_out(request, obj)
        if not left_out:
            return exclude
        # A non-empty exclude replaces the form's own: keep that one too.
        form_exclude = getattr(getattr(self.form, "_meta", None), "exclude", None) or ()
        return (*(exclude or ()), *form_exclude, *sorted(left_out))

    def get_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        left_out = self._left_out(request, obj)
        return _labelled(self.model, [field for field in super().get_fields(request, obj) if field not in left_out])

    def get_fieldsets(self, request: HttpRequest, obj: Any = None) -> Any:
        left_out = self._left_out(request, obj)
        fieldsets = []
        for name, options in super().get_fieldsets(request, obj):
            fields: list[Any] = []
            for entry in options.get("fields", ()):
                if isinstance(entry, (list, tuple)):
                    kept = tuple(field for field in entry if field not in left_out)
                    if kept:
                        fields.append(kept)
                elif entry not in left_out:
                    fields.append(entry)
            fieldsets.append((name, {**options, "fields": _labelled(self.model, fields)}))
        return fieldsets

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        left_out = self._left_out(request, obj)
        readonly = [field for field in super().get_readonly_fields(request, obj) if field not in left_out]
        return _labelled(self.model, readonly)


class GuardedAdmin(GuardedAdminMixin, admin.ModelAdmin):
    """The ModelAdmin every model of the portal is registered with (``GuardedAdminMixin``), and
    the change list's part of the rules: no hidden field among the columns, filters and search
    fields, a related record shown only to those who may see it, and the records a deletion would
    take along named only when the user may see them."""

    def _related_column(self, item: Any) -> Any:
        if not isinstance(item, str):
            return item
        try:
            field = self.model._meta.get_field(item)
        except FieldDoesNotExist:
            return item
        if not _guarded_relation(field):
            return item
        columns = self.__dict__.setdefault("_related_columns", {})
        return columns.setdefault(item, _RelatedColumn(field))

    def _shown(self, items: Iterable[Any]) -> list[Any]:
        return [self._related_column(item) for item in items if not _refers_to_hidden(self.model, item)]

    def get_list_display(self, request: HttpRequest) -> Any:
        return _labelled(self.model, self._shown(super().get_list_display(request)))

    def get_list_display_links(self, request: HttpRequest, list_display: Any) -> Any:
        links = super().get_list_display_links(request, list_display)
        return None if links is None else self._shown(links)

    def get_sortable_by(self, request: HttpRequest) -> Any:
        return self._shown(super().get_sortable_by(request))

    def get_list_filter(self, request: HttpRequest) -> Any:
        filters: list[Any] = []
        for item in super().get_list_filter(request):
            path = item[0] if isinstance(item, (list, tuple)) else item
            if isinstance(path, str) and touches_hidden(self.model, path):
                continue
            if isinstance(item, str) and code_labeller(self.model, item) is not None:
                filters.append((item, CodeLabelListFilter))
                continue
            filters.append(self._guarded_filter(item) if isinstance(item, str) else item)
        return filters

    def _guarded_filter(self, path: str) -> Any:
        try:
            field = get_fields_from_path(self.model, path)[-1]
        except (FieldDoesNotExist, NotRelationField):
            return path
        if field.is_relation and isinstance(field.related_model, type) and _has_visibility(field.related_model):
            return (path, VisibleRelatedFieldListFilter)
        return path

    def get_search_fields(self, request: HttpRequest) -> Any:
        return [field for field in super().get_search_fields(request) if not _refers_to_hidden(self.model, field)]

    def get_changelist_instance(self, request: HttpRequest) -> Any:
        changelist = super().get_changelist_instance(request)
        # Which related records of the page's rows the user may see: one query per such column.
        rows = list(changelist.result_list)
        for column in {item for item in changelist.list_display if isinstance(item, _RelatedColumn)}:
            attname = column.field.attname
            visible = _visible_pks(column.field.related_model, (getattr(row, attname) for row in rows), request.user)
            for row in rows:
                row.__dict__.setdefault("_workstyle_related_seen", {})[column.field.name] = (
                    getattr(row, attname) in visible
                )
        return changelist

    def get_deleted_objects(self, objs: Any, request: HttpRequest) -> Any:
        """Django's summary of what a deletion takes along or is blocked by, naming only records
        the user may see: deleting a cadre must not list the complaints that name him."""
        try:
            first = objs[0]
        except IndexError:
            return [], {}, set(), []
        admin_site = self.admin_site
        collector = NestedObjects(using=router.db_for_write(first._meta.model), origin=objs)
        collector.collect(objs)
        by_model: dict[Any, set[Any]] = {}
        for obj in [*collector.protected, *(found for objects in collector.model_objs.values() for found in objects)]:
            by_model.setdefault(type(obj), set()).add(obj.pk)
        visible = {
            model: _visible_pks(model, pks, request.user) if _has_visibility(model) else pks
            for model, pks in by_model.items()
        }
        perms_needed: set[Any] = set()

        def format_callback(obj: Any) -> str:
            opts = obj._meta
            if obj.pk not in visible.get(type(obj), set()):
                return gettext("A record you may not see")
            if not admin_site.is_registered(type(obj)):
                return f"{capfirst(opts.verbose_name)}: {obj}"
            if not admin_site.get_model_admin(type(obj)).has_delete_permission(request, obj):
                perms_needed.add(opts.verbose_name)
            try:
                url = reverse(f"{admin_site.name}:{opts.app_label}_{opts.model_name}_change", args=(quote(obj.pk),))
            except NoReverseMatch:
                return f"{capfirst(opts.verbose_name)}: {obj}"
            return format_html('{}: <a href="{}">{}</a>', capfirst(opts.verbose_name), url, obj)

        to_delete = collector.nested(format_callback)
        protected = [format_callback(obj) for obj in collector.protected]
        # model_objs is keyed by model classes (typed as names in the stubs).
        model_count = {
            cast(Any, model)._meta.verbose_name_plural: len(found) for model, found in collector.model_objs.items()
        }
        return to_delete, model_count, perms_needed, protected


class ReadOnlyMixin:
    """For a ModelAdmin or an inline of rows that only services write: shows them, never adds,
    changes or deletes them (the change page is a read-only view)."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ReadOnlyAdmin(ReadOnlyMixin, GuardedAdmin):
    pass


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    list_display = ("at", "verb_display", "actor", "target_type", "target_id", "note")
    list_filter = ("verb", "target_type")
    list_select_related = ("actor", "target_type")
    search_fields = ("note", "target_id", "actor__username")
    date_hierarchy = "at"

    @admin.display(description=_("event"), ordering="verb")
    def verb_display(self, obj: AuditEvent) -> str:
        return obj.verb_label


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "recipient", "kind", "title_display", "read_at")
    list_filter = ("kind", ("read_at", admin.EmptyFieldListFilter))
    list_select_related = ("recipient",)
    search_fields = ("recipient__username", "kind")
    date_hierarchy = "created_at"

    @admin.display(description=_("title"))
    def title_display(self, obj: Notification) -> str:
        return obj.title

    def get_queryset(self, request: HttpRequest) -> QuerySet[Notification]:
        # The administrator lists everyone's notices, but not those about a record he may not see.
        queryset = super().get_queryset(request)
        if is_administrator(request.user):
            mentions = hidden_mentions(request.user)
            if mentions:
                queryset = queryset.exclude(pk__in=notifications_mentioning(mentions).values("pk"))
        return queryset


@admin.register(OutboxEmail)
class OutboxEmailAdmin(ReadOnlyAdmin):
    list_display = ("id", "created_at", "to", "subject", "status", "attempts", "next_attempt_at", "sent_at")
    list_filter = ("status",)
    search_fields = ("to", "subject")
    date_hierarchy = "created_at"
    actions = ("retry_now",)

    def get_queryset(self, request: HttpRequest) -> QuerySet[OutboxEmail]:
        # An e-mail about a record the administrator may not see is left out like its notice; one
        # whose notice is gone is recognised by its text.
        queryset = super().get_queryset(request)
        mentions = hidden_mentions(request.user) if is_administrator(request.user) else []
        if mentions:
            texts = Q()
            for mention in mentions:
                texts |= Q(subject__contains=mention) | Q(body__contains=mention)
            queryset = queryset.exclude(notification__in=notifications_mentioning(mentions).values("pk")).exclude(
                pk__in=OutboxEmail.objects.filter(texts).values("pk")
            )
        return queryset

    @admin.action(description=_("Retry now"), permissions=["retry"])
    def retry_now(self, request: HttpRequest, queryset: QuerySet[OutboxEmail]) -> None:
        count = services.outbox_retry(actor=request.user, emails=queryset, now=timezone.now())
        self.message_user(
            request,
            ngettext(
                "%(count)d e-mail queued for another attempt.",
                "%(count)d e-mails queued for another attempt.",
                count,
            )
            % {"count": count},
            messages.SUCCESS if count else messages.WARNING,
        )

    def has_retry_permission(self, request: HttpRequest) -> bool:
        # Retrying changes the outbox: the same permission as changing an e-mail would need.
        opts = self.opts
        return request.user.has_perm(f"{opts.app_label}.change_{opts.model_name}")


@admin.register(ApiToken)
class ApiTokenAdmin(ReadOnlyAdmin):
    """Every user's tokens, for the administrator to see who may act through the API and to revoke
    a token; never the token itself, which the portal does not keep (the digest is hidden too)."""

    hidden_fields = ("digest",)
    list_display = (
        "key_id",
        "user",
        "name",
        "created_at",
        "expires_at",
        "last_used_at",
        "revoked_at",
        "revoked_because",
    )
    list_filter = ("revoked_because", ("revoked_at", admin.EmptyFieldListFilter))
    list_select_related = ("user",)
    search_fields = ("key_id", "name", "user__username")
    date_hierarchy = "created_at"
    actions = ("revoke",)

    @admin.action(description=_("Revoke the selected tokens"), permissions=["revoke"])
    def revoke(self, request: HttpRequest, queryset: QuerySet[ApiToken]) -> None:
        now = timezone.now()
        count = 0
        for token in queryset.filter(revoked_at__isnull=True).order_by("pk"):
            services.api_token_revoke(
                actor=request.user, token=token, now=now, because=ApiToken.RevokedBecause.ADMINISTRATOR
            )
            count += 1
        self.message_user(
            request,
            ngettext("%(count)d token revoked.", "%(count)d tokens revoked.", count) % {"count": count},
            messages.SUCCESS if count else messages.WARNING,
        )

    def has_revoke_permission(self, request: HttpRequest) -> bool:
        # Revoking changes the token: the same permission as changing one would need.
        return request.user.has_perm("workstyle.change_apitoken")


# Django stores a permission's name in English when it creates it ("Can view complaint"): the
# pickers show it from the model's translated name instead.
PERMISSION_ACTIONS = {
    "add": _("Can add %(model)s"),
    "change": _("Can change %(model)s"),
    "delete": _("Can delete %(model)s"),
    "view": _("Can view %(model)s"),
}


def permission_label(permission: Permission) -> str:
    model = permission.content_type.model_class()
    if model is None:
        return str(permission)
    action = permission.codename.split("_", 1)[0]
    template = PERMISSION_ACTIONS.get(action)
    if template is None or permission.codename != f"{action}_{model._meta.model_name}":
        name = gettext(permission.name)
    else:
        name = str(template) % {"model": model._meta.verbose_name}
    app = apps.get_app_config(model._meta.app_label).verbose_name
    return f"{capfirst(app)} | {capfirst(model._meta.verbose_name)} | {name}"


class PermissionLabelsMixin(admin.ModelAdmin):
    def formfield_for_manytomany(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        formfield = super().formfield_for_manytomany(db_field, request, **kwargs)
        if formfield is not None and db_field.related_model is Permission:
            formfield.label_from_instance = permission_label  # type: ignore[method-assign,assignment]
        return formfield


# The role groups are named by code (``discipline``), which the code looks them up by.
ROLE_GROUP_LABELS = {
    roles.DISCIPLINE: _("Discipline office"),
    roles.DISCIPLINE_LEADER: _("Leader of the discipline office"),
    roles.ORGDEPT: _("Organization department"),
}

admin.site.unregister(Group)


@admin.register(Group)
class GroupAdmin(PermissionLabelsMixin, DjangoGroupAdmin):  # type: ignore[misc]
    list_display = ("name", "role")

    @admin.display(description=_("role"))
    def role(self, obj: Group) -> str:
        return str(ROLE_GROUP_LABELS.get(obj.name, ""))


User = get_user_model()
admin.site.unregister(User)


@admin.register(User)
class UserAdmin(PermissionLabelsMixin, GuardedAdmin, DjangoUserAdmin):
    """Django's admin of accounts under the portal's rules: deleting an account names only the
    records the administrator may see among what goes with it (its notices), and the password
    hash is never a filter (it would be read a character at a time)."""

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        # Accounts are the administrator's to keep; there is no recusal from an account.
        return DjangoUserAdmin.get_queryset(self, request)

    def lookup_allowed(self, lookup: str, value: Any, request: HttpRequest) -> bool:
        if lookup.split(LOOKUP_SEP)[0] == "password":
            return False
        return super().lookup_allowed(lookup, value, request)
