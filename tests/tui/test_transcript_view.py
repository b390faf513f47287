"""The transcript view's layout (wrapping, offsets, sentences), its coding index, and drawing."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st
from rich.cells import cell_len
from textual.app import App, ComposeResult

from qualcode import Project
from qualcode.project import CodingInfo, TurnInfo
from qualcode.tui.widgets.layout import (
    BODY,
    LABEL,
    Block,
    Layout,
    Navigator,
    _wrap_words,
    blocks_from_turns,
    safe_text,
    wrap_paragraph,
)
from qualcode.tui.widgets.marks import CodingIndex
from qualcode.tui.widgets.transcript import GUTTER, TranscriptView

CSS = Path(__file__).resolve().parents[2] / "qualcode" / "tui" / "coding.tcss"


def lines_of(text: str, width: int) -> list[tuple[int, int]]:
    starts = wrap_paragraph(safe_text(text), 0, len(text), width)
    return list(zip(starts, [*starts[1:], len(text)], strict=True))


def test_wrap_covers_the_text_and_fits_the_width() -> None:
    text = "The bus fare was paid, which honestly made it possible for me to come every week."
    spans = lines_of(text, 20)
    assert "".join(text[a:b] for a, b in spans) == text
    assert all(len(text[a:b].rstrip()) <= 20 for a, b in spans)
    assert [text[a:b] for a, b in spans][:2] == ["The bus fare was ", "paid, which honestly "]


def test_wrap_cuts_words_longer_than_the_line() -> None:
    text = "a " + "x" * 25 + " b"
    spans = lines_of(text, 10)
    assert "".join(text[a:b] for a, b in spans) == text
    assert all(len(text[a:b].rstrip()) <= 10 for a, b in spans)


def test_wrap_counts_wide_characters_as_two_cells() -> None:
    text = "信頼 " * 10 + "😅😅😅"
    spans = lines_of(text, 9)
    assert "".join(text[a:b] for a, b in spans) == text
    assert all(cell_len(text[a:b].rstrip()) <= 9 for a, b in spans)


@settings(max_examples=200, deadline=None)
@given(
    st.text(alphabet=st.sampled_from("ab c\t信😅.!"), max_size=200),
    st.integers(min_value=1, max_value=30),
)
def test_wrap_property(text: str, width: int) -> None:
    spans = lines_of(text, width)
    assert spans[0][0] == 0 and spans[-1][1] == len(text)
    assert all(a < b for a, b in spans) or text == ""
    assert all(cell_len(safe_text(text[a:b]).rstrip()) <= max(width, 2) for a, b in spans)


@settings(max_examples=400, deadline=None)
@given(
    st.text(alphabet=st.sampled_from("ab  cd.,!?-'"), max_size=300),
    st.integers(min_value=1, max_value=24),
    st.integers(min_value=0, max_value=5),
)
def test_the_fast_ascii_wrap_gives_the_word_by_word_lines(text: str, width: int, cut: int) -> None:
    """ASCII paragraphs take a regular-expression path (speed); it must agree line for line
    with the word-by-word rule, long words, leading spaces and runs of spaces included."""
    start = min(cut, len(text))
    assert wrap_paragraph(text, start, len(text), width) == _wrap_words(
        text, start, len(text), width
    )


def turns_for(text: str) -> list[TurnInfo]:
    """Turns of 'Label: body' paragraphs separated by blank lines."""
    turns, position = [], 0
    for number, part in enumerate(text.split("\n\n")):
        label = part.index(": ") + 2 if ": " in part else 0
        speaker = part[: label - 2] if label else None
        role = "interviewer" if speaker == "Interviewer" else "participant"
        turns.append(
            TurnInfo(
                number,
                position,
                position + label,
                position + len(part),
                speaker,
                role,
                1.5 * number if number else None,
                None,
            )
        )
        position += len(part) + 2
    return turns


DOC = (
    "Interviewer: How did you get there?\n\n"
    "Amy: The bus. It was paid for! Honestly?\nYes, it was.\n\n"
    "Interviewer: And lunch?"
)


def test_layout_lines_cover_each_turn_body() -> None:
    blocks = blocks_from_turns(DOC, turns_for(DOC))
    layout = Layout(DOC, blocks, 12)
    for number, block in enumerate(blocks):
        body = [line for line in layout.lines if line.kind == BODY and line.block == number]
        shown = "\n".join(DOC[line.start : line.end] for line in body if line.start < line.end)
        assert shown.replace("\n", "") == DOC[block.body_start : block.end].replace("\n", "")
        labels = [line for line in layout.lines if line.kind == LABEL and line.block == number]
        assert len(labels) == 1
    assert layout.body_starts == sorted(set(layout.body_starts))


def test_layout_keeps_text_outside_turns() -> None:
    text = "Header line\n\nAmy: hello"
    turns = [TurnInfo(0, 13, 18, len(text), "Amy", "participant", None, None)]
    blocks = blocks_from_turns(text, turns)
    assert blocks[0] == Block(0, 0, 13)
    assert len(blocks) == 2


def test_sentences_never_cross_a_turn() -> None:
    blocks = blocks_from_turns(DOC, turns_for(DOC))
    nav = Navigator(DOC, blocks)
    found = [DOC[a:b] for a, b in nav.sentences]
    assert found == [
        "How did you get there?",
        "The bus.",
        "It was paid for!",
        "Honestly?",
        "Yes, it was.",
        "And lunch?",
    ]
    start = DOC.index("It was")
    assert nav.sentence_at(start + 3) == (start, start + len("It was paid for!"))
    assert nav.next_sentence(start) == DOC.index("Honestly")
    assert nav.previous_sentence(start) == DOC.index("The bus")


def test_words_move_over_punctuation() -> None:
    nav = Navigator(DOC, blocks_from_turns(DOC, turns_for(DOC)))
    start = DOC.index("The bus")
    assert nav.word_end(start) == start + 3
    assert nav.word_end(start + 3) == start + 7
    assert nav.word_start(start + 6) == start + 4


def test_safe_text_replaces_controls_and_bidi_one_for_one() -> None:
    text = "a\x1b[31mb\u202ec\u2066d\x07e\tf\x85g\n"
    shown = safe_text(text)
    assert len(shown) == len(text)
    assert not any(ch in shown for ch in "\x1b\u202e\u2066\x07\t\x85")
    assert shown.endswith("\n")


def coding(uuid: str, start: int, end: int, code: str = "A", second: int = 0) -> CodingInfo:
    return CodingInfo(
        "doc",
        code,
        "ann",
        start,
        end,
        "",
        "manual",
        uuid,
        datetime(2024, 1, 1, 0, 0, second, tzinfo=UTC),
    )


def test_coding_index_finds_overlaps_and_touches() -> None:
    index = CodingIndex([coding("a", 0, 600), coding("b", 700, 710, second=1)])
    assert [c.uuid for c in index.overlapping(500, 520)] == ["a"]
    assert [c.uuid for c in index.overlapping(600, 700)] == []
    assert [c.uuid for c in index.at(600)] == ["a"]
    assert [c.uuid for c in index.at(710)] == ["b"]
    index.add(coding("c", 705, 720, second=2))
    assert [c.uuid for c in index.overlapping(706, 707)] == ["b", "c"]
    index.remove("b")
    assert [c.uuid for c in index.overlapping(0, 1000)] == ["a", "c"]


class Host(App[None]):
    CSS_PATH = CSS

    def __init__(self, view: TranscriptView) -> None:
        super().__init__()
        self.view = view

    def compose(self) -> ComposeResult:
        yield self.view


def all_text(view: TranscriptView) -> str:
    return "\n".join(view.render_line(y).text for y in range(view.size.height))


async def test_unsafe_characters_never_reach_the_terminal(small_path: Path) -> None:
    with Project.open(small_path) as project:
        text, turns = project.document_text("evil"), project.turns("evil")
    assert "\x1b" in text and "\u202e" in text
    view = TranscriptView(text, turns)
    async with Host(view).run_test(size=(60, 20)) as pilot:
        await pilot.pause()
        drawn = all_text(view)
        assert "red" in drawn and "evil" in drawn
        for y in range(view.size.height):
            for segment in view.render_line(y):
                assert not any(ch in segment.text for ch in "\x1b\u202e\u202c\x07\t")


async def test_codings_are_drawn_in_their_colour_and_in_the_gutter() -> None:
    text = "Amy: " + "word " * 40
    turns = [TurnInfo(0, 0, 5, len(text), "Amy", "participant", 61.0, None)]
    marked = coding("x", 10, 20, code="Travel")
    view = TranscriptView(text, turns, codings=[marked], colors={"Travel": "#0072B2"})
    async with Host(view).run_test(size=(50, 12)) as pilot:
        await pilot.pause()
        label = view.render_line(0).text
        assert "Amy:" in label and "[00:01:01]" in label
        line = list(view.render_line(1))
        colored = [
            s
            for s in line
            if s.style
            and s.style.bgcolor
            and s.style.bgcolor.get_truecolor().hex.upper() == "#0072B2"
        ]
        assert "".join(s.text for s in colored) == text[10:20]
        assert line[0].text == "▌"


async def test_click_moves_the_cursor_and_drag_selects() -> None:
    text = "Amy: " + "alpha beta gamma delta"
    turns = [TurnInfo(0, 0, 5, len(text), "Amy", "participant", None, None)]
    view = TranscriptView(text, turns)
    async with Host(view).run_test(size=(50, 10)) as pilot:
        await pilot.pause()
        await pilot.click(TranscriptView, offset=(GUTTER + 6, 1))
        assert view.cursor == text.index("beta")
        await pilot.mouse_down(TranscriptView, offset=(GUTTER, 1))
        await pilot.hover(TranscriptView, offset=(GUTTER + 10, 1))
        await pilot.mouse_up(TranscriptView, offset=(GUTTER + 10, 1))
        await pilot.pause()
        assert view.selection == (5, 15)
