"""Build a small course tree in Wagtail the way an editor would: pages, revisions, publishing."""

import uuid
from dataclasses import dataclass, field

from wagtail.models import Locale

from apps.core.models import HomePage
from apps.courses.models import (
    AssessmentPage,
    CourseIndexPage,
    CourseObjective,
    CoursePage,
    LessonPage,
    ModulePage,
)

OBJECTIVES = [
    ("environment", "Describe the debris environment"),
    ("rules", "Apply the mitigation rules"),
]


def question(text, objective, choices, kind="single", **extra):
    """choices: [(text, correct, feedback)]"""
    return {
        "type": "knowledge_check" if extra.pop("in_lesson", True) else "question",
        "id": str(uuid.uuid4()),
        "value": {
            "key": "",
            "kind": kind,
            "question": f"<p>{text}</p>",
            "objective": objective,
            "choices": [
                {
                    "type": "item",
                    "id": str(uuid.uuid4()),
                    "value": {"key": "", "text": t, "correct": c, "feedback": f},
                }
                for t, c, f in choices
            ],
            "numeric_answer": extra.get("numeric_answer"),
            "tolerance": extra.get("tolerance"),
            "explanation": "<p>Because the guidelines say so.</p>",
        },
    }


def _publish(parent, page):
    parent.add_child(instance=page)
    page.save_revision().publish()
    return page


@dataclass
class CourseTree:
    index: CourseIndexPage
    course: CoursePage
    modules: list[ModulePage] = field(default_factory=list)
    lessons: list[LessonPage] = field(default_factory=list)
    pre: AssessmentPage | None = None
    post: AssessmentPage | None = None


def course_tree_build(
    *, modules: int = 2, lessons_per_module: int = 2, slug="debris-101", language="en"
):
    home = HomePage.objects.get(locale__language_code=language)
    index = CourseIndexPage.objects.child_of(home).first() or _publish(
        home, CourseIndexPage(title="Courses", slug="courses")
    )
    course = CoursePage(
        title="Space debris mitigation in practice",
        slug=slug,
        summary="How the debris environment is tracked and which rules limit it.",
        topic="debris",
        level="introductory",
        estimated_minutes=90,
    )
    course.objectives = [CourseObjective(key=k, text=t) for k, t in OBJECTIVES]
    _publish(index, course)
    tree = CourseTree(index, course)
    for m in range(modules):
        module = _publish(course, ModulePage(title=f"Module {m + 1}", slug=f"module-{m + 1}"))
        tree.modules.append(module)
        for n in range(lessons_per_module):
            body = [
                {
                    "type": "text",
                    "id": str(uuid.uuid4()),
                    "value": {"text": f"<p>Lesson {m + 1}.{n + 1} text.</p>", "citations": []},
                },
                question(
                    "What is the post-mission disposal guideline for LEO?",
                    "rules",
                    [
                        ("25 years", True, "Yes: IADC guideline 5.3.2."),
                        ("100 years", False, "Too long."),
                    ],
                ),
            ]
            lesson = _publish(
                module,
                LessonPage(
                    title=f"Lesson {m + 1}.{n + 1}",
                    slug=f"lesson-{m + 1}-{n + 1}",
                    objective_keys="rules",
                    body=body,
                ),
            )
            tree.lessons.append(lesson)
    questions = [
        question(
            "Which event created the most debris?",
            "environment",
            [("Fengyun-1C test, 2007", True, ""), ("Apollo 11", False, "")],
            in_lesson=False,
        ),
        question(
            "Which rules apply? Select all.",
            "rules",
            [
                ("IADC guidelines", True, ""),
                ("UN COPUOS guidelines", True, ""),
                ("None", False, ""),
            ],
            kind="multiple",
            in_lesson=False,
        ),
        question(
            "Roughly how many years did the FCC rule of 2022 set for LEO disposal?",
            "rules",
            [],
            kind="numeric",
            numeric_answer=5,
            tolerance=0,
            in_lesson=False,
        ),
    ]
    tree.pre = _publish(
        course,
        AssessmentPage(
            title="Before you start",
            slug="pre",
            kind="pre",
            max_attempts=1,
            pass_mark=0,
            questions=questions,
        ),
    )
    tree.post = _publish(
        course,
        AssessmentPage(
            title="Final assessment",
            slug="post",
            kind="post",
            max_attempts=2,
            pass_mark=60,
            questions=questions,
        ),
    )
    return tree


def translate(page, language: str, **fields):
    locale = Locale.objects.get(language_code=language)
    copy = page.copy_for_translation(locale, copy_parents=True)
    for name, value in fields.items():
        setattr(copy, name, value)
    copy.save_revision().publish()
    return copy
