"""Reading the JSON stored with each record version (apps/datasets/representations.py:
stored_texts): a version's JSON is its stored text closed with the superseding release (set
when a later release ends it), so a page or an export joins stored text and formats no value."""

from collections.abc import Callable, Iterable, Iterator

import orjson

from apps.datasets.models import ElementSet

_CURRENT_END = ',"superseded_in_release":null}'


def json_texts(
    model, rows: Iterable[tuple[str, int | None]], numbers: Callable[[], dict[int, int]]
) -> Iterator[str]:
    """Each version's JSON as the API writes it, from (json_text, superseded_in_id) pairs.
    `numbers` ({release id: number}) is asked for once, and only when a version has been
    superseded. Done here rather than in SQL: a sub-select and a new text per row doubled the
    page query's cost in PostgreSQL."""
    if model is not ElementSet:  # space objects carry no superseding release
        for text, _ in rows:
            yield text + "}"
        return
    by_id = None
    for text, ended in rows:
        if ended is None:
            yield text + _CURRENT_END
            continue
        if by_id is None:
            by_id = numbers()
        yield f'{text},"superseded_in_release":{by_id[ended]}}}'


def page_rows(model, page: list[tuple], numbers: Callable[[], dict[int, int]]) -> orjson.Fragment:
    """`results` of a page read as (id, ordering value, json_text, superseded_in_id) tuples,
    joined and then encoded once (encoding each row cost more than the join)."""
    texts = json_texts(model, ((row[2], row[3]) for row in page), numbers)
    return orjson.Fragment(f"[{','.join(texts)}]".encode())
