"""Admin of the organisation: master data edited by hand (each save writes an audit event through
a service) and the roster import page, reachable from each of the three change lists."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from cadres import services
from cadres.forms import RosterImportForm, UnitAdminForm
from cadres.models import Cadre, Department, Ethos, Unit
from cadres.roster import RosterKind, roster_import
from workstyle.admin import GuardedAdmin, ReadOnlyAdmin
from workstyle.errors import NotAllowed


def may_import(user: Any) -> bool:
    if user.is_superuser:
        return True
    return all(
        user.has_perm(f"cadres.{action}_{model._meta.model_name}")
        for model in (Unit, Department, Cadre)
        for action in ("add", "change")
    )


class OrgAdmin(GuardedAdmin):
    change_list_template = "cadres/admin/change_list.html"

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        services.org_record_save(actor=request.user, record=obj, changed=form.changed_data, now=timezone.now())

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        services.org_records_delete(actor=request.user, records=[obj], now=timezone.now())

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        # The bulk action would delete in one statement and leave no audit event.
        services.org_records_delete(actor=request.user, records=queryset.order_by("pk"), now=timezone.now())

    def get_urls(self) -> list[URLPattern]:
        name = f"{self.opts.app_label}_{self.opts.model_name}_import"
        # Before the default patterns: their "<path:object_id>/" would swallow "import/".
        return [path("import/", self.admin_site.admin_view(self.import_view), name=name), *super().get_urls()]

    def changelist_view(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> HttpResponse:
        extra_context = {**(extra_context or {}), "may_import": may_import(request.user)}
        return super().changelist_view(request, extra_context)

    def import_view(self, request: HttpRequest) -> HttpResponse:
        if not may_import(request.user):
            raise PermissionDenied
        form = RosterImportForm(request.POST or None, request.FILES or None)
        result = None
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["file"]
            kind = form.cleaned_data["kind"]
            try:
                result = roster_import(
                    actor=request.user,
                    file=upload,
                    filename=upload.name,
                    kind=RosterKind(kind) if kind else None,
                    dry_run=form.cleaned_data["dry_run"],
                    now=timezone.now(),
                )
            except NotAllowed as exc:
                raise PermissionDenied(str(exc.message)) from exc
            if result.ok and not result.dry_run:
                messages.success(request, _("Roster imported. %(summary)s") % {"summary": result.summary()})
                for warning in result.warnings:
                    messages.warning(request, warning)
                return redirect(reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_changelist"))
            if result.ok:
                messages.info(
                    request,
                    _("The file is valid; nothing was changed. An import would do this: %(summary)s")
                    % {"summary": result.summary()},
                )
            else:
                messages.error(
                    request,
                    _("The file has %(count)d problem(s); nothing was changed.") % {"count": len(result.errors)},
                )
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("Import roster"),
            "form": form,
            "result": result,
        }
        return TemplateResponse(request, "cadres/admin/roster_import.html", context)


@admin.register(Unit)
class UnitAdmin(OrgAdmin):
    form = UnitAdminForm
    list_display = ("code", "name", "kind", "parent", "head", "active")
    list_filter = ("kind", "active")
    list_select_related = ("parent", "head")
    search_fields = ("code", "name")
    autocomplete_fields = ("parent", "head")
    ordering = ("code",)


@admin.register(Department)
class DepartmentAdmin(OrgAdmin):
    list_display = ("code", "name", "unit", "head", "active")
    list_filter = ("active", "unit__kind", "unit")
    list_select_related = ("unit", "head")
    search_fields = ("code", "name", "unit__name", "unit__code")
    autocomplete_fields = ("unit", "head")


@admin.register(Cadre)
class CadreAdmin(OrgAdmin):
    list_display = ("staff_number", "name", "unit", "department", "position", "rank", "is_leading", "active", "user")
    list_filter = ("rank", "is_leading", "active", "unit")
    list_select_related = ("unit", "department", "user")
    search_fields = ("staff_number", "name", "position", "user__username")
    autocomplete_fields = ("unit", "department", "user")
    ordering = ("staff_number",)


@admin.register(Ethos)
class EthosAdmin(ReadOnlyAdmin):
    """The eight ethos come from a migration; the admin shows them and changes nothing."""

    list_display = ("order", "code", "name_zh", "name_en")
    ordering = ("order",)
