"""``Project.snapshot``: the one reader of a whole project (reports, suggestions, REFI export,
merge). Its tables hold what its records hold, its options leave out only what they name, it
reads the chosen coders' codings, and the packages that use it stay above the project boundary.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from dataclasses import replace

import pytest

from qualcode import Project
from qualcode.errors import NotFoundError
from qualcode.project import CodingInfo
from qualcode.project.snapshot import Roster

from .conftest import REPO


def _coded(project: Project) -> tuple[CodingInfo, CodingInfo, CodingInfo]:
    fare = project.apply_code(
        document="interview", code="Barriers/Travel", coder="ann", quote="The bus fare was paid"
    )
    lunch = project.apply_code(
        document="interview", code="Barriers/Food", coder="ben", quote="Lunch helped"
    )
    gone = project.apply_code(document="interview", code="Safety", coder="ann", quote="Women only")
    project.add_memo("On the fare.", coder="ann", target_type="coding", target=fare.uuid)
    project.add_memo("On a removed coding.", coder="ben", target_type="coding", target=gone.uuid)
    project.remove_coding(gone.uuid)
    return fare, lunch, gone


def test_the_tables_hold_what_the_records_hold(project: Project) -> None:
    fare, lunch, _gone = _coded(project)
    rows = project.snapshot()
    tables = project.snapshot(
        codings="table", turns="table", coding_details=True, coding_uuids=True
    )
    assert {c.uuid for c in rows.codings} == {fare.uuid, lunch.uuid}
    assert tables.codings == () and all(d.turns == () for d in tables.documents)
    documents = {d.id: d.uuid for d in tables.documents}
    codes = {c.id: c.uuid for c in tables.codes}
    coders = {c.id: c.name for c in tables.coders}
    table = tables.coding_table
    assert table is not None and table.uuid is not None
    from_table = {
        (documents[d], codes[c], coders[k], s, e, u, bool(f))
        for d, c, k, s, e, u, f in zip(
            table.document_id.tolist(),
            table.code_id.tolist(),
            table.coder_id.tolist(),
            table.start.tolist(),
            table.end.tolist(),
            table.uuid,
            table.favourite.tolist(),
            strict=True,
        )
    }
    assert from_table == {
        (c.document, c.code, c.coder, c.start, c.end, c.uuid, c.favourite) for c in rows.codings
    }
    turns = tables.turn_table
    assert turns is not None
    for document in rows.documents:
        labels = {s.id: s.label for s in document.speakers}
        mine = turns.document_id == document.id
        assert mine.sum() == len(document.turns) > 0
        found = sorted(
            zip(
                turns.ordinal[mine].tolist(),
                turns.speaker_id[mine].tolist(),
                turns.start[mine].tolist(),
                turns.body_start[mine].tolist(),
                turns.end[mine].tolist(),
                strict=True,
            )
        )
        assert [(o, labels.get(s), a, b, e) for o, s, a, b, e in found] == [
            (t.ordinal, t.speaker, t.start, t.body_start, t.end) for t in document.turns
        ]
    # Everything else is the same read either way.
    assert replace(tables, codings=rows.codings, documents=rows.documents) == rows


def test_options_leave_out_only_what_they_name(project: Project) -> None:
    fare, _lunch, gone = _coded(project)
    everything = project.snapshot(deleted=True, counts=True)
    current = project.snapshot(counts=True)
    assert gone.uuid in {c.uuid for c in everything.codings}
    assert gone.uuid not in {c.uuid for c in current.codings}
    assert (current.removed_codings, current.removed_memos) == (1, 0)
    # A memo on a removed coding still names it, though the coding itself was not read.
    targets = {m.text: m.target for m in current.memos}
    assert targets == {"On the fare.": fare.uuid, "On a removed coding.": gone.uuid}
    assert current.audit_events == len(project.log()) > 0
    bare = project.snapshot(texts=False, codings="none", memos=False)
    assert {d.text for d in bare.documents} == {""}
    assert bare.codings == () and bare.memos == ()
    assert list(bare.documents) == [replace(d, text="") for d in current.documents]
    assert bare.codes == current.codes and bare.cases == current.cases


def test_the_codings_of_the_chosen_coders_only(project: Project) -> None:
    _coded(project)
    assert {c.coder for c in project.snapshot(coders=["ann"]).codings} == {"ann"}
    asked: list[tuple[int, int, int, bool]] = []

    def choose(roster: Roster) -> list[str]:
        asked.append(
            (roster.codings("ann"), roster.codings("ben"), roster.codings("nobody"), roster.blind)
        )
        return ["ben"]

    chosen = project.snapshot(coders=choose)
    assert asked == [(1, 1, 0, False)]
    assert chosen.chosen == ("ben",) and {c.coder for c in chosen.codings} == {"ben"}
    with pytest.raises(NotFoundError, match="no coder named 'nobody'"):
        project.snapshot(coders=["nobody"])


READERS = (
    "qualcode/reports/data.py",
    "qualcode/reports/quotes.py",
    "qualcode/reports/codetree.py",
    "qualcode/reports/frequencies.py",
    "qualcode/suggest/corpus.py",
    "qualcode/teams/snapshot.py",
    "qualcode/interop/qdpx_write.py",
    "qualcode/interop/losses.py",
)


@pytest.mark.parametrize("module", READERS)
def test_the_readers_use_no_orm_and_no_private_project_member(module: str) -> None:
    tree = ast.parse((REPO / module).read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            parts = (node.module or "").split(".")
            assert "store" not in parts and "sqlalchemy" not in parts, (module, node.module)
        if isinstance(node, ast.Import):
            assert all(not a.name.startswith("sqlalchemy") for a in node.names), module
        if isinstance(node, ast.Attribute) and node.attr.startswith("_"):
            owner = node.value
            assert not (isinstance(owner, ast.Name) and owner.id == "project"), (
                module,
                node.attr,
            )


def test_opening_a_project_loads_no_numpy() -> None:
    """The snapshot's tables need numpy; a command that only opens a project does not."""
    code = "import sys\nfrom qualcode import Project\nprint('numpy' in sys.modules)\n"
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=REPO
    )
    assert done.stdout.strip() == "False"
