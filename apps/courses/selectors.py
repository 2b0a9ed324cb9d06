"""Reads for course pages and dashboards, in a fixed number of queries whatever the size."""

from dataclasses import dataclass, field
from uuid import UUID

from django.db.models import Q

from apps.courses.models import (
    AssessmentAttempt,
    AssessmentPage,
    CoursePage,
    Enrolment,
    KnowledgeCheckAnswer,
    LessonPage,
    ModulePage,
)


@dataclass
class ModuleOutline:
    module: ModulePage
    lessons: list[LessonPage] = field(default_factory=list)
    done: int = 0

    @property
    def percent(self) -> int:
        return round(100 * self.done / len(self.lessons)) if self.lessons else 0


@dataclass
class CourseOutline:
    course: CoursePage
    modules: list[ModuleOutline]
    assessments: dict[str, AssessmentPage]

    @property
    def lessons(self) -> list[LessonPage]:
        return [lesson for m in self.modules for lesson in m.lessons]


def course_outline(course: CoursePage) -> CourseOutline:
    """Modules with their lessons in tree order, and the assessments: three queries."""
    modules = list(ModulePage.objects.live().child_of(course).order_by("path"))
    lessons = LessonPage.objects.live().descendant_of(course).order_by("path")
    by_path = {m.path: ModuleOutline(m) for m in modules}
    for lesson in lessons.defer_streamfields():
        parent = by_path.get(lesson.path[: -lesson.steplen])
        if parent is not None:
            parent.lessons.append(lesson)
    assessments = {a.kind: a for a in AssessmentPage.objects.live().child_of(course)}
    return CourseOutline(course, list(by_path.values()), assessments)


def pages_in_active_language(queryset, keys) -> dict:
    """{translation key: page} for live pages of `queryset` with those keys: the version in the
    active language where it exists, else the first in tree order. One query."""
    from wagtail.models import Locale

    active = Locale.get_active().pk
    found: dict = {}
    for page in queryset.live().filter(translation_key__in=keys).order_by("path"):
        if page.translation_key not in found or page.locale_id == active:
            found[page.translation_key] = page
    return found


def course_lesson_keys(course: CoursePage) -> set[UUID]:
    return set(
        LessonPage.objects.live().descendant_of(course).values_list("translation_key", flat=True)
    )


def course_lesson_counts(courses: list[CoursePage]) -> dict[int, int]:
    """Live lessons per course, for many courses in one query."""
    if not courses:
        return {}
    condition = Q()
    for course in courses:
        condition |= Q(path__startswith=course.path)
    counts = dict.fromkeys((c.pk for c in courses), 0)
    for path in LessonPage.objects.live().filter(condition).values_list("path", flat=True):
        for course in courses:
            if path.startswith(course.path):
                counts[course.pk] += 1
    return counts


def outline_with_progress(outline: CourseOutline, enrolment: Enrolment | None) -> set[UUID]:
    """Fill in each module's done count; returns the completed lesson keys (one query)."""
    if enrolment is None:
        return set()
    done = set(enrolment.completions.values_list("lesson_key", flat=True))
    for module in outline.modules:
        module.done = sum(1 for lesson in module.lessons if lesson.translation_key in done)
    return done


def answers_for_lesson(enrolment: Enrolment | None, lesson: LessonPage) -> dict:
    if enrolment is None:
        return {}
    rows = KnowledgeCheckAnswer.objects.filter(
        enrolment=enrolment, lesson_key=lesson.translation_key
    )
    return {row.question_id: row for row in rows}


@dataclass
class LearningGain:
    pre: AssessmentAttempt | None
    post: AssessmentAttempt | None
    objectives: list[dict]

    @property
    def gain(self) -> float | None:
        if self.pre is None or self.post is None:
            return None
        return round(self.post.score - self.pre.score, 1)


def learning_gain(enrolment: Enrolment, objectives: list | None = None) -> LearningGain:
    """First pre-assessment against the best post-assessment, overall and per objective."""
    # .all() and not .filter(): the dashboard prefetches attempts for many enrolments at once.
    attempts = [a for a in enrolment.attempts.all() if a.submitted_at is not None]
    pre = next((a for a in attempts if a.kind == "pre"), None)
    posts = [a for a in attempts if a.kind == "post"]
    post = max(posts, key=lambda a: (a.score, -a.number)) if posts else None
    rows = []
    for objective in objectives or []:
        before = (pre.objective_scores.get(objective.key) or {}) if pre else {}
        after = (post.objective_scores.get(objective.key) or {}) if post else {}
        rows.append(
            {"objective": objective, "pre": before.get("percent"), "post": after.get("percent")}
        )
    return LearningGain(pre, post, rows)
