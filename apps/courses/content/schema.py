"""The schema of course source files (see content/README.md), as pydantic models."""

from typing import Literal
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field, model_validator

Slug = Field(pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*$", max_length=80)
Key = Field(pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*$", max_length=50)


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class Objective(Strict):
    key: str = Key
    text: str = Field(min_length=1, max_length=300)


class CourseFront(Strict):
    id: UUID | None = None
    title: str = Field(min_length=1, max_length=255)
    slug: str = Slug
    summary: str = Field(min_length=1, max_length=1000)
    topic: Literal["debris", "law", "norms", "ssa"]
    level: Literal["introductory", "intermediate", "advanced"]
    estimated_minutes: int = Field(ge=1, le=10_000)
    objectives: list[Objective] = Field(min_length=1, max_length=20)


class ModuleFront(Strict):
    id: UUID | None = None
    title: str = Field(min_length=1, max_length=255)
    slug: str = Slug


class LessonFront(Strict):
    id: UUID | None = None
    title: str = Field(min_length=1, max_length=255)
    slug: str = Slug
    estimated_minutes: int = Field(ge=1, le=600)
    objectives: list[str] = Field(min_length=1)


class AssessmentFront(Strict):
    id: UUID | None = None
    title: str = Field(min_length=1, max_length=255)
    slug: str = Slug
    pass_mark: int = Field(ge=0, le=100)
    max_attempts: int = Field(ge=1, le=20)


class Choice(Strict):
    key: str = Key
    text: str = Field(min_length=1, max_length=500)
    correct: bool = False
    feedback: str = Field(default="", max_length=500)


class CheckBlock(Strict):
    key: str = Key
    kind: Literal["single", "multiple", "true_false", "numeric"]
    objective: str = Key
    question: str = Field(min_length=1)
    choices: list[Choice] = Field(default_factory=list)
    answer: float | None = None
    tolerance: float | None = Field(default=None, ge=0)
    explanation: str = Field(min_length=1)

    @model_validator(mode="after")
    def _has_a_correct_answer(self):
        correct = [c for c in self.choices if c.correct]
        keys = [c.key for c in self.choices]
        if len(set(keys)) != len(keys):
            raise ValueError("choice keys must be unique in a question")
        if self.kind == "numeric":
            if self.answer is None:
                raise ValueError("a numeric question needs `answer`")
            if self.choices:
                raise ValueError("a numeric question has no `choices`")
        elif len(self.choices) < 2:
            raise ValueError("a choice question needs at least two choices")
        elif not correct:
            raise ValueError("no choice is marked `correct: true`")
        elif self.kind in ("single", "true_false") and len(correct) != 1:
            raise ValueError(f"a {self.kind} question has exactly one correct choice")
        if self.kind == "true_false" and len(self.choices) != 2:
            raise ValueError("a true_false question has exactly two choices")
        return self


class CalloutBlock(Strict):
    kind: Literal["key_fact", "quotation"] = "key_fact"
    text: str = Field(min_length=1)
    citation: str = Field(default="", max_length=300)


class GlossaryBlock(Strict):
    term: str = Field(min_length=1, max_length=200)


class CaseStudyBlock(Strict):
    title: str = Field(min_length=1, max_length=200)
    body: str = Field(min_length=1)


class GlossaryEntry(Strict):
    term: str = Field(min_length=1, max_length=200)
    definition: str = Field(min_length=1, max_length=2000)
    source: str = Field(default="", max_length=300)


BLOCK_SCHEMAS: dict[str, type[Strict]] = {
    "check": CheckBlock,
    "callout": CalloutBlock,
    "glossary": GlossaryBlock,
    "case_study": CaseStudyBlock,
}
# Fenced code in these languages is a code example for learners, not a structured block.
CODE_LANGUAGES = frozenset(
    {
        "python",
        "py",
        "bash",
        "sh",
        "shell",
        "console",
        "json",
        "xml",
        "text",
        "http",
        "csv",
        "kvn",
        "tle",
        "yaml",
        "sql",
        "javascript",
        "js",
    }
)
