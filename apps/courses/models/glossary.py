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
    # Where the term comes from in content/ (the course folder) and its place in glossary.yaml.
    course_source = models.SlugField(max_length=80, blank=True, editable=False)
    sort_order = models.PositiveIntegerField(default=0, editable=False)

    panels = [FieldPanel("term"), FieldPanel("definition"), FieldPanel("source")]
    search_fields = [index.SearchField("term"), index.AutocompleteField("term")]

    class Meta(TranslatableMixin.Meta):
        ordering = ["term"]
        verbose_name = _("glossary term")
        verbose_name_plural = _("glossary terms")

    def __str__(self) -> str:
        return self.term
