"""Loading validated course sources into Wagtail: idempotent, one new revision per changed page."""

import json
import uuid
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from wagtail.models import Locale, Page

from apps.core.languages import DEFAULT_LANGUAGE
from apps.courses.catalogue import catalogue_pages_ensure
from apps.courses.content.convert import footnotes_collect, md_to_html, text_to_html
from apps.courses.content.reader import (
    NAMESPACE,
    ContentInvalid,
    CourseSource,
    LanguageSource,
    PageSource,
    SourceError,
)
from apps.courses.models import (
    AssessmentPage,
    CourseIndexPage,
    CourseObjective,
    CoursePage,
    GlossaryTerm,
    LessonPage,
    ModulePage,
)


@dataclass
class ImportSummary:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)


def _id(*parts) -> str:
    return str(uuid.uuid5(NAMESPACE, "/".join(str(p) for p in parts)))


def _check_value(page_key, check) -> dict:
    return {
        "type": "knowledge_check",
        "id": _id(page_key, "check", check.key),
        "value": _question(page_key, check),
    }


def _question(page_key, check) -> dict:
    return {
        "key": check.key,
        "kind": check.kind,
        "question": md_to_html(check.question),
        "objective": check.objective,
        "choices": [
            {
                "type": "item",
                "id": _id(page_key, "check", check.key, choice.key),
                "value": {
                    "key": choice.key,
                    "text": choice.text,
                    "correct": choice.correct,
                    "feedback": choice.feedback,
                },
            }
            for choice in check.choices
        ],
        "numeric_answer": check.answer,
        "tolerance": check.tolerance,
        "explanation": md_to_html(check.explanation),
    }


def lesson_body(page: PageSource, key: uuid.UUID, glossary: dict[str, int]) -> list[dict]:
    """The StreamField data of a lesson, with ids derived from the source so they never change."""
    definitions: dict = {}
    texts = {}
    for index, block in enumerate(page.blocks):
        if block.type == "text":
            texts[index], found = footnotes_collect(block.data)
            definitions.update(found)
    numbering: dict[str, int] = {}
    body = []
    for index, block in enumerate(page.blocks):
        block_id = _id(key, "block", index)
        if block.type == "text":
            html, citations = text_to_html(texts[index], definitions, numbering)
            if not html:
                continue
            value = {
                "text": html,
                "citations": [
                    {"type": "item", "id": _id(key, "citation", c.label), "value": c.__dict__}
                    for c in citations
                ],
            }
            body.append({"type": "text", "id": block_id, "value": value})
        elif block.type == "code":
            body.append({"type": "code", "id": block_id, "value": block.data})
        elif block.type == "check":
            body.append(_check_value(key, block.data))
        elif block.type == "callout":
            value = {
                "kind": block.data.kind,
                "text": md_to_html(block.data.text),
                "citation": block.data.citation,
            }
            body.append({"type": "callout", "id": block_id, "value": value})
        elif block.type == "glossary":
            body.append(
                {
                    "type": "glossary_term",
                    "id": block_id,
                    "value": {"term": glossary[block.data.term]},
                }
            )
        elif block.type == "case_study":
            value = {"title": block.data.title, "body": md_to_html(block.data.body)}
            body.append({"type": "case_study", "id": block_id, "value": value})
    return body


def _stream_equal(field_value, raw: list[dict]) -> bool:
    current = json.dumps(list(field_value.raw_data), sort_keys=True, default=str)
    return current == json.dumps(raw, sort_keys=True, default=str)


class _LanguageImport:
    def __init__(self, course: CourseSource, language: LanguageSource, summary: ImportSummary):
        self.course = course
        self.language = language
        self.summary = summary
        self.locale = Locale.objects.get(language_code=language.language)
        self.glossary: dict[str, int] = {}

    def run(self) -> None:
        self._glossary()
        pages = self.language.pages
        course_source = next(p for p in pages if p.kind == "course")
        index = CourseIndexPage.objects.get(locale=self.locale)
        course = self._page(CoursePage, index, course_source, self._course_fields(course_source))
        module_pages = {}
        children = []
        for source in pages:
            if source.kind == "assessment" and source.assessment_kind == "pre":
                children.append(
                    self._page(AssessmentPage, course, source, self._assessment_fields(source))
                )
        for source in pages:
            if source.kind == "module":
                module = self._page(ModulePage, course, source, {"intro": md_to_html(source.intro)})
                module_pages[source.identity.split("/")[0]] = module
                children.append(module)
        for source in pages:
            if source.kind == "assessment" and source.assessment_kind == "post":
                children.append(
                    self._page(AssessmentPage, course, source, self._assessment_fields(source))
                )
        _order_children(course, children)
        for folder, module in module_pages.items():
            lessons = [
                self._page(LessonPage, module, source, self._lesson_fields(source))
                for source in pages
                if source.kind == "lesson" and source.identity.startswith(f"{folder}/")
            ]
            _order_children(module, lessons)

    def _glossary(self) -> None:
        for position, entry in enumerate(self.language.glossary):
            key = uuid.uuid5(NAMESPACE, f"{self.course.slug}/glossary/{position}")
            term, _ = GlossaryTerm.objects.update_or_create(
                translation_key=key,
                locale=self.locale,
                defaults={
                    "term": entry.term,
                    "definition": entry.definition,
                    "source": entry.source,
                    "course_source": self.course.slug,
                    "sort_order": position,
                },
            )
            self.glossary[entry.term] = term.pk

    def _course_fields(self, source: PageSource) -> dict:
        front = source.front
        return {
            "source_name": self.course.slug,
            "summary": front.summary,
            "topic": front.topic,
            "level": front.level,
            "estimated_minutes": front.estimated_minutes,
            "objectives": [(o.key, o.text) for o in front.objectives],
        }

    def _assessment_fields(self, source: PageSource) -> dict:
        key = source.key(self.course.slug)
        return {
            "kind": source.assessment_kind,
            "intro": md_to_html(source.intro),
            "pass_mark": source.front.pass_mark,
            "max_attempts": source.front.max_attempts,
            "questions": [
                {
                    "type": "question",
                    "id": _id(key, "check", b.data.key),
                    "value": _question(key, b.data),
                }
                for b in source.blocks
            ],
        }

    def _lesson_fields(self, source: PageSource) -> dict:
        return {
            "estimated_minutes": source.front.estimated_minutes,
            "objective_keys": ",".join(source.front.objectives),
            "body": lesson_body(source, source.key(self.course.slug), self.glossary),
        }

    def _page(self, model, parent: Page, source: PageSource, fields: dict):
        key = source.key(self.course.slug)
        label = f"{self.course.slug}/{self.language.language}/{source.identity}"
        page = model.objects.filter(translation_key=key, locale=self.locale).first()
        wanted = {"title": source.front.title, "slug": source.front.slug, **fields}
        if page is None:
            page = model(translation_key=key, locale=self.locale)
            _assign(page, wanted)
            parent.add_child(instance=page)
            page.save_revision().publish()
            self.summary.created.append(label)
            return page
        if page.get_parent().pk != parent.pk:
            page.move(parent, pos="last-child")
            page = model.objects.get(pk=page.pk)
        if _differs(page, wanted):
            _assign(page, wanted)
            page.save_revision().publish()
            self.summary.updated.append(label)
        else:
            self.summary.unchanged.append(label)
        return page


def _differs(page, wanted: dict) -> bool:
    for name, value in wanted.items():
        if name == "objectives":
            if [(o.key, o.text) for o in page.objectives.all()] != value:
                return True
        elif name in ("body", "questions"):
            if not _stream_equal(getattr(page, name), value):
                return True
        elif getattr(page, name) != value:
            return True
    return False


def _assign(page, wanted: dict) -> None:
    for name, value in wanted.items():
        if name == "objectives":
            page.objectives = [CourseObjective(key=k, text=t) for k, t in value]
        else:
            setattr(page, name, value)


def _order_children(parent: Page, ordered: list[Page]) -> None:
    """Put the children in source order (a new lesson may belong before existing ones)."""
    parent = Page.objects.get(pk=parent.pk)  # fresh: treebeard moves need current child counts
    wanted = [p.pk for p in ordered]
    current = [p.pk for p in parent.get_children().filter(pk__in=wanted)]
    if current == wanted:
        return
    for index, pk in enumerate(wanted):
        page = Page.objects.get(pk=pk)
        if index == 0:
            first = parent.get_children().first()
            if first.pk != pk:
                page.move(first, pos="left")
        else:
            page.move(Page.objects.get(pk=wanted[index - 1]), pos="right")


def course_import(course: CourseSource, summary: ImportSummary) -> None:
    """Import every language of one course in one transaction: all of it or nothing."""
    catalogue_pages_ensure()
    try:
        with transaction.atomic():
            languages = sorted(course.languages, key=lambda code: code != DEFAULT_LANGUAGE)
            for code in languages:
                _LanguageImport(course, course.languages[code], summary).run()
    except ValidationError as error:
        # E.g. two pages given the same slug: nothing of this course was written.
        messages = "; ".join(error.messages)
        raise ContentInvalid([SourceError(course.root, 1, messages)]) from error
