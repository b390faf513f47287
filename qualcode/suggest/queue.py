"""The review queue: which scored sentences are worth a coder's time, precision first.

The engines' combined score says how much evidence a sentence holds for a code; the queue asks
how likely a suggestion is to be *right* on this project. Four rules:

1. **Calibration.** A combined score becomes a probability of being right through a curve
   fitted on held-out suggestions of the coder's own codings (isotonic over score bins), times
   a factor per code: a code whose held-out suggestions were right less often than the curve
   expects is scaled down, ``(correct + PRIOR) / (expected + PRIOR)``. Accepted and rejected
   suggestions count as held-out suggestions of their code. Above the highest score bin that
   had held-out suggestions, the curve stays level: no evidence says a higher score is more
   often right there. Without an evaluation the curve is the identity and every factor 1.
2. **A threshold on that probability**, :data:`QUEUE_THRESHOLD` (0.5: more likely right than
   wrong), unless the project's evaluation chose another :class:`Setting` (another threshold,
   the name lane, the lanes of cue words, of a code's own words and of its name, or several)
   that was better on the coder's held-out codings.
3. **A cap per sentence**: its best code, and others only when their probability is within
   :data:`CLOSE` of the best (at most :data:`MAX_PER_SENTENCE`).
4. **No content-free sentences** ("N/A", "yes", "Unsure", ``"1.``) **and no interviewer
   sentences**, unless the coder codes such sentences (at least :data:`HABIT` of them in the
   documents they coded).

Records of the coder's coded documents raise or hold back a code: :class:`TermRecord` (its
words), :class:`NameRecord` (its name, the text search NVivo and QualCoder offer, as an engine
of the queue), :class:`Gate` (the coder's decisions on its suggestions cap its probability) and
:class:`Rates` (how often the coder uses it limits how often it is offered in one document).
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..nlp.pipeline import Analysis
from .corpus import CodingEntry, Corpus

QUEUE_THRESHOLD = 0.5
"""Calibrated probability from which a suggestion enters the review queue."""
CLOSE = 0.1
"""A sentence's further codes are kept when their probability is this close to its best."""
MAX_PER_SENTENCE = 3
PRIOR = 3.0
"""Pseudo-count pulling a code's factor towards 1 while its held-out suggestions are few."""
HABIT = 0.2
"""Share of content-free (or interviewer) sentences the coder must have coded for the queue to
offer such sentences."""
FLOOR = 0.1
"""Combined scores below this are never candidates."""
BINS = np.linspace(0.0, 1.0, 21)
SHRINK = 2.0
CALIBRATION_VERSION = 7
"""Raised when how a calibration is fitted, or what its setting chooses between, changes: a
stored one of another version is measured again by the next ``suggest`` (3: the name lane
leaves out codes whose name hits the coder did not code; 4: the curve of cue words; 5: the
lanes of cue words and of a code's own words; 6: the lane of a code's name, the own curves
kept under ``own``; 7: a default measured mostly wrong gives way to the name search)."""
SEEN = 1
"""Held-out suggestions a score bin needs to count as seen; above the highest bin seen, the
curve stays at that bin's value."""
MIN_INFORMATIVE = 3
"""Letters a content word needs to carry meaning on its own ("N/A" has none)."""
_QUESTION_SHARE = 0.4
_LETTER = re.compile(rf"[^\W\d_]{{{MIN_INFORMATIVE},}}")


def content_free(analysis: Analysis) -> np.ndarray:
    """Per sentence: True when it says nothing codable on its own: no content word of three
    letters or more, or at most two words of which at most one is a content word ("Unsure",
    "Yes.", "N/A", ``"1.``)."""
    out = np.zeros(len(analysis), dtype=bool)
    for i in range(len(analysis)):
        start, end = int(analysis.bounds[i]), int(analysis.bounds[i + 1])
        words = [w for w in analysis.words[start:end] if any(ch.isalpha() for ch in w)]
        informative = sum(
            1
            for j in range(start, end)
            if analysis.content[j] and _LETTER.search(analysis.words[j])
        )
        out[i] = informative == 0 or (len(words) <= 2 and informative <= 1)
    return out


def interviewers(turn_speakers: Sequence[str], turn_texts: Sequence[str]) -> set[str]:
    """Speakers who interview: the ``interviewer`` role, or (no role given in the document) the
    one speaker whose turns most often ask questions, when 40% or more of them do and there are
    at least two speakers."""
    found = {s for s in turn_speakers if "role:interviewer" in s}
    if found or any("role:" in s for s in turn_speakers):
        return found
    asked: dict[str, list[int]] = {}
    for speaker, text in zip(turn_speakers, turn_texts, strict=True):
        if speaker:
            entry = asked.setdefault(speaker, [0, 0])
            entry[0] += "?" in text
            entry[1] += 1
    if len(asked) < 2:
        return set()
    best = max(asked, key=lambda s: (asked[s][0] / asked[s][1], asked[s][1]))
    questions, turns = asked[best]
    return {best} if turns >= 3 and questions / turns >= _QUESTION_SHARE else set()


@dataclass(frozen=True)
class Habits:
    """Whether the coder codes content-free sentences and interviewer sentences."""

    content_free: bool = False
    interviewer: bool = False

    @classmethod
    def of(cls, flags: Sequence[tuple[np.ndarray, np.ndarray, np.ndarray]]) -> Habits:
        """``flags``: per coded document, (content-free, interviewer, coded) per sentence."""
        counts = np.zeros(4, dtype=np.int64)
        for empty, asking, coded in flags:
            counts += (empty.sum(), (empty & coded).sum(), asking.sum(), (asking & coded).sum())
        return cls(
            content_free=bool(counts[0]) and counts[1] >= HABIT * counts[0],
            interviewer=bool(counts[2]) and counts[3] >= HABIT * counts[2],
        )

    def allowed(self, empty: np.ndarray, asking: np.ndarray) -> np.ndarray:
        """Per sentence: may the queue offer it?"""
        ok = np.ones(len(empty), dtype=bool)
        if not self.content_free:
            ok &= ~empty
        if not self.interviewer:
            ok &= ~asking
        return ok


def _binned(curve: np.ndarray, scores: np.ndarray) -> np.ndarray:
    """The value of ``curve`` (one per score bin of :data:`BINS`) at each score."""
    return curve[np.clip(np.digitize(scores, BINS) - 1, 0, len(curve) - 1)]


@dataclass
class Calibration:
    """Combined score -> probability of being right (see the module docstring)."""

    curve: np.ndarray = field(default_factory=lambda: (BINS[:-1] + BINS[1:]) / 2)
    """Probability per score bin of :data:`BINS` (identity until fitted)."""
    record: dict[str, tuple[float, float]] = field(default_factory=dict)
    """Per code uuid: (right, expected) among its held-out suggestions."""
    fitted: bool = False
    setting: Setting | None = None
    """The queue's setting the evaluation chose (:class:`Setting`; None: the default)."""
    cues: np.ndarray | None = None
    """Probability per score bin of the cue words' score (:mod:`.cues`), fitted like
    :attr:`curve` on held-out documents; None: cue words count for nothing."""
    own: dict[str, Calibration] = field(default_factory=dict)
    """Per lane of :data:`OWN_CURVES` (the terms engine, the name search): that score alone,
    calibrated like the combined score (its own curve and per-code record), for the lane's
    probability (:class:`Setting`); a lane without one shows nothing."""

    def cue_probability(self, scores: np.ndarray) -> np.ndarray:
        """``sentences x codes``: how likely a cue word's suggestion is right (0 without a
        fitted curve: a cue's record on the documents it was found in overstates it)."""
        if self.cues is None:
            return np.zeros(scores.shape, dtype=np.float32)
        return np.where(scores > 0, _binned(self.cues, scores), 0.0).astype(np.float32)

    def own_probability(
        self,
        lane: str,
        scores: np.ndarray,
        uuids: Sequence[str],
        decisions: dict[int, tuple[int, int]] | None = None,
    ) -> np.ndarray:
        """``sentences x codes``: how likely a suggestion of the ``lane``'s engine alone is
        right, by that engine's own curve and per-code record (0 without them)."""
        own = self.own.get(lane)
        if own is None:
            return np.zeros(scores.shape, dtype=np.float32)
        return own.probability(scores, own.factors(uuids, decisions))

    def probability(self, combined: np.ndarray, factors: np.ndarray) -> np.ndarray:
        """``sentences x codes`` probabilities; ``factors`` per code column."""
        return np.minimum(1.0, _binned(self.curve, combined) * factors[None, :]).astype(np.float32)

    def factors(
        self, uuids: Sequence[str], decisions: dict[int, tuple[int, int]] | None = None
    ) -> np.ndarray:
        """Per code: ``(right + PRIOR) / (expected + PRIOR)``, where an accepted suggestion
        counts as one right and each decided one as :data:`QUEUE_THRESHOLD` expected."""
        out = np.ones(len(uuids), dtype=np.float32)
        for k, uuid in enumerate(uuids):
            right, expected = self.record.get(uuid, (0.0, 0.0))
            if decisions and k in decisions:
                accepted, rejected = decisions[k]
                right += accepted
                expected += (accepted + rejected) * QUEUE_THRESHOLD
            out[k] = (right + PRIOR) / (expected + PRIOR)
        return out

    def to_json(self) -> dict[str, Any]:
        return {
            "version": CALIBRATION_VERSION,
            **self._curve_json(),
            "setting": (self.setting or Setting()).to_json(),
            **({} if self.cues is None else {"cues": [round(float(v), 4) for v in self.cues]}),
            "own": {lane: own._curve_json() for lane, own in self.own.items()},
        }

    def _curve_json(self) -> dict[str, Any]:
        return {
            "curve": [round(float(v), 4) for v in self.curve],
            "record": {k: [round(a, 3), round(b, 3)] for k, (a, b) in self.record.items()},
        }

    @classmethod
    def from_json(cls, data: dict[str, Any] | None) -> Calibration:
        if not data or len(data.get("curve", [])) != len(BINS) - 1:
            return cls()
        record = {k: (float(v[0]), float(v[1])) for k, v in data.get("record", {}).items()}
        cues = data.get("cues")
        stored = data.get("own")
        own = {
            lane: calibration
            for lane in OWN_CURVES
            if isinstance(stored, dict)
            and isinstance(stored.get(lane), dict)
            and (calibration := cls.from_json(stored[lane])).fitted
        }
        return cls(
            np.array(data["curve"], dtype=np.float32),
            record,
            True,
            Setting.from_json(data.get("setting")),
            np.array(cues, dtype=np.float32)
            if isinstance(cues, list) and len(cues) == len(BINS) - 1
            else None,
            own,
        )


@dataclass
class Tally:
    """Held-out candidates counted per code and score bin: how many, how many right."""

    shown: np.ndarray
    right: np.ndarray

    @classmethod
    def empty(cls, codes: int) -> Tally:
        size = (codes, len(BINS) - 1)
        return cls(np.zeros(size, dtype=np.int64), np.zeros(size, dtype=np.int64))

    def add(self, combined: np.ndarray, gold: np.ndarray, allowed: np.ndarray) -> None:
        """Count the candidates (score >= FLOOR, sentence allowed) of one held-out document."""
        rows, cols = np.nonzero((combined >= FLOOR) & allowed[:, None])
        bins = np.clip(np.digitize(combined[rows, cols], BINS) - 1, 0, len(BINS) - 2)
        np.add.at(self.shown, (cols, bins), 1)
        np.add.at(self.right, (cols, bins), gold[rows, cols].astype(np.int64))

    def __add__(self, other: Tally) -> Tally:
        return Tally(self.shown + other.shown, self.right + other.right)

    def __sub__(self, other: Tally) -> Tally:
        return Tally(self.shown - other.shown, self.right - other.right)

    def fit(self, uuids: Sequence[str]) -> Calibration:
        """The calibration these counts give."""
        shown = self.shown.sum(axis=0).astype(np.float64)
        right = self.right.sum(axis=0).astype(np.float64)
        if shown.sum() < 1:
            return Calibration()
        from sklearn.isotonic import IsotonicRegression

        centres = (BINS[:-1] + BINS[1:]) / 2
        # Each bin's share of right suggestions, pulled towards the score itself by SHRINK
        # pseudo-counts: an empty or nearly empty bin keeps about its score.
        target = (right + SHRINK * centres) / (shown + SHRINK)
        weight = shown + SHRINK
        curve = IsotonicRegression(y_min=0.0, y_max=1.0).fit(centres, target, sample_weight=weight)
        fitted = curve.predict(centres).astype(np.float32)
        # Above the highest bin with held-out suggestions there is no evidence that a higher
        # score is more often right: those bins keep that bin's probability, not their score.
        seen = np.nonzero(shown >= SEEN)[0]
        if len(seen):
            fitted[seen[-1] + 1 :] = fitted[seen[-1]]
        expected = self.shown @ fitted
        correct = self.right.sum(axis=1)
        record = {
            uuid: (float(correct[k]), float(expected[k]))
            for k, uuid in enumerate(uuids)
            if expected[k] > 0 or correct[k] > 0
        }
        return Calibration(fitted, record, True)


def select(
    probability: np.ndarray,
    allowed: np.ndarray,
    blocked: np.ndarray | None = None,
    threshold: float = QUEUE_THRESHOLD,
    limits: np.ndarray | None = None,
) -> np.ndarray:
    """``sentences x codes`` booleans: what the queue shows (rules 2-4 of the module), each
    code in at most ``limits[code]`` sentences (see :class:`Rates`)."""
    open_ = np.repeat(allowed[:, None], probability.shape[1], axis=1)
    if blocked is not None:
        open_ &= ~blocked
    p = np.where(open_, probability, -1.0)
    out = open_ & (p >= threshold) & (p > 0)
    if not out.any():
        return out
    best = p.max(axis=1, keepdims=True)
    out &= p >= best - CLOSE
    rows = np.nonzero(out.sum(axis=1) > MAX_PER_SENTENCE)[0]
    for row in rows.tolist():
        keep = np.argsort(-p[row])[:MAX_PER_SENTENCE]
        mask = np.zeros(p.shape[1], dtype=bool)
        mask[keep] = True
        out[row] &= mask
    return limit_codes(out, p, limits)


def sentence_flags(corpus: Corpus, name: str) -> tuple[np.ndarray, np.ndarray]:
    """Per sentence of a document: (content-free, said by an interviewer)."""
    doc = corpus.documents[name]
    analysis = corpus.analysis(name)
    empty = content_free(analysis)
    texts = [doc.text[b:e] for _s, b, e in doc.turns]
    asking_speakers = interviewers(doc.speakers, texts)
    speakers = corpus.speakers(name)
    asking = np.array([s in asking_speakers for s in speakers], dtype=bool)
    return empty, asking


def habits_of(corpus: Corpus, codings: Sequence[CodingEntry]) -> Habits:
    """The coder's habits in the documents these codings are in."""
    by_document: dict[str, list[CodingEntry]] = {}
    for coding in codings:
        by_document.setdefault(coding.document, []).append(coding)
    flags = []
    for name, chosen in sorted(by_document.items()):
        empty, asking = sentence_flags(corpus, name)
        coded = corpus.labels(name, chosen).any(axis=1)
        flags.append((empty, asking, coded))
    return Habits.of(flags)


TERM_HIT = 0.3
"""A terms score from which a sentence counts as holding a code's own words."""
TERM_PRIOR = 3.0


@dataclass
class TermRecord:
    """Per code: sentences of the coded documents holding the code's own words (a terms score
    of :data:`TERM_HIT` or more), and how many of them the coder coded with it.

    The terms engine learns nothing from codings, so its record on the documents the coder
    coded is a fair estimate of how often its hits are right elsewhere: a code whose name the
    coder uses for what the name says earns the queue's trust, one whose words are everywhere
    does not."""

    hits: np.ndarray
    right: np.ndarray

    @classmethod
    def empty(cls, codes: int) -> TermRecord:
        return cls(np.zeros(codes, dtype=np.int64), np.zeros(codes, dtype=np.int64))

    @classmethod
    def of(cls, terms: np.ndarray, gold: np.ndarray, ordinary: np.ndarray) -> TermRecord:
        """One coded document: ``ordinary`` marks its sentences that are neither content-free
        nor an interviewer's."""
        hit = (terms >= TERM_HIT) & ordinary[:, None]
        return cls(hit.sum(axis=0), (hit & gold).sum(axis=0))

    def __add__(self, other: TermRecord) -> TermRecord:
        return TermRecord(self.hits + other.hits, self.right + other.right)

    def __sub__(self, other: TermRecord) -> TermRecord:
        return TermRecord(self.hits - other.hits, self.right - other.right)

    def raise_(self, probability: np.ndarray, terms: np.ndarray) -> np.ndarray:
        """Where a sentence holds a code's words, the code's record of such sentences (pulled
        towards the calibrated probability by :data:`TERM_PRIOR`) when that is higher."""
        record = (self.right[None, :] + TERM_PRIOR * probability) / (
            self.hits[None, :] + TERM_PRIOR
        )
        return np.where(terms >= TERM_HIT, np.maximum(probability, record), probability).astype(
            np.float32
        )


NAME_PRIOR = 3.0
"""Pseudo-count pulling a code's record of name hits towards the record of every code's."""
LANE_SHARE = 0.5
"""A code's name hits stay in the name lane while its record of them is at least this share of
the record of all codes' name hits (see :meth:`NameRecord.in_lane`)."""


@dataclass
class NameRecord(TermRecord):
    """Per code: sentences of the coded documents holding every content word of the code's
    name (the text search NVivo and QualCoder offer, :class:`.baseline.NameBaseline`), and how
    many of them the coder coded with it.

    Where a codebook's names are the words its coders code (a qc project: ``equity``,
    ``collaboration``), a name hit is precise evidence; where they are not (AnnoMI's
    "Reflection"), it is not. The queue trusts a code's name hits as far as the coder's record
    says, shrunk towards the record of all codes' name hits while the code's own hits are few,
    so the queue does no worse than the name search where the names match."""

    @classmethod
    def of(cls, terms: np.ndarray, gold: np.ndarray, ordinary: np.ndarray) -> NameRecord:
        """One coded document: ``terms`` is the name search's 0/1 matrix here."""
        hit = (terms >= 0.5) & ordinary[:, None]
        return cls(hit.sum(axis=0), (hit & gold).sum(axis=0))

    @classmethod
    def empty(cls, codes: int) -> NameRecord:
        return cls(np.zeros(codes, dtype=np.int64), np.zeros(codes, dtype=np.int64))

    def __add__(self, other: TermRecord) -> NameRecord:
        return NameRecord(self.hits + other.hits, self.right + other.right)

    def __sub__(self, other: TermRecord) -> NameRecord:
        return NameRecord(self.hits - other.hits, self.right - other.right)

    def share(self) -> float:
        """The share of all name hits the coder coded with the code named (0 without hits)."""
        hits = int(self.hits.sum())
        return float(self.right.sum()) / hits if hits else 0.0

    def record(self) -> np.ndarray:
        """Per code: the share of its name hits the coder coded with it, shrunk towards
        :meth:`share` by :data:`NAME_PRIOR`."""
        return (self.right + NAME_PRIOR * self.share()) / (self.hits + NAME_PRIOR)

    def raise_(self, probability: np.ndarray, terms: np.ndarray) -> np.ndarray:
        """Where a sentence holds a code's name, the code's :meth:`record`, when that is
        higher."""
        record = self.record()
        return np.where(terms >= 0.5, np.maximum(probability, record[None, :]), probability).astype(
            np.float32
        )

    def in_lane(self) -> np.ndarray:
        """Per code: whether its name hits enter the name lane, namely while its
        :meth:`record` is at least :data:`LANE_SHARE` of the record of all codes' names. A code
        whose name the coder found four times or more and never coded there leaves the lane."""
        return self.record() >= LANE_SHARE * self.share() - 1e-9


GATE_PRIOR = 5.0
"""Pseudo-count pulling a code's record of decisions towards the record over all codes."""


@dataclass
class Gate:
    """Per code: how many of its suggestions the coder decided and how many they accepted. A
    code's probability is capped at its accepted share, shrunk towards the share over all codes
    by :data:`GATE_PRIOR` while it has few decisions: a code whose suggestions the coder keeps
    rejecting leaves the queue, however high its scores. A code without decisions is not capped.

    Until the last round of issue 19 the held-out evaluation's record of each code in the queue
    capped it too. It made no difference on the sets the queue was tuned on (games as art F1
    .279 without, .277 with; AnnoMI, 40 transcripts, .577 and .578) and it lowered F1 on every
    REFI-QDA project (NVivo Windows .033 to .006, NVivo Mac .010 to 0, qc demo at 0.5 .149 to
    .135): where a code's precision differs between documents, as a coder's focus drifts, the
    record of the other documents caps it where it is right. So only the coder's own decisions
    cap a code now."""

    shown: np.ndarray
    right: np.ndarray

    @classmethod
    def empty(cls, codes: int) -> Gate:
        return cls(np.zeros(codes, dtype=np.int64), np.zeros(codes, dtype=np.int64))

    def share(self) -> float:
        """The share accepted over all codes' decided suggestions (1 before any)."""
        total = int(self.shown.sum())
        return float(self.right.sum()) / total if total else 1.0

    def caps(self) -> np.ndarray:
        """Per code: its cap (1 for a code without decisions)."""
        share = self.share()
        capped = (self.right + GATE_PRIOR * share) / (self.shown + GATE_PRIOR)
        return np.where(self.shown > 0, capped, 1.0).astype(np.float32)

    def apply(self, probability: np.ndarray) -> np.ndarray:
        return np.minimum(probability, self.caps()[None, :]).astype(np.float32)

    def in_lane(self) -> np.ndarray:
        """Per code: whether the coder's decisions leave it in the name lane, namely while its
        cap is at least :data:`LANE_SHARE` of the share accepted over all codes (a code whose
        suggestions the coder rejected six times or more, accepting none, leaves it)."""
        return self.caps() >= LANE_SHARE * self.share() - 1e-9


RATE_TIMES = 5.0
"""A code is offered in at most this many times the share of sentences the coder codes with it
(plus :data:`RATE_SLACK` sentences) in any one document. Chosen on the synthetic benchmark
(queue F1 .932 without a limit, .914 at 3 times, .929 at 5 times); no effect on AnnoMI or
games as art either way."""
RATE_SLACK = 2


@dataclass
class Rates:
    """Per code: the sentences the coder coded with it in their coded documents, out of how
    many sentences. A code the coder applies to one sentence in forty is not offered for half
    of a document: when a model or a definition suddenly matches everything, that is the
    model's fault, not the document's."""

    coded: np.ndarray
    sentences: int = 0

    @classmethod
    def empty(cls, codes: int) -> Rates:
        return cls(np.zeros(codes, dtype=np.int64), 0)

    @classmethod
    def of(cls, gold: np.ndarray) -> Rates:
        """One coded document's ``sentences x codes`` gold."""
        return cls(gold.sum(axis=0), int(gold.shape[0]))

    def __add__(self, other: Rates) -> Rates:
        return Rates(self.coded + other.coded, self.sentences + other.sentences)

    def __sub__(self, other: Rates) -> Rates:
        return Rates(self.coded - other.coded, self.sentences - other.sentences)

    def limits(self, sentences: int) -> np.ndarray | None:
        """Per code: the most sentences of a document of ``sentences`` it may be offered in
        (None without coded sentences to measure from; no limit for a code the coder has not
        used, whose rate is unknown)."""
        if self.sentences <= 0:
            return None
        share = self.coded / self.sentences
        limit = np.ceil(RATE_TIMES * share * sentences) + RATE_SLACK
        return np.where(self.coded > 0, limit, sentences).astype(np.int64)


def limit_codes(
    chosen: np.ndarray, probability: np.ndarray, limits: np.ndarray | None
) -> np.ndarray:
    """``chosen`` with each code kept in at most ``limits[code]`` sentences, the likeliest."""
    if limits is None:
        return chosen
    counts = chosen.sum(axis=0)
    for code in np.nonzero(counts > limits)[0].tolist():
        rows = np.nonzero(chosen[:, code])[0]
        order = rows[np.argsort(-probability[rows, code], kind="stable")]
        chosen[order[int(limits[code]) :], code] = False
    return chosen


MIN_NAME_HITS = 20
"""Name-search suggestions on held-out documents needed before its precision is a measure the
queue's setting may be chosen against (a precision from eight hits is noise)."""


LANES = ("cues", "terms", "names")
"""Evidence with a calibrated probability of its own that may enter the queue by itself, at a
threshold of its own (:class:`Setting`): cue words (:mod:`.cues`), a code's own words (the
terms engine, raised by :class:`TermRecord`) and a code's name (the name search, raised by
:class:`NameRecord`)."""
OWN_CURVES = ("terms", "names")
"""The lanes whose probability comes from a calibration of their own kept in
:attr:`Calibration.own` (cue words have :attr:`Calibration.cues`)."""
LANE_THRESHOLDS = (0.5, 0.6)
"""The thresholds an evaluation tries for each lane: more likely right than wrong, or more."""
_LANE_WORDS = {"cues": "cue words", "terms": "the code's words", "names": "the code's name"}


@dataclass(frozen=True)
class Setting:
    """How the review queue chooses, measured per project and coder by the evaluation: the
    lowest probability it shows, whether every sentence holding a code's name enters too
    (the *name lane*: the text search NVivo and QualCoder offer, where it has been the better
    search on the coder's own codings, less the codes whose names the coder does not code:
    :meth:`NameRecord.in_lane`), and the *lanes* (:data:`LANES`): a suggestion whose cue
    words, code's own words or code's name alone make it at least this likely right enters
    whatever its combined probability. Each source of evidence is calibrated on its own, and
    where one has proved more precise than the combination at the same probability, it gets
    its own threshold. The default is the precision-first queue alone."""

    threshold: float = QUEUE_THRESHOLD
    names: bool = False
    lanes: tuple[tuple[str, float], ...] = ()
    """``(lane, threshold)`` pairs, in :data:`LANES` order."""

    def to_json(self) -> dict[str, Any]:
        return {"threshold": self.threshold, "names": self.names, "lanes": dict(self.lanes)}

    @classmethod
    def from_json(cls, data: Any) -> Setting:
        if not isinstance(data, dict):
            return cls()
        threshold, names = data.get("threshold"), data.get("names")
        if not isinstance(threshold, int | float) or not isinstance(names, bool):
            return cls()
        lanes = data.get("lanes") or {}
        if not isinstance(lanes, dict):
            return cls()
        kept = tuple(
            (lane, float(lanes[lane]))
            for lane in LANES
            if isinstance(lanes.get(lane), int | float) and 0.0 <= lanes[lane] <= 1.0
        )
        return cls(float(threshold), names, kept)

    def shows(
        self, score: float, engines: Sequence[str], lanes: dict[str, float] | None = None
    ) -> bool:
        """Whether a cached suggestion (its probability, engines and lane probabilities) is in
        this queue."""
        if score >= self.threshold or (self.names and NAME_ENGINE in engines):
            return True
        found = lanes or {}
        return any(found.get(lane, 0.0) >= at for lane, at in self.lanes)

    def describe(self) -> str:
        """In a researcher's words, for the TUI's title and the CLI."""
        likely = [] if self.threshold > 1.0 else [f"≥ {self.threshold:.0%}"]
        by_threshold: dict[float, list[str]] = {}
        for lane, at in self.lanes:
            by_threshold.setdefault(at, []).append(lane)
        for at, lanes in sorted(by_threshold.items()):
            words = [_LANE_WORDS[lane] for lane in lanes]
            if lanes[-2:] == ["terms", "names"]:  # "the code's words or name"
                words[-1] = "name"
            either = " or ".join([", ".join(words[:-1]), words[-1]] if len(words) > 1 else words)
            likely.append(f"≥ {at:.0%} by {either} alone")
        text = f"likely right {', or '.join(likely)}" if likely else ""
        if self.names:
            name = "sentences holding a code's name"
            text = f"{text}, and {name}" if text else name
        return text


NAME_ENGINE = "names"
"""The engine name a name-lane suggestion carries in ``SuggestionInfo.engines``."""
NAMES_ONLY = 1.01
"""A threshold no probability reaches: with the name lane, the queue is the name search."""
TRIED = (0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.5, 0.6, 0.7, 0.8)
"""The thresholds an evaluation compares."""
_LANE_CHOICES: tuple[tuple[tuple[str, float], ...], ...] = tuple(
    tuple((lane, at) for lane, at in zip(LANES, ats, strict=True) if at is not None)
    for ats in itertools.product(*((None, *LANE_THRESHOLDS) for _lane in LANES))
)
SETTINGS: tuple[Setting, ...] = (
    Setting(),
    *(
        Setting(t, names, lanes)
        for lanes in _LANE_CHOICES
        for t in (*TRIED, NAMES_ONLY)
        for names in (False, True)
        if (t, names, lanes) != (QUEUE_THRESHOLD, False, ())
        and not (t == NAMES_ONLY and not names and not lanes)
    ),
)
"""The settings an evaluation compares, the default first (it wins ties), then those without
lanes."""


def _f1(counts: np.ndarray) -> float:
    tp, fp, fn = (int(v) for v in counts)
    return 2 * tp / (2 * tp + fp + fn) if tp + fp + fn else 0.0


def choose(counts: dict[Setting, np.ndarray], baseline: np.ndarray) -> Setting:
    """The setting with the best held-out F1 whose precision is at least the name search's
    (``counts`` and ``baseline``: pooled tp, fp, fn), and, for a setting without the name lane,
    at least :data:`QUEUE_THRESHOLD` too: a lower threshold may widen the queue only while it
    stays more often right than wrong; the name lane is held to the name search it is. The
    default unless the name search made :data:`MIN_NAME_HITS` suggestions or more: without a
    measured rival the precision-first queue stands, unless it was itself measured wrong more
    often than right (:data:`MIN_NAME_HITS` suggestions or more): then the name search alone
    (:func:`_kept`)."""
    tp, fp, _fn = (int(v) for v in baseline)
    if tp + fp < MIN_NAME_HITS:
        return _kept(counts)
    floor = tp / (tp + fp)
    best, best_f1 = Setting(), -1.0
    for setting in SETTINGS:
        found = counts.get(setting)
        if found is None:
            continue
        shown = int(found[0] + found[1])
        need = floor if setting.names else max(floor, QUEUE_THRESHOLD)
        if shown == 0 or found[0] / shown < need:
            continue
        if _f1(found) > best_f1 + 1e-12:
            best, best_f1 = setting, _f1(found)
    return best


def why_chosen(setting: Setting, baseline: np.ndarray) -> str:
    """Why :func:`choose` picked ``setting`` against the name search's pooled ``baseline``
    counts, in a researcher's words."""
    if int(baseline[0] + baseline[1]) >= MIN_NAME_HITS:
        return "the best held-out F1 at least as precise as the text search on code names"
    if setting == Setting():
        return (
            "the default: the text search on code names made too few suggestions on your "
            "held-out codings to compare with"
        )
    return (
        "the other suggestions were right less than half the time on your held-out codings, "
        "and the text search on code names made too few suggestions to compare with"
    )


def _kept(counts: dict[Setting, np.ndarray]) -> Setting:
    """Without a measured rival: the default, unless its held-out suggestions were measured
    (:data:`MIN_NAME_HITS` or more) and fewer than half were right. A calibration that broke
    its promise on the coder's own codings is not trusted with another threshold either: the
    queue is then the name search alone, which says why it suggests what it does."""
    found = counts.get(Setting())
    if found is None:
        return Setting()
    shown = int(found[0] + found[1])
    if shown < MIN_NAME_HITS or found[0] / shown >= QUEUE_THRESHOLD:
        return Setting()
    return Setting(NAMES_ONLY, True)


def name_lane(
    named: np.ndarray,
    allowed: np.ndarray,
    blocked: np.ndarray | None = None,
    codes: np.ndarray | None = None,
) -> np.ndarray:
    """``sentences x codes``: the name hits the lane offers (allowed sentences, nothing the
    coder already coded or rejected there, only the ``codes`` whose record keeps them in the
    lane: :meth:`NameRecord.in_lane`, :meth:`Gate.in_lane`)."""
    out = (named >= 0.5) & allowed[:, None]
    if blocked is not None:
        out &= ~blocked
    if codes is not None:
        out &= codes[None, :]
    return out
