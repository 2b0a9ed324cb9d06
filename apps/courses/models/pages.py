"""The course page tree: catalogue → course → module → lesson, plus pre/post assessments."""

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Orderable, Page
from wagtail.search import index

from apps.courses.blocks import AssessmentBodyBlock, LessonBodyBlock


class CourseIndexPage(Page):
    """The catalogue, at /<lang>/courses/."""

    intro = models.TextField(_("introduction"), max_length=1000, blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro")]
    parent_page_types = ["core.HomePage"]
    subpage_types = ["courses.CoursePage"]
    max_count_per_parent = 1

    class Meta:
        verbose_name = _("course catalogue")

    def get_context(self, request, *args, **kwargs):
        from apps.courses.views.catalogue import catalogue_context

        context = super().get_context(request, *args, **kwargs)
        context.update(catalogue_context(request, self))
        return context


class CoursePage(Page):
    class Level(models.TextChoices):
        INTRODUCTORY = "introductory", _("Introductory")
        INTERMEDIATE = "intermediate", _("Intermediate")
        ADVANCED = "advanced", _("Advanced")

    class Topic(models.TextChoices):
        DEBRIS = "debris", _("Space debris")
        LAW = "law", _("Space law")
        NORMS = "norms", _("Norms and confidence-building")
        SSA = "ssa", _("Space situational awareness and data")

    summary = models.TextField(_("summary"), max_length=1000)
    topic = models.CharField(_("topic"), max_length=20, choices=Topic.choices)
    level = models.CharField(_("level"), max_length=20, choices=Level.choices)
    estimated_minutes = models.PositiveIntegerField(
        _("estimated time (minutes)"), validators=[MinValueValidator(1)]
    )
    # The course's folder in content/, set by import_courses and used by export_courses.
    source_name = models.SlugField(max_length=80, blank=True, editable=False)

    content_panels = Page.content_panels + [
        FieldPanel("summary"),
        MultiFieldPanel(
            [FieldPanel("topic"), FieldPanel("level"), FieldPanel("estimated_minutes")],
            heading=_("Catalogue"),
        ),
        InlinePanel("objectives", label=_("Learning objectives"), min_num=1),
    ]
    search_fields = Page.search_fields + [index.SearchField("summary")]
    parent_page_types = ["courses.CourseIndexPage"]
    subpage_types = ["courses.ModulePage", "courses.AssessmentPage"]

    class Meta:
        verbose_name = _("course")

    def serve(self, request, *args, **kwargs):
        from apps.courses.views.course import course_serve

        return course_serve(request, self)


class CourseObjective(Orderable):
    """What a learner can do after the course. Lessons and questions cite it by key."""

    page = ParentalKey(CoursePage, related_name="objectives", on_delete=models.CASCADE)
    key = models.SlugField(
        _("key"), max_length=50, help_text=_("Short identifier, the same in every language.")
    )
    text = models.CharField(_("objective"), max_length=300)

    panels = [FieldPanel("key"), FieldPanel("text")]

    class Meta(Orderable.Meta):
        verbose_name = _("learning objective")
        constraints = [
            models.UniqueConstraint(fields=["page", "key"], name="courses_objective_key_unique")
        ]

    def __str__(self) -> str:
        return self.text


class ModulePage(Page):
    intro = RichTextField(_("introduction"), blank=True, features=["bold", "italic", "link"])

    content_panels = Page.content_panels + [FieldPanel("intro")]
    parent_page_types = ["courses.CoursePage"]
    subpage_types = ["courses.LessonPage"]

    class Meta:
        verbose_name = _("module")

    def serve(self, request, *args, **kwargs):
        from apps.courses.views.course import module_serve

        return module_serve(request, self)


class LessonPage(Page):
    estimated_minutes = models.PositiveIntegerField(
        _("estimated time (minutes)"), default=15, validators=[MinValueValidator(1)]
    )
    objective_keys = models.CharField(
        _("objectives served"),
        max_length=300,
        blank=True,
        help_text=_("Keys of the course objectives this lesson serves, separated by commas."),
    )
    body = StreamField(LessonBodyBlock(), verbose_name=_("body"))

    content_panels = Page.content_panels + [
        FieldPanel("estimated_minutes"),
        FieldPanel("objective_keys"),
        FieldPanel("body"),
    ]
    search_fields = Page.search_fields + [index.SearchField("body")]
    parent_page_types = ["courses.ModulePage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("lesson")

    @property
    def objective_key_list(self) -> list[str]:
        return [k.strip() for k in self.objective_keys.split(",") if k.strip()]

    def knowledge_checks(self):
        return [block for block in self.body if block.block_type == "knowledge_check"]

    def serve(self, request, *args, **kwargs):
        from apps.courses.views.lesson import lesson_serve

        return lesson_serve(request, self)


class AssessmentPage(Page):
    class Kind(models.TextChoices):
        PRE = "pre", _("Pre-course assessment")
        POST = "post", _("Post-course assessment")

    kind = models.CharField(_("kind"), max_length=4, choices=Kind.choices)
    intro = RichTextField(_("introduction"), blank=True, features=["bold", "italic", "link"])
    pass_mark = models.PositiveSmallIntegerField(
        _("pass mark (%)"), default=70, validators=[MinValueValidator(0), MaxValueValidator(100)]
    )
    max_attempts = models.PositiveSmallIntegerField(
        _("attempts allowed"), default=3, validators=[MinValueValidator(1), MaxValueValidator(20)]
    )
    questions = StreamField(AssessmentBodyBlock(), verbose_name=_("questions"))

    content_panels = Page.content_panels + [
        FieldPanel("kind"),
        FieldPanel("intro"),
        MultiFieldPanel([FieldPanel("pass_mark"), FieldPanel("max_attempts")], heading=_("Rules")),
        FieldPanel("questions"),
    ]
    parent_page_types = ["courses.CoursePage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("assessment")

    def clean(self):
        super().clean()
        parent = self.get_parent()
        if parent is None:
            return
        siblings = AssessmentPage.objects.child_of(parent).filter(kind=self.kind)
        if self.pk:
            siblings = siblings.exclude(pk=self.pk)
        if siblings.exists():
            raise ValidationError(
                {"kind": _("This course already has an assessment of this kind.")}
            )

    def serve(self, request, *args, **kwargs):
        from apps.courses.views.assessment import assessment_serve

        return assessment_serve(request, self)
