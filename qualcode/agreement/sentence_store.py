"""A document's sentences kept in its project, so that a fresh process needs no spaCy to know
them.

A document's text never changes, so its sentences (the spans of
:func:`qualcode.nlp.pipeline.analyse`, qualcode's one sentence definition) depend only on the
text, on its turn spans and on the rules that cut sentences. They are kept in the project's
``settings`` table under ``sentences.<SHA-256 of the text>``, one entry per text, as
``FINGERPRINT:offsets``: the fingerprint is a hash of the turn spans, the source of the modules
that define a sentence (``qualcode/nlp/pipeline.py`` and ``qualcode/segments.py``) and spaCy's
version, so a change to any of them makes the entry stale, and a stale or damaged entry is
computed again and replaced. Entries hold offsets only, never text.

Storing is best effort and never the user's action: no audit entry, and a read-only file, a
busy database or a team member the server does not allow to change settings just means the
sentences are computed again next time. Entries of texts no longer in a project file are
removed when an entry is written; ``qualcode merge`` leaves them out.
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Sequence
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..project import Project

__all__ = ["PREFIX", "document_sentences", "stored_sentences"]

PREFIX = "sentences."
"""Settings keys of stored sentences: the prefix, then the SHA-256 of the document's text."""

Span = tuple[int, int]


@functools.cache
def _rules() -> str:
    """What the sentence rules depend on besides the text: our two modules and spaCy."""
    from .. import segments
    from ..nlp import pipeline

    digest = hashlib.sha256()
    for module in (pipeline, segments):
        try:
            digest.update(Path(str(module.__file__)).read_bytes())
        except OSError:  # no source next to the bytecode: tie the entry to the version
            from ..version import __version__

            digest.update(f"qualcode {__version__}".encode())
    try:
        digest.update(f"spacy {metadata.version('spacy')}".encode())
    except metadata.PackageNotFoundError:
        digest.update(b"spacy ?")
    return digest.hexdigest()


def _turn_triples(turns: Sequence[Any]) -> list[tuple[int, int, int]]:
    return sorted(
        (int(t[0]), int(t[1]), int(t[2]))
        if isinstance(t, tuple)
        else (int(t.start), int(t.body_start), int(t.end))
        for t in turns
    )


def _fingerprint(turns: Sequence[Any]) -> str:
    triples = ",".join(f"{a}.{b}.{c}" for a, b, c in _turn_triples(turns))
    return hashlib.sha256(f"{_rules()}|{triples}".encode()).hexdigest()[:32]


def _encode(fingerprint: str, spans: Sequence[Span]) -> str:
    """Each sentence as its distance from the end of the one before, then its length."""
    numbers: list[int] = []
    cursor = 0
    for start, end in spans:
        numbers += (start - cursor, end - start)
        cursor = end
    return f"{fingerprint}:{','.join(map(str, numbers))}"


def _decode(value: str, fingerprint: str, text: str) -> list[Span] | None:
    """The spans of a stored value, or None if it is stale or does not fit the text."""
    found, _, body = value.partition(":")
    if found != fingerprint:
        return None
    try:
        numbers = [int(n) for n in body.split(",")] if body else []
    except ValueError:
        return None
    if len(numbers) % 2:
        return None
    spans: list[Span] = []
    cursor = 0
    for gap, length in zip(numbers[::2], numbers[1::2], strict=True):
        start, end = cursor + gap, cursor + gap + length
        if gap < 0 or length <= 0 or end > len(text):
            return None
        if text[start].isspace() or text[end - 1].isspace():  # spans are trimmed
            return None
        spans.append((start, end))
        cursor = end
    return spans


def stored_sentences(project: Project, text: str, turns: Sequence[Any]) -> list[Span] | None:
    """The sentences stored for this text and these turns, or None."""
    digest = hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()
    value = project.cached(PREFIX + digest)
    return None if value is None else _decode(value, _fingerprint(turns), text)


def document_sentences(project: Project, text: str, turns: Sequence[Any]) -> list[Span]:
    """The sentences of a document of ``project`` (``text`` and its ``turns``): as stored, or
    found by :func:`qualcode.nlp.pipeline.analyse` and stored."""
    digest = hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()
    fingerprint = _fingerprint(turns)
    value = project.cached(PREFIX + digest)
    if value is not None:
        spans = _decode(value, fingerprint, text)
        if spans is not None:
            return spans
    from ..nlp.pipeline import analyse

    spans = list(analyse(text, turns, sha256=digest).spans)
    project.keep_cached(PREFIX + digest, _encode(fingerprint, spans), per_text=PREFIX)
    return spans
