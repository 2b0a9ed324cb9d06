"""Scoring questions on the server. Pure functions: no database, no request."""

import math
from dataclasses import dataclass, field

from apps.courses.blocks import QuestionBlock
from apps.courses.errors import InvalidAnswer

MAX_NUMERIC_LENGTH = 40


@dataclass(frozen=True)
class Answer:
    choice_ids: tuple[str, ...] = ()
    number: float | None = None

    def as_json(self) -> dict:
        return (
            {"choices": list(self.choice_ids)} if self.number is None else {"number": self.number}
        )


@dataclass(frozen=True)
class Result:
    correct: bool
    feedback: list[str] = field(default_factory=list)


def choice_ids(question) -> list[str]:
    return [child.id for child in question["choices"].bound_blocks]


def answer_parse(question, *, choices: list[str], number: str | None) -> Answer:
    """Check a submitted answer against the question's own options; raise InvalidAnswer if not."""
    kind = question["kind"]
    if kind == QuestionBlock.NUMERIC:
        # Learners write numbers as their language does: "35 986", "1,2", "35\u202f986".
        raw = "".join((number or "").split()).replace("\u202f", "").replace(",", ".")
        if not raw or len(raw) > MAX_NUMERIC_LENGTH:
            raise InvalidAnswer()
        try:
            value = float(raw)
        except ValueError as exc:
            raise InvalidAnswer() from exc
        if not math.isfinite(value):
            raise InvalidAnswer()
        return Answer(number=value)
    known = set(choice_ids(question))
    picked = tuple(dict.fromkeys(choices))  # drops duplicates, keeps order
    if not picked or any(c not in known for c in picked):
        raise InvalidAnswer()
    if kind in (QuestionBlock.SINGLE, QuestionBlock.TRUE_FALSE) and len(picked) != 1:
        raise InvalidAnswer()
    return Answer(choice_ids=picked)


def answer_score(question, answer: Answer) -> Result:
    """Right or wrong, with the feedback written for each answer chosen."""
    if question["kind"] == QuestionBlock.NUMERIC:
        tolerance = question.get("tolerance") or 0.0
        correct = abs(answer.number - question["numeric_answer"]) <= tolerance + 1e-12
        return Result(correct=correct)
    by_id = {child.id: child.value for child in question["choices"].bound_blocks}
    right = {cid for cid, choice in by_id.items() if choice["correct"]}
    feedback = [by_id[cid]["feedback"] for cid in answer.choice_ids if by_id[cid]["feedback"]]
    return Result(correct=set(answer.choice_ids) == right, feedback=feedback)


def answers_score_by_objective(questions, results: dict[str, bool]) -> tuple[float, dict]:
    """Overall percentage and per-objective {key: {"correct": n, "total": m, "percent": p}}."""
    objectives: dict[str, dict] = {}
    for question in questions:
        key = question.value["objective"]
        entry = objectives.setdefault(key, {"correct": 0, "total": 0})
        entry["total"] += 1
        entry["correct"] += int(results.get(question.id, False))
    for entry in objectives.values():
        entry["percent"] = round(100 * entry["correct"] / entry["total"], 1)
    total = sum(e["total"] for e in objectives.values())
    correct = sum(e["correct"] for e in objectives.values())
    return (round(100 * correct / total, 1) if total else 0.0), objectives
