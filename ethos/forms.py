"""Forms of the commitment and appraisal pages. They only shape input: the rules are the services'."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from cadres.models import Ethos, Unit
from ethos.models import Grade

DATE = forms.DateInput(attrs={"type": "date"})


class CommitmentForm(forms.Form):
    """A pledge per ethos, all eight on one page, each with the ethos' description as its hint."""

    def __init__(self, *args: Any, initial_pledges: dict[str, str] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.ethos = list(Ethos.objects.order_by("order"))
        for item in self.ethos:
            self.fields[item.code] = forms.CharField(
                label=f"{item.order}. {item.name}",
                help_text=item.description,
                required=False,
                max_length=2000,
                initial=(initial_pledges or {}).get(item.code, ""),
                widget=forms.Textarea(attrs={"rows": 3}),
            )

    def pledges(self) -> list[dict[str, str]]:
        return [{"ethos": item.code, "text": self.cleaned_data.get(item.code, "")} for item in self.ethos]


class CommentForm(forms.Form):
    comment = forms.CharField(
        label=_("Comment"), required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("What should be amended"), max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )


class EmptyForm(forms.Form):
    pass


ACTION_FORMS: dict[str, type[forms.Form]] = {"": EmptyForm, "comment": CommentForm, "reason": ReasonForm}


class CommitmentYearForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    deadline = forms.DateField(label=_("Sign by"), widget=DATE)


class RoundForm(forms.Form):
    unit = forms.ModelChoiceField(label=_("Unit"), queryset=Unit.objects.filter(active=True))
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)


class LinkCountForm(forms.Form):
    count = forms.IntegerField(label=_("Number of outside raters"), min_value=1, max_value=200)


class BallotForm(forms.Form):
    """A grade for each of the eight ethos of one cadre."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.ethos = list(Ethos.objects.order_by("order"))
        for item in self.ethos:
            self.fields[item.code] = forms.ChoiceField(
                label=f"{item.order}. {item.name}",
                choices=Grade.choices,
                widget=forms.RadioSelect,
                # The service names every missing grade at once; the field only keeps the choices.
                required=False,
            )

    def grades(self) -> dict[str, str]:
        return {item.code: self.cleaned_data[item.code] for item in self.ethos if self.cleaned_data.get(item.code)}
