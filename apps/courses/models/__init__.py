from apps.courses.models.glossary import GlossaryTerm
from apps.courses.models.learning import (
    AssessmentAttempt,
    Certificate,
    Enrolment,
    KnowledgeCheckAnswer,
    LessonCompletion,
)
from apps.courses.models.pages import (
    AssessmentPage,
    CourseIndexPage,
    CourseObjective,
    CoursePage,
    LessonPage,
    ModulePage,
)

__all__ = [
    "AssessmentAttempt",
    "AssessmentPage",
    "Certificate",
    "CourseIndexPage",
    "CourseObjective",
    "CoursePage",
    "Enrolment",
    "GlossaryTerm",
    "KnowledgeCheckAnswer",
    "LessonCompletion",
    "LessonPage",
    "ModulePage",
]
