"""Pseudonymisation on transcripts as real captions write them: one person under two speaker
labels ('Bekah Hawrot Weigel', then 'Bekah'), two people given one label, one rule for the kind
of label, and a failed run that leaves no copy of the names behind."""

from __future__ import annotations

from pathlib import Path

import pytest

from qualcode import Project
from qualcode.codebook import load_codebook
from qualcode.errors import QualcodeError
from qualcode.privacy.names import NameEntry, load_names
from qualcode.privacy.pseudonymise import build_plan, plan_for, replace_spellings

from .conftest import REPO, run_cli

LINES = (
    "Bekah Hawrot Weigel: Welcome to the podcast, I'm Bekah.",
    "Dan Ott: And I'm Dan Ott, hello.",
    "Bekah: Today we talk to our guest.",
    "Dan: Thanks, Bekah. It is good to be here.",
    "Bekah: Dan, what did you learn this year?",
)


def captions(lines: tuple[str, ...] = LINES) -> str:
    """A Zoom-style WebVTT transcript: one cue per line, the speaker's display name first."""
    cues = [
        f"{i}\n00:00:{i:02d}.000 --> 00:00:{i + 1:02d}.000\n{line}\n"
        for i, line in enumerate(lines, 1)
    ]
    return "WEBVTT\n\n" + "\n".join(cues)


CAPTIONS = captions()


def make_project(
    folder: Path, text: str = CAPTIONS, name: str = "episode", target: str | None = None
) -> Path:
    source = folder / f"{name}.vtt"
    source.write_text(text, encoding="utf-8")
    path = folder / "study.qualcode"
    with Project.create(target or path, actor="tester") as project:
        project.import_codebook(load_codebook(REPO / "codebooks" / "dussk.yaml"))
        outcome = project.import_files([source])[0]
        assert outcome.error is None, outcome.error
        code = project.codes()[1].path
        for turn in project.turns(name):
            project.apply_code(
                document=name, code=code, coder="ann", start=turn.body_start, end=turn.end
            )
    return path


def names_file(folder: Path, rows: str = "name\nSomeone Else\n") -> Path:
    path = folder / "names.csv"
    path.write_text(rows, encoding="utf-8")
    return path


def test_two_labels_of_one_person_become_one_speaker_from_the_cli(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The issue's repro: an export with --pseudonymise and pseudonymise --yes crashed with
    'UNIQUE constraint failed: speakers.document_id, speakers.label'."""
    path, names = make_project(tmp_path), names_file(tmp_path)
    with Project.open(path) as project:
        before = [t.speaker for t in project.turns("episode")]
        coded = {c.uuid: c.text for c in project.codings()}
    out_file = tmp_path / "x.md"
    code, _out, err = run_cli(
        capsys, "export", "quotes", str(path), "-o", str(out_file), "--pseudonymise", str(names)
    )
    assert code == 0, err
    assert "Bekah" not in out_file.read_text() and "[Participant 1]" in out_file.read_text()
    code, out, err = run_cli(capsys, "pseudonymise", str(path), "--names", str(names), "--yes")
    assert code == 0, err
    assert (
        "speakers episode: 'Bekah Hawrot Weigel' + 'Bekah' -> one speaker [Participant 1] "
        "(turns kept in order)"
    ) in out
    with Project.open(path) as project:
        speakers = project.speakers("episode")
        assert [(s.label, s.turns) for s in speakers] == [
            ("[Participant 1]", 3),
            ("[Participant 2]", 2),
        ]
        after = [t.speaker for t in project.turns("episode")]
        relabel = {
            "Bekah Hawrot Weigel": "[Participant 1]",
            "Bekah": "[Participant 1]",
            "Dan Ott": "[Participant 2]",
            "Dan": "[Participant 2]",
        }
        assert after == [relabel[s] for s in before if s]  # the turns keep their order
        for coding in project.codings():
            assert coding.text == replace_spellings(coded[coding.uuid], relabel)


def test_two_people_given_one_label_are_kept_apart(tmp_path: Path) -> None:
    text = captions(("Claire: Morning.", "Dee: Morning, Claire.", "Claire: Shall we start?"))
    path = make_project(tmp_path, text)
    names = [NameEntry("Claire", replacement="[Staff]"), NameEntry("Dee", replacement="[Staff]")]
    with Project.open(path) as project:
        plan = plan_for(project, names)
        assert (
            "speakers episode: 'Claire' + 'Dee' -> kept apart as [Staff], [Staff b] "
            "(not the same person)"
        ) in plan.summary()
        project.pseudonymise(plan)
        assert [(s.label, s.turns) for s in project.speakers("episode")] == [
            ("[Staff]", 2),
            ("[Staff b]", 1),
        ]


def test_one_person_with_two_roles_in_one_document_is_kept_apart(tmp_path: Path) -> None:
    path = make_project(tmp_path)
    with Project.open(path) as project:
        project.set_speaker("episode", "Bekah", role="interviewer")
        project.set_speaker("episode", "Bekah Hawrot Weigel", role="participant")
        plan = plan_for(project)
        maps, groups = plan.speaker_labels()
        bekah = plan.entities["bekah hawrot weigel"].replacement
        assert bekah == "[Person 1]"  # two roles: the plain label
        assert maps["episode"]["Bekah Hawrot Weigel"] == bekah
        assert maps["episode"]["Bekah"] == "[Person 1b]"
        assert [g.merged for g in groups] == [False, True]
        project.pseudonymise(plan)
        roles = {s.label: s.role for s in project.speakers("episode")}
        assert roles["[Person 1]"] == "participant" and roles["[Person 1b]"] == "interviewer"


# -- one rule for labels ----------------------------------------------------------------------
def test_label_rule_role_from_speakers_and_document_names() -> None:
    texts = {
        "p04-dee": "Interviewer: Hello Dee.\nP04: Hi. Claire knows me.\n",
        "p01-amy": "Interviewer: Hi.\nAmy: Hello. Claire helped.\n",
        "s01-claire": "Interviewer: Hi.\nS01: Dee and Amy come often.\n",
    }
    speakers = {
        "p04-dee": [("Interviewer", "interviewer"), ("P04", "participant")],
        "p01-amy": [("Interviewer", "interviewer"), ("Amy", "participant")],
        "s01-claire": [("Interviewer", "interviewer"), ("S01", "staff")],
    }
    from qualcode.privacy.labels import SpeakerRow

    rows = {d: [SpeakerRow(label, role) for label, role in s] for d, s in speakers.items()}
    labels = sorted({r[:2] for rs in rows.values() for r in rs})
    names = [NameEntry("Dee"), NameEntry("Rachel"), NameEntry("Claire")]
    plan = build_plan(texts, names, labels, key={}, speakers=rows)
    given = {e.original: e.replacement for e in plan.rows()}
    assert given == {
        "Dee": "[Participant 1]",
        "Rachel": "[Person 1]",
        "Claire": "[Staff 1]",
        "Amy": "[Participant 2]",
    }
    assert "rename document p04-dee -> p04-participant-1" in plan.summary()
    assert "rename document s01-claire -> s01-staff-1" in plan.summary()


def test_a_listed_first_name_is_the_listed_full_name() -> None:
    texts = {"a": "Greg Colvin: Hi.\nGreg: So, Greg's point. Colvin agreed.\n"}
    names = [NameEntry("Greg Colvin"), NameEntry("Greg"), NameEntry("Paweł Bylica")]
    plan = build_plan(texts, names, [("Greg Colvin", None), ("Greg", None)], key={})
    greg = plan.entities["greg colvin"]
    assert "greg" not in plan.entities and {"Greg", "Colvin"} <= greg.spellings
    assert greg.count == 4


@pytest.mark.parametrize(
    ("label", "parts"),
    [
        ("Bekah Hawrot Weigel", ["Bekah", "Hawrot", "Weigel"]),
        ("Ken Bowling", ["Ken", "Bowling"]),  # English words, yet a first and a family name
        ("Iv Culp", ["Iv", "Culp"]),
        ("Dr Shah", ["Shah"]),
        ("Host Mike Jones", ["Mike", "Jones"]),
        ("Vincent van Gogh", ["Vincent", "Gogh"]),
        ("Outreach worker Claire", ["Claire"]),  # a role: only the name
        ("Amy", []),
    ],
)
def test_the_words_of_a_full_name(label: str, parts: list[str]) -> None:
    from qualcode.privacy.detect import name_parts

    assert name_parts(label) == parts


def test_a_name_that_is_not_english_is_found_in_any_case() -> None:
    texts = {"a": "Iv Culp: Welcome. See culp.com or CULP's page; Iv said so. I hope so, Hope.\n"}
    plan = build_plan(texts, [NameEntry("Iv Culp"), NameEntry("Hope")], [], key={})
    found = sorted(f.text for f in plan.chosen())
    assert found == ["CULP", "Hope", "Iv", "Iv Culp", "culp"]  # not 'hope' the word


# -- a failed run leaves nothing behind -------------------------------------------------------
def test_a_failed_run_removes_the_backup_and_the_key_it_wrote(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = make_project(tmp_path)
    key = path.with_name("study.qualcode-key")
    with Project.open(path) as project:
        plan = plan_for(project, [NameEntry("Someone Else")])
        extra = tmp_path / "later.txt"
        extra.write_text("Interviewer: Hi.\nZed: Hello.\n", encoding="utf-8")
        assert project.import_files([extra])[0].error is None  # the project changes
        with pytest.raises(QualcodeError, match="changed since the plan was made"):
            project.pseudonymise(plan)
        assert [s.label for s in project.speakers("episode")][0] == "Bekah Hawrot Weigel"
    assert not key.exists()
    assert not path.with_name("study.qualcode.backups").exists()  # made by the run: removed
    # A key that existed is put back as it was.
    code, _out, err = run_cli(capsys, "pseudonymise", str(path), "--yes")
    assert code == 0, err
    kept = key.read_bytes()
    backups = sorted(path.with_name("study.qualcode.backups").iterdir())
    with Project.open(path) as project:
        plan = plan_for(project, [NameEntry("Someone Else"), NameEntry("Zed")])
        extra = tmp_path / "later2.txt"
        extra.write_text("Interviewer: Hello.\nZed: Bye.\n", encoding="utf-8")
        assert project.import_files([extra])[0].error is None
        with pytest.raises(QualcodeError, match="changed since the plan was made"):
            project.pseudonymise(plan)
    assert key.read_bytes() == kept
    assert sorted(path.with_name("study.qualcode.backups").iterdir()) == backups


def test_the_demo_names_list_loads() -> None:  # the rule's example in docs/privacy.md
    assert [e.name for e in load_names(REPO / "transcripts_sample" / "names.csv")][:4] == [
        "Amy",
        "Becca",
        "Cheryl",
        "Dee",
    ]


def test_on_a_postgresql_server_two_labels_become_one_speaker(pg_url: str, tmp_path: Path) -> None:
    make_project(tmp_path, target=pg_url)
    key = tmp_path / "server.qualcode-key"
    with Project.open(pg_url, actor="tester") as project:
        before = {c.uuid: c.text for c in project.codings()}
        plan = plan_for(project, [NameEntry("Someone Else")])
        result = project.pseudonymise(plan, key_path=key)
        assert result.backup is None and key.exists()
        assert [(s.label, s.turns) for s in project.speakers("episode")] == [
            ("[Participant 1]", 3),
            ("[Participant 2]", 2),
        ]
        assert {c.uuid for c in project.codings()} == set(before)
        event = next(e for e in project.log() if e.action == "document.pseudonymise")
        assert event.payload["speakers_merged"] == 2


def test_a_speaker_changed_since_the_plan_is_refused(tmp_path: Path) -> None:
    path = make_project(tmp_path)
    with Project.open(path) as project:
        plan = plan_for(project)
        project.set_speaker("episode", "Bekah", role="interviewer")  # would now be kept apart
        with pytest.raises(QualcodeError, match="episode changed since the plan was made"):
            project.pseudonymise(plan)
        assert len(project.speakers("episode")) == 4
    assert not path.with_name("study.qualcode-key").exists()


def test_a_damaged_key_is_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import sqlite3

    path = make_project(tmp_path)
    key = path.with_name("study.qualcode-key")
    with sqlite3.connect(key) as connection:
        connection.execute("CREATE TABLE pseudonyms (key, original, kind, replacement)")
        connection.execute("INSERT INTO pseudonyms VALUES ('amy', 'Amy', 'person', NULL)")
    connection.close()
    code, out, err = run_cli(capsys, "pseudonymise", str(path), "--yes")
    assert code == 1 and out == "" and len(err.splitlines()) == 1
    assert f"{key}: not a readable pseudonym key" in err


def test_a_failure_to_write_the_backup_is_one_line_and_leaves_no_key(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A file where the backups folder goes: the storage problem is named in one line (not an
    internal error: the user can fix it), and the run takes back the key it wrote."""
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    path = make_project(tmp_path)
    path.with_name("study.qualcode.backups").write_text("a file, not a folder", encoding="utf-8")
    code, _out, err = run_cli(capsys, "pseudonymise", str(path), "--yes")
    assert code == 1 and len(err.splitlines()) == 1
    assert "a file stands where a folder is needed" in err and "internal error" not in err
    assert not path.with_name("study.qualcode-key").exists()
    with Project.open(path) as project:
        assert len(project.speakers("episode")) == 4  # unchanged
