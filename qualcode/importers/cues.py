"""Split WebVTT and SubRip text into cues (timing + text lines), quickly and with good errors.

Two parsers give the same cues for a well-formed file. The fast one finds every cue with one
compiled expression (a C-level pass; a 2-million-word file has ~200,000 cues) and gives up,
returning None, unless its matches tile the whole text; the careful one then walks the file line
by line, repairs what it can (cues run together, blank lines inside cue text) and names the line
of anything it cannot read.
"""

from __future__ import annotations

import re
from pathlib import Path

from qualcode.errors import BadInputError

# Minutes and seconds stop at 59, so a mistyped time fails the match instead of importing.
# Every pattern here is linear on any input (tests/test_regex_linear.py): a line is matched as
# "blanks, one non-blank, the rest" with possessive quantifiers, which never backtrack.
_TIME = r"(?:\d++:)?[0-5]?\d:[0-5]\d(?:[.,]\d{1,3})?"
_LINE = r"[^\S\n]*+\S[^\n]*+"  # a line holding something besides blanks
_TIMING = re.compile(rf"[ \t]*+({_TIME})[ \t]*+-->[ \t]*+({_TIME})(?:[ \t][^\n]*+)?")
_CUE = re.compile(
    rf"\s*+(?:{_LINE}\n)?[ \t]*+({_TIME})[ \t]*+-->[ \t]*+({_TIME})(?:[ \t][^\n]*+)?"
    rf"((?:\n{_LINE})*+)"
)
# Header, NOTE, STYLE and REGION blocks after a truly empty line (the text gets "\n\n" prepended,
# so the file start counts; the literal prefix lets the engine skip ahead quickly).
_SKIPPED = re.compile(rf"\n\n[^\S\n]*+(?:WEBVTT|NOTE|STYLE|REGION)(?=\s|\Z)[^\n]*+(?:\n{_LINE})*+")
_LOOKS_TIMED = re.compile(r"^\s*\d+:\d\d[\d:.,]*\s*(?:-+>?|=+>|→|–|—|to)\s*\d+:\d\d")
_SKIPPED_BLOCKS = ("WEBVTT", "NOTE", "STYLE", "REGION")
TIMING_HINT = "a cue timing looks like 00:01:02,345 --> 00:01:04,000"


Cue = tuple[str, str, str]
"""(start, end, text) of one subtitle cue. Times stay text until a turn needs them (most never
do); text is the cue's lines, each preceded by a newline (so "" for an empty cue)."""


def parse_cues(text: str, path: Path) -> list[Cue]:
    """Every cue of a .vtt or .srt text, in file order; header, NOTE and STYLE blocks dropped."""
    cues = _parse_regular(text)
    return cues if cues is not None else _parse_lines(text, path)


def cue_seconds(stamp: str) -> float:
    """``00:01:02,345`` / ``01:02.345`` -> seconds (the stamp has already matched ``_TIME``)."""
    whole, _, fraction = stamp.replace(",", ".").partition(".")
    seconds = 0
    for part in whole.split(":"):
        seconds = seconds * 60 + int(part)
    return seconds + int(fraction) / 10 ** len(fraction) if fraction else float(seconds)


def _parse_regular(text: str) -> list[Cue] | None:
    """All cues of a well-formed file, matched one after the other from the start, or None to
    ask the careful parser. Each cue is matched once where the previous one ended (a search
    from every position would be quadratic on a long line that holds no cue)."""
    text = "\n\n" + text
    if "WEBVTT" in text or "NOTE" in text or "STYLE" in text or "REGION" in text:
        text = _SKIPPED.sub("\n\n", text)
    end = len(text.rstrip())
    cues: list[Cue] = []
    match, append, position = _CUE.match, cues.append, 0
    while position < end:
        found = match(text, position)
        # The matches must tile the text (a gap is something unexpected) ...
        if found is None:
            return None
        append(found.groups())  # type: ignore[arg-type]
        position = found.end()
    # ... and hold every "-->" (an extra one is two cues without a blank line between them).
    if position != end or text.count("-->") != len(cues):
        return None
    return cues


def _is_skipped(block: str) -> bool:
    first = block.split(maxsplit=1)
    return bool(first) and first[0] in _SKIPPED_BLOCKS


def _parse_lines(text: str, path: Path) -> list[Cue]:
    cues: list[Cue] = []
    block: list[str] = []
    first_line = 0
    for number, line in enumerate([*text.split("\n"), ""], start=1):
        if line.strip():
            if not block:
                first_line = number
            block.append(line)
        elif block:
            _read_block(block, first_line, cues, path)
            block = []
    return cues


def _read_block(block: list[str], first_line: int, cues: list[Cue], path: Path) -> None:
    head = block[0].strip()
    if _is_skipped(head) and "-->" not in head:
        return
    timings = [index for index, line in enumerate(block) if "-->" in line]
    if not timings:
        # A cue whose timing line is mistyped ("->", missing digits) must not vanish silently.
        for index in (0, 1) if head.isdigit() else (0,):
            if index < len(block) and _LOOKS_TIMED.search(block[index]):
                raise _bad_timing(path, first_line + index, block[index])
        if cues and not head.isdigit():
            # A blank line inside a cue's text: keep the words with the cue they belong to.
            last = cues[-1]
            cues[-1] = (last[0], last[1], "\n".join((last[2], *block)))
        return
    for position, index in enumerate(timings):
        match = _TIMING.fullmatch(block[index])
        if match is None:
            raise _bad_timing(path, first_line + index, block[index])
        stop = timings[position + 1] if position + 1 < len(timings) else len(block)
        # Cues run together without a blank line: the next cue's number is not this one's text.
        if stop < len(block) and stop - 1 > index and block[stop - 1].strip().isdigit():
            stop -= 1
        cues.append(
            (
                match.group(1),
                match.group(2),
                "".join("\n" + line for line in block[index + 1 : stop]),
            )
        )


def _bad_timing(path: Path, line: int, text: str) -> BadInputError:
    return BadInputError(
        path, f"line {line}: malformed cue timing {text.strip()[:60]!r}", TIMING_HINT
    )
