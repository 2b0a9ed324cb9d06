"""Writes a small but complete course in source form, for import/export tests."""

from pathlib import Path

import yaml


def _check(key, objective, right="Right answer", wrong="Wrong answer", feedback="Because."):
    return (
        "```check\n"
        + yaml.safe_dump(
            {
                "key": key,
                "kind": "single",
                "objective": objective,
                "question": f"Question {key}?",
                "choices": [
                    {"key": "a", "text": right, "correct": True, "feedback": feedback},
                    {"key": "b", "text": wrong, "correct": False},
                ],
                "explanation": "An *explanation*.",
            },
            sort_keys=False,
        )
        + "```"
    )


def _front(data: dict) -> str:
    return "---\n" + yaml.safe_dump(data, sort_keys=False, allow_unicode=True) + "---\n"


LESSON_BODY = """## Why it matters

Post-mission disposal within **25 years**[^iadc] is the long-standing rule; the FCC set
*five years*[^fcc].

- Passivate stages.
- Plan disposal.

[^iadc]: IADC Space Debris Mitigation Guidelines, IADC-02-01 Rev. 3 (2021).
[^fcc]: FCC Second Report and Order, FCC 22-74 (2022). <https://docs.fcc.gov/>

```callout
kind: quotation
text: States shall bear international responsibility for national activities in outer space.
citation: Outer Space Treaty (1967), Article VI
```

```glossary
term: passivation
```

```python
from sgp4.api import Satrec
print(Satrec)
```

{check}
"""


def write_course(root: Path, *, slug="mini-course", languages=("en", "fr")) -> Path:
    course = root / slug
    titles = {"en": "Mini course", "fr": "Mini cours"}
    for language in languages:
        folder = course / language
        (folder / "01-basics").mkdir(parents=True, exist_ok=True)
        (folder / "course.md").write_text(
            _front(
                {
                    "title": titles.get(language, f"Mini course ({language})"),
                    "slug": f"{slug}-{language}" if language != "en" else slug,
                    "summary": "A small course.",
                    "topic": "debris",
                    "level": "introductory",
                    "estimated_minutes": 30,
                    "objectives": [
                        {"key": "env", "text": "Describe the environment"},
                        {"key": "rules", "text": "Apply the rules"},
                    ],
                }
            ),
            encoding="utf-8",
        )
        (folder / "glossary.yaml").write_text(
            yaml.safe_dump([{"term": "passivation", "definition": "Removing stored energy."}]),
            encoding="utf-8",
        )
        (folder / "01-basics" / "module.md").write_text(
            _front({"title": "Basics", "slug": "basics"}) + "\nThe basics.\n", encoding="utf-8"
        )
        for n in (1, 2):
            (folder / "01-basics" / f"0{n}-lesson-{n}.md").write_text(
                _front(
                    {
                        "title": f"Lesson {n}",
                        "slug": f"lesson-{n}",
                        "estimated_minutes": 10,
                        "objectives": ["rules"],
                    }
                )
                + LESSON_BODY.replace("{check}", _check("q1", "rules")),
                encoding="utf-8",
            )
        for kind, mark in (("pre", 0), ("post", 70)):
            checks = "\n\n".join(_check(f"q{i}", "env" if i % 2 else "rules") for i in range(1, 11))
            (folder / f"assessment-{kind}.md").write_text(
                _front(
                    {
                        "title": f"{kind} assessment",
                        "slug": f"{kind}-assessment",
                        "pass_mark": mark,
                        "max_attempts": 2,
                    }
                )
                + "\nAnswer every question.\n\n"
                + checks
                + "\n",
                encoding="utf-8",
            )
    return course
