"""Snapshots of the main screens at 120x40 and 80x24 (pytest-textual-snapshot).

After an intended change of the look, review and update them with
``pytest tests/tui/test_snapshots.py --snapshot-update``.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import DataTable

from qualcode.tui import make_app

SIZES = [(120, 40), (80, 24)]


def keys_then_workers(*keys: str):  # type: ignore[no-untyped-def]
    """Press each key, and after each wait until the screen's workers are done and its tables
    have measured their new rows: screens that compute in a worker are snapped with their
    figures, however busy the machine is."""

    async def run(pilot: Pilot[None]) -> None:
        for key in keys:
            await pilot.press(key)
            await pilot.pause()
            await pilot.app.workers.wait_for_complete()
            await pilot.pause()
            await tables_measured(pilot)

    return run


async def tables_measured(pilot: Pilot[None]) -> None:
    """Until every DataTable on the screen has measured its rows and cells. A DataTable does
    that when its message queue is idle, which on a busy machine can come after the pause
    above: a snapshot then showed the agreement table's code column four cells wide."""
    for _ in range(400):
        tables = list(pilot.app.screen.query(DataTable))
        if not any(t._require_update_dimensions or t._updated_cells for t in tables):
            return
        await pilot.pause(0.05)


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
    assert snap_compare(app, terminal_size=size, run_before=keys_then_workers("a"))


@pytest.mark.parametrize("size", SIZES, ids=["120x40", "80x24"])
def test_reconcile(snap_compare, demo_path: Path, size: tuple[int, int]) -> None:  # type: ignore[no-untyped-def]
    app = make_app(demo_path, coder="sue")
    assert snap_compare(app, terminal_size=size, run_before=keys_then_workers("a", "enter"))


@pytest.mark.parametrize("size", SIZES, ids=["120x40", "80x24"])
def test_reports(snap_compare, demo_path: Path, size: tuple[int, int]) -> None:  # type: ignore[no-untyped-def]
    app = make_app(demo_path, coder="sue")
    assert snap_compare(app, terminal_size=size, run_before=keys_then_workers("t"))
