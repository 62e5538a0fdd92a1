"""Forms of the public side: filing a complaint, looking it up, rating the reply, asking for a review."""

from __future__ import annotations

from typing import Any

from captcha.fields import CaptchaField, CaptchaTextInput
from captcha.models import CaptchaStore
from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.forms.renderers import get_default_renderer
from django.template.loader import render_to_string
from django.utils.functional import lazy
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _

from cadres.models import Unit
from cadres.widgets import UnitChoiceField
from complaints.attachments import ACCEPT, MAX_FILES, MAX_SIZE, validate_attachment, validate_attachment_count
from complaints.models import Category, Complaint

TITLE_MAX = 200
DESCRIPTION_MAX = 10000
FEEDBACK_MAX = 2000
COMMENT_MAX = 5000

phone_validator = RegexValidator(
    r"^\+?[0-9][0-9 ()\-]{4,30}$", _("Enter a phone number: digits, with spaces, dashes or a leading + if needed.")
)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files from one ``<input type=file multiple>``; Django's FileField takes one."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ACCEPT}))
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        files = [item for item in (data if isinstance(data, list | tuple) else [data]) if item]
        if not files:
            if self.required:
                raise ValidationError(self.error_messages["required"], code="required")
            return []
        validate_attachment_count(files)
        errors: list[ValidationError] = []
        cleaned = []
        for item in files:
            try:
                cleaned.append(super().clean(item, initial))
                validate_attachment(item)
            except ValidationError as exc:
                errors.append(exc)
        if errors:
            raise ValidationError(errors)
        return cleaned


class PublicCaptchaInput(CaptchaTextInput):
    """The captcha with a translated description of its picture. The template lives with the
    project's templates, which the form renderer does not search: render it with the site's engine."""

    template_name = "complaints/public/captcha_widget.html"
    # Not a group under a legend: the field's label names the text box (``id_for_label`` points at it),
    # the picture has its own description.
    use_fieldset = False

    def _render(self, template_name: str, context: dict[str, Any], renderer: Any = None) -> SafeString:
        renderer = renderer or get_default_renderer()
        inputs = "".join(
            renderer.render(sub["template_name"], {"widget": sub}) for sub in context["widget"]["subwidgets"]
        )
        # Both parts come out of templates that escape what they insert.
        context = {**context, "inputs": mark_safe(inputs)}  # noqa: S308
        return mark_safe(render_to_string(template_name, context))  # noqa: S308


class PublicCaptchaField(CaptchaField):
    """django-simple-captcha reads CAPTCHA_TEST_MODE once at import; this reads Django's setting on
    each request so that a test can switch the test mode on for itself alone."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", PublicCaptchaInput(attrs={"autocomplete": "off", "spellcheck": "false"}))
        super().__init__(*args, **kwargs)

    def clean(self, value: Any) -> Any:
        if (
            getattr(settings, "CAPTCHA_TEST_MODE", False)
            and isinstance(value, list | tuple)
            and len(value) == 2
            and str(value[1] or "").strip().lower() == "passed"
        ):
            CaptchaStore.objects.filter(hashkey=str(value[0] or "").lower()).delete()
            return value
        return super().clean(value)


class ComplaintForm(forms.Form):
    category = forms.ChoiceField(
        label=_("What is it about?"), choices=[("", _("Choose a category")), *Category.choices]
    )
    title = forms.CharField(label=_("Title"), max_length=TITLE_MAX, help_text=_("One line that sums it up."))
    description = forms.CharField(
        label=_("What happened"),
        max_length=DESCRIPTION_MAX,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("When and where it happened, who was involved, and what you know about it."),
    )
    unit = UnitChoiceField(
        label=_("Unit complained about"),
        queryset=Unit.objects.filter(active=True).order_by("name"),
        required=False,
        empty_label=_("Not specified"),
    )
    accused_name = forms.CharField(
        label=_("Name of the cadre complained about"), max_length=64, required=False, help_text=_("Optional.")
    )
    complainant_name = forms.CharField(label=_("Your name"), max_length=64, required=False)
    complainant_phone = forms.CharField(
        label=_("Your phone"), max_length=32, required=False, validators=[phone_validator]
    )
    complainant_email = forms.EmailField(label=_("Your e-mail"), max_length=254, required=False)
    attachments = MultipleFileField(
        label=_("Attachments"),
        required=False,
        help_text=lazy(
            lambda: (
                _("Up to %(count)s files, each at most %(size)s MB: PDF, JPEG, PNG or Word (DOCX).")
                % {"count": MAX_FILES, "size": MAX_SIZE // (1024 * 1024)}
            ),
            str,
        )(),
    )
    # Honeypot: hidden from people (CSS and aria), filled in by bots that fill in every field.
    website = forms.CharField(
        label=_("Leave this field empty"),
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )
    captcha = PublicCaptchaField(
        label=_("Type the characters shown in the picture"),
        # Worded like the field's label, not the library's own "Invalid CAPTCHA".
        error_messages={
            "required": _("Type the characters shown in the picture."),
            "invalid": _("The code you typed does not match the picture. Please try again."),
        },
    )

    @property
    def is_spam(self) -> bool:
        return bool(self.data.get(self.add_prefix("website"), "").strip())

    def contact_fields(self) -> list[forms.BoundField]:
        return [self["complainant_name"], self["complainant_phone"], self["complainant_email"]]

    def complaint_fields(self) -> list[forms.BoundField]:
        return [self["category"], self["title"], self["description"], self["unit"], self["accused_name"]]


class TrackForm(forms.Form):
    tracking_code = forms.CharField(
        label=_("Tracking code"),
        max_length=64,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false", "autocapitalize": "characters"}),
    )
    access_key = forms.CharField(
        label=_("Access key"),
        max_length=128,
        strip=True,
        widget=forms.PasswordInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )


class FeedbackForm(forms.Form):
    rating = forms.ChoiceField(
        label=_("How satisfied are you with the reply?"),
        choices=Complaint.Rating.choices,
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("Comment"), max_length=FEEDBACK_MAX, required=False, widget=forms.Textarea(attrs={"rows": 4})
    )


class SupplementForm(forms.Form):
    """Material the complainant adds to his open complaint."""

    text = forms.CharField(
        label=_("What would you like to add?"), max_length=COMMENT_MAX, widget=forms.Textarea(attrs={"rows": 5})
    )
    attachments = MultipleFileField(label=_("Attachments"), required=False)


class ReviewForm(forms.Form):
    reason = forms.CharField(
        label=_("Why should the reply be reviewed?"),
        max_length=COMMENT_MAX,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
