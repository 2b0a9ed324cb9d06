"""Writing Wagtail course pages back to source files, so editors' changes can be committed."""

from pathlib import Path

import yaml
from wagtail.models import Locale

from apps.core.languages import DEFAULT_LANGUAGE
from apps.courses.content.convert import html_to_md, html_with_citations_to_md
from apps.courses.models import AssessmentPage, CoursePage, GlossaryTerm, LessonPage, ModulePage


def _dump(data) -> str:
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100).strip()


def _page_file(front: dict, body: str = "") -> str:
    text = f"---\n{_dump(front)}\n---\n"
    return text + (f"\n{body.strip()}\n" if body.strip() else "")


def _question_yaml(value) -> dict:
    data = {
        "key": value["key"] or "q",
        "kind": value["kind"],
        "objective": value["objective"],
        "question": html_to_md(value["question"].source),
    }
    if value["kind"] == "numeric":
        data["answer"] = value["numeric_answer"]
        if value["tolerance"]:
            data["tolerance"] = value["tolerance"]
    else:
        data["choices"] = []
        for position, child in enumerate(value["choices"]):
            choice = {
                "key": child["key"] or "abcdefghij"[position],
                "text": child["text"],
                "correct": child["correct"],
            }
            if child["feedback"]:
                choice["feedback"] = child["feedback"]
            data["choices"].append(choice)
    data["explanation"] = html_to_md(value["explanation"].source)
    return data


def _fence(kind: str, data) -> str:
    return f"```{kind}\n{_dump(data)}\n```"


def lesson_markdown(lesson: LessonPage) -> str:
    parts = []
    for position, block in enumerate(lesson.body):
        value = block.value
        if block.block_type == "text":
            citations = [dict(c) for c in value["citations"]]
            parts.append(html_with_citations_to_md(value["text"].source, citations))
        elif block.block_type == "code":
            parts.append(f"```{value['language']}\n{value['code']}\n```")
        elif block.block_type == "knowledge_check":
            data = _question_yaml(value)
            if not value["key"]:
                data["key"] = f"q{position + 1}"
            parts.append(_fence("check", data))
        elif block.block_type == "callout":
            data = {"kind": value["kind"], "text": html_to_md(value["text"].source)}
            if value["citation"]:
                data["citation"] = value["citation"]
            parts.append(_fence("callout", data))
        elif block.block_type == "glossary_term":
            parts.append(_fence("glossary", {"term": value["term"].term}))
        elif block.block_type == "case_study":
            parts.append(
                _fence(
                    "case_study",
                    {"title": value["title"], "body": html_to_md(value["body"].source)},
                )
            )
        # Images, videos and downloads live in Wagtail only (see content/README.md).
    return "\n\n".join(parts)


def course_export(course: CoursePage, folder: Path) -> list[Path]:
    """Write one language version of a course under folder/<lang>/; returns the files written."""
    language = course.locale.language_code
    root = folder / language
    written = []

    def write(path: Path, text: str):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        written.append(path)

    front = {
        "id": str(course.translation_key),
        "title": course.title,
        "slug": course.slug,
        "summary": course.summary,
        "topic": course.topic,
        "level": course.level,
        "estimated_minutes": course.estimated_minutes,
        "objectives": [{"key": o.key, "text": o.text} for o in course.objectives.all()],
    }
    write(root / "course.md", _page_file(front))
    english = Locale.objects.get(language_code=DEFAULT_LANGUAGE)
    for assessment in AssessmentPage.objects.child_of(course).live():
        front = {
            "id": str(assessment.translation_key),
            "title": assessment.title,
            "slug": assessment.slug,
            "pass_mark": assessment.pass_mark,
            "max_attempts": assessment.max_attempts,
        }
        body = [html_to_md(assessment.intro)] + [
            _fence("check", _question_yaml(q.value)) for q in assessment.questions
        ]
        write(
            root / f"assessment-{assessment.kind}.md",
            _page_file(front, "\n\n".join(b for b in body if b)),
        )
    for m, module in enumerate(
        ModulePage.objects.child_of(course).live().order_by("path"), start=1
    ):
        source_module = module.get_translation_or_none(english) or module
        module_dir = root / f"{m:02d}-{source_module.slug}"
        front = {"id": str(module.translation_key), "title": module.title, "slug": module.slug}
        write(module_dir / "module.md", _page_file(front, html_to_md(module.intro)))
        for n, lesson in enumerate(
            LessonPage.objects.child_of(module).live().order_by("path"), start=1
        ):
            source_lesson = lesson.get_translation_or_none(english) or lesson
            front = {
                "id": str(lesson.translation_key),
                "title": lesson.title,
                "slug": lesson.slug,
                "estimated_minutes": lesson.estimated_minutes,
                "objectives": lesson.objective_key_list,
            }
            write(
                module_dir / f"{n:02d}-{source_lesson.slug}.md",
                _page_file(front, lesson_markdown(lesson)),
            )
    terms = GlossaryTerm.objects.filter(
        locale=course.locale, course_source=course.source_name or course.slug
    ).order_by("sort_order")
    entries = [
        {"term": t.term, "definition": t.definition, **({"source": t.source} if t.source else {})}
        for t in terms
    ]
    write(root / "glossary.yaml", _dump(entries) + "\n" if entries else "[]\n")
    return written
