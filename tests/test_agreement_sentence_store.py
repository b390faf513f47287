"""Sentences kept in the project (issue 21): a fresh process gives the same sentence report
without importing spaCy; a stale or damaged entry is computed again; offsets round-trip."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from qualcode import Project
from qualcode.agreement.report import agreement_report
from qualcode.agreement.sentence_store import (
    PREFIX,
    _decode,
    _encode,
    _fingerprint,
    document_sentences,
    stored_sentences,
)
from qualcode.nlp.pipeline import analyse
from qualcode.store.models import Setting

from .test_agreement_units import small  # noqa: F401  (fixture)
from .test_team_access import as_user, spans, team  # noqa: F401  (fixture)

FRESH = """
import json, sys
from qualcode import Project
from qualcode.agreement.report import agreement_report
with Project.open(sys.argv[1]) as project:
    report = agreement_report(project, coders=["ann", "ben", "cy"], unit="sentence")
print(json.dumps({"spacy": "spacy" in sys.modules, "report": report}, default=str))
"""


def _set(project: Project, key: str, value: str) -> None:
    with project._write() as session:
        row = session.get(Setting, key)
        if row is None:
            session.add(Setting(key=key, value=value))
        else:
            row.value = value


def _entries(project: Project) -> dict[str, str]:
    with project._read() as session:
        rows = session.query(Setting).filter(Setting.key.startswith(PREFIX)).all()
        return {r.key: r.value for r in rows}


def test_a_fresh_process_gives_the_same_sentence_report_without_spacy(
    small: Project,  # noqa: F811
) -> None:
    here = agreement_report(small, coders=["ann", "ben", "cy"], unit="sentence")
    assert len(_entries(small)) == 1  # the one document's sentences are stored
    path = str(small.sqlite_path)
    done = subprocess.run(
        [sys.executable, "-c", FRESH, path], capture_output=True, text=True, check=True
    )
    found = json.loads(done.stdout)
    assert found["spacy"] is False
    assert found["report"] == json.loads(json.dumps(here, default=str))


def test_stored_sentences_are_the_pipeline_sentences(small: Project) -> None:  # noqa: F811
    text, turns = small.document_text("talk"), small.turns("talk")
    assert stored_sentences(small, text, turns) is None
    first = document_sentences(small, text, turns)
    assert first == list(analyse(text, turns).spans)
    assert stored_sentences(small, text, turns) == first


@pytest.mark.parametrize(
    "damage",
    [
        lambda fp, value: "0" * len(fp) + value[len(fp) :],  # other rules, turns or spaCy
        lambda fp, value: f"{fp}:0,100000",  # past the end of the text
        lambda fp, value: f"{fp}:0,3,1",  # an odd count
        lambda fp, value: f"{fp}:0,x",  # not a number
        lambda fp, value: f"{fp}:0,0",  # an empty sentence
        lambda fp, value: "",  # blanked (as pseudonymisation leaves an old text's entry)
    ],
)
def test_a_stale_or_damaged_entry_is_computed_again_and_replaced(
    small: Project,  # noqa: F811
    damage,  # type: ignore[no-untyped-def]
) -> None:
    text, turns = small.document_text("talk"), small.turns("talk")
    expected = list(analyse(text, turns).spans)
    document_sentences(small, text, turns)
    ((key, value),) = _entries(small).items()
    _set(small, key, damage(_fingerprint(turns), value))
    assert stored_sentences(small, text, turns) is None
    assert document_sentences(small, text, turns) == expected
    assert _entries(small)[key] == value


def test_a_span_on_whitespace_does_not_fit_the_text() -> None:
    text = "One. Two."
    fingerprint = _fingerprint(())
    assert _decode(f"{fingerprint}:0,4,1,4", fingerprint, text) == [(0, 4), (5, 9)]
    assert _decode(f"{fingerprint}:0,5,0,4", fingerprint, text) is None  # "One. " ends on a space


def test_other_turns_are_another_entry(small: Project) -> None:  # noqa: F811
    text, turns = small.document_text("talk"), small.turns("talk")
    document_sentences(small, text, turns)
    assert stored_sentences(small, text, ()) is None
    assert document_sentences(small, text, ()) == list(analyse(text, ()).spans)


def test_entries_of_texts_gone_from_the_project_are_removed(small: Project) -> None:  # noqa: F811
    gone = PREFIX + "0" * 64
    _set(small, gone, "whatever:0,1")
    text, turns = small.document_text("talk"), small.turns("talk")
    document_sentences(small, text, turns)
    assert gone not in _entries(small) and len(_entries(small)) == 1


@given(st.lists(st.tuples(st.integers(0, 5), st.integers(1, 9)), max_size=30))
def test_offsets_round_trip(parts: list[tuple[int, int]]) -> None:
    pieces, spans, cursor = [], [], 0
    for gap, length in parts:
        pieces.append(" " * gap + "x" * length)
        spans.append((cursor + gap, cursor + gap + length))
        cursor += gap + length
    text = "".join(pieces)
    fingerprint = _fingerprint(())
    assert _decode(_encode(fingerprint, spans), fingerprint, text) == spans


def test_pseudonymisation_leaves_no_sentences_of_a_replaced_text(tmp_path: Path) -> None:
    """The old text is gone after pseudonymisation; its sentence offsets must not stay."""
    from qualcode.demo import build_demo
    from qualcode.privacy.names import load_names
    from qualcode.privacy.pseudonymise import plan_for

    from .conftest import REPO

    path, _report = build_demo(tmp_path, echo=lambda _line: None)
    with Project.open(path) as project:
        agreement_report(project, coders=["ann", "ben"], unit="sentence")
        before = {d.name: d.sha256 for d in project.documents()}
        assert set(_entries(project)) == {PREFIX + sha for sha in before.values()}
        names = load_names(REPO / "transcripts_sample" / "names.csv")
        project.pseudonymise(plan_for(project, names, key=project.pseudonym_key()))
        after = {d.name: d.sha256 for d in project.documents()}
        replaced = {sha for sha in before.values() if sha not in after.values()}
        assert replaced  # the demo names people
        entries = _entries(project)
        assert all(entries.get(PREFIX + sha, "") == "" for sha in replaced)
        # the next report finds the new texts' sentences and clears the old entries
        agreement_report(project, coders=["ann", "ben"], unit="sentence")
        assert set(_entries(project)) == {PREFIX + sha for sha in after.values()}


def test_merge_leaves_stored_sentences_out(small: Project, tmp_path: Path) -> None:  # noqa: F811
    """Stored sentences are a cache: inputs stored with another spaCy would conflict."""
    from qualcode.teams.merge import merge_projects

    text, turns = small.document_text("talk"), small.turns("talk")
    document_sentences(small, text, turns)
    ((key, value),) = _entries(small).items()
    other = tmp_path / "other.qualcode"
    with sqlite3.connect(str(small.sqlite_path)) as source, sqlite3.connect(other) as target:
        source.backup(target)
    with Project.open(other) as copy:
        _set(copy, key, "f" * 32 + value[32:])  # as another qualcode or spaCy would store it
    result = merge_projects([str(small.sqlite_path), other], tmp_path / "merged.qualcode")
    assert not [c for c in result.conflicts if "sentences." in str(c)]
    with Project.open(tmp_path / "merged.qualcode") as merged:
        assert _entries(merged) == {}


def test_on_a_server_a_coder_gets_the_report_and_a_supervisor_stores_sentences(
    team: str,  # noqa: F811
) -> None:
    """A coder may not change settings on PostgreSQL: the report is the same, nothing stored."""
    alice, bob, sue = (as_user(team, n) for n in ("alice", "bob", "sue"))
    places = spans(team, "owner", 2)
    for url, name, (start, end) in zip((alice, bob), ("alice", "bob"), places, strict=True):
        with Project.open(url) as project:
            project.apply_code(
                document="p01-amy", code="Travel support", coder=name, start=start, end=end
            )
    with Project.open(alice) as project:
        first = agreement_report(project, coders=["alice", "bob"], unit="sentence", n_boot=20)
        assert _entries(project) == {}
    with Project.open(sue) as project:
        stored = agreement_report(project, coders=["alice", "bob"], unit="sentence", n_boot=20)
        assert len(_entries(project)) == 1
    with Project.open(alice) as project:
        again = agreement_report(project, coders=["alice", "bob"], unit="sentence", n_boot=20)
    assert first["codes"] == stored["codes"] == again["codes"]
