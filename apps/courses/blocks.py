"""Lesson body blocks: one StructBlock per concept, each with its own template."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.embeds.blocks import EmbedBlock
from wagtail.images.blocks import ImageChooserBlock
from wagtail.snippets.blocks import SnippetChooserBlock

RICH_TEXT_FEATURES = ["h2", "h3", "h4", "bold", "italic", "link", "ol", "ul", "superscript", "code"]


class CitationBlock(blocks.StructBlock):
    """A primary source a lesson cites: shown as a numbered note after the text."""

    number = blocks.IntegerBlock(label=_("Number in the text"), min_value=1)
    label = blocks.CharBlock(label=_("Short reference"), max_length=200)
    title = blocks.CharBlock(label=_("Full title of the source"), max_length=400)
    url = blocks.URLBlock(label=_("Link"), required=False)

    class Meta:
        icon = "openquote"


class TextBlock(blocks.StructBlock):
    text = blocks.RichTextBlock(label=_("Text"), features=RICH_TEXT_FEATURES)
    citations = blocks.ListBlock(CitationBlock(), label=_("Citations"), default=[])

    class Meta:
        icon = "pilcrow"
        template = "courses/blocks/text.html"


class FigureBlock(blocks.StructBlock):
    image = ImageChooserBlock(label=_("Image"))
    alt = blocks.CharBlock(
        label=_("Alternative text"),
        max_length=300,
        help_text=_("What the image shows, for people who cannot see it."),
    )
    caption = blocks.CharBlock(label=_("Caption"), max_length=400, required=False)

    class Meta:
        icon = "image"
        template = "courses/blocks/figure.html"


class VideoBlock(blocks.StructBlock):
    """A video is never autoplayed and always comes with a text transcript."""

    title = blocks.CharBlock(label=_("Title"), max_length=200)
    file = DocumentChooserBlock(label=_("Video file (MP4 or WebM)"), required=False)
    captions = DocumentChooserBlock(label=_("Captions (WebVTT)"), required=False)
    embed = EmbedBlock(label=_("Or an embedded video"), required=False)
    transcript = blocks.RichTextBlock(label=_("Transcript"), features=RICH_TEXT_FEATURES)

    class Meta:
        icon = "media"
        template = "courses/blocks/video.html"

    def clean(self, value):
        value = super().clean(value)
        if not value.get("file") and not value.get("embed"):
            raise ValidationError(_("Choose a video file or give an embed address."))
        return value


class DownloadBlock(blocks.StructBlock):
    document = DocumentChooserBlock(label=_("Document"))
    description = blocks.CharBlock(label=_("Description"), max_length=300, required=False)

    class Meta:
        icon = "doc-full"
        template = "courses/blocks/download.html"


class CalloutBlock(blocks.StructBlock):
    kind = blocks.ChoiceBlock(
        label=_("Kind"),
        choices=[("key_fact", _("Key fact")), ("quotation", _("Quoted guideline or article"))],
        default="key_fact",
    )
    text = blocks.RichTextBlock(label=_("Text"), features=["bold", "italic", "link"])
    citation = blocks.CharBlock(label=_("Citation"), max_length=300, required=False)

    class Meta:
        icon = "warning"
        template = "courses/blocks/callout.html"


class GlossaryTermBlock(blocks.StructBlock):
    term = SnippetChooserBlock("courses.GlossaryTerm", label=_("Term"))

    class Meta:
        icon = "help"
        template = "courses/blocks/glossary_term.html"


class CaseStudyBlock(blocks.StructBlock):
    title = blocks.CharBlock(label=_("Title"), max_length=200)
    body = blocks.RichTextBlock(label=_("Body"), features=RICH_TEXT_FEATURES)

    class Meta:
        icon = "clipboard-list"
        template = "courses/blocks/case_study.html"


class CodeBlock(blocks.StructBlock):
    """A worked command or program learners can copy and run (curl, Python…)."""

    language = blocks.CharBlock(label=_("Language"), max_length=20, required=False)
    code = blocks.TextBlock(label=_("Code"))

    class Meta:
        icon = "code"
        template = "courses/blocks/code.html"


class ChoiceBlock(blocks.StructBlock):
    key = blocks.CharBlock(
        label=_("Key"), max_length=20, required=False, help_text=_("Kept by the course sources.")
    )
    text = blocks.CharBlock(label=_("Answer"), max_length=500)
    correct = blocks.BooleanBlock(label=_("Correct"), required=False)
    feedback = blocks.CharBlock(label=_("Feedback for this answer"), max_length=500, required=False)


class QuestionBlock(blocks.StructBlock):
    """A question scored on the server; its block id is its stable identity."""

    SINGLE = "single"
    MULTIPLE = "multiple"
    TRUE_FALSE = "true_false"
    NUMERIC = "numeric"

    key = blocks.CharBlock(
        label=_("Key"), max_length=20, required=False, help_text=_("Kept by the course sources.")
    )
    kind = blocks.ChoiceBlock(
        label=_("Kind"),
        choices=[
            (SINGLE, _("Single choice")),
            (MULTIPLE, _("Multiple choice")),
            (TRUE_FALSE, _("True or false")),
            (NUMERIC, _("Number")),
        ],
        default=SINGLE,
    )
    question = blocks.RichTextBlock(label=_("Question"), features=["bold", "italic", "link"])
    objective = blocks.CharBlock(
        label=_("Objective key"),
        max_length=50,
        help_text=_("The key of the course objective this question checks."),
    )
    choices = blocks.ListBlock(ChoiceBlock(), label=_("Answers"), default=[])
    numeric_answer = blocks.FloatBlock(label=_("Correct number"), required=False)
    tolerance = blocks.FloatBlock(label=_("Tolerance (±)"), required=False, min_value=0)
    explanation = blocks.RichTextBlock(label=_("Explanation"), features=["bold", "italic", "link"])

    class Meta:
        icon = "tick"
        template = "courses/blocks/knowledge_check.html"

    def clean(self, value):
        value = super().clean(value)
        kind = value["kind"]
        correct = [c for c in value["choices"] if c["correct"]]
        if kind == self.NUMERIC:
            if value.get("numeric_answer") is None:
                raise ValidationError(_("A number question needs its correct number."))
        elif len(value["choices"]) < 2:
            raise ValidationError(_("Give at least two answers."))
        elif not correct:
            raise ValidationError(_("Mark at least one answer as correct."))
        elif kind in (self.SINGLE, self.TRUE_FALSE) and len(correct) != 1:
            raise ValidationError(_("Mark exactly one answer as correct."))
        elif kind == self.TRUE_FALSE and len(value["choices"]) != 2:
            raise ValidationError(_("A true-or-false question has exactly two answers."))
        return value


class LessonBodyBlock(blocks.StreamBlock):
    text = TextBlock(label=_("Text"))
    figure = FigureBlock(label=_("Image"))
    video = VideoBlock(label=_("Video"))
    download = DownloadBlock(label=_("Download"))
    callout = CalloutBlock(label=_("Callout"))
    glossary_term = GlossaryTermBlock(label=_("Glossary term"))
    case_study = CaseStudyBlock(label=_("Worked example or case study"))
    code = CodeBlock(label=_("Code example"))
    knowledge_check = QuestionBlock(label=_("Knowledge check"))


class AssessmentBodyBlock(blocks.StreamBlock):
    question = QuestionBlock(label=_("Question"))
