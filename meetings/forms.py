"""Forms of the meetings pages. They only read input; the services decide and change state."""

from __future__ import annotations

from typing import Any

from django import forms as djforms
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

from cadres.models import Cadre, Ethos, Unit
from meetings.models import DEFAULT_THEME, Meeting, Problem
from workstyle import roles
from workstyle.uploads import ACCEPT, MAX_FILES, MAX_SIZE

DATE = djforms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class UserChoiceField(djforms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        groups = []
        if roles.is_discipline(obj):
            groups.append(str(_("Discipline commission")))
        if roles.is_orgdept(obj):
            groups.append(str(_("Organization department")))
        name = obj.get_full_name() or obj.get_username()
        return f"{name} ({', '.join(groups)})" if groups else name


class CadreChoices(djforms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name}（{obj.position}）" if obj.position else str(obj.name)


class CadreChoice(djforms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name}（{obj.position}）" if obj.position else str(obj.name)


def _observer_queryset() -> Any:
    return (
        get_user_model()
        .objects.filter(is_active=True, groups__name__in=(roles.DISCIPLINE, roles.ORGDEPT))
        .distinct()
        .order_by("username")
    )


class MeetingForm(djforms.Form):
    """A meeting: its unit (on creation), date, theme, attendees and observers. The attendees
    offered are the unit's leading cadres; the observers the members of the two bodies."""

    unit = djforms.ModelChoiceField(label=_("unit"), queryset=Unit.objects.none())
    held_on = djforms.DateField(label=_("held on"), widget=DATE)
    theme = djforms.CharField(label=_("theme"), max_length=200, initial=DEFAULT_THEME, required=False)
    attendees = CadreChoices(
        label=_("attendees (the unit's leading cadres)"),
        queryset=Cadre.objects.none(),
        widget=djforms.CheckboxSelectMultiple,
        required=False,
    )
    observers = UserChoiceField(
        label=_("observers sent by the discipline commission and the organization department"),
        queryset=get_user_model().objects.none(),
        widget=djforms.CheckboxSelectMultiple,
        required=False,
    )

    def __init__(self, *args: Any, units: list[Unit], meeting: Meeting | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.meeting = meeting
        if meeting is not None:
            del self.fields["unit"]
            unit_ids = [meeting.unit_id]
        else:
            self.fields["unit"].queryset = Unit.objects.filter(pk__in=[u.pk for u in units])  # type: ignore[attr-defined]
            if len(units) == 1:
                self.fields["unit"].initial = units[0].pk
            unit_ids = [u.pk for u in units]
        # Offer the leading cadres of the units the user files for (and whoever already attends:
        # a cadre no longer leading stays listed so that the form shows what is recorded).
        chosen = Q(meetings_attended=meeting) if meeting is not None else Q(pk__in=[])
        self.fields["attendees"].queryset = (  # type: ignore[attr-defined]
            Cadre.objects.filter(Q(unit_id__in=unit_ids, is_leading=True, active=True) | chosen)
            .distinct()
            .order_by("unit__code", "staff_number")
        )
        # Anyone already chosen stays listed, so that the service can say why he does not fit.
        self.fields["observers"].queryset = (  # type: ignore[attr-defined]
            get_user_model()
            .objects.filter(
                Q(pk__in=_observer_queryset().values("pk"))
                | (Q(meetings_observed=meeting) if meeting else Q(pk__in=[]))
            )
            .distinct()
            .order_by("username")
        )
        if meeting is not None and not self.is_bound:
            self.initial.update(
                held_on=meeting.held_on,
                theme=meeting.theme,
                attendees=list(meeting.attendees.values_list("pk", flat=True)),
                observers=list(meeting.observers.values_list("pk", flat=True)),
            )


class MinutesForm(djforms.Form):
    cadre = CadreChoice(label=_("attendee"), queryset=Cadre.objects.none())
    self_criticism = djforms.CharField(
        label=_("self-criticism"), widget=djforms.Textarea(attrs={"rows": 3}), required=False, max_length=20000
    )
    criticism_received = djforms.CharField(
        label=_("criticism received"), widget=djforms.Textarea(attrs={"rows": 3}), required=False, max_length=20000
    )

    def __init__(self, *args: Any, meeting: Meeting, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["cadre"].queryset = meeting.attendees.order_by("staff_number")  # type: ignore[attr-defined]


class ProblemForm(djforms.Form):
    text = djforms.CharField(label=_("problem found"), widget=djforms.Textarea(attrs={"rows": 2}), max_length=5000)
    ethos = djforms.ModelChoiceField(
        label=_("ethos"),
        queryset=Ethos.objects.order_by("order"),
        to_field_name="code",
        required=False,
        help_text=_("Which of the eight ethos the problem offends."),
    )
    cadre = CadreChoice(label=_("cadre concerned"), queryset=Cadre.objects.none(), required=False)

    def __init__(self, *args: Any, meeting: Meeting, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["cadre"].queryset = meeting.attendees.order_by("staff_number")  # type: ignore[attr-defined]


class RectificationForm(djforms.Form):
    problem = djforms.ModelChoiceField(label=_("problem"), queryset=Problem.objects.none())
    measure = djforms.CharField(label=_("measure"), widget=djforms.Textarea(attrs={"rows": 2}), max_length=5000)
    responsible = CadreChoice(label=_("responsible cadre"), queryset=Cadre.objects.none())
    deadline = djforms.DateField(label=_("deadline"), widget=DATE)

    def __init__(self, *args: Any, meeting: Meeting, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["problem"].queryset = meeting.problems.order_by("id")  # type: ignore[attr-defined]
        # The problem just recorded is the one most likely to get its measure next.
        latest = meeting.problems.order_by("-id").first()
        if latest is not None and not self.is_bound:
            self.fields["problem"].initial = latest.pk
        self.fields["responsible"].queryset = Cadre.objects.filter(  # type: ignore[attr-defined]
            unit_id=meeting.unit_id, active=True
        ).order_by("-is_leading", "staff_number")


class SummaryForm(djforms.Form):
    summary = djforms.CharField(
        label=_("report text"),
        widget=djforms.Textarea(attrs={"rows": 6}),
        required=False,
        max_length=50000,
        help_text=_("How the meeting was prepared and held, and what it achieved."),
    )


class SecretaryForm(djforms.Form):
    cadre = CadreChoice(label=_("secretary"), queryset=Cadre.objects.none(), required=False)

    def __init__(self, *args: Any, unit: Unit, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["cadre"].queryset = Cadre.objects.filter(unit=unit, active=True).order_by("staff_number")  # type: ignore[attr-defined]


# --- transition inputs ----------------------------------------------------------------------------------


class CommentForm(djforms.Form):
    comment = djforms.CharField(
        label=_("comments"), widget=djforms.Textarea(attrs={"rows": 3}), required=False, max_length=5000
    )


class ReasonForm(djforms.Form):
    reason = djforms.CharField(
        label=_("reasons"),
        widget=djforms.Textarea(attrs={"rows": 3}),
        max_length=5000,
        error_messages={"required": _("Give the reasons.")},
    )


class MultipleFileInput(djforms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(djforms.FileField):
    widget = MultipleFileInput

    def clean(self, data: Any, initial: Any = None) -> Any:
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data]
        return [single(data, initial)] if data else []


class EvidenceForm(djforms.Form):
    evidence = djforms.CharField(
        label=_("evidence"),
        widget=djforms.Textarea(attrs={"rows": 3}),
        max_length=20000,
        error_messages={"required": _("Describe what was done.")},
    )
    attachments = MultipleFileField(
        label=_("attachments"),
        required=False,
        help_text=lazy(
            lambda: (
                _("Up to %(count)s files, each at most %(size)s MB: PDF, JPEG, PNG or Word (DOCX).")
                % {"count": MAX_FILES, "size": MAX_SIZE // (1024 * 1024)}
            ),
            str,
        )(),
        widget=MultipleFileInput(attrs={"accept": ACCEPT}),
    )


def _empty(*args: Any, **kwargs: Any) -> djforms.Form:
    return djforms.Form(*args, **kwargs)


# The page form of each input shape the transition tables name (``Transition.input``).
ACTION_FORMS: dict[str, Any] = {"": _empty, "comment": CommentForm, "reason": ReasonForm, "evidence": EvidenceForm}
