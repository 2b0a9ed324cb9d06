"""The sync source form in the Wagtail admin. The token is write-only: shown as a hint, kept
when the field is left empty, replaced when a new one is typed, removed on request."""

from django import forms
from django.utils.translation import gettext_lazy as _

from apps.accounts.models import User
from apps.partners.adapters import adapter_choices
from apps.partners.models import SOURCE_SETTINGS, SyncSource
from apps.partners.schedules import crontab_parts
from apps.partners.services import source_check, source_secret_set


class SyncSourceForm(forms.ModelForm):
    field_order = ["slug", "name", "organisation", "dataset"]

    secret = forms.CharField(
        label=_("Secret header value (token)"),
        required=False,
        max_length=2000,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "off"}),
        help_text=_("Stored encrypted. Leave empty to keep the current one."),
    )
    secret_clear = forms.BooleanField(label=_("Remove the stored token"), required=False)
    contacts = forms.ModelMultipleChoiceField(
        label=_("Contacts to notify"),
        queryset=User.objects.filter(is_active=True).order_by("email"),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )

    class Meta:
        model = SyncSource
        fields = ["slug", "organisation", "dataset", *SOURCE_SETTINGS]
        widgets = {"adapter": forms.Select(choices=adapter_choices())}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["adapter"].widget = forms.Select(choices=adapter_choices())
        self.fields["organisation"].queryset = self.fields["organisation"].queryset.filter(
            is_partner=True
        )
        if self.instance.pk:
            self.fields["contacts"].initial = list(self.instance.contacts.all())
            if self.instance.secret_hint:
                self.fields["secret"].help_text = _(
                    "A token ending %(hint)s is stored (encrypted). Leave empty to keep it."
                ) % {"hint": self.instance.secret_hint}
        for name in ("connect_timeout", "read_timeout"):
            self.fields[name].min_value = 0.1

    def clean_crontab(self):
        line = " ".join(self.cleaned_data["crontab"].split())
        if line:
            try:
                crontab_parts(line)
            except ValueError as error:
                raise forms.ValidationError(str(error)) from None
        return line

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        source = self.instance
        for name in self.Meta.fields:
            setattr(source, name, cleaned.get(name))
        for problem in source_check(source):
            self.add_error(None, problem)
        for name in ("connect_timeout", "read_timeout"):
            value = cleaned.get(name)
            if value is not None and not 0 < value <= 3600:
                self.add_error(name, _("Between 0 and 3600 seconds."))
        return cleaned

    def apply_secret(self) -> None:
        if self.cleaned_data.get("secret_clear"):
            source_secret_set(self.instance, "")
        elif self.cleaned_data.get("secret"):
            source_secret_set(self.instance, self.cleaned_data["secret"])
