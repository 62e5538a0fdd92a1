from __future__ import annotations

from typing import Any

from django import forms
from django.core.validators import FileExtensionValidator
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from cadres.models import PersonalReportItem, Unit
from cadres.roster import RosterKind

# A city's whole roster is a few thousand rows: well under this.
MAX_ROSTER_BYTES = 10 * 1024 * 1024


class RosterImportForm(forms.Form):
    file = forms.FileField(
        label=_("Roster file"),
        help_text=_(
            "CSV or XLSX. Column headers in Chinese or English, e.g. 编号/code, 名称/name, 类型/kind, "
            "上级单位/parent; 单位/unit, 部门/department, 工号/staff_number, 姓名/name, 职务/position, "
            "职级/rank, 领导干部/is_leading, 在职/active. A workbook may hold a sheet each of units, "
            "departments and cadres."
        ),
        validators=[FileExtensionValidator(["csv", "xlsx", "xlsm"])],
    )
    kind = forms.ChoiceField(
        label=_("The file lists"),
        required=False,
        choices=[
            ("", _("Tell from the column headers or sheet names")),
            (RosterKind.UNITS.value, _("Units")),
            (RosterKind.DEPARTMENTS.value, _("Departments")),
            (RosterKind.CADRES.value, _("Cadres")),
        ],
    )
    dry_run = forms.BooleanField(label=_("Only check the file; change nothing"), required=False)

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_ROSTER_BYTES:
            raise forms.ValidationError(
                _("The file is larger than %(limit)s.") % {"limit": filesizeformat(MAX_ROSTER_BYTES)}
            )
        return upload


class UnitAdminForm(forms.ModelForm):
    class Meta:
        model = Unit
        fields = ("code", "name", "kind", "parent", "head", "active")

    def clean_parent(self) -> Unit | None:
        parent: Unit | None = self.cleaned_data.get("parent")
        # The tree must stay a tree: a loop would leave its units with no root to hang from.
        if parent is not None and self.instance.pk is not None and parent.pk in self.instance.subtree_ids():
            raise forms.ValidationError(_("A unit cannot be placed under itself or a unit below it."))
        return parent


class DebriefingForm(forms.Form):
    duties = forms.CharField(
        label=_("performance of duties"), widget=forms.Textarea(attrs={"rows": 8}), required=False, max_length=50000
    )
    integrity = forms.CharField(
        label=_("keeping clean"), widget=forms.Textarea(attrs={"rows": 8}), required=False, max_length=50000
    )
    attachment = forms.FileField(label=_("attachment (PDF, JPEG or PNG)"), required=False)


class DebriefingNoteForm(forms.Form):
    note = forms.CharField(label=_("review"), widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=5000)


class DebriefingConfirmForm(forms.Form):
    pass


# The page form of each input shape of ``cadres.transitions.DEBRIEFINGS``.
DEBRIEFING_ACTION_FORMS: dict[str, type[forms.Form]] = {"": DebriefingConfirmForm, "note": DebriefingNoteForm}


# --- Personal-matter reports ---------------------------------------------------------------------


class PersonalReportYearForm(forms.Form):
    year = forms.IntegerField(label=_("year"), min_value=2000, max_value=9999)


class PersonalReportItemForm(forms.Form):
    """One declared matter. The kind, the date and the amount are checked again by the service,
    which refuses them with the same messages as the API."""

    kind = forms.ChoiceField(label=_("kind"), choices=[("", "—"), *PersonalReportItem.Kind.choices])
    person = forms.CharField(label=_("person"), max_length=64, required=False)
    description = forms.CharField(label=_("details"), max_length=500)
    occurred_on = forms.DateField(label=_("date"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    amount = forms.DecimalField(label=_("amount (yuan)"), max_digits=14, decimal_places=2, required=False)


# Blank rows under the filled ones add matters; the delete box removes one.
PersonalReportItemFormSet = forms.formset_factory(PersonalReportItemForm, extra=3, can_delete=True, max_num=200)


def personal_report_items(formset: Any) -> list[dict[str, Any]]:
    """The rows of a valid formset, in order, without the blank and the deleted ones."""
    return [
        {field: form.cleaned_data.get(field) for field in ("kind", "person", "description", "occurred_on", "amount")}
        for form in formset.forms
        if form.has_changed() and not form.cleaned_data.get("DELETE")
    ]
