from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.models import TranslatableMixin
from wagtail.search import index


class GlossaryTerm(TranslatableMixin, index.Indexed, models.Model):
    """A term defined once per language and linked from lessons."""

    term = models.CharField(_("term"), max_length=200)
    definition = models.TextField(_("definition"), max_length=2000)
    source = models.CharField(_("source"), max_length=300, blank=True)

    panels = [FieldPanel("term"), FieldPanel("definition"), FieldPanel("source")]
    search_fields = [index.SearchField("term"), index.AutocompleteField("term")]

    class Meta(TranslatableMixin.Meta):
        ordering = ["term"]
        verbose_name = _("glossary term")
        verbose_name_plural = _("glossary terms")

    def __str__(self) -> str:
        return self.term
