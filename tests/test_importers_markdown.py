"""Markdown transcripts are stored as a reader sees them (issue 18): no escapes, emphasis or
bold labels inside turns; bracketed time marks are times, not words; a bold non-speaker label
such as **Break:** is a turn of its own."""

from __future__ import annotations

from pathlib import Path

from qualcode import Project

SOURCE = (
    "# Episode 7\n\n"
    "**Ann Lee:** \\[00:12\\] Welcome *back*. \\[laughs\\] See [the notes](https://x.example).\n\n"
    "**Bo:** Thanks, I went to \\[01:20\\] school there \\[01:25\\].\n\n"
    "More from Bo: **really** 10\\*5 \\_under\\_.\n\n"
    "**Break:** \\[22:46\\]\n\n"
    "**Ann Lee:** We're back.\n"
)


def test_markdown_is_stored_as_read(tmp_path: Path) -> None:
    source = tmp_path / "episode.md"
    source.write_text(SOURCE, encoding="utf-8")
    with Project.create(tmp_path / "p.qualcode", actor="t") as project:
        [outcome] = project.import_files([source])
        assert outcome.error is None
        text = project.document_text("episode")
        turns = [(t.speaker, text[t.start : t.end], t.ts_start) for t in project.turns("episode")]
    assert turns == [
        (None, "Episode 7", None),
        ("Ann Lee", "Ann Lee: Welcome back. [laughs] See the notes.", 12.0),
        ("Bo", "Bo: Thanks, I went to school there.\n\nMore from Bo: really 10*5 _under_.", None),
        (None, "Break", 22 * 60 + 46.0),
        ("Ann Lee", "Ann Lee: We're back.", None),
    ]
    assert "\\" not in text and "**" not in text
