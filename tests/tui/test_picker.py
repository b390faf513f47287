"""The code picker: fuzzy ranking, recent and pinned codes, the preview, and its keys."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.app import App
from textual.widgets import Static

from qualcode import Project
from qualcode.project import CodeInfo
from qualcode.tui.colors import code_colors
from qualcode.tui.screens.picker import CodePicker, pinned_codes, rank_codes

CSS = Path(__file__).resolve().parents[2] / "qualcode" / "tui" / "coding.tcss"


def demo_codes(demo_path: Path) -> list[CodeInfo]:
    with Project.open(demo_path) as project:
        return project.codes()


def test_name_matches_rank_above_keyword_and_definition_matches(demo_path: Path) -> None:
    codes = demo_codes(demo_path)
    ranked = [c.path for c in rank_codes(codes, "travel")]
    assert set(ranked[:2]) == {
        "Engagement barriers/Travel and distance",
        "Practical support that enabled attendance/Travel support",
    }
    # 'bus fare' is only a keyword of the travel codes.
    assert rank_codes(codes, "bus fare")[0].path.endswith(("Travel and distance", "Travel support"))


def test_only_codable_current_codes_and_recent_first(small_path: Path) -> None:
    with Project.open(small_path) as project:
        project.archive_code("Food")
        codes = project.codes()
    paths = [c.path for c in rank_codes(codes, "")]
    assert "Grouping only" not in paths and "Barriers/Food" not in paths
    assert "Grouping only/Leaf" in paths
    recent = ["Safety/Travel", "Barriers/Travel"]
    assert [c.path for c in rank_codes(codes, "", recent)][:2] == recent
    assert rank_codes(codes, "zzzzqqq") == []


class Host(App[None]):
    CSS_PATH = CSS

    def __init__(self, codes: list[CodeInfo]) -> None:
        super().__init__()
        self.codes = codes
        self.results: list[str | None] = []

    def open(self) -> None:
        self.push_screen(CodePicker(self.codes, code_colors(self.codes)), self.results.append)


async def test_typing_and_enter_returns_the_best_code(demo_path: Path) -> None:
    app = Host(demo_codes(demo_path))
    async with app.run_test(size=(120, 40)) as pilot:
        app.open()
        await pilot.pause()
        await pilot.press(*"lunch")
        await pilot.pause()
        preview = app.screen.query_one("#picker-preview", Static)
        assert "Definition" in str(preview.render())
        await pilot.press("enter")
        await pilot.pause()
    assert app.results == ["Practical support that enabled attendance/Lunch and food at the group"]


async def test_down_then_escape_and_pinned_digits(demo_path: Path) -> None:
    app = Host(demo_codes(demo_path))
    async with app.run_test(size=(120, 40)) as pilot:
        app.open()
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        assert app.results == [None]
        app.open()
        await pilot.pause()
        await pilot.press("down", "down", "ctrl+t")  # pin the third code to 1
        await pilot.pause()
        third = pinned_codes(app)[0]
        await pilot.press("escape")
        app.open()
        await pilot.pause()
        await pilot.press("1")
        await pilot.pause()
    assert app.results == [None, None, third]
    assert third == "Engagement barriers/Travel and distance"


@pytest.mark.slow
async def test_a_recent_code_never_outranks_a_better_match(demo_path: Path) -> None:
    """Found trying it: after one use of 'Travel support', 'travl dist' applied it instead of
    'Travel and distance'. Recency only breaks ties."""
    from qualcode.tui import make_app
    from qualcode.tui.screens.picker import CodePicker

    support = "Practical support that enabled attendance/Travel support"
    distance = "Engagement barriers/Travel and distance"
    app = make_app(demo_path, coder="zed", document="p01-amy")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.app.workers.wait_for_complete()
        await pilot.press("]", "]", "s", "c", *"travel support", "enter")
        await pilot.pause()
        assert app.recent_codes[0] == support
        await pilot.press("]", "]", "s", "c", *"travl dist")
        await pilot.pause()
        assert isinstance(app.screen, CodePicker)
        await pilot.press("enter")
        await pilot.pause()
        await pilot.app.workers.wait_for_complete()
    with Project.open(demo_path) as project:
        mine = project.codings(coder="zed")
    assert sorted(c.code for c in mine) == sorted([support, distance])
