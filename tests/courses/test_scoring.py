import pytest

from apps.courses.blocks import QuestionBlock
from apps.courses.errors import InvalidAnswer
from apps.courses.scoring import answer_parse, answer_score, answers_score_by_objective
from tests.courses.builders import question


def _value(kind="single", choices=None, **extra):
    raw = question("Q?", "rules", choices or [], kind=kind, **extra)["value"]
    return QuestionBlock().to_python(raw)


def _ids(value):
    return [child.id for child in value["choices"].bound_blocks]


SINGLE = [("A", True, "Right, A."), ("B", False, "B is wrong.")]
MULTI = [("A", True, ""), ("B", True, ""), ("C", False, "C is not a rule.")]


def test_single_choice_right_and_wrong():
    value = _value(choices=SINGLE)
    a, b = _ids(value)
    assert answer_score(value, answer_parse(value, choices=[a], number=None)).correct
    result = answer_score(value, answer_parse(value, choices=[b], number=None))
    assert not result.correct and result.feedback == ["B is wrong."]


def test_single_choice_refuses_two_answers_and_unknown_ids():
    value = _value(choices=SINGLE)
    a, b = _ids(value)
    for choices in ([a, b], ["not-a-choice"], [], [a, "x" * 5000]):
        with pytest.raises(InvalidAnswer):
            answer_parse(value, choices=choices, number=None)


def test_multiple_choice_needs_exactly_the_right_set():
    value = _value(kind="multiple", choices=MULTI)
    a, b, c = _ids(value)
    assert answer_score(value, answer_parse(value, choices=[a, b], number=None)).correct
    assert answer_score(value, answer_parse(value, choices=[b, a, a], number=None)).correct
    assert not answer_score(value, answer_parse(value, choices=[a], number=None)).correct
    wrong = answer_score(value, answer_parse(value, choices=[a, b, c], number=None))
    assert not wrong.correct and wrong.feedback == ["C is not a rule."]


@pytest.mark.parametrize(
    ("submitted", "correct"),
    [
        ("5", True),
        ("5.0", True),
        ("5,0", True),
        (" 5 ", True),
        ("5.4", True),
        ("5.6", False),
        ("-5", False),
    ],
)
def test_numeric_with_tolerance(submitted, correct):
    value = _value(kind="numeric", numeric_answer=5, tolerance=0.5)
    assert answer_score(value, answer_parse(value, choices=[], number=submitted)).correct is correct


@pytest.mark.parametrize("submitted", ["", "five", "nan", "inf", "1e999", "1" * 100, None])
def test_numeric_rejects_junk(submitted):
    value = _value(kind="numeric", numeric_answer=5, tolerance=0)
    with pytest.raises(InvalidAnswer):
        answer_parse(value, choices=[], number=submitted)


def test_true_false():
    value = _value(kind="true_false", choices=[("True", True, ""), ("False", False, "")])
    true, false = _ids(value)
    assert answer_score(value, answer_parse(value, choices=[true], number=None)).correct
    assert not answer_score(value, answer_parse(value, choices=[false], number=None)).correct


@pytest.mark.parametrize(
    ("kind", "choices", "extra"),
    [
        ("single", [("A", False, ""), ("B", False, "")], {}),
        ("single", [("A", True, ""), ("B", True, "")], {}),
        ("single", [("A", True, "")], {}),
        ("true_false", [("T", True, ""), ("F", False, ""), ("X", False, "")], {}),
        ("numeric", [], {"numeric_answer": None}),
    ],
)
def test_editors_cannot_save_a_question_without_a_correct_answer(kind, choices, extra):
    from django.core.exceptions import ValidationError

    block = QuestionBlock()
    with pytest.raises(ValidationError):
        block.clean(_value(kind=kind, choices=choices, **extra))


def test_scores_by_objective():
    class Q:
        def __init__(self, qid, objective):
            self.id, self.value = qid, {"objective": objective}

    questions = [Q("1", "a"), Q("2", "a"), Q("3", "b")]
    score, objectives = answers_score_by_objective(questions, {"1": True, "2": False, "3": True})
    assert score == 66.7
    assert objectives == {
        "a": {"correct": 1, "total": 2, "percent": 50.0},
        "b": {"correct": 1, "total": 1, "percent": 100.0},
    }
