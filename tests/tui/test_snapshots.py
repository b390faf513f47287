"""Snapshots of the main screens at 120x40 and 80x24 (pytest-textual-snapshot).

After an intended change of the look, review and update them with
``pytest tests/tui/test_snapshots.py --snapshot-update``.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from qualcode.tui import make_app

SIZES = [(120, 40), (80, 24)]


@pytest.mark.parametrize("size", SIZES, ids=["120x40", "80x24"])
def test_home(snap_compare, demo_path: Path, size: tuple[int, int]) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(make_app(demo_path, coder="ann"), terminal_size=size)


@pytest.mark.parametrize("size", SIZES, ids=["120x40", "80x24"])
def test_coding(snap_compare, demo_path: Path, size: tuple[int, int]) -> None:  # type: ignore[no-untyped-def]
    app = make_app(demo_path, coder="ann", document="p01-amy")
    assert snap_compare(app, terminal_size=size, press=["]", "]", "]", "]", "s"])


@pytest.mark.parametrize("size", SIZES, ids=["120x40", "80x24"])
def test_picker(snap_compare, demo_path: Path, size: tuple[int, int]) -> None:  # type: ignore[no-untyped-def]
    app = make_app(demo_path, coder="ann", document="p01-amy")
    assert snap_compare(app, terminal_size=size, press=["]", "]", "]", "s", "c", *"bus fare"])


@pytest.mark.parametrize("size", SIZES, ids=["120x40", "80x24"])
def test_codebook_editor(snap_compare, demo_path: Path, size: tuple[int, int]) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(make_app(demo_path, coder="ann"), terminal_size=size, press=["e", "down"])


@pytest.mark.parametrize("size", SIZES, ids=["120x40", "80x24"])
def test_agreement(snap_compare, demo_path: Path, size: tuple[int, int]) -> None:  # type: ignore[no-untyped-def]
    app = make_app(demo_path, coder="sue")
    assert snap_compare(app, terminal_size=size, press=["a", "wait:500"])


@pytest.mark.parametrize("size", SIZES, ids=["120x40", "80x24"])
def test_reconcile(snap_compare, demo_path: Path, size: tuple[int, int]) -> None:  # type: ignore[no-untyped-def]
    app = make_app(demo_path, coder="sue")
    assert snap_compare(app, terminal_size=size, press=["a", "wait:500", "enter", "wait:500"])
