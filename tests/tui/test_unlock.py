"""An encrypted project in the terminal UI: the passphrase prompt, then the project as usual."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import DataTable, Input, Label

from qualcode.store import cipher
from qualcode.tui import make_app
from qualcode.tui.screens.home import HomeScreen
from qualcode.tui.unlock import UnlockApp

pytest.importorskip("sqlcipher3", reason="the encryption extra (sqlcipher3) is not installed")

PASS = "s3cret pass"


@pytest.mark.slow
async def test_wrong_then_right_passphrase_then_the_home_screen(
    demo_path: Path, config_env: Path
) -> None:
    cipher.encrypt_file(demo_path, PASS)
    unlock = UnlockApp(demo_path)
    async with unlock.run_test(size=(100, 24)) as pilot:
        await pilot.press(*"wrong", "enter")
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        problem = unlock.query_one("#unlock-problem", Label)
        assert "Wrong passphrase" in str(problem.render())
        field = unlock.query_one("#passphrase", Input)
        assert field.value == "" and field.password and not field.disabled
        await pilot.press(*PASS, "enter")
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
    assert unlock.return_value == PASS

    app = make_app(demo_path, coder="Zebedee", passphrase=unlock.return_value)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        assert app.screen.query_one(DataTable).row_count == 9
        assert "demo" in app.sub_title and "Zebedee" in app.sub_title
    # The coder's name is not remembered in the plain settings file for an encrypted project.
    assert not any("Zebedee" in p.read_text() for p in config_env.rglob("*") if p.is_file())


async def test_escape_gives_up(demo_path: Path) -> None:
    cipher.encrypt_file(demo_path, PASS)
    unlock = UnlockApp(demo_path)
    async with unlock.run_test() as pilot:
        await pilot.press("escape")
    assert unlock.return_value is None
