from __future__ import annotations

from typing import Any

from django import forms
from django.core.validators import FileExtensionValidator
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from cadres.models import Unit
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
