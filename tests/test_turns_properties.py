"""Property tests for split_turns: rendered transcripts round trip; any text keeps invariants."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qualcode.importers import split_turns
from qualcode.importers.base import ParsedTurn
from qualcode.importers.turns import FUNCTION_WORDS, NON_SPEAKER_KEYS

REALISTIC_NAMES = [
    "Interviewer",
    "Interviewer 2",
    "P01",
    "P12",
    "Participant 3",
    "Respondent",
    "Dana Okafor",
    "Henk Rogers",
    "Zoë Ångström",
    "Paweł Bylica",
    "Łukasz",
    "李伟",
    "Jose\u0301 Martí",
    "Justin Florentine (Besu)",
    "Luis Pinto | Besu",
    "Dr. Smith",
    "Mary-Jane O'Neil",
    "Mx. Ng",
]
_SYLLABLES = ["ka", "ri", "mo", "sen", "ta", "lu", "vik", "do", "ne", "zha", "ő", "ça", "bé"]


def _name_from(parts: list[list[str]]) -> str:
    return " ".join("".join(word).capitalize() for word in parts)


generated_names = (
    st.lists(
        st.lists(st.sampled_from(_SYLLABLES), min_size=1, max_size=3),
        min_size=1,
        max_size=3,
    )
    .map(_name_from)
    .filter(
        lambda name: (
            not any(word.casefold() in NON_SPEAKER_KEYS | FUNCTION_WORDS for word in name.split())
        )
    )
)
names = st.one_of(st.sampled_from(REALISTIC_NAMES), generated_names)

# Words never contain ':', '*', '[' or '\\', so no line of a body can itself look like a label.
_WORD_ALPHABET = st.sampled_from(
    list("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.,!?'’—-()")
    + ["é", "ñ", "ü", "ß", "ø", "e\u0301", "🙂", "👍🏽", "東", "京", "你", "好", "ق", "…"]
)
words = st.lists(_WORD_ALPHABET, min_size=1, max_size=8).map("".join)
lines = st.lists(words, min_size=1, max_size=12).map(" ".join)
paragraphs = st.lists(lines, min_size=1, max_size=3).map("\n".join)
bodies = st.lists(paragraphs, min_size=1, max_size=3).map("\n\n".join)


def _stamp(seconds: int) -> str:
    return f"{seconds // 3600:02d}:{seconds // 60 % 60:02d}:{seconds % 60:02d}"


def _otter_stamp(seconds: int) -> str:
    if seconds < 3600:
        return f"{seconds // 60}:{seconds % 60:02d}"
    return f"{seconds // 3600}:{seconds // 60 % 60:02d}:{seconds % 60:02d}"


STYLES = {
    "plain": lambda name, body, seconds: f"{name}: {body}",
    "bold": lambda name, body, seconds: f"**{name}:** {body}",
    "bold-outside": lambda name, body, seconds: f"**{name}**: {body}",
    "timestamp": lambda name, body, seconds: f"[{_stamp(seconds)}] {name}: {body}",
    "alone": lambda name, body, seconds: f"**{name}**\\\n{body}",
    "otter": lambda name, body, seconds: f"{name}  {_otter_stamp(seconds)}\n{body}",
}
TIMED_STYLES = {"timestamp", "otter"}


@st.composite
def transcripts(draw: st.DrawFn) -> tuple[str, list[tuple[str, str, int]]]:
    cast = draw(st.lists(names, min_size=1, max_size=4, unique_by=str.casefold))
    order = draw(st.lists(st.integers(0, len(cast) - 1), min_size=1, max_size=6))
    # Every label must occur at least twice: repeat the whole sequence.
    turns = [(cast[i], draw(bodies), draw(st.integers(0, 5 * 3600))) for i in order * 2]
    return draw(st.sampled_from(sorted(STYLES))), turns


@pytest.mark.slow
@settings(max_examples=300, deadline=None)
@given(transcripts(), st.sampled_from(["\n", "\n\n", "\n\n\n"]))
def test_rendered_transcripts_round_trip(
    case: tuple[str, list[tuple[str, str, int]]], separator: str
) -> None:
    style, turns = case
    render = STYLES[style]
    text = separator.join(render(name, body, seconds) for name, body, seconds in turns)
    parsed = split_turns(text)
    assert [turn.speaker for turn in parsed] == [name for name, _, _ in turns]
    assert [text[turn.body_start : turn.end] for turn in parsed] == [
        body.strip() for _, body, _ in turns
    ]
    if style in TIMED_STYLES:
        assert [turn.ts_start for turn in parsed] == [float(s) for _, _, s in turns]
    _check_invariants(text, parsed)


def _check_invariants(text: str, turns: tuple[ParsedTurn, ...]) -> None:
    previous_end = 0
    uncovered = []
    for turn in turns:
        assert previous_end <= turn.start <= turn.body_start <= turn.end <= len(text)
        body = text[turn.body_start : turn.end]
        assert body == body.strip()
        assert not text[turn.start : turn.start + 1].isspace()
        uncovered.append(text[previous_end : turn.start])
        previous_end = turn.end
    uncovered.append(text[previous_end:])
    # Every non-space character belongs to some turn: nothing the speakers said is dropped.
    assert "".join(uncovered).strip() == ""


labelish = st.lists(
    st.sampled_from(list("AaPp01: *[]()\\|\t\n.-：") + ["Interviewer", "**", "00:01", "  "]),
    max_size=80,
).map("".join)


@settings(max_examples=500, deadline=None)
@given(st.one_of(st.text(), labelish).map(lambda value: value.replace("\r", "")))
def test_any_text_keeps_the_invariants(text: str) -> None:
    turns = split_turns(text)
    _check_invariants(text, turns)
    if text.strip():
        assert turns
