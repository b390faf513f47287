# ruff: noqa: E501  (the child script builds XML and a docx in long literal lines)
"""Resource amplification (issue 14, item 12): time and peak memory against input size.

    python benchmarks/bench_amplification.py [--quick]

Each case runs in its own process (so its peak RSS is its own) at growing sizes, and prints the
seconds, the peak resident memory and the ratio of each time to the smallest size's. Linear
work doubles the time when the size doubles. Cases: a flat YAML codebook of n codes imported;
a CSV of n codings imported (``import_codings``); a DOCX of n empty paragraphs read; a text of
n one-word turns imported. Over ``MAX_LINES`` lines or paragraphs a file is refused at once.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

CASE = r"""
import csv, io, json, resource, sys, tempfile, time, zipfile
from pathlib import Path
sys.path.insert(0, sys.argv[3])
kind, n = sys.argv[1], int(sys.argv[2])
folder = Path(tempfile.mkdtemp())
from qualcode import Project
from qualcode.errors import QualcodeError
project = Project.create(folder / "p.qualcode", actor="ann")
if kind == "codebook":
    from qualcode.codebook import load_codebook
    (folder / "b.yaml").write_text("codes:\n" + "".join(f"  - name: Code {i}\n" for i in range(n)))
    book = load_codebook(folder / "b.yaml")
    run = lambda: project.import_codebook(book)
elif kind == "codings":
    (folder / "doc.txt").write_text("Amy: " + " ".join(f"w{i}" for i in range(n * 3)) + "\n")
    project.import_files([folder / "doc.txt"]); project.add_code("Bus")
    with (folder / "c.csv").open("w", newline="") as handle:
        out = csv.writer(handle); out.writerow(["document", "code", "coder", "start", "end"])
        out.writerows(["doc", "Bus", "ann", 5 + 3 * i, 9 + 3 * i] for i in range(n))
    run = lambda: project.import_codings(folder / "c.csv")
elif kind == "docx":
    from qualcode.importers import read_file
    ns = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
    body = f"<w:document {ns}><w:body><w:p><w:r><w:t>Amy: hi</w:t></w:r></w:p>" + "<w:p/>" * n + "</w:body></w:document>"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>')
        z.writestr("_rels/.rels", '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>')
        z.writestr("word/document.xml", body)
    (folder / "e.docx").write_bytes(buffer.getvalue())
    run = lambda: read_file(folder / "e.docx")
else:
    (folder / "t.txt").write_text("A: b\n" * n)
    run = lambda: project.import_files([folder / "t.txt"])[0].error or "ok"
started = time.perf_counter()
try:
    outcome = run()
    refused = isinstance(outcome, str) and outcome != "ok"
except QualcodeError:
    refused = True
seconds = time.perf_counter() - started
print(json.dumps({"seconds": seconds, "mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024, "refused": refused}))
"""

SIZES = {
    "codebook": (1000, 2000, 4000),
    "codings": (2000, 4000, 8000, 16000),
    "docx": (50_000, 100_000, 200_000, 400_000),
    "turns": (25_000, 50_000, 100_000, 400_000),
}
LABELS = {
    "codebook": "codes in a YAML codebook",
    "codings": "rows of import-codings",
    "docx": "empty DOCX paragraphs",
    "turns": "one-word turns in a .txt",
}


def measure(kind: str, n: int, source: Path) -> dict[str, float]:
    done = subprocess.run(
        [sys.executable, "-c", CASE, kind, str(n), str(source)],
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true", help="only the two smallest sizes")
    parser.add_argument(
        "--source",
        type=Path,
        default=ROOT,
        help="the qualcode source tree to measure (default: this one)",
    )
    args = parser.parse_args()
    for kind, sizes in SIZES.items():
        first = None
        for n in sizes[:2] if args.quick else sizes:
            result = measure(kind, n, args.source)
            first = first or result["seconds"]
            note = "refused" if result["refused"] else f"x{result['seconds'] / first:.1f}"
            print(
                f"{LABELS[kind]:<26} {n:>8,}  {result['seconds']:7.2f} s  "
                f"{result['mb']:>5} MB peak  {note}",
                flush=True,
            )


if __name__ == "__main__":
    main()
