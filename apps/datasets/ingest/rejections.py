"""What a record that cannot be taken becomes: the field and the reason, with its position
and raw text."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Rejection:
    position: int
    field: str
    reason: str
    raw: str


class Invalid(ValueError):
    def __init__(self, field: str, reason: str):
        self.field, self.reason = field, reason
        super().__init__(f"{field}: {reason}")
