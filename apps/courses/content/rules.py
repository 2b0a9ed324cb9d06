"""Rules across blocks and files of one course: objectives, keys, translations, glossary."""

from apps.core.languages import DEFAULT_LANGUAGE
from apps.courses.content.reader import CourseSource, PageSource, SourceError


def course_rules_check(course: CourseSource, errors: list) -> None:
    """Rules across blocks and files: objectives, keys, translations, glossary."""
    english = course.languages[DEFAULT_LANGUAGE]
    english_pages = {p.identity: p for p in english.pages}
    for language in course.languages.values():
        by_identity = {p.identity: p for p in language.pages}
        course_page = by_identity.get("course.md")
        if course_page is None:
            continue
        objectives = {o.key for o in course_page.front.objectives}
        terms = {entry.term for entry in language.glossary}
        if language.language != DEFAULT_LANGUAGE:
            source_objectives = {o.key for o in english_pages["course.md"].front.objectives}
            if objectives != source_objectives:
                errors.append(
                    SourceError(course_page.path, 2, "objective keys differ from English")
                )
            if len(language.glossary) != len(english.glossary):
                errors.append(
                    SourceError(
                        language.pages[0].path.parent / "glossary.yaml",
                        1,
                        "the glossary must list as many terms as the English one",
                    )
                )
        for page in language.pages:
            source = english_pages.get(page.identity)
            if source is None:
                errors.append(
                    SourceError(
                        page.path, 1, "translation whose English source page does not exist"
                    )
                )
                continue
            _check_page(page, source, objectives, terms, errors)
    for kind in ("pre", "post"):
        name = f"assessment-{kind}.md"
        if name not in english_pages:
            errors.append(SourceError(course.root / DEFAULT_LANGUAGE / name, 1, f"missing {name}"))


def _check_page(
    page: PageSource, source: PageSource, objectives: set, terms: set, errors: list
) -> None:
    for key in getattr(page.front, "objectives", []) if page.kind == "lesson" else []:
        if key not in objectives:
            errors.append(SourceError(page.path, 2, f"unknown objective {key!r}"))
    checks = [b for b in page.blocks if b.type == "check"]
    keys = [b.data.key for b in checks]
    for duplicate in {k for k in keys if keys.count(k) > 1}:
        errors.append(SourceError(page.path, 1, f"question key {duplicate!r} is used twice"))
    for block in checks:
        if block.data.objective not in objectives:
            errors.append(
                SourceError(page.path, block.line, f"unknown objective {block.data.objective!r}")
            )
    for block in page.blocks:
        if block.type == "glossary" and block.data.term not in terms:
            errors.append(
                SourceError(
                    page.path, block.line, f"term {block.data.term!r} is not in glossary.yaml"
                )
            )
    if page.kind == "lesson" and not checks:
        errors.append(SourceError(page.path, 1, "every lesson needs at least one check block"))
    if page.kind == "assessment":
        if len(checks) < 10:
            errors.append(SourceError(page.path, 1, "an assessment needs at least 10 questions"))
        missing = objectives - {b.data.objective for b in checks}
        if missing:
            errors.append(
                SourceError(page.path, 1, f"objectives without questions: {sorted(missing)}")
            )
    if page is not source:
        source_checks = {b.data.key: b.data for b in source.blocks if b.type == "check"}
        for block in checks:
            original = source_checks.get(block.data.key)
            if original is None:
                errors.append(
                    SourceError(
                        page.path,
                        block.line,
                        f"question {block.data.key!r} is not in the English source",
                    )
                )
            elif [c.key for c in original.choices] != [c.key for c in block.data.choices] or [
                c.correct for c in original.choices
            ] != [c.correct for c in block.data.choices]:
                errors.append(
                    SourceError(page.path, block.line, "choices differ from the English source")
                )
