"""Small things found trying qualcode as a new user (issue 18, item 9)."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Label

from qualcode import Project
from qualcode.tui import make_app
from qualcode.tui.widgets.panel import clip


def test_clip_cuts_at_a_word_with_an_ellipsis() -> None:
    text = "The participant described the bus journey as the hardest part of every week"
    cut = clip(text, 40)
    assert cut == "The participant described the bus…"
    assert len(cut) <= 40 and clip("short", 40) == "short"


async def test_keys_header_is_whole_at_80_columns(demo_path: Path) -> None:
    app = make_app(demo_path, coder="ann")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("question_mark")
        await pilot.pause()
        title = app.screen.query_one("#help-title", Label)
        lines = str(title.render()).splitlines()
        assert lines[-1].endswith("ctrl+p.")
        assert all(len(line) <= title.content_region.width for line in lines)


async def test_one_word_is_one_word(demo_path: Path) -> None:
    app = make_app(demo_path, coder="zed", document="p01-amy")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.app.workers.wait_for_complete()
        await pilot.press("]", "]", "ctrl+shift+right", "c", *"peer sup", "enter")
        await pilot.pause()
        messages = [str(n.message) for n in app._notifications]
    with Project.open(demo_path) as project:
        [made] = project.codings(coder="zed")
    words = len(made.text.split())
    assert words == 1, made.text
    assert any(m.endswith(f"({words} word{'' if words == 1 else 's'})") for m in messages)
    assert not any("(1 words)" in m for m in messages)


async def test_the_export_dialog_writes_beside_the_project_and_says_where(
    demo_path: Path, tmp_path: Path, monkeypatch: object
) -> None:
    """Not into whatever folder qualcode was started in, and the message names the folder; the
    names field's hint reads as a hint, not as a file name already filled in."""
    from textual.widgets import Input

    from qualcode.tui.screens.reports import ExportDialog

    elsewhere = tmp_path / "started-here"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)  # type: ignore[attr-defined]
    app = make_app(demo_path, coder="sue")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.app.workers.wait_for_complete()
        await pilot.press("t")
        await pilot.pause()
        await pilot.app.workers.wait_for_complete()
        await pilot.press("x")
        await pilot.pause()
        assert isinstance(app.screen, ExportDialog)
        target = Path(app.screen.query_one("#export-path", Input).value)
        assert target.parent == demo_path.resolve().parent
        names = app.screen.query_one("#export-names", Input)
        assert names.value == "" and not names.placeholder.endswith(".csv")
        app.screen.query_one("#export-path", Input).focus()
        await pilot.press("enter")
        await pilot.pause()
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        messages = [str(n.message) for n in app._notifications]
    assert target.exists() and not list(elsewhere.iterdir())
    assert f"Wrote {target}" in messages
