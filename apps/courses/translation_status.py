"""Which course pages are untranslated, or were changed in English after being translated."""

from dataclasses import dataclass
from datetime import datetime

from wagtail.models import Locale, Page

from apps.core.languages import DEFAULT_LANGUAGE
from apps.courses.models import AssessmentPage, CoursePage, LessonPage, ModulePage

COURSE_PAGE_TYPES = (CoursePage, ModulePage, LessonPage, AssessmentPage)


@dataclass(frozen=True)
class TranslationGap:
    source: Page
    language: str
    status: str  # "missing" | "outdated"
    source_changed: datetime | None
    translated: datetime | None


def translation_gaps(languages: list[str] | None = None) -> list[TranslationGap]:
    """Every English course page without a live translation, or published in English after
    its translation was last published. Two queries in all."""
    locales = {locale.language_code: locale for locale in Locale.objects.all()}
    wanted = [
        code for code in (languages or locales) if code != DEFAULT_LANGUAGE and code in locales
    ]
    pages = list(
        Page.objects.live()
        .type(*COURSE_PAGE_TYPES)
        .select_related("locale")
        .order_by("path")
        .only(
            "id", "title", "path", "translation_key", "locale", "last_published_at", "content_type"
        )
    )
    versions = {(p.translation_key, p.locale.language_code): p for p in pages}
    gaps = []
    for page in pages:
        if page.locale.language_code != DEFAULT_LANGUAGE:
            continue
        for code in wanted:
            translation = versions.get((page.translation_key, code))
            if translation is None:
                gaps.append(TranslationGap(page, code, "missing", page.last_published_at, None))
            elif (
                page.last_published_at
                and translation.last_published_at
                and page.last_published_at > translation.last_published_at
            ):
                gaps.append(
                    TranslationGap(
                        page,
                        code,
                        "outdated",
                        page.last_published_at,
                        translation.last_published_at,
                    )
                )
    return gaps
