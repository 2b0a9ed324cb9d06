"""Progress reports for coordinators and staff, in a fixed number of queries."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from django.db.models import Count
from django.db.models.functions import TruncMonth

from apps.accounts.models import Organisation, User
from apps.courses.models import CoursePage, Enrolment
from apps.courses.selectors import (
    course_lesson_counts,
    learning_gain,
    pages_in_active_language,
)


@dataclass(frozen=True)
class MemberProgress:
    member: User
    course: CoursePage
    enrolled_on: date
    lessons_done: int
    lessons_total: int
    completed_on: date | None
    pre_score: float | None
    post_score: float | None
    gain: float | None

    @property
    def percent(self) -> int:
        return round(100 * self.lessons_done / self.lessons_total) if self.lessons_total else 0


def organisation_progress(*, organisation: Organisation) -> list[MemberProgress]:
    """Every member's enrolments with progress, completion and learning gain."""
    enrolments = list(
        Enrolment.objects.filter(user__organisation=organisation)
        .select_related("user")
        .prefetch_related("completions", "attempts")
        .order_by("user__name", "user__email", "enrolled_at")
    )
    courses = pages_in_active_language(CoursePage.objects.all(), {e.course_key for e in enrolments})
    totals = course_lesson_counts(list(courses.values()))
    rows = []
    for enrolment in enrolments:
        course = courses.get(enrolment.course_key)
        if course is None:
            continue
        gain = learning_gain(enrolment)
        rows.append(
            MemberProgress(
                member=enrolment.user,
                course=course,
                enrolled_on=enrolment.enrolled_at.date(),
                lessons_done=len(enrolment.completions.all()),
                lessons_total=totals.get(course.pk, 0),
                completed_on=enrolment.completed_at.date() if enrolment.completed_at else None,
                pre_score=gain.pre.score if gain.pre else None,
                post_score=gain.post.score if gain.post else None,
                gain=gain.gain,
            )
        )
    return rows


@dataclass
class CourseStats:
    course: CoursePage
    enrolments: int = 0
    completions: int = 0
    gains: list[float] | None = None
    by_country: dict | None = None
    by_month: dict | None = None

    @property
    def completion_rate(self) -> float:
        return round(100 * self.completions / self.enrolments, 1) if self.enrolments else 0.0

    @property
    def average_gain(self) -> float | None:
        return round(sum(self.gains) / len(self.gains), 1) if self.gains else None


def course_statistics() -> list[CourseStats]:
    """Per course: enrolments, completion rate, average gain, by country and by month."""
    enrolments = list(
        Enrolment.objects.select_related("user").prefetch_related("attempts").order_by("pk")
    )
    courses = pages_in_active_language(CoursePage.objects.all(), {e.course_key for e in enrolments})
    stats = {
        key: CourseStats(course, gains=[], by_country=defaultdict(lambda: [0, 0]))
        for key, course in courses.items()
    }
    for enrolment in enrolments:
        entry = stats.get(enrolment.course_key)
        if entry is None:
            continue
        entry.enrolments += 1
        country = enrolment.user.country.code or "—"
        entry.by_country[country][0] += 1
        if enrolment.completed_at:
            entry.completions += 1
            entry.by_country[country][1] += 1
        gain = learning_gain(enrolment).gain
        if gain is not None:
            entry.gains.append(gain)
    months = (
        Enrolment.objects.annotate(month=TruncMonth("enrolled_at"))
        .values("course_key", "month")
        .annotate(n=Count("pk"))
        .order_by("month")
    )
    for row in months:
        entry = stats.get(row["course_key"])
        if entry is not None:
            entry.by_month = entry.by_month or {}
            entry.by_month[row["month"].strftime("%Y-%m")] = row["n"]
    for entry in stats.values():
        entry.by_country = dict(sorted(entry.by_country.items()))
    return sorted(stats.values(), key=lambda s: s.course.title)
