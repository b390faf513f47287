"""Speaker aliases: one person written two ways in one transcript ('Bekah' and 'Bekah Hawrot
Weigel') is suggested and merged, by the library and by ``qualcode speakers``."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from qualcode import Project
from qualcode.project.documents import likely_aliases

from .test_cli import run  # noqa: F401  (the fixture)

REAL = Path(__file__).resolve().parents[1].parent / "shared" / "real_transcripts"
SRT = REAL / "virtualcoffee_s5e6.srt"


def test_likely_aliases_are_parts_of_one_other_label() -> None:
    labels = ["Bekah Hawrot Weigel", "Dan Ott", "Bekah", "Dan", "Ann", "Ann Lee", "Ann Ray", "P1"]
    assert likely_aliases(labels) == [("Bekah", "Bekah Hawrot Weigel"), ("Dan", "Dan Ott")]
    assert likely_aliases(["Weigel", "Bekah Hawrot Weigel"]) == [("Weigel", "Bekah Hawrot Weigel")]
    assert likely_aliases(["Dana", "Dan Ott"]) == []  # a part of a word is not a name part


@pytest.mark.skipif(not SRT.is_file(), reason=f"real transcript not available ({SRT})")
def test_merge_on_the_real_transcript_by_cli(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    shutil.copy(SRT, tmp_path / SRT.name)
    assert run("init", "s.qualcode").code == 0
    assert run("import", "s.qualcode", SRT.name).code == 0
    with Project.open(tmp_path / "s.qualcode") as project:
        before = {s.label: s.turns for s in project.speakers()}
        text_before = project.document_text("virtualcoffee_s5e6")
    assert {"Bekah", "Bekah Hawrot Weigel"} <= set(before)
    suggested = run("speakers", "aliases", "s.qualcode")
    assert "'Bekah' is likely 'Bekah Hawrot Weigel'" in suggested.out
    merged = run(
        "speakers", "merge", "s.qualcode", "virtualcoffee_s5e6", "Bekah Hawrot Weigel", "Bekah"
    )
    assert merged.code == 0, merged.err
    with Project.open(tmp_path / "s.qualcode") as project:
        after = {s.label: s.turns for s in project.speakers()}
        turns = project.turns("virtualcoffee_s5e6")
        assert project.document_text("virtualcoffee_s5e6") == text_before
        [entry] = project.log(action="speaker.merge")
    assert "Bekah" not in after
    assert after["Bekah Hawrot Weigel"] == before["Bekah"] + before["Bekah Hawrot Weigel"]
    assert sum(t.speaker == "Bekah Hawrot Weigel" for t in turns) == after["Bekah Hawrot Weigel"]
    assert entry.payload["aliases"] == ["Bekah"]
    # A label not in the document: one line, nothing changed.
    bad = run("speakers", "merge", "s.qualcode", "virtualcoffee_s5e6", "Dan Ott", "Zed")
    assert bad.code != 0 and "has no speaker 'Zed'" in bad.err and "\n" not in bad.err.strip()
    with Project.open(tmp_path / "s.qualcode") as project:
        assert {s.label: s.turns for s in project.speakers()} == after
