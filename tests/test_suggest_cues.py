"""Cue words (issue 19): the words a coder codes with a code most of the times they appear
become evidence for it, calibrated on held-out documents before the queue trusts them, and
the suggestion says so in words."""

from __future__ import annotations

import json

import numpy as np
import pytest

from qualcode import Project
from qualcode.nlp.pipeline import analyse
from qualcode.suggest import evaluate, suggest
from qualcode.suggest.cues import CUE_PRIOR, CueWords, sentence_lemmas
from qualcode.suggest.queue import BINS, Calibration
from qualcode.suggest.run import evaluation_key

from .test_nlp_suggest import _find
from .test_suggest_calibration import study  # noqa: F401  (the fixture)

TEXT = (
    "The music was lovely.\n\n"
    "Music carried the whole game.\n\n"
    "The music menu was slow.\n\n"
    "The story was long.\n\n"
    "Nothing else to say here.\n"
)


def test_a_word_coded_with_a_code_in_two_sentences_or_more_is_a_cue() -> None:
    analysis = analyse(TEXT)
    gold = np.zeros((len(analysis), 2), dtype=bool)
    gold[[0, 1], 0] = True  # music coded twice out of three, story coded once
    gold[3, 1] = True
    ordinary = np.ones(len(analysis), dtype=bool)
    cues = CueWords.learn([(analysis, gold, ordinary, None)], 2)
    assert set(cues.index) == {"music"}  # "story" was coded once, "lovely" once
    rate = 2 / 5
    expected = (2 + CUE_PRIOR * rate) / (3 + CUE_PRIOR)
    scores = cues.score(analysis)
    assert scores.matrix[:, 0] == pytest.approx([expected] * 3 + [0, 0])
    assert not scores.matrix[:, 1].any()
    assert scores.explain(2, 0) == 'you coded 2 of the 3 sentences holding "music" with it'
    assert scores.explain(3, 0) == ""
    # An interviewer's or content-free sentence does not count.
    ordinary[2] = False
    again = CueWords.learn([(analysis, gold, ordinary, None)], 2)
    assert again.score(analysis).explain(0, 0) == (
        'you coded 2 of the 2 sentences holding "music" with it'
    )
    assert len(CueWords.none(2)) == 0 and not CueWords.none(2).score(analysis).matrix.any()


def test_a_reviewed_document_teaches_only_what_the_coder_decided() -> None:
    """Two accepted suggestions holding "music" and one rejected: a cue coded 2 of the 3
    decided sentences; the undecided sentence about the story is not seen at all."""
    analysis = analyse(TEXT)
    gold = np.zeros((len(analysis), 2), dtype=bool)
    gold[[0, 1], 0] = True  # accepted
    known = np.zeros_like(gold)
    known[[0, 1], :] = True  # an accepted sentence is known for every code
    known[2, 0] = True  # rejected for code 0
    cues = CueWords.learn([(analysis, gold, np.ones(len(analysis), dtype=bool), known)], 2)
    assert set(cues.index) == {"music"}
    row = cues.index["music"]
    assert cues.coded[row].tolist() == [2, 0] and cues.seen[row].tolist() == [3, 2]
    assert cues.record[row, 0] == pytest.approx(2 / (3 + CUE_PRIOR))  # no coded document: rate 0
    assert cues.score(analysis).explain(1, 0) == (
        'you coded 2 of the 3 sentences holding "music" with it'
    )


def test_a_negated_word_is_no_cue() -> None:
    """A negated word is neither learned as a cue nor scored as one: "I did not like the
    music" says nothing for a code of music."""
    analysis = analyse("I did not like the music.\n\nThe music was lovely.\n")
    assert "music" not in sentence_lemmas(analysis)[0]
    assert "music" in sentence_lemmas(analysis)[1]
    gold = np.ones((2, 1), dtype=bool)
    cues = CueWords.learn([(analysis, gold, np.ones(2, dtype=bool), None)], 1)
    assert "music" not in cues.index  # coded in one sentence where it is not negated


def test_a_cue_counts_only_through_its_held_out_curve() -> None:
    """The record is measured where the cue was found; without a curve fitted on held-out
    documents it counts for nothing, with one it is what the curve says."""
    scores = np.array([[0.0, 0.62]], dtype=np.float32)
    assert not Calibration().cue_probability(scores).any()
    curve = np.linspace(0.0, 0.5, len(BINS) - 1).astype(np.float32)
    fitted = Calibration(cues=curve)
    probability = fitted.cue_probability(scores)
    assert probability[0, 0] == 0.0
    assert probability[0, 1] == pytest.approx(curve[12])  # 0.62 falls in the bin 0.60-0.65
    again = Calibration.from_json(json.loads(json.dumps(fitted.to_json())))
    assert again.cues is not None and np.allclose(again.cues, curve, atol=1e-4)
    assert Calibration.from_json({**fitted.to_json(), "cues": [0.5]}).cues is None


def test_a_cue_word_reaches_the_queue_with_its_reason(study: Project) -> None:  # noqa: F811
    """The coder coded "One day I will ..." in ten interviews: "day" is a cue for the code,
    the evaluation stores its curve, and the suggestion in a new interview names it."""
    evaluate(study, "ann")
    stored = json.loads(study.setting(evaluation_key("ann")) or "{}")
    assert len(stored["calibration"]["cues"]) == len(BINS) - 1
    found = suggest(study, document="new", coder="ann")
    [ahead] = _find(found, "One day I will have", "Looking ahead")
    assert "cues" in ahead.engines
    assert 'you coded 10 of the 10 sentences holding "day" with it' in ahead.explanation
