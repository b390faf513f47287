"""The queue's lanes (issue 19): cue words and a code's own words, each calibrated on its own
held-out curve, may show a suggestion by themselves at a threshold of their own, where the
evaluation found them more precise than the combination at the same probability."""

from __future__ import annotations

import json

import numpy as np
import pytest

from qualcode import Project
from qualcode.store.models import Setting as SettingRow
from qualcode.suggest import evaluate, queue_setting, suggest
from qualcode.suggest.queue import (
    BINS,
    LANE_THRESHOLDS,
    LANES,
    NAMES_ONLY,
    OWN_CURVES,
    SETTINGS,
    Calibration,
    Setting,
    choose,
)
from qualcode.suggest.records import SuggestionInfo
from qualcode.suggest.run import evaluation_key

from .test_nlp_suggest import _find
from .test_suggest_calibration import study  # noqa: F401  (the fixture)

CUES = Setting(0.7, False, (("cues", 0.5),))


def _counts(tp: int, fp: int, fn: int) -> np.ndarray:
    return np.array([tp, fp, fn])


def test_a_setting_with_lanes_round_trips_and_says_what_it_shows() -> None:
    both = Setting(0.7, True, (("cues", 0.5), ("terms", 0.6)))
    every = Setting(0.6, False, (("cues", 0.5), ("terms", 0.5), ("names", 0.6)))
    assert Setting.from_json(json.loads(json.dumps(every.to_json()))) == every
    assert every.describe() == (
        "likely right ≥ 60%, or ≥ 50% by cue words or the code's words alone, or ≥ 60% by the "
        "code's name alone"
    )
    all_three = Setting(0.7, False, (("cues", 0.5), ("terms", 0.5), ("names", 0.5)))
    assert all_three.describe() == (
        "likely right ≥ 70%, or ≥ 50% by cue words, the code's words or name alone"
    )
    assert Setting.from_json(json.loads(json.dumps(both.to_json()))) == both
    assert Setting.from_json({"threshold": 0.5, "names": False}) == Setting()  # stored before
    damaged = {"threshold": 0.7, "names": False, "lanes": {"cues": 2, "weather": 0.5}}
    assert Setting.from_json(damaged) == Setting(0.7, False)
    assert Setting.from_json({"threshold": 0.7, "names": False, "lanes": [1]}) == Setting()
    assert CUES.describe() == "likely right ≥ 70%, or ≥ 50% by cue words alone"
    assert both.describe() == (
        "likely right ≥ 70%, or ≥ 50% by cue words alone, or ≥ 60% by the code's words alone, "
        "and sentences holding a code's name"
    )
    alone = Setting(NAMES_ONLY, False, (("terms", 0.6),))
    assert alone.describe() == "likely right ≥ 60% by the code's words alone"
    # A suggestion below the threshold is shown when a lane of the setting alone reaches it.
    assert CUES.shows(0.8, ("learned",)) and CUES.shows(0.3, ("cues",), {"cues": 0.55})
    assert not CUES.shows(0.3, ("cues",), {"cues": 0.45})
    assert not CUES.shows(0.3, ("terms",), {"terms": 0.9})  # not a lane of this setting
    assert not Setting().shows(0.3, ("cues",), {"cues": 0.9})


def test_every_combination_of_lanes_is_compared_and_one_wins_only_where_it_is_precise() -> None:
    assert SETTINGS[0] == Setting() and len(set(SETTINGS)) == len(SETTINGS)
    lanes = {s.lanes for s in SETTINGS}
    assert len(lanes) == (len(LANE_THRESHOLDS) + 1) ** len(LANES)
    assert CUES in SETTINGS and Setting(NAMES_ONLY, False, (("cues", 0.5),)) in SETTINGS
    baseline = _counts(40, 25, 160)  # the name search: precision .615
    strict = Setting(0.7, False)
    counts = {
        Setting(): _counts(60, 50, 140),
        strict: _counts(30, 15, 170),
        CUES: _counts(70, 38, 130),
    }
    assert choose(counts, baseline) == CUES  # precision .648, F1 .455 against .261
    counts[CUES] = _counts(80, 60, 120)  # more found, but precision .571: below the name search
    assert choose(counts, baseline) == strict


def test_a_calibration_keeps_the_own_curves_of_the_terms_engine_and_the_name_search() -> None:
    assert OWN_CURVES == ("terms", "names") and set(OWN_CURVES) < set(LANES)
    curve = np.linspace(0.0, 0.9, len(BINS) - 1).astype(np.float32)
    fitted = Calibration(own={"terms": Calibration(curve, {"u1": (1.0, 4.0)}, True)})
    again = Calibration.from_json(json.loads(json.dumps(fitted.to_json())))
    assert set(again.own) == {"terms"} and np.allclose(again.own["terms"].curve, curve, atol=1e-4)
    scores = np.array([[0.0, 0.62], [0.62, 0.62]], dtype=np.float32)
    # The code u1 was right once where its curve expected four: (1 + 3) / (4 + 3).
    probability = again.own_probability("terms", scores, ["u0", "u1"])
    assert probability[1, 0] == pytest.approx(curve[12], abs=1e-4)
    assert probability[1, 1] == pytest.approx(curve[12] * 4 / 7, abs=1e-4)
    # Two rejected suggestions of u1 count as two expected halves, none right: (1 + 3) / (5 + 3).
    decided = again.own_probability("terms", scores, ["u0", "u1"], {1: (0, 2)})
    assert decided[1, 1] == pytest.approx(curve[12] * 4 / 8, abs=1e-4)
    assert not again.own_probability("names", scores, ["u0", "u1"]).any()  # no curve: nothing
    assert not Calibration().own_probability("terms", scores, ["u0", "u1"]).any()
    damaged = {**fitted.to_json(), "own": {"terms": {"curve": [0.5]}, "weather": {}}}
    assert Calibration.from_json(damaged).own == {}


def test_a_cue_lane_stored_by_the_evaluation_shows_what_cue_words_alone_make_likely(
    study: Project,  # noqa: F811
) -> None:
    """With the lane of cue words in the stored setting and no other threshold a probability
    reaches, the queue is what the cue words alone make likely right: "One day I will ..."
    (the coder coded "day" with *Looking ahead* in ten interviews) is there, with the lane's
    probability kept in the suggestion (and its JSON), and nothing without the lane is."""
    evaluate(study, "ann")
    stored = json.loads(study.setting(evaluation_key("ann")) or "{}")
    for lane in OWN_CURVES:
        assert len(stored["calibration"]["own"][lane]["curve"]) == len(BINS) - 1
    lane_only = Setting(NAMES_ONLY, False, (("cues", 0.5),))
    stored["calibration"]["setting"] = lane_only.to_json()
    with study._write() as session:
        session.get(SettingRow, evaluation_key("ann")).value = json.dumps(stored)
    assert queue_setting(study, "ann") == lane_only
    found = suggest(study, document="new", coder="ann")
    assert found
    for each in found:
        lanes = dict(each.lanes)
        assert lanes.get("cues", 0.0) >= 0.5 and "cues" in each.engines
        assert each.score >= lanes["cues"]  # ranked by the lane's probability at least
        assert SuggestionInfo.from_json(json.loads(json.dumps(each.to_json()))) == each
    [ahead] = _find(found, "One day I will have", "Looking ahead")
    assert 'you coded 10 of the 10 sentences holding "day" with it' in ahead.explanation
    # --min-score is "everything at that probability or more", no lanes.
    everything = suggest(study, document="new", coder="ann", min_score=0.1)
    assert len(everything) > len(found)
    assert all(s.score >= 0.1 for s in everything)


def test_a_name_lane_on_its_own_curve_shows_name_hits_the_record_makes_likely(
    study: Project,  # noqa: F811
) -> None:
    """The calibrated lane of a code's name: only sentences holding the name, each said so in
    its reason, each at least as likely as the lane's threshold by the name's own record."""
    evaluate(study, "ann")
    stored = json.loads(study.setting(evaluation_key("ann")) or "{}")
    names_only = Setting(NAMES_ONLY, False, (("names", 0.5),))
    stored["calibration"]["setting"] = names_only.to_json()
    with study._write() as session:
        session.get(SettingRow, evaluation_key("ann")).value = json.dumps(stored)
    found = suggest(study, document="new", coder="ann")
    assert found
    text = study.document_text("new")
    for each in found:
        assert dict(each.lanes).get("names", 0.0) >= 0.5
        name = each.code.rsplit("/", 1)[-1].lower()
        assert all(w in text[each.start : each.end].lower() for w in name.split())
        assert "code name" in each.explanation or "holds the code's name" in each.explanation
    assert _find(found, "I couldn't sleep at night", "Barriers/Sleep")
