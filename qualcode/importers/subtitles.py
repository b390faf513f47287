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
from pathlib import Path

from qualcode.errors import BadInputError
from qualcode.importers.assemble import Utterance, join_utterances
from qualcode.importers.base import ImportOptions, ParsedDocument
from qualcode.importers.cues import TIMING_HINT, Cue, cue_seconds, parse_cues
from qualcode.importers.encoding import decode_bytes, require_text
from qualcode.importers.text import check_line_count
from qualcode.importers.turns import label_problem

# Linear on any input (tests/test_regex_linear.py): a tag's parts stop at the next "<" and the
# possessive quantifiers never give back what they took, so no input makes them backtrack.
_VOICE = re.compile(r"<v(?:\.[^\s<>]*+)?(?:[ \t]++([^<>]*+))?>")
_TAG = re.compile(r"</?(?:[A-Za-z][\w.]*+|\d[\d:.]*+)(?:[ \t][^<>\n]*+)?>")
_ASS_OVERRIDE = re.compile(r"\{\\[^{}\n]*\}")  # {\an8} positioning left in some SRT files
_PREFIX = re.compile(r"([^\W_][^\n\t:：]{0,59}?)[ \t]*[:：][ \t]+(?=\S)")


def read_subtitles(
    path: Path, data: bytes, options: ImportOptions, source_format: str
) -> list[ParsedDocument]:
    """Read a .vtt or .srt file as one document of merged speaker turns."""
    text = decode_bytes(data, path)
    require_text(text, path)
    cues = parse_cues(text, path)
    if not cues:
        raise BadInputError(
            path, "no subtitle cues found", f"is this really a .{source_format} file? {TIMING_HINT}"
        )
    utterances = _merge(cues, options)
    check_line_count(len(utterances), path, "speaker turns")
    if not utterances:
        raise BadInputError(
            path, "the subtitle cues hold no text", "check that this is the right file"
        )
    body, turns = join_utterances(utterances)
    warnings = (
        ()
        if any(turn.speaker for turn in turns)
        else ("no speaker names found in the cues: the whole file is one unlabelled turn",)
    )
    return [
        ParsedDocument(
            name=path.stem, text=body, turns=turns, source_format=source_format, warnings=warnings
        )
    ]


def _merge(cues: list[Cue], options: ImportOptions) -> list[Utterance]:
    utterances: list[Utterance] = []
    speaker: str | None = None
    words: list[str] = []
    first = last = cues[0]
    names = options.speaker_names
    for cue in cues:
        text = cue[2]
        if "<" in text or "{" in text or "&" in text:
            pieces = _marked_up_segments(text[1:], options)
        else:
            # The common cue, kept inline for speed: plain text, maybe "Name:" on its first line.
            text, _, rest = text[1:].partition("\n")
            text = text.strip()
            label = None
            if ":" in text or "：" in text:
                prefix = _PREFIX.match(text)
                if prefix and _usable_prefix(name := prefix.group(1).strip()):
                    label = names.get(name, name)
                    text = text[prefix.end() :]
            if rest:
                text = " ".join(part for part in (text, *map(str.strip, rest.split("\n"))) if part)
            pieces = [(label, text)] if text else []
        for label, piece in pieces:
            if label is not None and label != speaker:
                if words:
                    utterances.append(_utterance(speaker, words, first, last))
                speaker, words = label, []
            if not words:
                first = cue
            words.append(piece)
            last = cue
    if words:
        utterances.append(_utterance(speaker, words, first, last))
    return utterances


def _utterance(speaker: str | None, words: list[str], first: Cue, last: Cue) -> Utterance:
    start = cue_seconds(first[0])
    # Cues out of order (hand-edited files) must not give a turn that ends before it starts.
    return Utterance(speaker, " ".join(words), start, max(start, cue_seconds(last[1])))


def _marked_up_segments(cue_text: str, options: ImportOptions) -> list[tuple[str | None, str]]:
    """Split a cue with markup into (speaker or None, text) pieces; a voice tag may switch
    speaker mid-cue."""
    pieces: list[tuple[str | None, str]] = []
    pending: str | None = None  # a voice tag alone on its line names the speaker of the next
    for index, line in enumerate(cue_text.split("\n")):
        label, pending = pending, None
        voice = _VOICE.search(line)
        if voice:
            label = (voice.group(1) or "").strip() or None
        text = _clean(line)
        if label is None and index == 0:
            prefix = _PREFIX.match(text)
            if prefix and _usable_prefix(prefix.group(1).strip()):
                label = prefix.group(1).strip()
                text = text[prefix.end() :]
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
