"""The courses in content/: every file valid, every required translation present and complete."""

from pathlib import Path

import pytest
import yaml

from apps.courses.content.reader import ContentInvalid, read_course

CONTENT = Path(__file__).resolve().parents[2] / "content"
REQUIRED = yaml.safe_load((CONTENT / "languages.yaml").read_text())


@pytest.mark.parametrize("course", sorted(REQUIRED))
def test_course_sources_are_valid(course):
    try:
        read_course(CONTENT / course)
    except ContentInvalid as exc:
        pytest.fail("\n".join(str(e) for e in exc.errors))


@pytest.mark.parametrize(
    ("course", "language"),
    [
        (course, language)
        for course, languages in sorted(REQUIRED.items())
        for language in languages
    ],
)
def test_required_translation_is_complete(course, language):
    english = CONTENT / course / "en"
    translated = CONTENT / course / language
    expected = sorted(p.relative_to(english) for p in english.rglob("*") if p.is_file())
    present = (
        sorted(p.relative_to(translated) for p in translated.rglob("*") if p.is_file())
        if translated.exists()
        else []
    )
    missing = [str(p) for p in expected if p not in present]
    assert not missing, f"{course}/{language} lacks {len(missing)} file(s), e.g. {missing[:5]}"
