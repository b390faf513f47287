"""Report speed on a large synthetic project: 500,000 codings over 2,000 documents, 200 codes
(20 themes of 9 sub-codes), 300 cases with a ``group`` and a ``site`` attribute, two coders.

    python benchmarks/bench_reports.py [--codings 500000] [--documents 2000] [--keep DIR]

1. A hand-written SQL ``GROUP BY`` of the plain counts (codings, distinct documents, distinct
   cases per code and group value: no roll-up, no merging, no words, no speakers), and
   ``frequencies(project, by="group")`` (everything: load, theme roll-up, merging, pieces per
   turn, words, speakers, cases), best of several rounds in the same run. Goal: the report
   <= 3x the SQL.
2. ``export(project, "all", "report.xlsx")``: every table in one workbook (frequencies by
   group, code x group cross-tab, code x case matrix, co-occurrence, quotes (5 per code),
   saturation, codebook). Goal <= 10 s.

The project is built with Core bulk inserts in a temporary folder (about 20 s; ``--keep DIR``
keeps it in DIR and reuses it on the next run).
"""

from __future__ import annotations

import argparse
import hashlib
import sys
import tempfile
import time
import uuid
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from timing import best_of  # noqa: E402  (benchmarks/timing.py)

from qualcode import Project  # noqa: E402

THEMES, SUBCODES, CASES, TURNS = 20, 9, 300, 60
SITES = ("North", "South", "East", "West")


def _vocabulary(rng: np.random.Generator) -> list[str]:
    letters = np.array(list("abcdefghijklmnopqrstuvwxyz"))
    return ["".join(rng.choice(letters, size=int(n))) for n in rng.integers(2, 10, size=3000)]


def build(path: Path, documents: int, codings: int, seed: int = 7) -> None:
    """Create the synthetic project at ``path`` with Core bulk inserts."""
    from sqlalchemy import insert, select

    from qualcode.store.models import (
        Attribute,
        AttributeValue,
        Case,
        Code,
        Coder,
        Coding,
        Document,
        Speaker,
        Turn,
    )

    rng = np.random.default_rng(seed)
    vocab = _vocabulary(rng)
    vocab_len = np.array([len(w) for w in vocab])
    per_doc = codings // documents
    with Project.create(path, actor="bench") as project, project._write() as session:
        conn = session.connection()
        conn.execute(
            insert(Coder.__table__),
            [{"uuid": str(uuid.uuid4()), "name": n, "role": "coder"} for n in ("ann", "ben")],
        )
        coder_ids = list(
            conn.execute(select(Coder.id).where(Coder.name.in_(["ann", "ben"]))).scalars()
        )
        for t in range(THEMES):
            theme = conn.execute(
                insert(Code.__table__).values(
                    uuid=str(uuid.uuid4()),
                    name=f"Theme {t + 1:02d}",
                    position=t,
                    keywords=[],
                    definition=f"Everything about topic {t + 1}.",
                )
            ).inserted_primary_key[0]
            conn.execute(
                insert(Code.__table__),
                [
                    {
                        "uuid": str(uuid.uuid4()),
                        "name": f"Theme {t + 1:02d} sub-code {s + 1} with a rather long name",
                        "parent_id": theme,
                        "position": s,
                        "keywords": [],
                    }
                    for s in range(SUBCODES)
                ],
            )
        code_ids = np.array(list(conn.execute(select(Code.id).order_by(Code.id)).scalars()))
        conn.execute(
            insert(Case.__table__),
            [{"uuid": str(uuid.uuid4()), "name": f"C{i:03d}"} for i in range(CASES)],
        )
        case_ids = list(conn.execute(select(Case.id).order_by(Case.name)).scalars())
        for name in ("group", "site"):
            conn.execute(insert(Attribute.__table__).values(uuid=str(uuid.uuid4()), name=name))
        attr = dict(conn.execute(select(Attribute.name, Attribute.id)).all())
        conn.execute(
            insert(AttributeValue.__table__),
            [
                row
                for i, cid in enumerate(case_ids)
                for row in (
                    {
                        "case_id": cid,
                        "attribute_id": attr["group"],
                        "value": "staff" if i % 5 == 0 else "participant",
                    },
                    {"case_id": cid, "attribute_id": attr["site"], "value": SITES[i % 4]},
                )
            ],
        )
        coding_rows: list[dict[str, object]] = []
        for d in range(documents):
            focus = d % 40 == 39
            labels = [f"Person {k}" for k in range(6)] if focus else [f"P{d:04d}"]
            parts, turns, spans = [], [], []
            at = 0
            for t in range(TURNS):
                interviewer = t % 2 == 0
                label = "Interviewer" if interviewer else labels[(t // 2) % len(labels)]
                n = int(rng.integers(10, 30) if interviewer else rng.integers(40, 90))
                words = rng.integers(0, len(vocab), size=n)
                body = " ".join(vocab[w] for w in words)
                head = f"{label}: "
                starts = (
                    at + len(head) + np.concatenate(([0], np.cumsum(vocab_len[words] + 1)[:-1]))
                )
                ends = starts + vocab_len[words]
                turns.append((label, at, at + len(head), at + len(head) + len(body)))
                if not interviewer:
                    spans.append((starts, ends))
                parts.append(head + body + "\n\n")
                at += len(head) + len(body) + 2
            text = "".join(parts)
            doc_id = conn.execute(
                insert(Document.__table__).values(
                    uuid=str(uuid.uuid4()),
                    name=f"doc{d:04d}",
                    text=text,
                    kind="focus-group" if focus else "interview",
                    sha256=hashlib.sha256(text.encode()).hexdigest(),
                    words=sum(len(s[0]) for s in spans),
                    case_id=None if focus else case_ids[d % CASES],
                )
            ).inserted_primary_key[0]
            speaker_ids = {}
            for k, label in enumerate(["Interviewer", *labels]):
                case = case_ids[(d * 7 + k) % CASES] if focus and k else None
                speaker_ids[label] = conn.execute(
                    insert(Speaker.__table__).values(
                        uuid=str(uuid.uuid4()),
                        document_id=doc_id,
                        label=label,
                        case_id=case,
                        role="interviewer" if k == 0 else "participant",
                    )
                ).inserted_primary_key[0]
            conn.execute(
                insert(Turn.__table__),
                [
                    {
                        "document_id": doc_id,
                        "ordinal": i,
                        "speaker_id": speaker_ids[label],
                        "start": s,
                        "body_start": b,
                        "end": e,
                    }
                    for i, (label, s, b, e) in enumerate(turns)
                ],
            )
            which = rng.integers(0, len(spans), size=per_doc)
            length = rng.integers(3, 30, size=per_doc)
            leaf = rng.random(per_doc) < 0.9
            theme = rng.integers(0, THEMES, size=per_doc)
            code = np.where(
                leaf,
                theme * (SUBCODES + 1) + 1 + rng.integers(0, SUBCODES, per_doc),
                theme * (SUBCODES + 1),
            )
            coder = rng.integers(0, 2, size=per_doc)
            for i in range(per_doc):
                starts, ends = spans[which[i]]
                first = int(rng.integers(0, len(starts)))
                last = min(first + int(length[i]), len(starts)) - 1
                coding_rows.append(
                    {
                        "uuid": str(uuid.uuid4()),
                        "document_id": doc_id,
                        "code_id": int(code_ids[code[i]]),
                        "coder_id": coder_ids[coder[i]],
                        "start": int(starts[first]),
                        "end": int(ends[last]),
                        "origin": "manual",
                    }
                )
        # One active coding per span, coder and code (migration 0004): drop the random repeats.
        unique = {
            (r["document_id"], r["code_id"], r["coder_id"], r["start"], r["end"]): r
            for r in coding_rows
        }
        conn.execute(insert(Coding.__table__), list(unique.values()))


BASELINE = """
WITH doc_case AS MATERIALIZED (SELECT id, case_id FROM documents)
SELECT c.code_id, v.value, COUNT(*), COUNT(DISTINCT c.document_id), COUNT(DISTINCT d.case_id)
FROM codings c
JOIN doc_case d ON d.id = c.document_id
LEFT JOIN attribute_values v ON v.case_id = d.case_id
    AND v.attribute_id = (SELECT id FROM attributes WHERE name = 'group')
WHERE c.deleted_at IS NULL
GROUP BY c.code_id, v.value
"""


def race(path: Path, rounds: int) -> None:
    from sqlalchemy import text

    from qualcode.reports import frequencies

    with Project.open(path) as project:

        def baseline() -> int:
            with project._read() as session:
                return len(session.execute(text(BASELINE)).all())

        sql_t, groups = best_of(rounds, baseline)
        report_t, report = best_of(rounds, lambda: frequencies(project, by="group"))
        print(f"SQL GROUP BY of plain counts ({groups} code x group rows): {sql_t:.3f} s")
        print(
            f"frequencies(by='group') ({len(report.rows)} rows, roll-up, words, speakers): "
            f"{report_t:.3f} s | ratio {report_t / sql_t:.2f}x (goal <= 3x)"
        )


def workbook(path: Path, folder: Path) -> None:
    from qualcode.reports import export

    with Project.open(path) as project:
        target = folder / "report.xlsx"
        started = time.perf_counter()
        export(project, "all", target, by="group", per_code=5)
        seconds = time.perf_counter() - started
        print(
            f"XLSX of all tables: {seconds:.2f} s ({target.stat().st_size / 1e6:.1f} MB; "
            "goal <= 10 s)"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--codings", type=int, default=500_000)
    parser.add_argument("--documents", type=int, default=2_000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--keep", type=Path, help="Build (or reuse) the project in this folder.")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="qualcode-bench-") as tmp:
        folder = args.keep or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"bench-{args.documents}-{args.codings}.qualcode"
        if not path.exists():
            started = time.perf_counter()
            build(path, args.documents, args.codings)
            print(
                f"built {path.name}: {args.codings:,} codings, {args.documents:,} documents, "
                f"{THEMES * (SUBCODES + 1)} codes, {CASES} cases in "
                f"{time.perf_counter() - started:.1f} s"
            )
        race(path, args.rounds)
        workbook(path, folder)


if __name__ == "__main__":
    main()
