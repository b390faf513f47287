"""Converting producers' selection positions to our code-point offsets (interop/offsets.py)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from qualcode.interop.offsets import (
    CODE_POINTS,
    CRLF_AS_ONE,
    UTF16,
    OffsetMap,
    boundary_score,
    convention_for,
    guess_convention,
    normalise_text,
    utf16_units,
)


def u16(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def test_an_emoji_before_a_coding_counts_two_in_utf16() -> None:
    raw = "I 😀 came for the lunch today"
    start = raw.index("lunch")
    mapping = OffsetMap(raw, UTF16)
    span = mapping.span(u16(raw[:start]), u16(raw[:start]) + 5)
    assert span is not None and mapping.text[span[0] : span[1]] == "lunch"
    # Read as code points, the same numbers would be one character off.
    wrong = OffsetMap(raw, CODE_POINTS).span(u16(raw[:start]), u16(raw[:start]) + 5)
    assert wrong is not None and raw[wrong[0] : wrong[1]] == "unch "


def test_nvivo_windows_bom_crlf_and_emoji() -> None:
    """NVivo for Windows: UTF-8 BOM not counted, CRLF counted as two, UTF-16 units."""
    body = "P1: 🎉🎉 we met\r\nI: and then?\r\nP1: the 🚌 bus fare"
    raw = "\ufeff" + body
    mapping = OffsetMap(raw, UTF16)
    assert mapping.text == "P1: 🎉🎉 we met\nI: and then?\nP1: the 🚌 bus fare"
    for word in ("we met", "and then?", "bus fare"):
        at = body.index(word)
        span = mapping.span(u16(body[:at]), u16(body[: at + len(word)]))
        assert span is not None and mapping.text[span[0] : span[1]] == word


def test_atlas_counts_crlf_once() -> None:
    raw = "one\r\ntwo\r\nthree"
    mapping = OffsetMap(raw, CRLF_AS_ONE)
    span = mapping.span(8, 13)  # "three" in the text with LF line ends
    assert span is not None and mapping.text[span[0] : span[1]] == "three"


def test_positions_inside_a_character_round_outward() -> None:
    raw = "a😀b\r\nc"
    mapping = OffsetMap(raw, UTF16)
    # 2 is the middle of the surrogate pair: a start rounds down, an end rounds up.
    assert mapping.start(2) == 1 and mapping.end(2) == 2
    # 5 is between CR and LF: the end takes the line break in.
    assert mapping.end(5) == 4 and mapping.start(5) == 3


def test_outside_and_empty_spans_are_refused() -> None:
    mapping = OffsetMap("short", CODE_POINTS)
    assert mapping.span(0, 6) is None
    assert mapping.span(-1, 2) is None
    assert mapping.span(3, 3) is None and mapping.span(4, 2) is None
    assert mapping.span(0, 5) == (0, 5)


def test_our_own_text_is_kept_exactly() -> None:
    raw = "\ufeffkeep\r\nthis"
    mapping = OffsetMap(raw, CODE_POINTS, normalise=False)
    assert mapping.text == raw and mapping.span(1, 5) == (1, 5)


def test_producers() -> None:
    assert convention_for("NVivo for Windows 12.6") is UTF16
    assert convention_for("NVivo for Mac 15.0.0") is UTF16
    assert convention_for("ATLAS.ti Win 9.0.19") is CRLF_AS_ONE
    assert convention_for("MAXQDA 24 (Release 24.7.0)") is CODE_POINTS
    assert convention_for("qualcode 0.1.0") is CODE_POINTS
    assert convention_for("qualcode 0.1.0 (UTF-16 offsets)") is UTF16
    assert convention_for("Something new") is None and convention_for(None) is None


def test_guessing_picks_the_units_that_land_on_word_boundaries() -> None:
    words = "alpha 😀 beta 😀 gamma 😀 delta epsilon"
    spans = []
    for word in ("beta", "gamma", "delta", "epsilon"):
        at = words.index(word)
        spans.append((u16(words[:at]), u16(words[:at]) + len(word)))
    assert guess_convention([(words, spans)]) is UTF16
    cp = [(words.index(w), words.index(w) + len(w)) for w in ("beta", "gamma", "delta")]
    assert guess_convention([(words, cp)]) is CODE_POINTS
    assert boundary_score(words, cp) == 1.0


def test_utf16_units_for_export() -> None:
    assert utf16_units("plain") is None
    units = utf16_units("a😀b")
    assert units is not None and list(units) == [0, 1, 3, 4]


texts = st.lists(
    st.sampled_from(["word", " ", "\r\n", "\n", "😀", "é", "\ufeff", "ok", "🇬🇧", "\r"]),
    max_size=30,
).map("".join)


@given(texts, st.data())
def test_utf16_positions_of_any_span_come_back(raw: str, data: st.DataObject) -> None:
    """Whatever NVivo-for-Windows text, the UTF-16 positions (BOM left out, CRLF as two) of a
    span that starts and ends on a character of the stored text map back onto that span."""
    mapping = OffsetMap(raw, UTF16)
    stored = mapping.text
    assert stored == normalise_text(raw)
    body = raw.removeprefix("\ufeff")
    # Positions of the stored text's characters in the body (each LF may have lost a CR).
    starts, i = [], 0
    for ch in stored:
        starts.append(i)
        i += 2 if (ch == "\n" and body[i] == "\r" and body[i + 1 : i + 2] == "\n") else 1
    starts.append(len(body))
    if len(stored) < 1:
        return
    a = data.draw(st.integers(0, len(stored) - 1))
    b = data.draw(st.integers(a + 1, len(stored)))
    span = mapping.span(u16(body[: starts[a]]), u16(body[: starts[b]]))
    assert span == (a, b)
