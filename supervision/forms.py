"""Forms of the case pages. They only read input; the services decide and change state."""

from __future__ import annotations

from typing import Any

from django import forms as djforms
from django.utils.translation import gettext_lazy as _

from cadres.models import Cadre, Unit
from cadres.selectors import cadre_search
from cadres.widgets import CadreSearchInput
from complaints.models import Complaint
from supervision.models import AccountabilityCase
from supervision.serializers import OPENABLE_SOURCES
from supervision.services import case_allowed_forms


class CaseOpenForm(djforms.Form):
    source = djforms.ChoiceField(label=_("source"), choices=OPENABLE_SOURCES)
    subject_cadre = djforms.ModelChoiceField(
        label=_("cadre held accountable"),
        help_text=_("Type his name, department or staff number and choose from the list."),
        queryset=Cadre.objects.none(),
        to_field_name="staff_number",
        required=False,
        widget=CadreSearchInput(),
        error_messages={"invalid_choice": _("No cadre has this staff number.")},
    )
    subject_unit = djforms.ModelChoiceField(
        label=_("or the party organization of a unit"), queryset=Unit.objects.none(), required=False
    )
    complaint = djforms.ModelChoiceField(
        label=_("related complaint (tracking code)"),
        queryset=Complaint.objects.none(),
        to_field_name="tracking_code",
        required=False,
        widget=djforms.TextInput(attrs={"autocomplete": "off"}),
        error_messages={"invalid_choice": _("No complaint has this tracking code.")},
    )
    allegation = djforms.CharField(label=_("allegation"), widget=djforms.Textarea, max_length=5000)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["subject_cadre"].queryset = Cadre.objects.visible_to(user)  # type: ignore[attr-defined]
        self.fields["subject_cadre"].widget.initial_cadres = cadre_search(user=user, text="")
        self.fields["subject_unit"].queryset = Unit.objects.visible_to(user).order_by("name")  # type: ignore[attr-defined]
        self.fields["complaint"].queryset = Complaint.objects.visible_to(user)  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not self.has_error("subject_cadre") and (data.get("subject_cadre") is None) == (
            data.get("subject_unit") is None
        ):
            self.add_error("subject_cadre", _("Name either a cadre or a party organization (unit), not both."))
        return data


class CaseNoteForm(djforms.Form):
    note = djforms.CharField(
        label=_("note"), widget=djforms.Textarea(attrs={"rows": 3}), required=False, max_length=5000
    )

    def __init__(self, *args: Any, case: AccountabilityCase | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)


class CaseDecideForm(djforms.Form):
    forms = djforms.MultipleChoiceField(
        label=_("forms of accountability"),
        choices=AccountabilityCase.Form.choices,
        widget=djforms.CheckboxSelectMultiple,
    )
    decision_date = djforms.DateField(
        label=_("decision date"), widget=djforms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    text = djforms.CharField(label=_("decision"), widget=djforms.Textarea, max_length=20000)

    def __init__(self, *args: Any, case: AccountabilityCase, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Offer the forms that fit the subject (organization forms for a unit, cadre forms for a cadre).
        allowed = case_allowed_forms(case)
        self.fields["forms"].choices = [  # type: ignore[attr-defined]
            (value, label) for value, label in AccountabilityCase.Form.choices if value in allowed
        ]


# The page form of each input shape the transition table names (``Transition.input``).
ACTION_FORMS: dict[str, type[Any]] = {"note": CaseNoteForm, "decision": CaseDecideForm}


class NoticeForm(djforms.Form):
    """A notice's title and text (plain text: shown escaped)."""

    title = djforms.CharField(label=_("title"), max_length=200)
    body = djforms.CharField(label=_("text"), widget=djforms.Textarea(attrs={"rows": 12}), max_length=20000)


class NoticeModelForm(NoticeForm):
    cadre = djforms.ModelChoiceField(
        label=_("cadre"),
        help_text=_("Type his name, department or staff number and choose from the list."),
        queryset=Cadre.objects.none(),
        to_field_name="staff_number",
        required=False,
        widget=CadreSearchInput(),
        error_messages={"invalid_choice": _("No cadre has this staff number.")},
    )
    unit = djforms.ModelChoiceField(label=_("unit"), queryset=Unit.objects.none(), required=False)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["cadre"].queryset = Cadre.objects.visible_to(user)  # type: ignore[attr-defined]
        self.fields["cadre"].widget.initial_cadres = cadre_search(user=user, text="")
        self.fields["unit"].queryset = Unit.objects.visible_to(user).order_by("name")  # type: ignore[attr-defined]


class NoticeWithdrawForm(djforms.Form):
    reason = djforms.CharField(label=_("reason"), widget=djforms.Textarea(attrs={"rows": 3}), max_length=2000)

    def __init__(self, *args: Any, notice: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)


class NoticeConfirmForm(djforms.Form):
    def __init__(self, *args: Any, notice: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)


# The page form of each input shape of ``supervision.transitions.NOTICES``.
NOTICE_ACTION_FORMS: dict[str, type[Any]] = {"": NoticeConfirmForm, "reason": NoticeWithdrawForm}
