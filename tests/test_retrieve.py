"""Code and retrieve (qualcode.project.retrieve): segments of a code or theme across documents,
combined with a second code (and / not / or, within overlap, turn or document), filtered by
coder, document, case attribute and text, each with its context, speaker, case and memos."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from qualcode.codebook import load_codebook
from qualcode.errors import NotFoundError, QualcodeError
from qualcode.project import Project, Query

DATA = Path(__file__).resolve().parent / "data" / "project"

ONE = (
    "Interviewer: How do you get here?\n\n"
    "Amy: The bus is slow. The fare is high. I like the lunch.\n\n"
    "Interviewer: Anything else?\n\n"
    "Amy: I feel safe here. Nothing else.\n"
)
TWO = (
    "Interviewer: Tell me.\n\nBob: Lunch matters most. The bus is fine.\n\n"
    "Interviewer: Thanks.\n\nBob: Bye.\n"
)
TRAVEL, FOOD, WOMEN, OTHER = (
    "Barriers/Travel",
    "Barriers/Food",
    "Safety/Women-only",
    "If it compiles, it works",
)


def fill(project: Project, folder: Path) -> None:
    """Two documents, cases by speaker and by document, six codings, a favourite, a memo."""
    for name, text in (("one", ONE), ("two", TWO)):
        (folder / f"{name}.txt").write_text(text, encoding="utf-8")
    project.import_codebook(load_codebook(DATA / "codebook.yaml"))
    for outcome in project.import_files([folder / "one.txt", folder / "two.txt"]):
        assert outcome.error is None
    project.add_case("Amy", {"group": "participant"})
    project.set_speaker("one", "Amy", case="Amy")
    project.add_case("Bob", {"group": "staff"})
    project.assign_document("two", "Bob")
    code = project.apply_code
    code(document="one", code=TRAVEL, coder="alice", quote="The bus is slow.")
    food = code(document="one", code=FOOD, coder="alice", quote="I like the lunch.")
    code(document="one", code=OTHER, coder="alice", quote="fare is high. I like")
    code(document="one", code=WOMEN, coder="alice", quote="I feel safe here.")
    code(document="two", code=FOOD, coder="bob", quote="Lunch matters most.")
    code(document="two", code=TRAVEL, coder="alice", quote="The bus is fine.")
    project.set_favourite(food.uuid)
    project.add_memo("hunger first", coder="alice", target_type="coding", target=food.uuid)


@pytest.fixture
def project(tmp_path: Path) -> Iterator[Project]:
    with Project.create(tmp_path / "r.qualcode", actor="alice") as project:
        fill(project, tmp_path)
        yield project


def texts(segments: list) -> list[str]:  # type: ignore[type-arg]
    return [s.text for s in segments]


def test_a_theme_brings_its_sub_codes_across_documents(project: Project) -> None:
    found = project.retrieve("Barriers")
    assert texts(found) == [
        "The bus is slow.",
        "I like the lunch.",
        "Lunch matters most.",
        "The bus is fine.",
    ]
    assert project.retrieve("Barriers", subcodes=False) == []
    assert texts(project.retrieve(FOOD)) == ["I like the lunch.", "Lunch matters most."]


def test_a_segment_carries_where_it_is_and_its_marks(project: Project) -> None:
    lunch = project.retrieve(FOOD, documents=["one"])[0]
    assert (lunch.document, lunch.coder, lunch.turn, lunch.speaker, lunch.role) == (
        "one",
        "alice",
        2,
        "Amy",
        "participant",
    )
    assert lunch.case == "Amy" and lunch.attributes == {"group": "participant"}
    assert lunch.favourite and lunch.memos == ("alice: hunger first",)
    other = project.retrieve(OTHER)[0]
    # Context: the whole sentences the segment touches.
    assert other.text == "fare is high. I like"
    assert other.context == "The fare is high. I like the lunch."
    assert ONE[other.context_start : other.context_end] == other.context
    bob = project.retrieve(FOOD, coders=["bob"])[0]
    assert (bob.case, bob.attributes, bob.speaker) == ("Bob", {"group": "staff"}, "Bob")


def test_combinations(project: Project) -> None:
    assert texts(project.retrieve(FOOD, other=OTHER)) == ["I like the lunch."]
    assert texts(project.retrieve(FOOD, other=OTHER, operator="not")) == ["Lunch matters most."]
    assert texts(project.retrieve(TRAVEL, other=OTHER)) == []  # no overlap...
    assert texts(project.retrieve(TRAVEL, other=OTHER, within="turn")) == ["The bus is slow."]
    by_doc = project.retrieve(TRAVEL, other=WOMEN, within="document")
    assert texts(by_doc) == ["The bus is slow."]
    assert texts(project.retrieve(TRAVEL, other=WOMEN, within="turn")) == []
    assert texts(project.retrieve("Barriers", other=WOMEN, operator="not", within="document")) == [
        "Lunch matters most.",
        "The bus is fine.",
    ]
    either = project.retrieve(TRAVEL, other="Safety", operator="or")
    assert texts(either) == ["The bus is slow.", "I feel safe here.", "The bus is fine."]
    assert [s.code for s in either] == [TRAVEL, WOMEN, TRAVEL]


def test_a_theme_and_its_own_sub_code_do_not_match_a_coding_with_itself(project: Project) -> None:
    assert texts(project.retrieve("Barriers", other=FOOD)) == []
    # A Food segment shares its document with itself only: it needs another Food segment.
    assert texts(project.retrieve("Barriers", other=FOOD, within="document")) == [
        "The bus is slow.",
        "The bus is fine.",
    ]


def test_filters(project: Project) -> None:
    assert texts(project.retrieve("Barriers", where={"group": "staff"})) == [
        "Lunch matters most.",
        "The bus is fine.",
    ]
    assert texts(project.retrieve("Barriers", where={"GROUP": "Participant"})) == [
        "The bus is slow.",
        "I like the lunch.",
    ]
    assert texts(project.retrieve("Barriers", coders=["bob"])) == ["Lunch matters most."]
    assert texts(project.retrieve("Barriers", documents=["two"])) == [
        "Lunch matters most.",
        "The bus is fine.",
    ]
    assert texts(project.retrieve("Barriers", text="LUNCH")) == [
        "I like the lunch.",
        "Lunch matters most.",
    ]
    # Restricted by attribute: staff segments of Travel in a document with Food.
    query = Query.build(TRAVEL, other=FOOD, within="document", where={"group": "staff"})
    assert texts(project.retrieve(query)) == ["The bus is fine."]


def test_removed_codings_are_not_retrieved(project: Project) -> None:
    first = project.retrieve(TRAVEL)[0]
    project.remove_coding(first.uuid)
    assert texts(project.retrieve(TRAVEL)) == ["The bus is fine."]


def test_bad_input_is_one_line(project: Project) -> None:
    with pytest.raises(NotFoundError, match="no case attribute 'age'.*group"):
        project.retrieve("Barriers", where={"age": "30"})
    with pytest.raises(NotFoundError, match="no document named 'three'"):
        project.retrieve("Barriers", documents=["three"])
    with pytest.raises(QualcodeError, match="Nope"):
        project.retrieve("Nope")
    with pytest.raises(QualcodeError, match="within"):
        project.retrieve("Barriers", other=FOOD, within="paragraph")


def test_describe_says_what_was_asked() -> None:
    query = Query.build(
        "Barriers",
        other="Safety",
        operator="not",
        within="turn",
        where={"group": "staff"},
        coders=["ann"],
    )
    assert query.describe() == (
        "Barriers (+ sub-codes) not Safety (in the same turn) · group=staff · coder ann"
    )


# -- qualcode retrieve -------------------------------------------------------------------------


def cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    from qualcode.cli import main

    code = 0
    try:
        main(list(args))
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 1
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_cli_prints_segments_and_queries(
    project: Project, capsys: pytest.CaptureFixture[str]
) -> None:
    path = str(project.sqlite_path)
    code, out, err = cli(capsys, "retrieve", path, "--code", "Barriers")
    assert code == 0, err
    assert "one, turn 2 · Amy · Barriers/Food · alice" in out
    assert "★ [1 memo] “I like the lunch.”" in out
    assert out.strip().endswith("4 segments: Barriers (+ sub-codes)")
    code, out, _ = cli(
        capsys, "retrieve", path, "--code", TRAVEL, "--and", OTHER, "--within", "turn", "--json"
    )
    assert [s["text"] for s in json.loads(out)] == ["The bus is slow."]
    code, out, _ = cli(capsys, "retrieve", path, "--code", FOOD, "--not", OTHER, "--json")
    assert [s["text"] for s in json.loads(out)] == ["Lunch matters most."]
    code, out, _ = cli(
        capsys,
        "retrieve",
        path,
        "--code",
        TRAVEL,
        "--or",
        "Safety",
        "--where",
        "group=participant",
        "--json",
    )
    assert [s["text"] for s in json.loads(out)] == ["The bus is slow.", "I feel safe here."]
    code, out, _ = cli(capsys, "retrieve", path, "--code", "Barriers", "--coder", "bob", "--json")
    assert [s["coder"] for s in json.loads(out)] == ["bob"]


def test_cli_refuses_bad_input_in_one_line(
    project: Project, capsys: pytest.CaptureFixture[str]
) -> None:
    path = str(project.sqlite_path)
    code, _, err = cli(capsys, "retrieve", path, "--code", TRAVEL, "--and", FOOD, "--or", FOOD)
    assert code != 0 and err.strip() == "qualcode: error: give one of --and, --or and --not"
    code, _, err = cli(capsys, "retrieve", path, "--code", TRAVEL, "--where", "age=3")
    assert code != 0 and err.startswith("qualcode: error: no case attribute 'age'")
    assert len(err.strip().splitlines()) == 1
    code, _, err = cli(capsys, "retrieve", path, "--code", TRAVEL, "-o", "x.png")
    assert code != 0 and "segments are written as .md" in err


@pytest.mark.parametrize("suffix", [".md", ".csv", ".xlsx", ".docx", ".json"])
def test_cli_writes_the_segments_pseudonymised_on_request(
    project: Project, capsys: pytest.CaptureFixture[str], tmp_path: Path, suffix: str
) -> None:
    from tests.test_pseudonymise import readable_text

    names = tmp_path / "names.csv"
    names.write_text("name,kind,replacement,aliases\nAmy,person,,\n", encoding="utf-8")
    path, plain, shared = str(project.sqlite_path), tmp_path / f"p{suffix}", tmp_path / f"s{suffix}"
    code, out, err = cli(capsys, "retrieve", path, "--code", "Barriers", "-o", str(plain))
    assert code == 0, err
    assert out.startswith(f"wrote {plain}")
    text = readable_text(plain)
    assert "I like the lunch." in text and "Amy" in text
    code, out, err = cli(
        capsys,
        "retrieve",
        path,
        "--code",
        "Barriers",
        "-o",
        str(shared),
        "--pseudonymise",
        str(names),
    )
    assert code == 0, err
    text = readable_text(shared)
    assert "I like the lunch." in text and "Amy" not in text
    assert project.retrieve(FOOD)[0].speaker == "Amy"  # the project itself is unchanged


def test_the_same_answers_on_postgresql(pg_url: str, tmp_path: Path) -> None:
    with Project.create(pg_url, actor="alice") as project:
        fill(project, tmp_path)
        assert texts(project.retrieve(FOOD, other=OTHER)) == ["I like the lunch."]
        assert texts(project.retrieve(TRAVEL, other=OTHER, within="turn")) == ["The bus is slow."]
        assert texts(project.retrieve("Barriers", where={"group": "staff"})) == [
            "Lunch matters most.",
            "The bus is fine.",
        ]
        lunch = project.retrieve(FOOD, text="like")[0]
        assert lunch.favourite and lunch.memos == ("alice: hunger first",) and lunch.turn == 2
        assert project.segments_of([lunch.uuid]) == [lunch]
