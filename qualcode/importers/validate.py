"""Check the promises a ``ParsedDocument`` makes before anything stores it.

Every importer must return turns that are ordered, do not overlap, stay inside the text and
start their spoken words between the label and the end. The project can call this before a
write, and the tests call it on every document every importer returns.
"""

from __future__ import annotations

from qualcode.importers.base import ParsedDocument


def turn_problems(document: ParsedDocument) -> list[str]:
    """Descriptions of every broken offset invariant in ``document``; empty when all hold."""
    problems: list[str] = []
    previous_end = 0
    for index, turn in enumerate(document.turns):
        where = f"turn {index} ({turn.speaker!r})"
        if not 0 <= turn.start <= turn.body_start <= turn.end <= len(document.text):
            problems.append(
                f"{where}: offsets out of order or out of the text: start={turn.start} "
                f"body_start={turn.body_start} end={turn.end} len={len(document.text)}"
            )
        if turn.start < previous_end:
            problems.append(
                f"{where}: starts at {turn.start}, before the previous turn ends at {previous_end}"
            )
        body = document.text[turn.body_start : turn.end]
        if body != body.strip():
            problems.append(f"{where}: the spoken words have surrounding whitespace")
        if turn.ts_start is not None and turn.ts_end is not None and turn.ts_end < turn.ts_start:
            problems.append(f"{where}: ends ({turn.ts_end}) before it starts ({turn.ts_start})")
        previous_end = max(previous_end, turn.end)
    return problems
