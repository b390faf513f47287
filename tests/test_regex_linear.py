"""Every regular expression of the importers does work linear in its input (issue 14, item 7).

Nothing is timed: tests/regex_steps.py replays each pattern with a backtracking matcher that
counts its steps, on adversarial inputs of growing size (repeated fragments of the pattern's own
syntax, with a spoiler at the end so nothing matches early). Doubling the input may at most about
double the work; a pattern that backtracks quadratically (``<v <v <v ...`` against the old
``_VOICE``) blows the step budget at once. The matcher's matches are checked against ``re``'s.
"""

from __future__ import annotations

import re

import pytest

from qualcode.importers import cues, encoding, subtitles, tables, turns
from tests.regex_steps import TooMuchWork, count_steps

# How the importers call each pattern: "finditer" (search, sub, findall, finditer: every start
# position is tried), "chain" (match where the last match ended), "match" (one start).
MODES = {
    "subtitles._VOICE": "finditer",
    "subtitles._TAG": "finditer",
    "subtitles._ASS_OVERRIDE": "finditer",
    "subtitles._PREFIX": "match",
    "cues._TIMING": "match",
    "cues._CUE": "chain",
    "cues._SKIPPED": "finditer",
    "cues._LOOKS_TIMED": "finditer",
    "turns._ROLE": "match",
    "turns._INTERVIEWER_ROLE": "match",
    "turns._LABEL": "finditer",
    "turns._NONSPACE": "finditer",
    "turns._BLANK_LINES": "finditer",
    "turns._AFFILIATION": "finditer",
    "encoding._CONTROLS": "finditer",
    "tables._NOT_WORD": "finditer",
}
PATTERNS = {
    f"{module.__name__.rsplit('.', 1)[1]}.{name}": value
    for module in (subtitles, cues, turns, encoding, tables)
    for name, value in vars(module).items()
    if isinstance(value, re.Pattern)
}
PUMPS = [
    "<v ",
    "<v.",
    "<v\t",
    "<b ",
    "</",
    "<1:",
    "{\\",
    "&",
    " ",
    "\t",
    "\n",
    " \n",
    "\n\n",
    "a",
    "a ",
    "a:",
    "a: ",
    ":",
    "**a",
    "**a**",
    "1",
    "1:",
    "0:00 ",
    "1:00 --> 1:00 ",
    "\n00:00.000 --> 00:01.000 ",
    "(",
    "[",
    "(a",
    "x\n \n",
    "\n\nNOTE a ",
    "WEBVTT ",
    "p1 ",
    "Interviewer ",
    "a  ",
    "\x01",
]
SIZES = (1000, 2000, 4000)
STEPS_PER_CHAR = 400


def test_every_importer_pattern_is_listed() -> None:
    assert set(PATTERNS) == set(MODES), "add the new pattern to MODES with how it is called"


SAMPLES = [
    "<v Bob>hi <i>x</i> {\\an8} a: b &amp; <v.loud Ann Lee>yes</v>",
    "\n\n00:00:01.000 --> 00:00:02.000 x\nhello\n\n1\n00:01.000 --> 00:02.000\nA: b \n",
    "**Ann:** hi\n  Bob (00:12): yes\nI: q\n\n \n\nOtter  00:13\n[00:01] Int 2: so\n",
    "P1 (x) [y] Interviewer 2 \x01\x7f",
]


@pytest.mark.parametrize("name", sorted(MODES))
def test_the_step_counter_finds_what_re_finds(name: str) -> None:
    pattern = PATTERNS[name]
    for text in SAMPLES:
        _, spans = count_steps(pattern, text, "finditer", 10**7)
        assert spans == [m.span() for m in pattern.finditer(text)]


@pytest.mark.parametrize("name", sorted(MODES))
def test_pattern_work_grows_linearly(name: str) -> None:
    pattern, mode = PATTERNS[name], MODES[name]
    for pump in PUMPS:
        work = []
        for size in SIZES:
            text = pump * (size // len(pump)) + "\x00!"
            try:
                steps, _ = count_steps(pattern, text, mode, STEPS_PER_CHAR * size)
            except TooMuchWork:
                pytest.fail(
                    f"{name} on {pump!r} * {size // len(pump)}: over "
                    f"{STEPS_PER_CHAR} steps a character (backtracking)"
                )
            work.append(steps)
        assert work[-1] <= 4.6 * work[0] + 50, f"{name} on {pump!r}: steps {work} for {SIZES}"
