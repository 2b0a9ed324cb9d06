import io
import shutil

import pytest
from django.core.management import CommandError, call_command

from apps.courses.content.importer import ImportSummary, course_import
from apps.courses.content.reader import ContentInvalid, read_course
from apps.courses.models import AssessmentPage, CoursePage, GlossaryTerm, LessonPage
from tests.courses.content_fixture import write_course

pytestmark = pytest.mark.django_db


def _import(path) -> ImportSummary:
    summary = ImportSummary()
    course_import(read_course(path), summary)
    return summary


def test_import_creates_linked_translations(tmp_path):
    summary = _import(write_course(tmp_path))
    assert len(summary.created) == 2 * 6 and not summary.updated
    english = LessonPage.objects.get(locale__language_code="en", slug="lesson-1")
    french = LessonPage.objects.get(locale__language_code="fr", slug="lesson-1")
    assert english.translation_key == french.translation_key
    assert english.get_parent().get_parent().specific.title == "Mini course"
    assert french.get_parent().get_parent().specific.title == "Mini cours"
    types = [block.block_type for block in english.body]
    assert types == ["text", "callout", "glossary_term", "code", "knowledge_check"]
    text = english.body[0].value
    assert "<sup>[1]</sup>" in text["text"].source and "<sup>[2]</sup>" in text["text"].source
    assert [c["label"] for c in text["citations"]] == ["iadc", "fcc"]
    assert text["citations"][1]["url"] == "https://docs.fcc.gov/"
    assert english.body[2].value["term"].locale.language_code == "en"
    assert AssessmentPage.objects.filter(kind="post", locale__language_code="fr").count() == 1
    assert GlossaryTerm.objects.count() == 2


def test_second_import_changes_nothing(tmp_path):
    course = write_course(tmp_path)
    _import(course)
    revisions = {p.pk: p.revisions.count() for p in LessonPage.objects.all()}
    summary = _import(course)
    assert not summary.created and not summary.updated
    assert len(summary.unchanged) == 12
    assert {p.pk: p.revisions.count() for p in LessonPage.objects.all()} == revisions


def test_a_changed_file_makes_one_new_revision(tmp_path):
    course = write_course(tmp_path)
    _import(course)
    lesson_file = course / "fr" / "01-basics" / "02-lesson-2.md"
    lesson_file.write_text(
        lesson_file.read_text().replace("Passivate stages.", "Passiver les étages.")
    )
    before = {p.pk: p.revisions.count() for p in LessonPage.objects.all()}
    summary = _import(course)
    assert summary.updated == ["mini-course/fr/01-basics/02-lesson-2.md"]
    changed = LessonPage.objects.get(locale__language_code="fr", slug="lesson-2")
    assert changed.revisions.count() == before[changed.pk] + 1
    assert "Passiver les étages." in str(changed.body[0].value["text"])
    others = [p for p in LessonPage.objects.exclude(pk=changed.pk)]
    assert all(p.revisions.count() == before[p.pk] for p in others)


def test_question_ids_are_stable_so_answers_survive_reimport(tmp_path):
    course = write_course(tmp_path)
    _import(course)
    before = [
        b.id for b in LessonPage.objects.get(slug="lesson-1", locale__language_code="en").body
    ]
    lesson_file = course / "en" / "01-basics" / "01-lesson-1.md"
    lesson_file.write_text(
        lesson_file.read_text().replace("Plan disposal.", "Plan disposal early.")
    )
    _import(course)
    after = [b.id for b in LessonPage.objects.get(slug="lesson-1", locale__language_code="en").body]
    assert before == after


def test_export_then_import_is_lossless(tmp_path):
    course = write_course(tmp_path / "source")
    _import(course)
    exported = tmp_path / "exported"
    call_command("export_courses", output=str(exported), stdout=io.StringIO())
    summary = _import(exported / "mini-course")
    assert not summary.created and not summary.updated, summary.updated
    # Exporting again gives the same files, byte for byte.
    again = tmp_path / "again"
    call_command("export_courses", output=str(again), stdout=io.StringIO())
    for path in sorted(exported.rglob("*.*")):
        assert path.read_text() == (again / path.relative_to(exported)).read_text(), path


def test_editor_changes_in_wagtail_round_trip_through_export(tmp_path):
    _import(write_course(tmp_path / "source"))
    lesson = LessonPage.objects.get(slug="lesson-1", locale__language_code="en")
    body = lesson.body.raw_data
    body[0]["value"]["text"] = body[0]["value"]["text"].replace("long-standing", "<b>classic</b>")
    lesson.body = body
    lesson.title = "Lesson 1, revised by an editor"
    lesson.save_revision().publish()
    call_command("export_courses", output=str(tmp_path / "out"), stdout=io.StringIO())
    text = (tmp_path / "out" / "mini-course" / "en" / "01-basics" / "01-lesson-1.md").read_text()
    assert "title: Lesson 1, revised by an editor" in text and "**classic**" in text
    summary = _import(tmp_path / "out" / "mini-course")
    assert not summary.updated


def _expect_failure(course, *, file_part: str, message: str):
    with pytest.raises(ContentInvalid) as exc:
        read_course(course)
    rendered = [str(e) for e in exc.value.errors]
    assert any(file_part in r and message in r for r in rendered), rendered
    assert all(":" in r.split(str(course))[-1] for r in rendered)  # file:line: message


def test_broken_front_matter(tmp_path):
    course = write_course(tmp_path)
    path = course / "en" / "01-basics" / "01-lesson-1.md"
    path.write_text(path.read_text().replace("estimated_minutes: 10", "estimated_minutes: [oops"))
    _expect_failure(course, file_part="01-lesson-1.md:", message="invalid YAML")


def test_missing_front_matter(tmp_path):
    course = write_course(tmp_path)
    path = course / "en" / "01-basics" / "01-lesson-1.md"
    path.write_text("# no front matter\n")
    _expect_failure(course, file_part="01-lesson-1.md:1:", message="missing front matter")


def test_unknown_block(tmp_path):
    course = write_course(tmp_path)
    path = course / "en" / "01-basics" / "01-lesson-1.md"
    path.write_text(path.read_text() + "\n```quiz\nkey: x\n```\n")
    _expect_failure(course, file_part="01-lesson-1.md:", message="unknown block type 'quiz'")


def test_check_without_a_correct_answer_names_the_line(tmp_path):
    course = write_course(tmp_path)
    path = course / "en" / "01-basics" / "01-lesson-1.md"
    text = path.read_text().replace("correct: true", "correct: false")
    path.write_text(text)
    line = text.split("\n").index("```check") + 1
    _expect_failure(course, file_part=f"01-lesson-1.md:{line + 1}:", message="no choice is marked")


def test_translation_without_source_page(tmp_path):
    course = write_course(tmp_path)
    shutil.copy(
        course / "fr" / "01-basics" / "01-lesson-1.md", course / "fr" / "01-basics" / "03-orphan.md"
    )
    _expect_failure(
        course, file_part="03-orphan.md:1:", message="English source page does not exist"
    )


def test_unknown_field_and_objective(tmp_path):
    course = write_course(tmp_path)
    path = course / "en" / "01-basics" / "02-lesson-2.md"
    path.write_text(
        path.read_text().replace("objectives:\n- rules", "objectives:\n- nonsense\ncolour: red")
    )
    with pytest.raises(ContentInvalid) as exc:
        read_course(course)
    messages = " ".join(str(e) for e in exc.value.errors)
    assert "colour" in messages


def test_failed_import_leaves_published_pages_untouched(tmp_path):
    course = write_course(tmp_path)
    _import(course)
    published = {p.pk: (p.title, p.live_revision_id) for p in LessonPage.objects.all()}
    good = course / "en" / "01-basics" / "01-lesson-1.md"
    good.write_text(good.read_text().replace("title: Lesson 1", "title: Lesson 1 changed"))
    bad = course / "fr" / "01-basics" / "02-lesson-2.md"
    bad.write_text(bad.read_text().replace("```check", "```mystery", 1))
    with pytest.raises(CommandError):
        call_command(
            "import_courses",
            str(course),
            no_progress=True,
            stdout=io.StringIO(),
            stderr=io.StringIO(),
        )
    assert {p.pk: (p.title, p.live_revision_id) for p in LessonPage.objects.all()} == published


def test_import_command_summary(tmp_path, capsys):
    course = write_course(tmp_path)
    call_command("import_courses", str(course), no_progress=True)
    call_command("import_courses", str(course), no_progress=True)
    out = capsys.readouterr().out
    assert "created 12, updated 0, unchanged 0, failed 0" in out
    assert "created 0, updated 0, unchanged 12, failed 0" in out


def test_imported_course_is_served(client, tmp_path):
    _import(write_course(tmp_path))
    course = CoursePage.objects.get(locale__language_code="fr")
    assert client.get(course.url).status_code == 200
    lesson = LessonPage.objects.get(slug="lesson-1", locale__language_code="fr")
    html = client.get(lesson.url).content.decode()
    assert "<sup>[1]</sup>" in html and 'value="2"' in html  # numbered citations
    assert '<pre class="code"' in html


def test_reordered_sources_reorder_the_pages(tmp_path):
    course = write_course(tmp_path)
    _import(course)
    for language in ("en", "fr"):
        folder = course / language / "01-basics"
        (folder / "01-lesson-1.md").rename(folder / "03-lesson-1.md")
    summary = _import(course)
    assert not summary.created
    from apps.courses.models import ModulePage

    for module in ModulePage.objects.all():
        slugs = [p.slug for p in module.get_children()]
        assert slugs == ["lesson-2", "lesson-1"]


def test_duplicate_slugs_fail_the_course_cleanly(tmp_path):
    course = write_course(tmp_path)
    path = course / "en" / "01-basics" / "02-lesson-2.md"
    path.write_text(path.read_text().replace("slug: lesson-2", "slug: lesson-1"))
    with pytest.raises(ContentInvalid) as exc:
        _import(course)
    assert "lesson-1" in str(exc.value)
    assert not LessonPage.objects.exists()
