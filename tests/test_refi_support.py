"""Helpers shared by the REFI-QDA tests: building .qdpx archives, the XSDs when present, and a
snapshot of a project's content for comparing round trips."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from typing import Any

import pytest

from qualcode import Project

from .conftest import REPO

INTEROP = REPO.parent / "shared" / "interop"
"""Real files from other tools (../shared/interop); their licences keep them out of the repo."""
REFI_DATA = Path(__file__).parent / "data" / "refi"
NS = "urn:QDA-XML:project:1.0"

needs_interop = pytest.mark.skipif(
    not (INTEROP / "SOURCES.md").is_file(),
    reason="../shared/interop (real REFI-QDA files and the XSDs) is not here",
)


def schema(name: str) -> Any:
    """The XSD ``schemas/<name>`` from ../shared/interop, as an lxml validator."""
    from lxml import etree

    return etree.XMLSchema(etree.parse(str(INTEROP / "schemas" / name)))


def zip_bytes(members: dict[str, bytes | str], *, stored: bool = False) -> bytes:
    buffer = io.BytesIO()
    mode = zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED
    with zipfile.ZipFile(buffer, "w", compression=mode) as archive:
        for name, content in members.items():
            archive.writestr(name, content.encode("utf-8") if isinstance(content, str) else content)
    return buffer.getvalue()


def write_qdpx(path: Path, members: dict[str, bytes | str], *, stored: bool = False) -> Path:
    path.write_bytes(zip_bytes(members, stored=stored))
    return path


def project_xml(body: str, origin: str = "Test 1.0", name: str = "t") -> str:
    return (
        f'<?xml version="1.0" encoding="utf-8"?>\n<Project xmlns="{NS}" name="{name}" '
        f'origin="{origin}">{body}</Project>'
    )


def snapshot(project: Project) -> dict[str, Any]:
    """What a round trip must keep: documents by text hash, codes, coders, codings, memos,
    cases and attributes (by names and paths, not database ids)."""
    return {
        "documents": sorted(
            (d.name, d.sha256, d.kind, d.case, d.turns, d.speakers, d.words)
            for d in project.documents()
        ),
        "codes": [
            (
                c.path,
                c.definition,
                c.inclusion,
                c.exclusion,
                c.example,
                c.keywords,
                c.color,
                c.codable,
                c.archived,
            )
            for c in project.codes()
        ],
        "coders": sorted((c.name, c.role) for c in project.coders()),
        "codings": sorted(
            (c.document, c.code, c.coder, c.start, c.end, c.origin) for c in project.codings()
        ),
        "memos": sorted(
            (m.coder, m.target_type, m.target if m.target_type != "coding" else None, m.text)
            for m in project.memos()
        ),
        "cases": sorted(
            (c.name, c.description, tuple(sorted(c.attributes.items())), c.documents, c.speakers)
            for c in project.cases()
        ),
        "attributes": sorted((a.name, a.type) for a in project.attributes()),
    }


def uuids(project: Project) -> dict[str, set[str]]:
    return {
        "documents": {d.uuid for d in project.documents()},
        "codes": {c.uuid for c in project.codes()},
        "coders": {c.uuid for c in project.coders()},
        "codings": {c.uuid for c in project.codings()},
        "memos": {m.uuid for m in project.memos()},
        "cases": {c.uuid for c in project.cases()},
    }


def test_zip_helper_round_trips(tmp_path: Path) -> None:
    path = write_qdpx(tmp_path / "a.qdpx", {"project.qde": "<x/>", "sources/a.txt": b"hi"})
    with zipfile.ZipFile(path) as archive:
        assert archive.read("sources/a.txt") == b"hi"
