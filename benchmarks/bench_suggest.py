"""Excerpt suggestions on a synthetic coded project: quality per engine against the keyword
baseline, and the times the issue sets goals for.

    python benchmarks/bench_suggest.py [--documents 47] [--folds 10] [--compare]

1. Cold start, each in a fresh process: ``import spacy``; the pipeline built
   (:func:`qualcode.nlp.pipeline.get_nlp`); and a whole first ``suggest`` on a tiny project.
2. A synthetic project: 30 codes in 6 themes (name, definition, 3 keywords and an example
   each; a third of each code's words appear only in the coded data), interviews whose
   participant sentences carry 0-1 codes in inflected forms, with typos, negated distractors
   and filler, every coded sentence coded by the coder ``synth`` (about 3,000 coded sentences
   with the defaults), and one uncoded 10,000-word interview.
3. The held-out evaluation (``qualcode suggest --evaluate``): precision, recall, F1 and
   suggestions per 1,000 words per engine, combined and through the review queue, against the
   name-search and keyword baselines.
4. Training on every coding (goal <= 10 s: 3,000 coded sentences x 30 codes), parsing included
   and not; suggestions for the 10,000-word interview after training, warm (goal <= 1 s).
5. The command line on the demo project (``qualcode demo``): ``qualcode suggest --document D``
   in a new process, first (parsing, training, the calibrating evaluation) and again (read
   back from the project's cache; goal <= 1.5 s wall), and once more after a new coding.
6. With ``--compare``: the similarity engine against a rapidfuzz ``token_set_ratio`` variant,
   and the learned engine against spaCy's ``textcat_multilabel`` (bag of words), on one split.

The vocabulary is real English (inflections come from the lemma table of spacy-lookups-data)
but the sentences are generated, so only the ordering of engines means much.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import json
import random
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from qualcode import Project  # noqa: E402
from qualcode.codebook import Codebook, CodeSpec  # noqa: E402

CODER = "synth"
THEMES: dict[str, dict[str, str]] = {
    "Access": {
        "Travel": "bus fare train walk distance ticket journey mile drive route",
        "Timing": "morning appointment late early clock schedule hour wait calendar shift",
        "Childcare": "child kid nursery babysitter school pickup toddler nanny daughter son",
        "Money": "money pay afford cost debt bill wage cash budget loan",
        "Housing": "hostel rent landlord flat evict room shelter tenancy house homeless",
    },
    "Feelings": {
        "Fear": "scare afraid fear panic nervous terrify dread frighten threat danger",
        "Shame": "shame embarrass judge stigma humiliate guilt blame disgrace hide secret",
        "Hope": "hope future dream optimistic believe chance plan aspire wish goal",
        "Anger": "angry furious shout rage annoy frustrate argue temper fight resent",
        "Loneliness": "lonely alone isolate friend visit company miss empty silence contact",
    },
    "Service": {
        "Staff attitude": "kind listen respect patient friendly warm rude care understand gentle",
        "Group format": "group session circle share attend member discuss room week facilitate",
        "Food": "lunch food eat meal sandwich soup hungry breakfast cook snack",
        "Information": "leaflet explain information website letter phone "
        "advice booklet inform email",
        "Referral": "refer referral doctor nurse clinic surgery pathway assess transfer letter",
    },
    "Health": {
        "Drugs": "heroin crack drug score dealer needle inject use high methadone",
        "Alcohol": "drink beer vodka pub drunk bottle sober hangover wine alcohol",
        "Sleep": "sleep tired insomnia nap bed exhaust awake rest night pillow",
        "Pain": "pain hurt ache injury back medication painkiller sore limp bruise",
        "Mental health": "depression anxiety therapy counsellor mood cry "
        "breakdown medication psychiatrist worry",
    },
    "Relationships": {
        "Partner": "boyfriend partner husband relationship marry split jealous abuse leave ex",
        "Family": "mother father sister brother family parent aunt cousin grandmother relative",
        "Police": "police arrest cell court officer custody warrant caution charge prison",
        "Violence": "hit punch attack assault beat violent knife bruise kick threaten",
        "Peers": "mate neighbour crowd peer gang street pal hang buddy estate",
    },
    "Change": {
        "Goals": "goal target aim progress achieve step milestone track improve succeed",
        "Relapse": "relapse slip lapse fall temptation trigger crave backslide resist urge",
        "Work": "job work employer interview boss career apply cv office wage",
        "Learning": "course learn class study college skill certificate teacher lesson exam",
        "Routine": "routine structure habit daily chore tidy organise clean diary regular",
    },
}
"""Per theme, per code: the words of its lexicon (lemmas)."""
TEMPLATES = [
    "It was all about the {a} and the {b}, really.",
    "I kept thinking about {a}, and then {b} on top of it.",
    "You know, with the {a} and everything, the {b} just got worse.",
    "And the {a}, that was the thing, the {b} as well.",
    "Honestly the {a} was the main part, and {b} too.",
    "There was {a} every single day, and {b}.",
    "So I'd be {a} and then {b}, that's how it went.",
    "My {a} was a big deal for me, more than the {b}.",
]
FILLERS = [
    "Yeah, I suppose so.",
    "I mean, it was okay.",
    "We talked about a lot of things.",
    "It's hard to say, really.",
    "That's how it was at the time.",
    "I don't know, maybe.",
    "Well, you know how it is.",
    "It was a while ago now.",
    "Some days were better than others.",
    "I just got on with it.",
    "It is what it is.",
    "Anyway, that was then.",
]
QUESTIONS = [
    "Can you tell me more about that?",
    "How did that feel?",
    "What happened next?",
    "And how was the {a} for you?",
    "Did the {a} come up in the group?",
    "What helped?",
]
NEGATED = [
    "It was never about the {a}, not for me.",
    "I didn't have any {a} then.",
    "No {a} at all, that wasn't it.",
]


def inflections() -> dict[str, list[str]]:
    """lemma -> its other forms, from the English lemma table of spacy-lookups-data."""
    import spacy_lookups_data

    path = Path(spacy_lookups_data.__file__).parent / "data" / "en_lemma_lookup.json.gz"
    table = json.loads(gzip.decompress(path.read_bytes()))
    out: dict[str, list[str]] = defaultdict(list)
    for form, lemma in table.items():
        if form.isalpha() and form.islower():
            out[lemma].append(form)
    return {k: sorted(v) for k, v in out.items()}


def codebook(rng: random.Random) -> tuple[Codebook, dict[str, list[str]], dict[str, list[str]]]:
    """The codebook; per code path its whole lexicon and the words the codebook names."""
    themes = []
    lexicon: dict[str, list[str]] = {}
    named: dict[str, list[str]] = {}
    for theme, codes in THEMES.items():
        children = []
        for name, lexicon_words in codes.items():
            words = lexicon_words.split()
            rng.shuffle(words)
            keywords, described = words[:3], words[3:6]
            definition = (
                f"Talk about {name.lower()}: {described[0]}, {described[1]} or {described[2]}, "
                "as the participant describes it."
            )
            example = TEMPLATES[0].format(a=keywords[0], b=words[6])
            children.append(
                CodeSpec(
                    name=name, definition=definition, keywords=tuple(keywords), example=example
                )
            )
            lexicon[f"{theme}/{name}"] = words
            named[f"{theme}/{name}"] = words[:6]
        themes.append(CodeSpec(name=theme, codable=False, children=tuple(children)))
    return Codebook(name="Synthetic benchmark", codes=tuple(themes)), lexicon, named


def _form(word: str, forms: dict[str, list[str]], rng: random.Random) -> str:
    choices = [word, *forms.get(word, [])]
    out = rng.choice(choices)
    if len(out) >= 6 and rng.random() < 0.05:  # a typo: two letters swapped
        i = rng.randrange(1, len(out) - 2)
        out = out[:i] + out[i + 1] + out[i] + out[i + 2 :]
    return out


def interview(
    rng: random.Random,
    lexicon: dict[str, list[str]],
    forms: dict[str, list[str]],
    turns: int,
    label: str,
) -> tuple[str, list[tuple[str, int, int]]]:
    """Text of one interview and its codings ``(code, start, end)``."""
    paths = sorted(lexicon)
    favourites = rng.sample(paths, 8)  # each participant talks mostly about a few codes
    text = f"SYNTHETIC INTERVIEW {label} for qualcode's suggestion benchmark.\n\n"
    codings: list[tuple[str, int, int]] = []
    for _ in range(turns):
        any_code = rng.choice(paths)
        question = rng.choice(QUESTIONS).format(a=_form(rng.choice(lexicon[any_code]), forms, rng))
        text += f"Interviewer: {question}\n\n{label}: "
        sentences = []
        for _ in range(rng.randint(1, 5)):
            roll = rng.random()
            if roll < 0.36:
                code = rng.choice(favourites) if rng.random() < 0.7 else rng.choice(paths)
                a, b = rng.sample(lexicon[code], 2)
                template = rng.choice(TEMPLATES)
                sentence = template.format(a=_form(a, forms, rng), b=_form(b, forms, rng))
                sentences.append((sentence, code if rng.random() > 0.05 else None))
            elif roll < 0.42:
                code = rng.choice(paths)
                word = _form(rng.choice(lexicon[code]), forms, rng)
                sentences.append((rng.choice(NEGATED).format(a=word), None))
            else:
                sentences.append((rng.choice(FILLERS), None))
        for i, (sentence, code) in enumerate(sentences):
            if i:
                text += " "
            if code is not None:
                codings.append((code, len(text), len(text) + len(sentence)))
            text += sentence
        text += "\n\n"
    return text, codings


def build_project(folder: Path, documents: int, seed: int = 7) -> tuple[Path, str]:
    """The synthetic project; returns its path and the name of the 10,000-word interview."""
    rng = random.Random(seed)
    forms = inflections()
    book, lexicon, _named = codebook(rng)
    files = []
    all_codings: list[tuple[str, str, int, int]] = []
    for n in range(1, documents + 1):
        label = f"P{n:02d}"
        text, codings = interview(rng, lexicon, forms, rng.randint(55, 70), label)
        path = folder / f"synthetic-{label.lower()}.txt"
        path.write_text(text, encoding="utf-8")
        files.append(path)
        all_codings.extend((path.stem, code, s, e) for code, s, e in codings)
    big_text, _ = interview(rng, lexicon, forms, 330, "P99")
    big = folder / "synthetic-long.txt"
    big.write_text(big_text, encoding="utf-8")
    files.append(big)
    project_path = folder / "synthetic.qualcode"
    codings_csv = folder / "codings.csv"
    with codings_csv.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["document", "code", "coder", "start", "end"])
        for doc, code, start, end in all_codings:
            writer.writerow([doc, code, CODER, start, end])
    with Project.create(project_path, actor="bench") as project:
        project.import_codebook(book)
        for outcome in project.import_files(files):
            assert outcome.error is None, outcome.error
        project.import_codings(codings_csv)
        stored = project.document_text("synthetic-p01")
        first = next(c for c in all_codings if c[0] == "synthetic-p01")
        assert stored[first[2] : first[3]].endswith((".", "?", "!")), "offsets moved on import"
    return project_path, big.stem


def cold_start() -> None:
    def run(code: str) -> float:
        out = subprocess.run(
            [sys.executable, "-c", code],
            capture_output=True,
            text=True,
            check=True,
            cwd=Path(__file__).resolve().parents[1],
        )
        return float(out.stdout.strip().splitlines()[-1])

    timer = "import time; t = time.perf_counter()\n"
    done = "\nprint(time.perf_counter() - t)"
    spacy = min(run(timer + "import spacy" + done) for _ in range(3))
    built = min(
        run(timer + "from qualcode.nlp.pipeline import get_nlp; get_nlp()" + done) for _ in range(3)
    )
    tiny = (
        "import tempfile, pathlib\n"
        "from qualcode import Project\n"
        "with tempfile.TemporaryDirectory() as tmp:\n"
        "    folder = pathlib.Path(tmp)\n"
        "    (folder / 'a.txt').write_text('Interviewer: Hi?\\n\\nP1: The bus fare was a worry.')\n"
        "    with Project.create(folder / 's.qualcode', actor='b') as p:\n"
        "        p.add_code('Travel', keywords=['bus'])\n"
        "        p.import_files([folder / 'a.txt'])\n"
        "        t = time.perf_counter()\n"
        "        from qualcode.suggest import suggest\n"
        "        suggest(p)\n"
        "        print(time.perf_counter() - t)\n"
    )
    first = min(run("import time\n" + tiny) for _ in range(3))
    print(
        f"cold start (best of 3 fresh processes): import spacy {spacy:.2f} s; "
        f"pipeline built (import included) {built:.2f} s; first suggest on a tiny project "
        f"(spaCy, scikit-learn, rapidfuzz imported, pipeline built) {first:.2f} s"
    )


def evaluation(project_path: Path, folds: int | None) -> None:
    from qualcode.suggest import evaluate

    with Project.open(project_path) as project:
        report = evaluate(project, CODER, folds=folds, save=False)
    print(
        f"held-out evaluation: {report['documents']} documents, {report['folds']} folds, "
        f"{report['sentences']:,} sentences, {len(report['codes'])} codes, "
        f"{report['seconds']:.0f} s"
    )
    print(
        f"  {'engine':<10} {'thr':>4} {'micro P':>8} {'micro R':>8} {'micro F1':>9} {'macro F1':>9}"
    )
    rows = [(name, entry, report["thresholds"][name]) for name, entry in report["engines"].items()]
    rows += [(f"queue:{name}", entry, "q") for name, entry in report["queue"].items()]
    for name, entry, threshold in rows:
        micro, macro = entry["micro"], entry["macro"]
        print(
            f"  {name:<15} {threshold:>4} {micro['precision'] or 0:>8.3f} "
            f"{micro['recall'] or 0:>8.3f} {micro['f1'] or 0:>9.3f} {macro['f1'] or 0:>9.3f} "
            f"{entry['per_1000_words']:>8} per 1,000 words"
        )


def command_line(folder: Path, rounds: int) -> None:
    """Wall time of ``qualcode suggest --document`` in new processes on the demo project."""
    qualcode = [sys.executable, "-m", "qualcode"]
    subprocess.run(
        [*qualcode, "demo", "--no-ui", "--dir", str(folder / "demo")],
        check=True,
        capture_output=True,
    )
    path = str(folder / "demo" / "demo.qualcode")
    args = [*qualcode, "suggest", path, "--document", "p05-kirsty", "--json"]

    def timed() -> float:
        started = time.perf_counter()
        subprocess.run(args, check=True, capture_output=True)
        return time.perf_counter() - started

    first = timed()
    again = sorted(timed() for _ in range(rounds))
    subprocess.run(
        [
            *qualcode,
            "code",
            path,
            "--document",
            "p05-kirsty",
            "--code",
            "Engagement barriers/Travel and distance",
            "--coder",
            "ann",
            "--quote",
            "bus",
        ],
        check=True,
        capture_output=True,
    )
    changed = timed()
    print(
        f"demo, qualcode suggest --document p05-kirsty in a new process: first {first:.2f} s; "
        f"again (cached) {', '.join(f'{t:.2f}' for t in again)} s (goal <= 1.5 s); "
        f"after a new coding {changed:.2f} s"
    )


def timings(project_path: Path, big: str, rounds: int) -> None:
    from qualcode.nlp import pipeline
    from qualcode.suggest import suggest
    from qualcode.suggest.corpus import load_corpus
    from qualcode.suggest.engines import build_engines
    from qualcode.suggest.learned import MODELS

    with Project.open(project_path) as project:
        corpus = load_corpus(project, CODER)
        coded = corpus.coded_documents()
        sentences = 0
        pipeline.clear_cache()
        started = time.perf_counter()
        for name in coded:
            sentences += len(corpus.analysis(name))
        parse = time.perf_counter() - started
        coded_sentences = int(sum(corpus.labels(n).any(axis=1).sum() for n in coded))
        best = float("inf")
        for _ in range(rounds):
            MODELS.clear()
            started = time.perf_counter()
            engines = build_engines(corpus, corpus.codings, coded)
            best = min(best, time.perf_counter() - started)
        words = sum(len(corpus.documents[n].text.split()) for n in coded)
        print(
            f"training on {len(coded)} documents ({words:,} words, {sentences:,} sentences, "
            f"{coded_sentences:,} coded sentences, {len(corpus.codings):,} codings, "
            f"{len(engines.learned.trained)} codes learned): parsing {parse:.2f} s + "
            f"engines {best:.2f} s = {parse + best:.2f} s (goal 10 s)"
        )
        MODELS.clear()
        suggest(project, coder=CODER, document=big)  # trains and caches the model
        big_words = len(project.document_text(big).split())
        best = float("inf")
        count = 0
        for _ in range(rounds):
            started = time.perf_counter()
            count = len(suggest(project, coder=CODER, document=big))
            best = min(best, time.perf_counter() - started)
        print(
            f"suggest for a {big_words:,}-word interview, trained model cached, warm: "
            f"{best:.2f} s (goal 1 s), {count} suggestions"
        )


def compare(project_path: Path) -> None:
    """One split (every fifth coded document held out): variants of two engines."""
    import numpy as np
    from rapidfuzz import fuzz, process

    from qualcode.suggest.corpus import load_corpus
    from qualcode.suggest.engines import build_engines
    from qualcode.suggest.similar import exemplars

    with Project.open(project_path) as project:
        corpus = load_corpus(project, CODER)
    coded = corpus.coded_documents()
    held = coded[::5]
    training = [c for c in corpus.codings if c.document not in set(held)]
    engines = build_engines(corpus, training, coded)
    gold = np.vstack([corpus.labels(n) for n in held])

    def f1(scores: np.ndarray, threshold: float) -> float:
        predicted = scores >= threshold
        tp = (predicted & gold).sum()
        return float(
            2 * tp / max(1, 2 * tp + (predicted & ~gold).sum() + (~predicted & gold).sum())
        )

    views = [engines.view(n) for n in held]
    started = time.perf_counter()
    tfidf = np.vstack([engines.similar.score(v).matrix for v in views])
    tfidf_s = time.perf_counter() - started
    examples = exemplars(corpus, corpus.codes, training)
    shown = [e.shown for e in examples]
    owner = np.array([e.code for e in examples])
    started = time.perf_counter()
    fuzzy = np.zeros_like(tfidf)
    row = 0
    for name, view in zip(held, views, strict=True):
        text = corpus.documents[name].text
        sentences = [text[s:e] for s, e in view.analysis.spans]
        matrix = process.cdist(
            sentences, shown, scorer=fuzz.token_set_ratio, workers=1, processor=str.lower
        )
        for code in np.unique(owner):
            fuzzy[row : row + len(sentences), code] = matrix[:, owner == code].max(axis=1) / 100
        row += len(sentences)
    fuzzy_s = time.perf_counter() - started
    print(
        f"similarity, {len(held)} held-out documents ({gold.shape[0]:,} sentences) x "
        f"{len(examples):,} exemplars:"
    )
    print(
        f"  TF-IDF cosine     best F1 {max(f1(tfidf, t) for t in np.arange(0.1, 1, 0.05)):.3f}, "
        f"{tfidf_s:.2f} s"
    )
    print(
        f"  token_set_ratio   best F1 {max(f1(fuzzy, t) for t in np.arange(0.1, 1, 0.05)):.3f}, "
        f"{fuzzy_s:.2f} s"
    )
    learned = np.vstack([engines.learned.score(v).matrix for v in views])
    print(
        f"learned, same split: scikit-learn TF-IDF + logistic regression best F1 "
        f"{max(f1(learned, t) for t in np.arange(0.1, 1, 0.05)):.3f}"
    )
    spacy_textcat(corpus, held, training, gold, f1)


def spacy_textcat(corpus, held, training, gold, f1) -> None:  # type: ignore[no-untyped-def]
    """spaCy textcat_multilabel, bag of words (TextCatBOW.v3), lr 0.01, 10 epochs."""
    import numpy as np
    import spacy
    from spacy.training import Example
    from thinc.api import Adam

    codes = [c.path for c in corpus.codes]
    nlp = spacy.blank("en")
    textcat = nlp.add_pipe(
        "textcat_multilabel",
        config={
            "model": {
                "@architectures": "spacy.TextCatBOW.v3",
                "exclusive_classes": False,
                "ngram_size": 1,
                "no_output_layer": False,
            }
        },
    )
    for code in codes:
        textcat.add_label(code)
    by_document = defaultdict(list)
    for coding in training:
        by_document[coding.document].append(coding)
    examples = []
    for name in sorted(by_document):
        labels = corpus.labels(name, by_document[name])
        text = corpus.documents[name].text
        for (start, end), row in zip(corpus.analysis(name).spans, labels, strict=True):
            cats = {code: float(row[i]) for i, code in enumerate(codes)}
            examples.append(Example.from_dict(nlp.make_doc(text[start:end]), {"cats": cats}))
    started = time.perf_counter()
    optimizer = nlp.initialize(lambda: examples[:200])
    optimizer = Adam(0.01)
    rng = random.Random(0)
    for _epoch in range(10):
        rng.shuffle(examples)
        for i in range(0, len(examples), 32):
            nlp.update(examples[i : i + 32], sgd=optimizer)
    train_s = time.perf_counter() - started
    started = time.perf_counter()
    rows = []
    for name in held:
        text = corpus.documents[name].text
        docs = nlp.pipe(text[s:e] for s, e in corpus.analysis(name).spans)
        rows.extend([doc.cats[c] for c in codes] for doc in docs)
    scores = np.array(rows, dtype=np.float32)
    score_s = time.perf_counter() - started
    print(
        f"  spaCy textcat_multilabel (BOW, lr 0.01, 10 epochs) best F1 "
        f"{max(f1(scores, t) for t in np.arange(0.1, 1, 0.05)):.3f}; training {train_s:.1f} s, "
        f"scoring {score_s:.2f} s"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--documents", type=int, default=47)
    parser.add_argument(
        "--folds",
        type=int,
        default=10,
        help="Folds of documents (0: hold out each document in turn).",
    )
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--compare", action="store_true")
    parser.add_argument(
        "--cli-only", action="store_true", help="Only time the command line on the demo project."
    )
    args = parser.parse_args()
    if args.cli_only:
        with tempfile.TemporaryDirectory(prefix="qualcode-bench-suggest-") as tmp:
            command_line(Path(tmp), args.rounds)
        return
    cold_start()
    with tempfile.TemporaryDirectory(prefix="qualcode-bench-suggest-") as tmp:
        started = time.perf_counter()
        path, big = build_project(Path(tmp), args.documents)
        print(f"synthetic project built in {time.perf_counter() - started:.1f} s")
        evaluation(path, args.folds or None)
        timings(path, big, args.rounds)
        command_line(Path(tmp), args.rounds)
        if args.compare:
            compare(path)


if __name__ == "__main__":
    main()
