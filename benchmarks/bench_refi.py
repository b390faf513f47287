"""REFI-QDA speed: export to .qdpx and import into an empty project, on the demo project and on a
synthetic project of 100 documents and 50,000 codings.

    python benchmarks/bench_refi.py [--docs 100] [--codings 50000] [--rounds 3]

1. The demo project (``qualcode.demo.build_demo``) with a few memos: export, then import the
   file into a new project; best of several rounds.
2. A synthetic project: 100 interview transcripts (~3,000 words each, speaker turns, a few
   emoji), a 50-code two-level codebook, three coders, 50,000 codings, 200 memos, 100 cases with
   two attributes. Set up with SQLAlchemy Core bulk inserts (the setup is not what is timed).
   Export, import into an empty project, and check that the counts came back.
"""

from __future__ import annotations

import argparse
import hashlib
import random
import sys
import tempfile
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from timing import best_of  # noqa: E402  (benchmarks/timing.py)

from qualcode import Project  # noqa: E402

WORDS = [
    "I",
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
    "think",
    "mean",
    "bus",
    "fare",
    "lunch",
    "group",
    "staff",
    "safe",
    "judged",
    "travel",
    "money",
    "morning",
    "night",
    "work",
    "score",
    "use",
    "help",
    "talk",
    "worker",
    "felt",
    "women",
    "came",
    "went",
    "said",
    "could",
    "would",
    "never",
    "always",
    "😀",
]


def round_trip(project_path: Path, folder: Path, rounds: int, label: str) -> None:
    from qualcode.interop import export_qdpx, import_qdpx_new

    target = folder / f"{label}.qdpx"
    with Project.open(project_path) as project:
        export_s, summary = best_of(rounds, lambda: export_qdpx(project, target))
    counts = summary.counts
    size = target.stat().st_size / 1e6
    print(
        f"{label}: {counts['documents']} documents, {counts['codings']:,} codings, "
        f"{counts['memos']} memos, {counts['cases']} cases -> {size:.1f} MB .qdpx"
    )
    n = [0]

    def load():  # type: ignore[no-untyped-def]
        n[0] += 1
        return import_qdpx_new(target, folder / f"{label}-copy{n[0]}.qualcode", actor="bench")

    import_s, imported = best_of(rounds, load)
    same = all(imported.added[k] == counts[k] for k in ("documents", "codings", "memos", "cases"))
    print(
        f"  export {export_s:.2f} s, import into an empty project {import_s:.2f} s "
        f"(best of {rounds}); counts {'identical' if same else 'DIFFER'}"
    )


def demo(folder: Path, rounds: int) -> None:
    from qualcode.demo import build_demo

    path, _ = build_demo(folder / "demo", echo=lambda _line: None)
    with Project.open(path) as project:
        project.add_memo("The travel theme needs splitting.", coder="ann")
        project.add_memo("Check with Ben.", coder="ann", target_type="document", target="p01-amy")
    round_trip(path, folder, rounds, "demo")


def synthetic(folder: Path, documents: int, codings: int, rounds: int) -> None:
    from sqlalchemy import insert

    from qualcode.importers.turns import split_turns
    from qualcode.store.models import (
        Attribute,
        AttributeValue,
        Case,
        Code,
        Coder,
        Coding,
        Document,
        Memo,
        Turn,
    )

    rng = random.Random(7)
    path = folder / "synthetic.qualcode"
    setup = time.perf_counter()
    with Project.create(path, actor="bench") as project, project._write() as session:
        conn = session.connection()
        coder_ids = []
        for name in ("ann", "ben", "cat"):
            row = Coder(name=name)
            session.add(row)
            session.flush()
            coder_ids.append(row.id)
        code_ids = []
        for theme in range(10):
            parent = Code(name=f"Theme {theme}", codable=False, position=theme)
            session.add(parent)
            session.flush()
            for sub in range(4):
                child = Code(
                    name=f"Code {theme}.{sub}",
                    parent_id=parent.id,
                    position=sub,
                    definition="When the speaker talks about it.",
                )
                session.add(child)
                session.flush()
                code_ids.append(child.id)
            code_ids.append(parent.id)
        group = Attribute(name="group", type="text")
        age = Attribute(name="age", type="integer")
        session.add_all([group, age])
        session.flush()
        doc_rows = []
        for d in range(documents):
            case = Case(name=f"P{d:03d}")
            session.add(case)
            session.flush()
            conn.execute(
                insert(AttributeValue.__table__),
                [
                    {"case_id": case.id, "attribute_id": group.id, "value": rng.choice(["a", "b"])},
                    {"case_id": case.id, "attribute_id": age.id, "value": str(rng.randint(18, 70))},
                ],
            )
            lines = []
            for turn in range(60):
                speaker = "Interviewer" if turn % 2 == 0 else f"P{d:03d}"
                lines.append(f"{speaker}: " + " ".join(rng.choices(WORDS, k=50)) + ".")
            text = "\n\n".join(lines) + "\n"
            doc_rows.append(
                {
                    "uuid": str(uuid.uuid4()),
                    "name": f"interview-{d:03d}",
                    "kind": "interview",
                    "text": text,
                    "sha256": hashlib.sha256(text.encode()).hexdigest(),
                    "words": len(text.split()),
                    "source_name": f"interview-{d:03d}.txt",
                    "source_format": "txt",
                    "case_id": case.id,
                }
            )
        conn.execute(insert(Document.__table__), doc_rows)
        docs = list(session.execute(Document.__table__.select()))
        turn_rows = []
        for doc in docs:
            for i, t in enumerate(split_turns(doc.text)):
                turn_rows.append(
                    {
                        "document_id": doc.id,
                        "ordinal": i,
                        "start": t.start,
                        "body_start": t.body_start,
                        "end": t.end,
                    }
                )
        conn.execute(insert(Turn.__table__), turn_rows)
        coding_rows = []
        for _ in range(codings):
            doc = rng.choice(docs)
            start = rng.randrange(0, len(doc.text) - 400)
            coding_rows.append(
                {
                    "uuid": str(uuid.uuid4()),
                    "document_id": doc.id,
                    "code_id": rng.choice(code_ids),
                    "coder_id": rng.choice(coder_ids),
                    "start": start,
                    "end": start + rng.randint(20, 400),
                    "origin": "manual",
                }
            )
        conn.execute(insert(Coding.__table__), coding_rows)
        conn.execute(
            insert(Memo.__table__),
            [
                {
                    "uuid": str(uuid.uuid4()),
                    "coder_id": rng.choice(coder_ids),
                    "document_id": rng.choice(docs).id,
                    "text": f"memo {i}: " + " ".join(rng.choices(WORDS, k=30)),
                }
                for i in range(200)
            ],
        )
    print(f"synthetic project set up in {time.perf_counter() - setup:.1f} s (not timed below)")
    round_trip(path, folder, rounds, "synthetic")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=100)
    parser.add_argument("--codings", type=int, default=50_000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="qualcode-bench-refi-") as tmp:
        demo(Path(tmp), args.rounds)
        synthetic(Path(tmp), args.docs, args.codings, args.rounds)


if __name__ == "__main__":
    main()
