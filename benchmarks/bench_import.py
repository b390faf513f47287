"""Import throughput against spaCy's tokenizer + sentencizer on the same text, in one run.

    python benchmarks/bench_import.py [--docs 400] [--words 5000]

Generates synthetic interview transcripts (speaker turns, fillers, punctuation), imports them
into a fresh project with ``Project.import_files`` (parsing, turn detection, word counts, one
transaction per file with audit events: everything a real import does), then runs
``spacy.blank("en")`` + ``sentencizer`` over the same texts with ``nlp.pipe``. Prints words per
second for both and the ratio (goal: import time <= 1.5x the spaCy time).
Needs spaCy: ``pip install -e '.[bench]'``.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from qualcode import Project  # noqa: E402

WORDS = [
    "I",
    "you",
    "we",
    "they",
    "the",
    "a",
    "and",
    "but",
    "so",
    "because",
    "then",
    "really",
    "just",
    "like",
    "know",
    "mean",
    "think",
    "felt",
    "went",
    "group",
    "bus",
    "fare",
    "lunch",
    "staff",
    "worker",
    "women",
    "safe",
    "scared",
    "used",
    "using",
    "scoring",
    "money",
    "punters",
    "kids",
    "social",
    "services",
    "nurse",
    "script",
    "methadone",
    "flashbacks",
    "sleep",
    "week",
    "day",
    "morning",
    "night",
    "came",
    "stayed",
    "left",
    "talked",
    "listened",
    "helped",
    "trusted",
    "again",
    "never",
    "always",
    "sometimes",
    "maybe",
]
FILLERS = ["um,", "you know,", "I mean,", "like,", "sort of", "[laughs]", "[pause]"]
SYLLABLES = [
    "ka",
    "lo",
    "mi",
    "ter",
    "san",
    "ble",
    "dor",
    "fi",
    "gra",
    "pen",
    "wor",
    "zu",
    "ish",
    "ment",
    "ly",
    "sta",
    "ro",
    "ven",
    "cal",
    "tri",
]


def vocabulary(size: int = 8000) -> tuple[list[str], list[float]]:
    """Common words plus pseudo-words with Zipf weights: a realistic spread of word forms
    (about 18,000 distinct forms in 2 M words, as in ../shared/notes/nlp-measurements.md), so
    that spaCy's tokenizer cache is not flattered by a tiny vocabulary."""
    gen = random.Random(11)
    extra: set[str] = set()
    while len(extra) < size:
        extra.add("".join(gen.choice(SYLLABLES) for _ in range(gen.randint(2, 4))))
    words = WORDS + sorted(extra)
    return words, [1.0 / (rank + 1) for rank in range(len(words))]


VOCABULARY, WEIGHTS = vocabulary()


def sentence(rng: random.Random) -> str:
    words = rng.choices(VOCABULARY, WEIGHTS, k=rng.randint(6, 18))
    if rng.random() < 0.4:
        words.insert(rng.randrange(len(words)), rng.choice(FILLERS))
    words[0] = words[0].capitalize()
    return " ".join(words) + rng.choice([".", ".", ".", "?", "..."])


def transcript(rng: random.Random, index: int, target_words: int) -> str:
    lines = [f"FICTIONAL TRANSCRIPT {index:04d}: generated for qualcode's import benchmark.", ""]
    words = 0
    speaker = f"P{index:03d}"
    minute = 0
    while words < target_words:
        question = sentence(rng)
        minute += 1
        lines += [f"[00:{minute % 60:02d}:{rng.randrange(60):02d}] Interviewer: {question}", ""]
        answer = " ".join(sentence(rng) for _ in range(rng.randint(2, 8)))
        lines += [f"{speaker}: {answer}", ""]
        words += len(question.split()) + len(answer.split())
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=400)
    parser.add_argument("--words", type=int, default=5000)
    args = parser.parse_args()
    rng = random.Random(7)
    with tempfile.TemporaryDirectory(prefix="qualcode-bench-") as tmp:
        folder = Path(tmp)
        paths = []
        for i in range(args.docs):
            path = folder / f"t{i:04d}.txt"
            path.write_text(transcript(rng, i, args.words), encoding="utf-8")
            paths.append(path)
        texts = [p.read_text(encoding="utf-8") for p in paths]
        total_words = sum(len(t.split()) for t in texts)
        forms = len({w for t in texts for w in t.split()})
        print(
            f"{len(paths)} transcripts, {total_words:,} words, {forms:,} distinct forms, "
            f"{sum(map(len, texts)):,} chars"
        )

        started = time.perf_counter()
        with Project.create(folder / "bench.qualcode", actor="bench") as project:
            outcomes = project.import_files(paths)
        import_seconds = time.perf_counter() - started
        failed = [o.error for o in outcomes if o.error]
        assert not failed, failed[:3]
        turns = sum(d.turns for o in outcomes for d in o.documents)
        print(
            f"import:   {import_seconds:6.2f} s  {total_words / import_seconds:10,.0f} words/s "
            f"({turns:,} turns)"
        )

        import spacy

        nlp = spacy.blank("en")
        nlp.add_pipe("sentencizer")
        nlp("warm up the tokenizer.")
        # The stricter baseline: run the pipeline without iterating doc.sents in Python.
        started = time.perf_counter()
        tokens = sum(len(doc) for doc in nlp.pipe(texts))
        spacy_seconds = time.perf_counter() - started
        print(
            f"spaCy:    {spacy_seconds:6.2f} s  {total_words / spacy_seconds:10,.0f} words/s "
            f"(blank en + sentencizer, {tokens:,} tokens)"
        )
        ratio = import_seconds / spacy_seconds
        verdict = "within" if ratio <= 1.5 else "OVER"
        print(f"ratio import/spaCy: {ratio:.2f}x ({verdict} the 1.5x goal)")


if __name__ == "__main__":
    main()
