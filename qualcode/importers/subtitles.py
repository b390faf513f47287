"""Subtitle transcripts: WebVTT (.vtt, Zoom and Teams) and SubRip (.srt, podcast captions).

Cues are the unit in the file, turns the unit a researcher codes: consecutive cues of one speaker
become one turn (``Name: words`` paragraph) timed from the first cue's start to the last cue's end.
Speakers come from ``<v Name>`` voice tags or a ``Name:`` prefix on a cue's first line; a cue
without either continues the current speaker, as podcast SRTs label only a turn's first cue.
"""

from __future__ import annotations

import functools
import html
import re
from dataclasses import dataclass
from pathlib import Path

from qualcode.errors import BadInputError
from qualcode.importers.assemble import Utterance, join_utterances
from qualcode.importers.base import ImportOptions, ParsedDocument
from qualcode.importers.encoding import decode_bytes, require_text
from qualcode.importers.turns import label_problem

_TIME = r"(?:(\d+):)?(\d{1,2}):(\d{2})(?:[.,](\d{1,3}))?"
_TIMING = re.compile(rf"[ \t]*{_TIME}[ \t]*-->[ \t]*{_TIME}(?:[ \t].*)?")
_VOICE = re.compile(r"<v(?:\.[^\s>]*)?(?:[ \t]+([^>]*))?>")
_TAG = re.compile(r"</?(?:[A-Za-z][\w.]*|\d[\d:.]*)(?:[ \t][^<>\n]*)?>")
_ASS_OVERRIDE = re.compile(r"\{\\[^{}\n]*\}")  # {\an8} positioning left in some SRT files
_PREFIX = re.compile(r"([^\W_][^\n\t:：]{0,59}?)[ \t]*[:：][ \t]+(?=\S)")
_LOOKS_TIMED = re.compile(r"^\s*\d+:\d\d[\d:.,]*\s*(?:-+>?|=+>|→|–|—|to)\s*\d+:\d\d")
_SKIPPED_BLOCKS = ("WEBVTT", "NOTE", "STYLE", "REGION")
_TIMING_HINT = "a cue timing looks like 00:01:02,345 --> 00:01:04,000"


@dataclass(frozen=True, slots=True)
class _Cue:
    start: float
    end: float
    lines: tuple[str, ...]


def read_subtitles(
    path: Path, data: bytes, options: ImportOptions, source_format: str
) -> list[ParsedDocument]:
    """Read a .vtt or .srt file as one document of merged speaker turns."""
    text = decode_bytes(data, path)
    require_text(text, path)
    cues = _parse_cues(text, path)
    if not cues:
        raise BadInputError(path, "no subtitle cues found",
                            f"is this really a .{source_format} file? {_TIMING_HINT}")
    utterances = _merge(cues, options)
    if not utterances:
        raise BadInputError(path, "the subtitle cues hold no text", "check that this is the "
                            "right file")
    body, turns = join_utterances(utterances)
    warnings = () if any(turn.speaker for turn in turns) else (
        "no speaker names found in the cues: the whole file is one unlabelled turn",
    )
    return [ParsedDocument(name=path.stem, text=body, turns=turns, source_format=source_format,
                           warnings=warnings)]


def _parse_cues(text: str, path: Path) -> list[_Cue]:
    cues: list[_Cue] = []
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


def _read_block(block: list[str], first_line: int, cues: list[_Cue], path: Path) -> None:
    head = block[0].strip()
    if head.split(maxsplit=1)[0] in _SKIPPED_BLOCKS and "-->" not in head:
        return
    timings = [index for index, line in enumerate(block) if "-->" in line]
    if not timings:
        # A cue whose timing line is mistyped ("->", missing digits) must not vanish silently.
        for index in (0, 1) if head.isdigit() else (0,):
            if index < len(block) and _LOOKS_TIMED.search(block[index]):
                raise BadInputError(
                    path,
                    f"line {first_line + index}: malformed cue timing "
                    f"{block[index].strip()[:60]!r}",
                    _TIMING_HINT,
                )
        if cues and not block[0].strip().isdigit():
            # A blank line inside a cue's text: keep the words with the cue they belong to.
            last = cues[-1]
            cues[-1] = _Cue(last.start, last.end, (*last.lines, *block))
        return
    for position, index in enumerate(timings):
        match = _TIMING.fullmatch(block[index])
        start = _seconds(*match.groups()[:4]) if match else None
        end = _seconds(*match.groups()[4:]) if match else None
        if start is None or end is None:
            raise BadInputError(
                path,
                f"line {first_line + index}: malformed cue timing {block[index].strip()[:60]!r}",
                _TIMING_HINT,
            )
        stop = timings[position + 1] if position + 1 < len(timings) else len(block)
        # Cues run together without a blank line: the next cue's number is not this one's text.
        if stop < len(block) and stop - 1 > index and block[stop - 1].strip().isdigit():
            stop -= 1
        cues.append(_Cue(start, end, tuple(block[index + 1:stop])))


def _seconds(hours: str | None, minutes: str, seconds: str, fraction: str | None) -> float | None:
    """Seconds of a cue time matched by ``_TIME``; None when minutes or seconds exceed 59."""
    if int(seconds) > 59 or (hours is not None and int(minutes) > 59):
        return None
    whole = int(hours or 0) * 3600 + int(minutes) * 60 + int(seconds)
    return whole + int(fraction) / 10 ** len(fraction) if fraction else float(whole)


def _merge(cues: list[_Cue], options: ImportOptions) -> list[Utterance]:
    utterances: list[Utterance] = []
    speaker: str | None = None
    words: list[str] = []
    ts_start = ts_end = 0.0

    def flush() -> None:
        if words:
            utterances.append(Utterance(speaker, " ".join(words), ts_start, ts_end))

    for cue in cues:
        for label, text in _segments(cue.lines, options):
            if label is not None and label != speaker:
                flush()
                speaker, words = label, []
            if not words:
                ts_start = cue.start
            words.append(text)
            ts_end = cue.end
    flush()
    return utterances


def _segments(lines: tuple[str, ...], options: ImportOptions) -> list[tuple[str | None, str]]:
    """Split a cue into (speaker or None, text) pieces; a voice tag may switch speaker mid-cue."""
    pieces: list[tuple[str | None, str]] = []
    pending: str | None = None  # a voice tag alone on its line names the speaker of the next
    for index, line in enumerate(lines):
        label, pending = pending, None
        voice = _VOICE.search(line)
        if voice:
            label = (voice.group(1) or "").strip() or None
        text = _clean(line)
        if label is None and index == 0:
            prefix = _PREFIX.match(text)
            if prefix and _usable_prefix(prefix.group(1).strip()):
                label = prefix.group(1).strip()
                text = text[prefix.end():]
        if not text:
            pending = label
        elif pieces and label is None:
            pieces[-1] = (pieces[-1][0], f"{pieces[-1][1]} {text}")
        else:
            speaker = None if label is None else options.speaker_names.get(label, label)
            pieces.append((speaker, text))
    return pieces


def _clean(line: str) -> str:
    """Cue text without markup; the checks skip the regexes on the usual tag-free line."""
    if "<" in line:
        line = _TAG.sub("", line)
    if "{" in line:
        line = _ASS_OVERRIDE.sub("", line)
    if "&" in line:
        line = html.unescape(line)
    return line.strip()


@functools.lru_cache(maxsize=4096)
def _usable_prefix(label: str) -> bool:
    # Cue starts are a strong signal, so one occurrence is enough; the name checks still apply.
    return label_problem(label, strict_case=False) is None
