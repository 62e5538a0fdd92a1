"""Forms of the complaint workbench: one small form per action on a complaint, and bulk routing.

A form only checks and shapes the input; the view hands ``service_kwargs()`` to the service, which
decides whether the change is allowed."""

from __future__ import annotations

from typing import Any, ClassVar

from django import forms
from django.core.validators import MaxValueValidator
from django.utils.translation import gettext_lazy as _

from cadres.models import Cadre, Department, Unit
from cadres.selectors import cadre_search
from cadres.widgets import CadreSearchInput, DepartmentChoiceField, UnitChoiceField
from complaints import codes
from complaints.deadlines import category_policy_for
from complaints.models import Category, Complaint, IdentityAccess
from complaints.public.forms import MultipleFileField, phone_validator


class ActionForm(forms.Form):
    """Base of the forms posted to ``complaints:action``. The prefix keeps field names and ids
    apart when several action forms share one page (several of them have a ``reason``)."""

    prefix_name: ClassVar[str | None] = None
    submit_label: ClassVar[Any] = _("Submit")

    def __init__(self, *args: Any, complaint: Complaint, user: Any, action: str, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", self.prefix_name or action)
        super().__init__(*args, **kwargs)
        self.complaint = complaint
        self.user = user
        self.action = action

    def service_kwargs(self) -> dict[str, Any]:
        """Keyword arguments of the service beyond ``actor`` and ``now``."""
        return {"complaint": self.complaint}


def _department_choices(user: Any) -> Any:
    return Department.objects.visible_to(user).filter(active=True).select_related("unit")


class AcceptForm(ActionForm):
    department = DepartmentChoiceField(queryset=Department.objects.none(), label=_("Route to department"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = _department_choices(self.user)  # type: ignore[attr-defined]
        if self.complaint.department_id and not self.is_bound:
            self.initial.setdefault("department", self.complaint.department_id)

    def service_kwargs(self) -> dict[str, Any]:
        return {"complaint": self.complaint, "department": self.cleaned_data["department"]}


class RerouteForm(ActionForm):
    """Re-route to another department, with the reason."""

    department = DepartmentChoiceField(queryset=Department.objects.none(), label=_("Re-route to department"))
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = _department_choices(self.user).exclude(  # type: ignore[attr-defined]
            pk=self.complaint.department_id or 0
        )

    def service_kwargs(self) -> dict[str, Any]:
        return {
            "complaint": self.complaint,
            "department": self.cleaned_data["department"],
            "reason": self.cleaned_data["reason"],
        }


class StatementForm(ActionForm):
    """The department's statement for a review, which the discipline office answers."""

    text = forms.CharField(label=_("Statement for the review"), widget=forms.Textarea(attrs={"rows": 5}))

    def service_kwargs(self) -> dict[str, Any]:
        return {"complaint": self.complaint, "text": self.cleaned_data["text"]}


class FollowUpForm(ActionForm):
    """A follow-up call to the complainant (回访)."""

    note = forms.CharField(
        label=_("What the complainant said"), widget=forms.Textarea(attrs={"rows": 3}), max_length=5000
    )

    def service_kwargs(self) -> dict[str, Any]:
        return {"complaint": self.complaint, "note": self.cleaned_data["note"]}


class ReasonForm(ActionForm):
    """Not accepting, revealing the identity, asking for access to it: each needs a reason."""

    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)

    def service_kwargs(self) -> dict[str, Any]:
        return {"complaint": self.complaint, "reason": self.cleaned_data["reason"]}


class HandlerField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name} · {obj.position}" if obj.position else str(obj.name)


class AssignForm(ActionForm):
    handler = HandlerField(queryset=Cadre.objects.none(), label=_("Handler"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Active cadres of the complaint's department the user may see; never the cadre the
        # complaint names (recusal).
        department_id = self.complaint.department_id
        qs = (
            Cadre.objects.visible_to(self.user).filter(department_id=department_id, active=True)
            if department_id
            else Cadre.objects.none()
        )
        if self.complaint.recused_cadre_ids:
            qs = qs.exclude(pk__in=self.complaint.recused_cadre_ids)
        self.fields["handler"].queryset = qs.order_by("name")  # type: ignore[attr-defined]
        if self.complaint.handler_id and not self.is_bound:
            self.initial.setdefault("handler", self.complaint.handler_id)

    def service_kwargs(self) -> dict[str, Any]:
        return {"complaint": self.complaint, "handler": self.cleaned_data["handler"]}


class ExtensionRequestForm(ActionForm):
    days = forms.IntegerField(label=_("Extra days"), min_value=1)
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        limit = category_policy_for(self.complaint.category).max_extension_days
        field = self.fields["days"]
        field.max_value = limit  # type: ignore[attr-defined]
        field.validators.append(MaxValueValidator(limit))
        field.widget.attrs.update({"min": 1, "max": limit})
        field.help_text = _("At most %(days)s days, once per complaint.") % {"days": limit}

    def service_kwargs(self) -> dict[str, Any]:
        return {"complaint": self.complaint, "days": self.cleaned_data["days"], "reason": self.cleaned_data["reason"]}


class DecisionForm(ActionForm):
    """Approve or refuse the pending extension: one form, a button per decision."""

    prefix_name = "extension_decision"
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)

    def service_kwargs(self) -> dict[str, Any]:
        return {"complaint": self.complaint, "note": self.cleaned_data["note"]}


class IdentityDecisionForm(ActionForm):
    """Grant or refuse one pending request for the complainant's identity."""

    prefix_name = "identity_decision"
    access = forms.ModelChoiceField(queryset=IdentityAccess.objects.none(), widget=forms.HiddenInput)
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["access"].queryset = IdentityAccess.objects.filter(  # type: ignore[attr-defined]
            complaint=self.complaint, kind=IdentityAccess.Kind.REQUEST
        )
        self.fields["access"].error_messages["invalid_choice"] = _("This request no longer exists.")

    def service_kwargs(self) -> dict[str, Any]:
        return {"complaint": self.complaint, "access": self.cleaned_data["access"], "note": self.cleaned_data["note"]}


class TextForm(ActionForm):
    """The answer to the complainant: a reply, or the answer to a review."""

    text = forms.CharField(label=_("Answer to the complainant"), widget=forms.Textarea(attrs={"rows": 8}))

    def service_kwargs(self) -> dict[str, Any]:
        return {"complaint": self.complaint, "text": self.cleaned_data["text"]}


class ConfirmForm(ActionForm):
    """An action with no input (close)."""


class MergeForm(ActionForm):
    into = forms.CharField(
        label=_("Tracking code of the complaint it duplicates"),
        max_length=60,
        help_text=_("This complaint is withdrawn and joins the other one."),
    )

    def clean_into(self) -> Complaint:
        code = codes.format_tracking_code(self.cleaned_data["into"])
        target = Complaint.objects.visible_to(self.user).filter(tracking_code=code).first() if code else None
        if target is None:
            raise forms.ValidationError(_("No complaint you can see has this tracking code."))
        if target.pk == self.complaint.pk:
            raise forms.ValidationError(_("A complaint cannot be merged into itself."))
        return target

    def service_kwargs(self) -> dict[str, Any]:
        return {"complaint": self.complaint, "into": self.cleaned_data["into"]}


class AccusedCadreField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        department = obj.department.name if obj.department_id else ""
        return " · ".join(part for part in (obj.name, department, obj.position, obj.staff_number) if part)


class LinkAccusedForm(ActionForm):
    """Link the cadre complained about. A city has thousands of cadres: the list offers those of
    the unit complained about and of the unit the complaint is routed to, where the named cadre
    nearly always is; anyone else is found by his staff number."""

    cadre = AccusedCadreField(queryset=Cadre.objects.none(), required=False, label=_("Cadre complained about"))
    staff_number = forms.CharField(
        label=_("Or his staff number"),
        required=False,
        max_length=32,
        help_text=_("For a cadre of another unit: type his name, department or staff number and choose."),
        widget=CadreSearchInput(),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["staff_number"].widget.initial_cadres = cadre_search(user=self.user, text="")
        complaint = self.complaint
        unit_ids = [
            unit_id
            for unit_id in (complaint.unit_id, complaint.department.unit_id if complaint.department else None)
            if unit_id is not None
        ]
        qs = (
            Cadre.objects.visible_to(self.user)
            .filter(active=True, unit_id__in=unit_ids)
            .exclude(pk__in=[complaint.accused_cadre_id or 0])
            .select_related("department")
            .order_by("name", "staff_number")
        )
        if not qs.exists():
            del self.fields["cadre"]
            self.fields["staff_number"].label = _("Cadre complained about (name or staff number)")
            self.fields["staff_number"].help_text = ""
            return
        self.fields["cadre"].queryset = qs  # type: ignore[attr-defined]
        if complaint.accused_name:
            self.fields["cadre"].help_text = _("The complainant named: %(name)s") % {"name": complaint.accused_name}

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        chosen = cleaned.get("cadre")
        number = (cleaned.get("staff_number") or "").strip()
        if number:
            found = Cadre.objects.visible_to(self.user).filter(active=True, staff_number=number).first()
            if found is None:
                self.add_error("staff_number", _("No active cadre has this staff number."))
            elif chosen is not None and chosen != found:
                self.add_error("staff_number", _("This staff number is not the cadre selected; give only one."))
            else:
                cleaned["cadre"] = found
        elif chosen is None and not self.has_error("cadre"):
            raise forms.ValidationError(_("Select the cadre or enter his staff number."))
        return cleaned

    def service_kwargs(self) -> dict[str, Any]:
        return {"complaint": self.complaint, "cadre": self.cleaned_data["cadre"]}


class BulkAcceptForm(forms.Form):
    """Route several submitted complaints to one department at once (discipline office)."""

    complaints = forms.ModelMultipleChoiceField(
        queryset=Complaint.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        label=_("Complaints"),
        error_messages={"required": _("Select at least one complaint.")},
    )
    department = DepartmentChoiceField(queryset=Department.objects.none(), label=_("Route to department"))

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["complaints"].queryset = Complaint.objects.visible_to(user)  # type: ignore[attr-defined]
        self.fields["department"].queryset = _department_choices(user)  # type: ignore[attr-defined]


class IntakeForm(forms.Form):
    """A letter, call or visit the discipline office records (来信、来电、来访)."""

    channel = forms.ChoiceField(
        label=_("Received by"),
        choices=[(value, label) for value, label in Complaint.Channel.choices if value in Complaint.STAFF_CHANNELS],
    )
    received_at = forms.DateTimeField(
        label=_("Received on"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text=_("The deadlines run from this moment."),
    )
    category = forms.ChoiceField(label=_("Category"), choices=[("", "---------"), *Category.choices])
    title = forms.CharField(label=_("Title"), max_length=200)
    description = forms.CharField(label=_("Description"), widget=forms.Textarea(attrs={"rows": 8}), max_length=10_000)
    unit = UnitChoiceField(
        label=_("Unit complained about"),
        queryset=Unit.objects.filter(active=True).order_by("name"),
        required=False,
        empty_label=_("Not specified"),
    )
    accused_name = forms.CharField(label=_("Name of the cadre complained about"), max_length=64, required=False)
    complainant_name = forms.CharField(label=_("Complainant's name"), max_length=64, required=False)
    complainant_phone = forms.CharField(
        label=_("Complainant's phone"), max_length=32, required=False, validators=[phone_validator]
    )
    complainant_email = forms.EmailField(label=_("Complainant's e-mail"), max_length=254, required=False)
    attachments = MultipleFileField(label=_("Scans of the letter"), required=False)

    def service_kwargs(self) -> dict[str, Any]:
        return dict(self.cleaned_data)


# The page form of each input shape the transition table names (``Transition.input``).
ACTION_FORMS: dict[str, type[ActionForm]] = {
    "": ConfirmForm,
    "department": AcceptForm,
    "reason": ReasonForm,
    "handler": AssignForm,
    "extension": ExtensionRequestForm,
    "note": DecisionForm,
    "identity_decision": IdentityDecisionForm,
    "text": TextForm,
    "into": MergeForm,
    "cadre": LinkAccusedForm,
    "reroute": RerouteForm,
    "statement": StatementForm,
    "follow_up": FollowUpForm,
}
