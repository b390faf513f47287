"""Excerpt suggestions: three explainable engines, combined, learning from the project's codings.

    from qualcode.suggest import suggest, accept, reject, evaluate
    for s in suggest(project, document="p01-amy", coder="ann", limit=20):
        print(s.score, s.code, s.text, s.explanation)
    accept(project, s, "ann")            # a coding with origin "suggestion"
    report = evaluate(project, "ann")    # held-out precision / recall / F1 per engine

Engines: :mod:`.terms` (codebook terms), :mod:`.similar` (similar to what the coder coded),
:mod:`.learned` (a classifier trained on the coder's codings); :mod:`.engines` combines them;
:mod:`.evaluate` measures them against the keyword baseline (:mod:`.baseline`). Everything runs
offline; spaCy and scikit-learn are imported on first use.
"""

from __future__ import annotations

from .decisions import accept, reject, reopen
from .evaluate import evaluate
from .records import ENGINES, SuggestionInfo, SuggestionsCancelled
from .run import prepare, queue_setting, suggest

__all__ = [
    "ENGINES",
    "SuggestionInfo",
    "SuggestionsCancelled",
    "accept",
    "evaluate",
    "prepare",
    "queue_setting",
    "reject",
    "reopen",
    "suggest",
]
