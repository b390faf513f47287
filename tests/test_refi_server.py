"""REFI-QDA into a database server: a .qdpx imported straight into a PostgreSQL URL fills the
empty database in place (no temporary file, no rename) and keeps what a file project keeps."""

from __future__ import annotations

from pathlib import Path

import pytest

from qualcode import Project
from qualcode.errors import ConflictError
from qualcode.interop import export_qdpx, import_qdpx_new

from .conftest import REPO
from .test_refi_support import snapshot, uuids


def test_a_qdpx_fills_an_empty_database_in_place(pg_url: str, tmp_path: Path) -> None:
    with Project.create(tmp_path / "a.qualcode", actor="ann") as source:
        source.import_files([REPO / "transcripts_sample" / "p01-amy.txt"])
        source.add_code("Travel", definition="Getting there.", keywords=["bus"])
        source.apply_code(document="p01-amy", code="Travel", coder="ann", quote="bus fare")
        source.apply_code(document="p01-amy", code="Travel", coder="ben", quote="bus fare")
        source.add_memo("Fares again.", coder="ann", target_type="document", target="p01-amy")
        export_qdpx(source, tmp_path / "a.qdpx")
        expected, expected_uuids = snapshot(source), uuids(source)
    summary = import_qdpx_new(tmp_path / "a.qdpx", pg_url, actor="ann")
    assert (summary.added["documents"], summary.added["codings"], summary.added["memos"]) == (
        1,
        2,
        1,
    )
    with Project.open(pg_url) as copy:
        assert snapshot(copy) == expected
        assert uuids(copy) == expected_uuids
        assert [e.action for e in copy.log(action="import.qdpx")] == ["import.qdpx"]
    # The database now holds a project: a second import into it as a new one is refused.
    with pytest.raises(ConflictError, match="not empty"):
        import_qdpx_new(tmp_path / "a.qdpx", pg_url)
