"""Speaker-turn parsing (qualcode.importers.turns): label shapes, false positives, offsets."""

from __future__ import annotations

import pytest

from qualcode.importers import default_role, split_turns
from qualcode.importers.base import ParsedTurn
from qualcode.importers.turns import label_problem, paragraph_turns, parse_timestamp


def spoken(text: str, turns: tuple[ParsedTurn, ...]) -> list[tuple[str | None, str]]:
    """(speaker, spoken words) per turn, after checking the offset invariants."""
    previous_end = 0
    for turn in turns:
        assert previous_end <= turn.start <= turn.body_start <= turn.end <= len(text)
        previous_end = turn.end
    return [(turn.speaker, text[turn.body_start : turn.end]) for turn in turns]


@pytest.mark.parametrize(
    ("line", "speaker", "body"),
    [
        ("Interviewer: hello there", "Interviewer", "hello there"),
        ("P03: yes", "P03", "yes"),
        ("**Henk Rogers:** Hello!", "Henk Rogers", "Hello!"),
        ("**Henk Rogers**: Hello!", "Henk Rogers", "Hello!"),
        ("[00:01:23] Dr. Smith: fine", "Dr. Smith", "fine"),
        ("00:01:23 Dr. Smith: fine", "Dr. Smith", "fine"),
        ("Dr. Smith (00:01:23): fine", "Dr. Smith", "fine"),
        ("Dr. Smith [00:01:23]: fine", "Dr. Smith", "fine"),
        ("INTERVIEWER: so", "INTERVIEWER", "so"),
        ("MSM:\t\tWell, what", "MSM", "Well, what"),
        ("Justin Florentine (Besu): Hi.", "Justin Florentine (Besu)", "Hi."),
        ("Luis Pinto | Besu: Claude can", "Luis Pinto | Besu", "Claude can"),
        ("Paweł: tak", "Paweł", "tak"),
        ("interviewer: lower case role", "interviewer", "lower case role"),
        ("  Interviewer 2: indented", "Interviewer 2", "indented"),
        ("Mary-Jane O'Neil: hi", "Mary-Jane O'Neil", "hi"),
        ("Ludwig van Beethoven: da da da", "Ludwig van Beethoven", "da da da"),
        ("李伟：我们", "李伟", "我们"),
    ],
)
def test_inline_label_shapes(line: str, speaker: str, body: str) -> None:
    # Each label appears twice so the frequency rule never decides these cases.
    text = f"{line}\n\n{line}"
    turns = split_turns(text)
    assert spoken(text, turns) == [(speaker, body), (speaker, body)]
    assert text[turns[0].start : turns[0].start + 1] == line.strip()[0]


def test_label_alone_on_its_line_takes_the_next_lines_as_body() -> None:
    text = (
        "**Interviewer**\\\nDid anyone receive training?\n\n"
        "**Dana Okafor**\\\nOnly a one-day course.\nIt was not enough.\n\n"
        "INTERVIEWER:\nThank you.\n\n"
        "Sara Mannheimer  00:13\nOkay.\n\n"
        "**Interviewer**\nBold alone, repeated.\n\n"
        "**Interviewer**\nAgain."
    )
    turns = split_turns(text)
    assert spoken(text, turns) == [
        ("Interviewer", "Did anyone receive training?"),
        ("Dana Okafor", "Only a one-day course.\nIt was not enough."),
        ("INTERVIEWER", "Thank you."),
        ("Sara Mannheimer", "Okay."),
        ("Interviewer", "Bold alone, repeated."),
        ("Interviewer", "Again."),
    ]
    assert turns[3].ts_start == 13.0
    assert text[turns[0].start : turns[0].body_start] == "**Interviewer**\\\n"


def test_timestamps_become_seconds() -> None:
    text = "[00:01:23] Ann: a\n00:02 Ann: b\nAnn (1:00:00): c\nAnn [00:00:05.5]: d"
    assert [turn.ts_start for turn in split_turns(text)] == [83.0, 2.0, 3600.0, 5.5]


def test_header_block_is_one_leading_unlabelled_turn() -> None:
    text = "Title: A study\nDate: 2024-01-02\n\nSite notes here.\n\nInterviewer: Hello.\nP01: Hi."
    turns = split_turns(text)
    assert spoken(text, turns) == [
        (None, "Title: A study\nDate: 2024-01-02\n\nSite notes here."),
        ("Interviewer", "Hello."),
        ("P01", "Hi."),
    ]
    assert turns[0].start == 0 and turns[0].body_start == 0


def test_unlabelled_paragraphs_continue_the_speaker_and_relabels_stay_separate() -> None:
    text = "P01: one\n\ntwo\n\nP01: three\nInterviewer: four"
    assert spoken(text, split_turns(text)) == [
        ("P01", "one\n\ntwo"),
        ("P01", "three"),
        ("Interviewer", "four"),
    ]


@pytest.mark.parametrize(
    "line",
    [
        "So the point is: it works.",
        "Three reasons: time, money, fear.",
        "For example: the bus.",
        "He said: no way.",
        "Note: the recorder stopped.",
        "Break: [22:46]",
        "Interview Date: 5 May",
        "Participant ID: P07",
        "https://example.org: a link",
        "What do you mean? Well: maybe.",
        "10:30 is when we met",
        "- Bullet: not a speaker",
    ],
)
def test_sentences_and_header_keys_are_not_speakers(line: str) -> None:
    text = f"Interviewer: first.\n{line}\n{line}\nP01: second."
    turns = split_turns(text)
    assert [turn.speaker for turn in turns] == ["Interviewer", "P01"]
    assert line in text[turns[0].body_start : turns[0].end]


def test_a_plain_name_once_without_markup_is_not_a_speaker() -> None:
    text = "Interviewer: hello.\nInterviewer: again.\nMaybe: once only."
    assert [turn.speaker for turn in split_turns(text)] == ["Interviewer", "Interviewer"]


def test_a_plain_name_twice_is_a_speaker() -> None:
    text = "Kemi: hello.\nTomasz: hi.\nKemi: bye.\nTomasz: ok."
    assert [turn.speaker for turn in split_turns(text)] == ["Kemi", "Tomasz", "Kemi", "Tomasz"]
    # Once and without markup, a name is too weak a signal: it stays in the previous turn.
    text = "Kemi: hello.\nTomasz: hi.\nKemi: bye."
    assert [turn.speaker for turn in split_turns(text)] == ["Kemi", "Kemi"]


def test_no_labels_gives_paragraph_turns() -> None:
    text = "First paragraph\nstill first.\n\n  Second paragraph.  \n\n\n"
    assert spoken(text, split_turns(text)) == [
        (None, "First paragraph\nstill first."),
        (None, "Second paragraph."),
    ]
    assert split_turns(text)[1].start == text.index("Second")


def test_no_blank_lines_gives_one_turn_per_line() -> None:
    text = "line one\n\nline two"
    assert len(paragraph_turns(text)) == 2
    text = "line one\nline two\n   \nline three"  # a whitespace-only line is blank too
    assert len(split_turns(text)) == 2
    text = "line one\nline two\nline three"
    assert spoken(text, split_turns(text)) == [
        (None, "line one"),
        (None, "line two"),
        (None, "line three"),
    ]


def test_label_with_no_words_gets_an_empty_body() -> None:
    text = "**Interviewer**\\\n**P01**\\\nHello."
    turns = split_turns(text)
    assert spoken(text, turns) == [("Interviewer", ""), ("P01", "Hello.")]
    assert turns[0].body_start == turns[0].end == len("**Interviewer**\\")


@pytest.mark.parametrize("text", ["", "   ", "\n\n\n", "\t \n"])
def test_blank_text_has_no_turns(text: str) -> None:
    assert split_turns(text) == ()


@pytest.mark.parametrize(
    ("label", "role"),
    [
        ("Interviewer", "interviewer"),
        ("interviewer 2", "interviewer"),
        ("INT", "interviewer"),
        ("I", "interviewer"),
        ("Q", "interviewer"),
        ("Facilitator", "interviewer"),
        ("Moderator1", "interviewer"),
        ("Researcher", "interviewer"),
        ("P01", "participant"),
        ("Henk Rogers", "participant"),
        ("Respondent", "participant"),
        ("A", "participant"),
        ("Interviewee", "participant"),
        (None, None),
    ],
)
def test_default_role(label: str | None, role: str | None) -> None:
    assert default_role(label) == role


@pytest.mark.parametrize(
    ("value", "seconds"),
    [
        ("00:01:23", 83.0),
        ("[00:05:00]", 300.0),
        ("0:00:00", 0.0),
        ("[0:00]", 0.0),
        ("1:02:07", 3727.0),
        ("00:00:14,730", 14.73),
        ("75:30", 4530.0),
        ("12:99", None),
        ("abc", None),
        ("1:2:3:4", None),
        ("", None),
    ],
)
def test_parse_timestamp(value: str, seconds: float | None) -> None:
    assert parse_timestamp(value) == (pytest.approx(seconds) if seconds is not None else None)


def test_label_problem_explains_rejections() -> None:
    assert label_problem("Henk Rogers") is None
    assert label_problem("Justin Florentine (Besu)") is None
    assert label_problem("Ana Lima (Site A)") is None
    assert label_problem("stokes") is None
    assert label_problem("john smith") == "lower-case words"
    assert label_problem("john smith", strict_case=False) is None
    assert label_problem("Date") == "a header key"
    assert label_problem("One Two Three Four Five Six") == "too many words"
    assert label_problem("1234") == "not a name"
