"""A document is who it is (uuid, name, source), never what it says: identical texts stay
apart, and only the same document imported again is skipped, with a message."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from qualcode import Project
from qualcode.cli import main
from qualcode.errors import BadInputError

DATA = Path(__file__).parent / "data" / "identity"


def _run(args: list[str]) -> int:
    try:
        main(args)
    except SystemExit as exc:
        return exc.code if isinstance(exc.code, int) else 1
    return 0


def test_survey_respondents_with_the_same_answer_are_two_documents(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("QUALCODE_USER", "tester")
    shutil.copy(DATA / "dup.csv", tmp_path / "dup.csv")
    args = [
        "import",
        "d.qualcode",
        "dup.csv",
        "--responses",
        "row",
        "--text-column",
        "Answer",
        "--id-column",
        "ResponseId",
    ]
    assert _run(["init", "d.qualcode"]) == 0
    assert _run(args) == 0, capsys.readouterr().err
    capsys.readouterr()
    with Project.open(tmp_path / "d.qualcode") as project:
        docs = {d.name: d for d in project.documents()}
        assert sorted(docs) == ["dup-R_1", "dup-R_2", "dup-R_3"]
        assert docs["dup-R_1"].sha256 == docs["dup-R_2"].sha256
        assert docs["dup-R_1"].uuid != docs["dup-R_2"].uuid
        assert project.document_text("dup-R_2").endswith("Not sure")
    # The same file again: caught, skipped with one message, not an error.
    assert _run(args) == 0
    err = capsys.readouterr().err
    assert "skipped: the 3 documents are already in the project with the same name" in err
    with Project.open(tmp_path / "d.qualcode") as project:
        assert len(project.documents()) == 3


def test_one_utterance_files_with_the_same_text(fresh_project: Project) -> None:
    outcomes = fresh_project.import_files([DATA / "u1.txt", DATA / "u2.txt"])
    assert [o.error for o in outcomes] == [None, None]
    assert [d.name for d in fresh_project.documents()] == ["u1", "u2"]
    assert not any("same text" in w for w in outcomes[0].warnings)
    # Text from another file: imported, with a notice naming the twin.
    assert any("same text as 'u1'" in w for w in outcomes[1].warnings)


def test_same_name_same_text_is_skipped_same_name_other_text_refused(
    fresh_project: Project, tmp_path: Path
) -> None:
    fresh_project.import_files([DATA / "u1.txt"])
    [again] = fresh_project.import_files([DATA / "u1.txt"])
    assert again.error is None and again.documents == ()
    assert "already in the project with the same name and text ('u1')" in again.warnings[0]
    assert fresh_project.import_file(DATA / "u1.txt") == []
    other = tmp_path / "u1.txt"
    other.write_text("Something else.\n", encoding="utf-8")
    with pytest.raises(BadInputError, match="named 'u1' with a different text"):
        fresh_project.import_file(other)
    [(renamed, _warnings)] = fresh_project.import_file(other, name="u1 b")
    assert renamed.name == "u1 b"
    assert len(fresh_project.documents()) == 2
