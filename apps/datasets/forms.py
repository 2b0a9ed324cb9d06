"""Forms editors use in the Wagtail admin to define curated tables and upload their CSV."""

import json

from django import forms
from django.utils.translation import gettext_lazy as _

from apps.accounts.models import Organisation
from apps.datasets.ingest.tables import max_upload_bytes, table_schema_errors
from apps.datasets.models import Dataset

MAX_SCHEMA_CHARS = 100_000


class CuratedTableForm(forms.Form):
    slug = forms.SlugField(label=_("Slug"), max_length=80, help_text=_("Part of its address."))
    title = forms.CharField(label=_("Title"), max_length=200)
    description = forms.CharField(
        label=_("Description"), widget=forms.Textarea(attrs={"rows": 3}), max_length=4000
    )
    publisher = forms.ModelChoiceField(label=_("Publisher"), queryset=Organisation.objects.all())
    licence_name = forms.CharField(label=_("Licence"), max_length=200)
    licence_url = forms.URLField(label=_("Licence address"), required=False, assume_scheme="https")
    access = forms.ChoiceField(label=_("Access"), choices=Dataset.Access.choices)
    update_frequency = forms.ChoiceField(
        label=_("Update frequency"),
        choices=Dataset.Frequency.choices,
        initial=Dataset.Frequency.IRREGULAR,
    )
    keywords = forms.CharField(
        label=_("Keywords"), max_length=500, required=False, help_text=_("Separated by commas.")
    )
    table_schema = forms.CharField(
        label=_("Table schema (JSON)"),
        widget=forms.Textarea(attrs={"rows": 14, "spellcheck": "false"}),
        max_length=MAX_SCHEMA_CHARS,
        help_text=_(
            "A Frictionless Table Schema: a “fields” list (name, type, constraints) and a "
            "“primaryKey”. Every upload is checked against it."
        ),
    )

    def __init__(self, *args, instance: Dataset | None = None, **kwargs):
        self.instance = instance
        if instance is not None:
            kwargs.setdefault(
                "initial",
                {
                    "slug": instance.slug,
                    "title": instance.title.get("en", ""),
                    "description": instance.description.get("en", ""),
                    "publisher": instance.publisher_id,
                    "licence_name": instance.licence_name,
                    "licence_url": instance.licence_url,
                    "access": instance.access,
                    "update_frequency": instance.update_frequency,
                    "keywords": ", ".join(instance.keywords),
                    "table_schema": json.dumps(instance.table_schema, indent=2),
                },
            )
        super().__init__(*args, **kwargs)

    def clean_slug(self):
        slug = self.cleaned_data["slug"]
        taken = Dataset.objects.filter(slug=slug)
        if self.instance is not None:
            taken = taken.exclude(pk=self.instance.pk)
        if taken.exists():
            raise forms.ValidationError(_("Another dataset has this slug."))
        return slug

    def clean_keywords(self):
        words = [word.strip() for word in self.cleaned_data["keywords"].split(",")]
        return [word[:60] for word in words if word][:20]

    def clean_table_schema(self):
        try:
            descriptor = json.loads(self.cleaned_data["table_schema"])
        except ValueError as error:
            raise forms.ValidationError(
                _("This is not valid JSON: %(reason)s") % {"reason": error}
            ) from None
        problems = table_schema_errors(descriptor)
        if problems:
            raise forms.ValidationError(problems[:10])
        return descriptor


class TableUploadForm(forms.Form):
    file = forms.FileField(
        label=_("CSV file (UTF-8, header row with the schema's column names)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > max_upload_bytes():
            raise forms.ValidationError(
                _("The file is %(size)s bytes; the limit is %(limit)s.")
                % {"size": f"{upload.size:,}", "limit": f"{max_upload_bytes():,}"}
            )
        return upload
