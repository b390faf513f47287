"""Snapshots of the retrieval view, the memo browser, the coding screen's list of codings and
home's filtered documents, at 120x40 and 80x24 (pytest-textual-snapshot).

After an intended change of the look, review and update them with
``pytest tests/tui/test_retrieve_snapshots.py --snapshot-update``.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from qualcode.project import Project
from qualcode.tui import make_app

from .test_snapshots import SIZES, keys_then_workers


@pytest.mark.parametrize("size", SIZES, ids=["120x40", "80x24"])
def test_retrieve(snap_compare, demo_path: Path, size: tuple[int, int]) -> None:  # type: ignore[no-untyped-def]
    with Project.open(demo_path) as project:
        first = project.retrieve("Engagement barriers")[0]
        project.set_favourite(first.uuid)
        project.add_memo(
            "Bus fare as the hook", coder="ann", target_type="coding", target=first.uuid
        )
    app = make_app(demo_path, coder="ann")
    assert snap_compare(app, terminal_size=size, run_before=keys_then_workers("tab", "enter"))


@pytest.mark.slow
@pytest.mark.parametrize("size", SIZES, ids=["120x40", "80x24"])
def test_retrieve_combined(snap_compare, demo_path: Path, size: tuple[int, int]) -> None:  # type: ignore[no-untyped-def]
    app = make_app(demo_path, coder="ann")
    keys = ["tab", "enter", "b", *"non-judgemental", "enter", *"in a turn", "enter"]
    assert snap_compare(app, terminal_size=size, run_before=keys_then_workers(*keys))


@pytest.mark.parametrize("size", SIZES, ids=["120x40", "80x24"])
def test_memo_browser(snap_compare, demo_path: Path, size: tuple[int, int]) -> None:  # type: ignore[no-untyped-def]
    with Project.open(demo_path) as project:
        coding = project.codings(document="p01-amy", coder="ann")[0]
        project.add_memo("Overall: travel comes up in every interview.", coder="ann")
        project.add_memo(
            "Amy was tired; she asked to stop twice.",
            coder="ben",
            target_type="document",
            target="p01-amy",
        )
        travel = "Engagement barriers/Travel and distance"
        project.add_memo(
            "Should this split into bus and distance?",
            coder="ann",
            target_type="code",
            target=travel,
        )
        project.add_memo(
            "A strong quote for the write-up. " * 6,
            coder="ann",
            target_type="coding",
            target=coding.uuid,
        )
    with sqlite3.connect(demo_path) as db:  # fixed times: the snapshot does not change daily
        db.execute(
            "UPDATE memos SET created_at='2025-03-01 10:00:00', updated_at='2025-03-01 10:00:00'"
        )
    app = make_app(demo_path, coder="ann")
    assert snap_compare(app, terminal_size=size, run_before=keys_then_workers("m", "down"))


@pytest.mark.parametrize("size", SIZES, ids=["120x40", "80x24"])
def test_codings_list(snap_compare, demo_path: Path, size: tuple[int, int]) -> None:  # type: ignore[no-untyped-def]
    app = make_app(demo_path, coder="ann", document="p01-amy")
    assert snap_compare(app, terminal_size=size, run_before=keys_then_workers("l"))


@pytest.mark.slow
@pytest.mark.parametrize("size", SIZES, ids=["120x40", "80x24"])
def test_home_filtered(snap_compare, demo_path: Path, size: tuple[int, int]) -> None:  # type: ignore[no-untyped-def]
    app = make_app(demo_path, coder="ann")
    keys = ["slash", *"site=clinic", "enter", "o", "o", "o"]
    assert snap_compare(app, terminal_size=size, run_before=keys_then_workers(*keys))
