"""The review queue's record per code (issue 19): name hits trusted as far as the coder's record
says, a cap at each code's held-out precision in the queue, and a limit per code and document
from how often the coder uses the code."""

from __future__ import annotations

import json

import numpy as np
import pytest

from qualcode import Project
from qualcode.nlp.pipeline import analyse
from qualcode.store.models import Setting
from qualcode.suggest import evaluate, suggest
from qualcode.suggest.base import DocumentView
from qualcode.suggest.baseline import NameBaseline
from qualcode.suggest.corpus import load_corpus
from qualcode.suggest.learned import MODELS
from qualcode.suggest.queue import RATE_SLACK, RATE_TIMES, Gate, NameRecord, Rates, select
from qualcode.suggest.run import evaluation_key

from .test_nlp_suggest import _find, build

TEXT = (
    "We talked about equity for a long time.\n\n"
    "Equity matters to every district.\n\n"
    "The weather was fine.\n\n"
    "Collaboration came up once.\n\n"
    "Collaboration is everywhere in our notes.\n"
)


def test_name_hits_are_trusted_as_far_as_the_coders_record() -> None:
    """A code the coder applies wherever its name appears rises to its record; one whose name
    the coder did not code stays where the engines put it; a code without hits of its own
    starts from the record of all codes' name hits."""
    analysis = analyse(TEXT)
    view = DocumentView("d", analysis, tuple("" for _ in range(len(analysis))))
    codes = _codes(["equity", "collaboration", "weather_report"])
    names = NameBaseline(codes).score(view, TEXT).matrix
    assert names[:, 0].tolist() == [1, 1, 0, 0, 0] and names[:, 1].tolist() == [0, 0, 0, 1, 1]
    gold = np.zeros_like(names, dtype=bool)
    gold[[0, 1], 0] = True  # equity: both hits coded
    record = NameRecord.of(names, gold, np.ones(len(analysis), dtype=bool))
    assert record.hits.tolist() == [2, 2, 0] and record.right.tolist() == [2, 0, 0]
    assert record.share() == 0.5
    low = np.full(names.shape, 0.05, dtype=np.float32)
    raised = record.raise_(low, names)
    assert raised[0, 0] == pytest.approx((2 + 3 * 0.5) / (2 + 3))  # 0.7: into the queue
    assert raised[3, 1] == pytest.approx((0 + 3 * 0.5) / (2 + 3))  # 0.3: not into it
    assert raised[2, 0] == pytest.approx(0.05)  # no name, no change
    chosen = select(raised, np.ones(len(analysis), dtype=bool))
    assert np.nonzero(chosen)[1].tolist() == [0, 0]


def _codes(names: list[str]):  # type: ignore[no-untyped-def]
    from qualcode.suggest.corpus import CodeEntry

    return [
        CodeEntry(
            index=i,
            id=i + 1,
            uuid=f"u{i}",
            path=n,
            name=n,
            definition="",
            inclusion="",
            exclusion="",
            example="",
            keywords=(),
        )
        for i, n in enumerate(names)
    ]


def test_a_code_whose_suggestions_were_wrong_is_capped() -> None:
    gate = Gate(np.array([10, 4, 0]), np.array([0, 4, 0]))
    share = 4 / 14
    caps = gate.caps()
    assert caps[0] == pytest.approx((0 + 5 * share) / (10 + 5)) and caps[0] < 0.5
    assert caps[1] == pytest.approx((4 + 5 * share) / (4 + 5)) and caps[1] > 0.5
    assert caps[2] == 1.0  # never shown: no evidence either way
    assert Gate.empty(3).caps().tolist() == [1.0, 1.0, 1.0]  # before any evaluation
    probability = np.full((2, 3), 0.9, dtype=np.float32)
    probability[:, 2] = 0.0
    chosen = select(gate.apply(probability), np.ones(2, dtype=bool))
    assert not chosen[:, 0].any() and chosen[:, 1].all()
    stored = gate.to_json(["a", "b", "c"])
    assert stored == {"a": [10, 0], "b": [4, 4]}
    back = Gate.from_json(stored, ["c", "a", "new"])
    assert back.shown.tolist() == [0, 10, 0] and back.right.tolist() == [0, 0, 0]
    assert Gate.from_json("damaged", ["a"]).shown.tolist() == [0]


def test_a_code_is_offered_about_as_often_as_the_coder_uses_it() -> None:
    gold = np.zeros((100, 2), dtype=bool)
    gold[:2, 0] = True  # code 0: 2 sentences in 100; code 1 never used
    limits = Rates.of(gold).limits(50)
    assert limits is not None
    assert limits.tolist() == [int(np.ceil(RATE_TIMES * 0.02 * 50)) + RATE_SLACK, 50]
    assert Rates.empty(2).limits(50) is None
    probability = np.linspace(0.99, 0.6, 50, dtype=np.float32)[:, None].repeat(2, axis=1)
    chosen = select(probability, np.ones(50, dtype=bool), limits=limits)
    assert chosen[:, 0].sum() == limits[0] and chosen[: limits[0], 0].all()  # the likeliest
    assert chosen[:, 1].sum() == 50


@pytest.fixture
def study(tmp_path):  # type: ignore[no-untyped-def]
    MODELS.clear()
    with Project.open(build(tmp_path)) as project:
        yield project


def test_the_stored_cap_reaches_the_suggestions(study: Project) -> None:
    """The evaluation stores each code's record in the queue with the calibration; a code
    recorded as wrong there is no longer suggested at 0.5, only with a lower --min-score."""
    evaluate(study, "ann")
    [before] = _find(
        suggest(study, document="new", coder="ann"), "One day I will have", "Looking ahead"
    )
    stored = json.loads(study.setting(evaluation_key("ann")) or "{}")
    uuids = {c.path: c.uuid for c in load_corpus(study, "ann").codes}
    uuid = uuids["Looking ahead"]
    assert stored["calibration"]["gate"][uuid][0] >= 1
    stored["calibration"]["gate"] = {uuid: [20, 0], uuids["Barriers/Sleep"]: [60, 60]}
    with study._write() as session:
        session.get(Setting, evaluation_key("ann")).value = json.dumps(stored)
    assert not _find(
        suggest(study, document="new", coder="ann"), "One day I will have", "Looking ahead"
    )
    [after] = _find(
        suggest(study, document="new", coder="ann", min_score=0.05),
        "One day I will have",
        "Looking ahead",
    )
    assert after.score == pytest.approx((0 + 5 * 0.75) / (20 + 5), abs=1e-4)
    assert after.score < 0.5 <= before.score
