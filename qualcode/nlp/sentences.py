"""The one definition of a sentence in qualcode, as offsets into a document's text.

A sentence is one of spaCy's rule-based sentencizer as :func:`qualcode.nlp.pipeline.analyse` finds
and caches them (each paragraph of each turn body parsed by itself, so a sentence never crosses a
turn or a blank line; abbreviations such as "Dr." and "e.g." do not end one); text outside the
turns of a document that has them gives one sentence per paragraph
(:func:`qualcode.segments.paragraph_spans`). Agreement's sentence units, retrieval within a
sentence, the coding screen's sentence keys and the excerpt suggestions all use it. spaCy is
imported on the first call that needs it, never when this module is imported.
"""

from __future__ import annotations

from collections.abc import Sequence

from ..segments import Turns, paragraph_spans, turn_regions, turn_spans

__all__ = ["sentence_spans"]


def sentence_spans(
    text: str, turns: Turns = (), *, analysed: Sequence[tuple[int, int]] | None = None
) -> list[tuple[int, int]]:
    """Sentences of a document as ``(start, end)`` offsets, in text order.

    Inside each turn body (``turns``: records with ``start``, ``body_start`` and ``end``, such
    as :class:`~qualcode.project.TurnInfo`, or ``(start, body_start, end)`` triples) and in a
    document without turns: the sentences of :func:`qualcode.nlp.pipeline.analyse` (cached per
    document), which never cross a turn or a blank line. Text outside the turns of a document
    that has them (a title, a preamble) gives one span per paragraph. Spans are trimmed of
    whitespace; speaker labels (from a turn's ``start`` to its ``body_start``) belong to no span.
    ``analysed`` gives the spans of :func:`~qualcode.nlp.pipeline.analyse` when they are known
    already (stored in the project: :mod:`qualcode.agreement.sentence_store`), saving spaCy.
    """
    if analysed is None:
        from .pipeline import analyse  # on first use: importing this module stays light

        spans = list(analyse(text, turn_spans(turns)).spans)
    else:
        spans = list(analysed)
    if turns:
        for start, end, in_turn in turn_regions(text, turns):
            if not in_turn:
                spans.extend(paragraph_spans(text, start, end))
        spans.sort()
    return spans
