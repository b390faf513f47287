"""``qualcode.json``: what a ``.qdpx`` of ours carries beyond the REFI-QDA schema.

The schema has no place for a code's inclusion and exclusion criteria, example, keywords and
archived flag, a coder's role, a coding's origin and favourite mark, a document's kind, source
file, speakers (with roles and cases) and turns (with timestamps), or the title a memo's note
is named by (the memo's text starts with it; the note's text does not). Other tools ignore an
extra zip member, so these travel in one JSON file beside ``project.qde``, keyed by GUID. It is
read only from files whose ``origin`` is qualcode, checked value by value, and anything that
does not fit is dropped with a warning: the REFI content alone still imports.
"""

from __future__ import annotations

import json
from typing import Any

from ..vocabulary import CODER_ROLES, DOCUMENT_KINDS, ORIGINS, SPEAKER_ROLES

NAME = "qualcode.json"
FORMAT = "qualcode-refi-extras"
VERSION = 1


def dump(data: dict[str, Any]) -> bytes:
    return json.dumps(
        {"format": FORMAT, "version": VERSION, **data},
        ensure_ascii=False,
        separators=(",", ":"),
        sort_keys=True,
    ).encode("utf-8")


class Extras:
    """The checked content of ``qualcode.json`` (empty when absent or unusable)."""

    def __init__(self, data: bytes | None, warn: list[str]) -> None:
        self.codes: dict[str, dict[str, Any]] = {}
        self.coders: dict[str, str] = {}
        self.documents: dict[str, dict[str, Any]] = {}
        self.origins: dict[str, str] = {}
        self.favourites: set[str] = set()
        self.titles: dict[str, tuple[str, bool]] = {}
        """Memo uuid -> (the name of its note, whether the memo's text starts with it and the
        note's text does not)."""
        if data is None:
            return
        try:
            raw = json.loads(data.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            warn.append(f"{NAME} is not readable JSON: ignored")
            return
        except RecursionError:
            warn.append(f"{NAME} ignored: nested too deeply to be qualcode's")
            return
        if not isinstance(raw, dict) or raw.get("format") != FORMAT:
            warn.append(f"{NAME} is not qualcode's: ignored")
            return
        if raw.get("version") != VERSION:
            warn.append(f"{NAME} version {raw.get('version')!r} is not {VERSION}: ignored")
            return
        dropped = 0
        for guid, fields in _dict(raw.get("codes")).items():
            clean = _code_fields(fields)
            if clean is None:
                dropped += 1
            else:
                self.codes[guid] = clean
        for guid, role in _dict(raw.get("coders")).items():
            if role in CODER_ROLES:
                self.coders[guid] = role
            else:
                dropped += 1
        for guid, fields in _dict(raw.get("documents")).items():
            clean = _document_fields(fields)
            if clean is None:
                dropped += 1
            else:
                self.documents[guid] = clean
        codings = _dict(raw.get("codings"))
        for guid, origin in _dict(codings.get("origin")).items():
            if origin in ORIGINS:
                self.origins[guid] = origin
            else:
                dropped += 1
        for guid, title in _dict(raw.get("note_titles")).items():
            if (
                isinstance(title, list)
                and len(title) == 2
                and isinstance(title[0], str)
                and title[0]
                and isinstance(title[1], bool)
            ):
                self.titles[guid] = (title[0], title[1])
            else:
                dropped += 1
        favourites = codings.get("favourite")
        if isinstance(favourites, list):
            self.favourites = {g for g in favourites if isinstance(g, str)}
        if dropped:
            warn.append(f"{NAME}: {dropped} entries that do not fit were ignored")


def _dict(value: Any) -> dict[str, Any]:
    if not isinstance(value, dict):
        return {}
    return {k: v for k, v in value.items() if isinstance(k, str)}


def _code_fields(fields: Any) -> dict[str, Any] | None:
    if not isinstance(fields, dict):
        return None
    out: dict[str, Any] = {}
    for key in ("definition", "inclusion", "exclusion", "example"):
        if key in fields:
            if not isinstance(fields[key], str):
                return None
            out[key] = fields[key]
    if "keywords" in fields:
        keywords = fields["keywords"]
        if not isinstance(keywords, list) or not all(isinstance(k, str) for k in keywords):
            return None
        out["keywords"] = keywords
    if "archived" in fields:
        if not isinstance(fields["archived"], bool):
            return None
        out["archived"] = fields["archived"]
    return out


def _document_fields(fields: Any) -> dict[str, Any] | None:
    if not isinstance(fields, dict):
        return None
    out: dict[str, Any] = {}
    if fields.get("kind") in DOCUMENT_KINDS:
        out["kind"] = fields["kind"]
    for key in ("source_name", "source_format"):
        if isinstance(fields.get(key), str):
            out[key] = fields[key]
    speakers = fields.get("speakers", [])
    turns = fields.get("turns", [])
    if not isinstance(speakers, list) or not isinstance(turns, list):
        return None
    clean_speakers = []
    for speaker in speakers:
        if not (isinstance(speaker, list) and len(speaker) == 3 and isinstance(speaker[0], str)):
            return None
        label, role, case = speaker
        if role is not None and role not in SPEAKER_ROLES:
            return None
        if case is not None and not isinstance(case, str):
            return None
        clean_speakers.append((label, role, case))
    clean_turns = []
    for turn in turns:
        if not (isinstance(turn, list) and len(turn) == 6):
            return None
        start, body, end, speaker, ts_start, ts_end = turn
        if not all(isinstance(v, int) and not isinstance(v, bool) for v in (start, body, end)):
            return None
        if speaker is not None and not (
            isinstance(speaker, int) and 0 <= speaker < len(clean_speakers)
        ):
            return None
        if not all(v is None or isinstance(v, int | float) for v in (ts_start, ts_end)):
            return None
        clean_turns.append((start, body, end, speaker, ts_start, ts_end))
    out["speakers"] = clean_speakers
    out["turns"] = clean_turns
    return out
