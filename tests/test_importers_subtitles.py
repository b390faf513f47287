"""WebVTT and SubRip importers: cues, voice tags, prefix labels, merging and timing errors."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qualcode.errors import BadInputError
from qualcode.importers import ImportOptions, ParsedDocument, read_file
from qualcode.importers.cues import _parse_lines, _parse_regular, cue_seconds
from qualcode.importers.validate import turn_problems

DATA = Path(__file__).parent / "data"


def read_one(path: Path, options: ImportOptions | None = None) -> ParsedDocument:
    (document,) = read_file(path, options)
    assert turn_problems(document) == []
    return document


def turns_of(document: ParsedDocument) -> list[tuple[str | None, str]]:
    return [(t.speaker, document.text[t.body_start : t.end]) for t in document.turns]


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_teams_vtt_voice_tags_notes_and_styles() -> None:
    document = read_one(DATA / "teams.vtt")
    assert document.source_format == "vtt"
    assert turns_of(document) == [
        ("Priya Shah", "Thanks for joining. Can everyone hear me all right?"),
        ("Tom O'Neill", "Yes, loud & clear."),
        (
            "Priya Shah",
            "Good. Let's start with the first question. Unlabelled cue that continues Priya.",
        ),
        ("Tom O'Neill", "Sure."),
    ]
    assert [(t.ts_start, t.ts_end) for t in document.turns] == [
        (3.12, 8.0),
        (9.25, 12.9),
        (13.0, 18.25),
        (62.0, 64.75),
    ]
    assert "NOTE" not in document.text and "WEBVTT" not in document.text
    assert document.text.startswith("Priya Shah: Thanks for joining.")
    assert "\n\nTom O'Neill: Yes, loud & clear.\n\n" in document.text


def test_zoom_vtt_crlf_prefix_labels() -> None:
    document = read_one(DATA / "zoom.vtt")
    assert turns_of(document) == [
        ("Ana Lima (Site A)", "Can I get a quick mic check, please?"),
        ("kofi", "You sound great… Hello."),
        ("Paweł Nowak | Team B", "Let's see. Maybe one more minute."),
        ("Ana Lima (Site A)", "Okay, ready when you are."),
    ]
    assert document.turns[0].ts_start == pytest.approx(331.76)
    assert document.turns[1].ts_end == pytest.approx(356.65)


def test_srt_first_cue_labels_carry_forward() -> None:
    document = read_one(DATA / "podcast.srt")
    assert document.source_format == "srt"
    assert turns_of(document) == [
        ("Maria", "Hey, this is season one episode one of the community podcast."),
        ("Sam", "Thanks for having me. We met at 5:00 PM on a Tuesday. It was great."),
        ("Maria", "So tell us about yourself."),
        ("Sam", "I'm a nurse -- well, I was."),
    ]
    assert [(t.ts_start, t.ts_end) for t in document.turns] == [
        (14.73, 18.45),
        (19.41, 22.83),
        (23.37, 26.37),
        (26.37, 27.84),
    ]


def test_srt_broken_timing_names_the_line() -> None:
    with pytest.raises(BadInputError) as caught:
        read_file(DATA / "broken_timing.srt")
    message = str(caught.value)
    assert "broken_timing.srt: line 6: malformed cue timing '00:00:03,000 -> 00:00:04,000'" in (
        message
    )
    assert "\n" not in message


@pytest.mark.parametrize(
    "timing",
    ["00:00:03,000 --> later", "00:00:03,000 -->", "00:00:03 --> 00:00:99,000", "aa --> bb"],
)
def test_vtt_malformed_arrow_lines(tmp_path: Path, timing: str) -> None:
    path = write(
        tmp_path,
        "bad.vtt",
        f"WEBVTT\n\n1\n00:00:01.000 --> 00:00:02.000\nA: hi\n\n2\n{timing}\nB: ho\n",
    )
    with pytest.raises(BadInputError, match=r"bad\.vtt: line 8: malformed cue timing"):
        read_file(path)


@pytest.mark.parametrize("text", ["WEBVTT\n\nNOTE nothing here\n", "just some words\n", "1\n2\n"])
def test_no_cues(tmp_path: Path, text: str) -> None:
    with pytest.raises(BadInputError, match="no subtitle cues found"):
        read_file(write(tmp_path, "empty.vtt", text))


def test_cues_without_blank_lines_and_hour_free_times(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "tight.srt",
        "1\n00:01,000 --> 00:02,500\nAlex: one\n2\n00:03,000 --> 00:04,000\ntwo\n",
    )
    document = read_one(path)
    assert turns_of(document) == [("Alex", "one two")]
    assert (document.turns[0].ts_start, document.turns[0].ts_end) == (1.0, 4.0)


def test_numeric_voice_tags_use_speaker_names(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "pod.vtt",
        "WEBVTT\n\n00:00.000 --> 00:01.000\n<v 0>Hello</v>\n\n"
        "00:01.000 --> 00:02.000\nthere.\n\n"
        "00:02.000 --> 00:03.000\n<v 1>Hi!\n",
    )
    assert turns_of(read_one(path)) == [("0", "Hello there."), ("1", "Hi!")]
    named = read_one(path, ImportOptions(speaker_names={"0": "Host", "1": "Guest"}))
    assert turns_of(named) == [("Host", "Hello there."), ("Guest", "Hi!")]


def test_two_voices_in_one_cue(tmp_path: Path) -> None:
    path = write(
        tmp_path, "two.vtt", "WEBVTT\n\n00:00.000 --> 00:02.000\n<v Ann>Ready?\n<v Ben>Yes.\n"
    )
    assert turns_of(read_one(path)) == [("Ann", "Ready?"), ("Ben", "Yes.")]


def test_cue_prefix_that_is_a_sentence_is_not_a_speaker(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "s.srt",
        "1\n00:00:01,000 --> 00:00:02,000\nKim: the plan\n\n"
        "2\n00:00:02,000 --> 00:00:03,000\nSo the thing is: it works\n"
        "\n3\n00:00:03,000 --> 00:00:04,000\nNote: recorder off\n",
    )
    assert turns_of(read_one(path)) == [
        ("Kim", "the plan So the thing is: it works Note: recorder off"),
    ]


def test_cues_out_of_order_never_end_a_turn_before_it_starts(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "order.srt",
        "1\n00:00:05,000 --> 00:00:06,000\nAnn: late\n\n2\n00:00:01,000 --> 00:00:02,000\nearly\n",
    )
    turn = read_one(path).turns[0]
    assert (turn.ts_start, turn.ts_end) == (5.0, 5.0)


def test_unlabelled_subtitles_warn(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "plain.srt",
        "1\n00:00:01,000 --> 00:00:02,000\nhello\n\n"
        "2\n00:00:02,000 --> 00:00:03,000\n<b>world</b>\n",
    )
    document = read_one(path)
    assert turns_of(document) == [(None, "hello world")]
    assert document.text == "hello world"
    assert "no speaker names" in document.warnings[0]


# --- the fast and the careful cue parsers agree --------------------------------------------------

_cue_words = st.lists(
    st.sampled_from(["hello", "Ça", "va", "5:00", "PM", "—", "🙂", "东京", "it's", "well,", "ok."]),
    min_size=1,
    max_size=8,
).map(" ".join)


@st.composite
def subtitle_files(draw: st.DrawFn) -> tuple[str, list[tuple[float, float, str | None, str]]]:
    vtt = draw(st.booleans())
    parts = ["WEBVTT\nKind: captions"] if vtt else []
    cues = []
    clock = draw(st.integers(0, 4000))
    for number in range(1, draw(st.integers(1, 12)) + 1):
        if vtt and draw(st.booleans()):
            parts.append("NOTE " + draw(_cue_words))
        start, end = clock, clock + draw(st.integers(0, 30))
        clock = end + draw(st.integers(1, 5))
        millis = draw(st.integers(0, 999))
        speaker = draw(st.sampled_from([None, "Ann", "Bo Chen", "Zoë (Org)"]))
        lines = draw(st.lists(_cue_words, min_size=1, max_size=3))
        text = "\n".join(lines)
        if speaker:
            text = f"{speaker}: {text}"
        stamp = _stamp_vtt if vtt else _stamp_srt
        identifier = f"{number}\n" if not vtt or draw(st.booleans()) else ""
        settings_text = " align:start" if vtt and draw(st.booleans()) else ""
        parts.append(
            f"{identifier}{stamp(start, millis)} --> {stamp(end, millis)}{settings_text}\n{text}"
        )
        cues.append((start + millis / 1000, end + millis / 1000, speaker, " ".join(lines)))
    separator = draw(st.sampled_from(["\n\n", "\n\n\n", "\n  \n"]))
    return separator.join(parts) + draw(st.sampled_from(["", "\n", "\n\n"])), cues


def _stamp_srt(seconds: int, millis: int) -> str:
    return f"{seconds // 3600:02d}:{seconds // 60 % 60:02d}:{seconds % 60:02d},{millis:03d}"


def _stamp_vtt(seconds: int, millis: int) -> str:
    return _stamp_srt(seconds, millis).replace(",", ".")


@settings(max_examples=300, deadline=None)
@given(subtitle_files())
def test_fast_and_careful_cue_parsers_agree(case: tuple[str, list]) -> None:
    text, expected = case
    careful = _parse_lines(text, Path("x.vtt"))
    fast = _parse_regular(text)
    if "\n  \n" not in text:  # whitespace-only separator lines send files to the careful parser
        assert fast is not None
    if fast is not None:
        assert fast == careful
    assert [(cue_seconds(start), cue_seconds(end)) for start, end, _ in careful] == [
        (pytest.approx(start), pytest.approx(end)) for start, end, _, _ in expected
    ]


@settings(max_examples=200, deadline=None)
@given(subtitle_files())
def test_generated_subtitles_round_trip(case: tuple[str, list]) -> None:
    text, expected = case
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "gen.srt"
        path.write_text(text, encoding="utf-8")
        document = read_one(path)
    # Merge expected cues the way the importer does: unlabelled cues continue the speaker.
    merged: list[list] = []
    for _, _, speaker, words in expected:
        if merged and (speaker is None or speaker == merged[-1][0]):
            merged[-1][1] += " " + words
        else:
            merged.append([speaker, words])
    assert turns_of(document) == [(speaker, words) for speaker, words in merged]
