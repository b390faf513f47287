"""Hostile subtitle and transcript files: import time against size (issue 14, item 7).

    python benchmarks/bench_redos.py

Reads files made of one fragment repeated (``<v `` in a cue, a long cue line with no cue in
it, spaces, ``**a``) through ``read_file``, at 10k, 20k, 40k and 100k characters, and prints
the seconds and the ratio to the 10k time. Linear parsing shows ratios near 2, 4 and 10; the
old ``_VOICE`` and ``_CUE`` patterns gave 0.45 / 1.57 / 7.88 s at 10k / 20k / 40k.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from timing import best_of  # noqa: E402

from qualcode.errors import BadInputError  # noqa: E402
from qualcode.importers import read_file  # noqa: E402

SIZES = (10_000, 20_000, 40_000, 100_000)
CASES = {
    "vtt, '<v ' in a cue": (".vtt", "WEBVTT\n\n00:00.000 --> 00:01.000\n", "<v "),
    "vtt, '<v.' in a cue": (".vtt", "WEBVTT\n\n00:00.000 --> 00:01.000\n", "<v."),
    "vtt, one long line": (".vtt", "WEBVTT\n\n", "a "),
    "srt, spaces": (".srt", "1\n00:00:00,000 --> 00:00:01,000\n", " \n"),
    "txt, '**a' labels": (".txt", "", "**a"),
    "txt, long label-like line": (".txt", "", "Ann "),
}


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        for name, (suffix, head, pump) in CASES.items():
            times = []
            for size in SIZES:
                path = Path(folder) / f"hostile{suffix}"
                path.write_text(head + pump * (size // len(pump)) + "\n", encoding="utf-8")

                def read(path: Path = path) -> object:
                    try:
                        return read_file(path)
                    except BadInputError as exc:
                        return exc

                seconds, outcome = best_of(3, read)
                times.append(seconds)
            what = "refused" if isinstance(outcome, BadInputError) else "imported"
            cells = "  ".join(
                f"{size // 1000:>4}k {t:7.3f} s" for size, t in zip(SIZES, times, strict=True)
            )
            ratios = " / ".join(f"{t / times[0]:.1f}" for t in times[1:])
            print(f"{name:<28} {cells}   ratios to 10k: {ratios} ({what})")


if __name__ == "__main__":
    main()
