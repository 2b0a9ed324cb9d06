from django import forms
from django.utils.translation import gettext_lazy as _
from django_countries import countries
from django_countries.fields import LazyTypedChoiceField

from apps.accounts.models import User
from apps.accounts.validators import validate_person_name
from apps.core.languages import language_choices


class SignupProfileForm(forms.Form):
    """The profile fields asked at sign-up, beside allauth's email and password."""

    name = forms.CharField(
        label=_("Full name"),
        max_length=150,
        help_text=_("As it should appear on your certificates."),
        validators=[validate_person_name],
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    country = LazyTypedChoiceField(
        label=_("Country"), choices=[("", "---------"), *countries], required=False
    )
    preferred_language = forms.ChoiceField(label=_("Preferred language"), choices=language_choices)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from django.utils.translation import get_language

        self.fields["preferred_language"].initial = get_language()

    def signup(self, request, user: User) -> None:
        user.name = self.cleaned_data["name"]
        user.country = self.cleaned_data.get("country") or ""
        user.preferred_language = self.cleaned_data["preferred_language"]
        user.save(update_fields=["name", "country", "preferred_language"])


class ProfileForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["name", "country", "preferred_language"]
        widgets = {"name": forms.TextInput(attrs={"autocomplete": "name"})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["preferred_language"].choices = language_choices()
