"""Excerpt suggestions on real human-coded data: the held-out evaluation of ``qualcode suggest
--evaluate``, per engine, against the keyword baseline.

    python benchmarks/eval_real.py [--data ../shared/coded_data] [--folds 10] [--transcripts N]

Datasets (each skipped cleanly when its folder is absent; nothing from them is stored in the
repository, the projects are built in a temporary folder and deleted):

``annomi``
    AnnoMI (Wu et al. 2022/2023): 133 transcripts of motivational-interviewing demonstrations,
    every utterance coded by expert annotators (``AnnoMI-simple.csv``). One document per
    transcript, one turn per utterance (speaker ``therapist`` or ``client``), and the
    utterance's label as a coding of its whole turn body. Codes: therapist behaviour (question,
    reflection, therapist input, other) and client talk type (change, neutral, sustain), with
    short definitions and keywords written for this benchmark.
``games``
    Games-as-art answers coded by the LLMCode authors: 90 survey answers, 325 coded spans, 31
    inductive codes whose only codebook text is a one-sentence description. The many-codes,
    few-examples, definitions-only case. ``--games-coded N`` keeps the codings of the first N
    answers only (the rest stay uncoded in the project): fewer codings per code to learn from,
    as early in a study; ``--folds 2`` is the other way to see that.

``qdpx:<file>``
    Every REFI-QDA project in ``../shared/interop/qdpx`` with 50 or more codings after
    ``import-qdpx`` (real codebooks from NVivo and qc sample projects), evaluated as imported,
    every coder's codings. Each has all its codings in one document, so the evaluation itself
    holds out parts of it (:mod:`qualcode.suggest.parts`: the coded part cut into five blocks at
    line or turn starts, with about as many codings each), as it does for a user's project. The
    uncoded rest (NVivo: 86% of the text) is left out, since a coder who stopped there did not
    say it holds nothing. (Rounds before this one cut the blocks here and imported each as a
    text file, which the text importer split into turns line by line: a different document
    from the one a user imports.)

The evaluation is sentence-level (see ``qualcode/suggest/evaluate.py``); with ``--folds``
the coded documents are dealt into that many folds instead of holding out one at a time.
``--tune`` and ``--report`` name the sets the queue's threshold was chosen on and the sets it
is only reported on (printed next to each set's figures).
"""

from __future__ import annotations

import argparse
import csv
import re
import sys
import tempfile
import time
from collections import Counter, defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from qualcode import Project  # noqa: E402
from qualcode.codebook import Codebook, CodeSpec  # noqa: E402

DATA = Path(__file__).resolve().parents[2] / "shared" / "coded_data"
INTEROP = Path(__file__).resolve().parents[2] / "shared" / "interop" / "qdpx"
CODER = "gold"
MIN_CODINGS = 50
TUNED_ON = ("annomi", "games")
"""Where the queue's threshold (0.5) and the combination's weights were chosen; every other set
is reported only."""

ANNOMI_CODES = {
    "Therapist behaviour": {
        "question": (
            "Question",
            "The therapist asks the client something: to learn facts, or to invite the client "
            "to think aloud about their situation, feelings or plans.",
            ["what", "how", "why", "do you", "are you", "would you", "could you", "tell me"],
        ),
        "reflection": (
            "Reflection",
            "The therapist says back what the client has said or seems to mean, in the same or "
            "new words, sometimes adding a guess at the feeling or meaning underneath.",
            ["it sounds like", "sounds like", "you feel", "you're saying", "so you", "you think"],
        ),
        "therapist_input": (
            "Therapist input",
            "The therapist brings in something of their own: information or facts, advice, "
            "options to choose from, or negotiating a plan or a goal.",
            ["recommend", "suggest", "advice", "information", "research", "option", "should"],
        ),
        "other": (
            "Other",
            "Anything else the therapist says: greetings, small talk, thanks, brief "
            "acknowledgements and agreement, or utterances none of the other codes fit.",
            ["hello", "hi", "thank you", "thanks", "okay", "mm-hmm", "right"],
        ),
    },
    "Client talk": {
        "change": (
            "Change talk",
            "The client speaks in favour of changing the behaviour under discussion: wanting, "
            "being able to, having reasons or a need to change, committing to it, or steps "
            "already taken.",
            ["want to", "need to", "going to", "quit", "stop", "cut down", "try", "better"],
        ),
        "neutral": (
            "Neutral talk",
            "The client says something that neither argues for nor against change: answering "
            "factual questions, giving background, back-channel responses.",
            ["yeah", "yes", "mm-hmm", "okay", "i don't know"],
        ),
        "sustain": (
            "Sustain talk",
            "The client speaks in favour of things staying as they are: reasons not to change, "
            "little desire or confidence to change, or defending the current behaviour.",
            ["can't", "don't want", "not ready", "enjoy", "no problem", "not that bad"],
        ),
    },
}


def annomi_codebook() -> tuple[Codebook, dict[str, str]]:
    themes = []
    paths: dict[str, str] = {}
    for theme, codes in ANNOMI_CODES.items():
        children = []
        for label, (name, definition, keywords) in codes.items():
            children.append(CodeSpec(name=name, definition=definition, keywords=tuple(keywords)))
            paths[label] = f"{theme}/{name}"
        themes.append(CodeSpec(name=theme, codable=False, children=tuple(children)))
    return Codebook(name="AnnoMI (benchmark)", codes=tuple(themes)), paths


def build_annomi(folder: Path, source: Path, transcripts: int | None) -> Path | None:
    """A project of AnnoMI transcripts (the first ``transcripts`` by id, or all)."""
    csv_path = source / "AnnoMI-simple.csv"
    if not csv_path.is_file():
        return None
    rows_by: dict[int, list[dict[str, str]]] = defaultdict(list)
    with csv_path.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            rows_by[int(row["transcript_id"])].append(row)
    ids = sorted(rows_by)[:transcripts] if transcripts else sorted(rows_by)
    codebook, paths = annomi_codebook()
    files = []
    utterances: dict[str, list[str]] = {}
    for tid in ids:
        rows = sorted(rows_by[tid], key=lambda r: int(r["utterance_id"]))
        rows = [r for r in rows if r["utterance_text"].strip()]
        name = f"annomi-{tid:03d}"
        path = folder / f"{name}.csv"
        with path.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(["timestamp", "speaker", "text"])
            for r in rows:
                writer.writerow([r["timestamp"], r["interlocutor"], r["utterance_text"]])
        files.append(path)
        utterances[name] = [
            r["main_therapist_behaviour"]
            if r["interlocutor"] == "therapist"
            else r["client_talk_type"]
            for r in rows
        ]
    project_path = folder / "annomi.qualcode"
    codings = folder / "annomi-codings.csv"
    with Project.create(project_path, actor="bench") as project:
        project.import_codebook(codebook)
        outcomes = project.import_files(files)
        failed = [o.error for o in outcomes if o.error]
        if failed:
            print(f"  {len(failed)} transcripts did not import: {failed[0]}")
        with codings.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(["document", "code", "coder", "start", "end"])
            skipped = 0
            for doc in project.documents():
                turns = project.turns(doc.name)
                labels = utterances[doc.name]
                if len(turns) != len(labels):
                    skipped += 1
                    continue
                for turn, label in zip(turns, labels, strict=True):
                    if label in paths and turn.end > turn.body_start:
                        writer.writerow([doc.name, paths[label], CODER, turn.body_start, turn.end])
        if skipped:
            print(f"  {skipped} transcripts skipped: turns and utterances did not line up")
        project.import_codings(codings)
    return project_path


_SPAN = re.compile(r"\*\*(.+?)\*\*<sup>(.+?)</sup>", re.DOTALL)


def build_games(folder: Path, source: Path, coded: int | None = None) -> Path | None:
    """A project of the games-as-art answers, codes from their descriptions only; with
    ``coded``, only the first that many answers keep their codings (the others stay in the
    project, uncoded: a study early in its coding)."""
    base = source / "test_data" / "games_as_art"
    texts_csv = base / "bopp_test_coded_texts.csv"
    codes_csv = base / "bopp_test_code_descriptions.csv"
    if not texts_csv.is_file() or not codes_csv.is_file():
        return None
    with codes_csv.open(encoding="utf-8", newline="") as handle:
        described = [(r["code"].strip(), r["description"].strip()) for r in csv.DictReader(handle)]
    with texts_csv.open(encoding="utf-8", newline="") as handle:
        answers = list(csv.DictReader(handle))
    specs = tuple(CodeSpec(name=n, definition=d) for n, d in described)
    project_path = folder / "games.qualcode"
    files = []
    for i, row in enumerate(answers, 1):
        path = folder / f"answer-{i:03d}.txt"
        path.write_text(row["text"], encoding="utf-8")
        files.append(path)
    codings = folder / "games-codings.csv"
    with Project.create(project_path, actor="bench") as project:
        project.import_codebook(Codebook(name="Games as art (benchmark)", codes=specs))
        project.import_files(files, kind="survey-response")
        known = {c.name for c in project.codes()}
        with codings.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(["document", "code", "coder", "quote"])
            for i, row in enumerate(answers[:coded] if coded else answers, 1):
                for match in _SPAN.finditer(row["coded_text"]):
                    quote = " ".join(match.group(1).split())
                    for code in match.group(2).split(";"):
                        if code.strip() in known and quote:
                            writer.writerow([f"answer-{i:03d}", code.strip(), CODER, quote])
        _import_found(project, codings)
    return project_path


def _import_found(project: Project, codings: Path) -> None:
    """Apply the quotes the text contains (a few differ from it by small corrections)."""
    from qualcode.project.coding import find_quote

    kept = codings.with_name("games-codings-found.csv")
    missing = 0
    with (
        codings.open(encoding="utf-8", newline="") as src,
        kept.open("w", encoding="utf-8", newline="") as dst,
    ):
        writer = csv.writer(dst)
        writer.writerow(["document", "code", "coder", "start", "end"])
        texts: dict[str, str] = {}
        for row in csv.DictReader(src):
            text = texts.setdefault(row["document"], project.document_text(row["document"]))
            found = find_quote(text, row["quote"])
            if found is None:
                missing += 1
                continue
            writer.writerow([row["document"], row["code"], row["coder"], *found])
    if missing:
        print(f"  {missing} coded spans not found verbatim in their answer (left out)")
    project.import_codings(kept)


def build_qdpx(folder: Path, source: Path) -> tuple[Path, str] | None:
    """A project of one REFI-QDA file as ``import-qdpx`` makes it (what a user has); None when
    it has fewer than :data:`MIN_CODINGS` codings."""
    from qualcode.interop import import_qdpx_new

    path = folder / f"{source.stem}.qualcode"
    import_qdpx_new(source, path, actor="bench")
    with Project.open(path) as project:
        if len(project.codings()) < MIN_CODINGS:
            return None
    return path, f"qdpx:{source.stem}"


def show(report: dict, label: str, per_code: bool = False) -> None:  # type: ignore[type-arg]
    role = "chosen on" if label in TUNED_ON else "reported only"
    print(
        f"{label} ({role}): {report['documents']} documents, {report['folds']} folds, "
        f"{report['sentences']:,} held-out sentences, {report['words']:,} words, "
        f"{len(report['codes'])} codes; codes with a learned model: "
        f"{report['codes_learned']['min']}-{report['codes_learned']['max']}; "
        f"{report['seconds']:.0f} s"
    )

    def f(value: float | None) -> str:
        return "-" if value is None else f"{value:.3f}"

    print(f"  {'':<18} {'thr':>4} {'P':>6} {'R':>6} {'F1':>6} {'macroF1':>8} {'/1000w':>7}")
    rows = [
        (f"{e} (raw)", report["engines"][e], report["thresholds"][e])
        for e in ("names", "keywords", "terms", "similar", "learned", "combined")
    ]
    rows += [("queue: names", report["queue_names"], "q")]
    rows += [(f"queue: {e}", report["queue"][e], "q") for e in report["queue"]]
    rows += [("queue at 0.5 alone", report["queue_fixed"], "0.5")]
    for name, entry, threshold in rows:
        micro = entry["micro"]
        print(
            f"  {name:<18} {threshold:>4} {f(micro['precision']):>6} {f(micro['recall']):>6} "
            f"{f(micro['f1']):>6} {f(entry['macro']['f1']):>8} {entry['per_1000_words']:>7}"
        )
    print(
        "  queue (combined) at other thresholds: "
        + "; ".join(
            f"{t}: P {f(m['precision'])} R {f(m['recall'])} F1 {f(m['f1'])}"
            for t, m in report["queue_at"].items()
        )
    )
    chosen = Counter(
        (s["threshold"], s["names"], tuple(sorted(s.get("lanes", {}).items())))
        for s in report["settings_nested"]
    ).most_common()
    print(
        "  queue setting chosen on the other folds (threshold, name lane, lanes) x folds: "
        + ", ".join(f"{k} x{n}" for k, n in chosen)
        + f"; on all folds (what suggest uses): {report['setting']}"
    )
    unlimited = report["queue_unlimited"]
    print(
        f"  queue (combined) at 0.5 without the limit per code: P {f(unlimited['precision'])} "
        f"R {f(unlimited['recall'])} F1 {f(unlimited['f1'])}"
    )
    base = report["engines"]["names"]["micro"]
    queue = report["queue"]["combined"]["micro"]
    ratio = (queue["f1"] or 0.0) / base["f1"] if base["f1"] else float("inf")
    precision_ok = (queue["precision"] or 0.0) >= (base["precision"] or 0.0)
    print(
        f"  queue F1 / name-search F1 = {ratio:.2f} (goal >= 1.5); precision "
        f"{f(queue['precision'])} vs {f(base['precision'])} "
        f"({'at least' if precision_ok else 'BELOW'} the baseline's)"
    )
    if not per_code:
        return
    combined = report["queue"]["combined"]["per_code"]
    names = report["engines"]["names"]["per_code"]
    print(f"  {'code':<44} {'gold':>6} {'name F1':>7} {'q P':>5} {'q R':>5} {'q F1':>5}")
    for path, entry in combined.items():

        def g(value: float | None) -> str:
            return "-" if value is None else f"{value:.2f}"

        print(
            f"  {path[:44]:<44} {entry['gold']:>6} {g(names[path]['f1']):>7} "
            f"{g(entry['precision']):>5} {g(entry['recall']):>5} {g(entry['f1']):>5}"
        )


def main() -> None:
    from qualcode.suggest import evaluate

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--interop", type=Path, default=INTEROP)
    parser.add_argument(
        "--folds",
        type=int,
        default=10,
        help="Folds of documents (0: hold out each document in turn).",
    )
    parser.add_argument(
        "--transcripts", type=int, default=None, help="AnnoMI: only the first N transcripts by id."
    )
    parser.add_argument("--only", choices=["annomi", "games", "qdpx"], default=None)
    parser.add_argument(
        "--games-coded",
        type=int,
        default=None,
        help="Games as art: only the first N answers keep their codings (few codings per code).",
    )
    parser.add_argument("--per-code", action="store_true", help="Print each code's figures.")
    args = parser.parse_args()
    folds = args.folds or None
    with tempfile.TemporaryDirectory(prefix="qualcode-eval-real-") as tmp:
        folder = Path(tmp)
        if args.only in (None, "annomi"):
            started = time.perf_counter()
            path = build_annomi(folder, args.data / "annomi", args.transcripts)
            if path is None:
                print("annomi: skipped (folder absent)")
            else:
                print(f"annomi: project built in {time.perf_counter() - started:.0f} s")
                with Project.open(path) as project:
                    report = evaluate(project, CODER, folds=folds, save=False)
                    show(report, "annomi", args.per_code)
        if args.only in (None, "games"):
            path = build_games(folder, args.data / "games-as-art-llmcode", args.games_coded)
            if path is None:
                print("games: skipped (folder absent)")
            else:
                with Project.open(path) as project:
                    report = evaluate(project, CODER, folds=folds, save=False)
                    show(report, "games", args.per_code)
        if args.only in (None, "qdpx"):
            sources = sorted(args.interop.glob("*.qdpx")) if args.interop.is_dir() else []
            if not sources:
                print("qdpx: skipped (folder absent)")
            for source in sources:
                built = build_qdpx(folder, source)
                if built is None:
                    print(f"qdpx:{source.stem}: skipped (fewer than {MIN_CODINGS} codings)")
                    continue
                path, label = built
                with Project.open(path) as project:  # every coder's codings
                    show(evaluate(project, None, save=False), label, args.per_code)


if __name__ == "__main__":
    main()
