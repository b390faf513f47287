"""What an import keeps only so that an export can give it back (docs/refi-qda.md).

The project has no table for a REFI project's name, a selection's GUID, a note's title, the
span of a note on a selection without a coding, a description, or a set. They are kept in the
project's ``settings`` under ``refi.`` keys, one key per thing (so that ``qualcode merge``, which
keeps every key any input has, loses none of them): small JSON values naming our rows by uuid.
Nothing else reads them; a value that does not parse is ignored by the export. The import writes
them (``refi``); the export reads them through ``qualcode.interop.keep``.
"""

from __future__ import annotations

import json
import uuid as uuid_module
from typing import Any

from .refi_model import RefiSet

GUID_NAMESPACE = uuid_module.UUID("5b0c3a4e-9d53-4f0e-9a47-6a2f1f2f0c51")
"""Namespace of the name-based uuids made for malformed GUIDs and for selections on export."""

PREFIX = "refi."
PROJECT_NAME = "refi.project_name"
DESCRIPTION = "refi.description."
"""+ memo uuid -> "project" or "source": the memo is that element's ``Description``."""
NOTE_TITLE = "refi.note_title."
"""+ memo uuid -> [the note's name, whether the memo's text was made to start with it]."""
NOTE_SPAN = "refi.note_span."
"""+ memo uuid -> [start, end, selection GUID]: a note on a selection without a coding."""
SELECTIONS = "refi.selections."
"""+ document uuid -> {coding uuid: selection GUID} where it is not the derived one."""
SET = "refi.set."
"""+ set GUID -> {"name", "description", "memos": [memo uuids]}."""


def derived_selection(document: str, start: int, end: int) -> str:
    """The GUID an export gives a selection it has no GUID for (stable across exports)."""
    return str(uuid_module.uuid5(GUID_NAMESPACE, f"{document}:{start}:{end}"))


def selections_key(document: str) -> str:
    return SELECTIONS + document


def set_key(guid: str | None, name: str) -> str:
    return SET + (guid or str(uuid_module.uuid5(GUID_NAMESPACE, f"set:{name}")))


def set_value(refi_set: RefiSet, memos: list[str]) -> str:
    return dump({"name": refi_set.name, "description": refi_set.description, "memos": memos})


def dump(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def load(value: str | None) -> Any:
    if value is None:
        return None
    try:
        return json.loads(value)
    except (ValueError, RecursionError):
        return None


def merge_json(old: str | None, new: dict[str, str]) -> str:
    found = load(old)
    merged = dict(found) if isinstance(found, dict) else {}
    merged.update(new)
    return dump(merged)


class Kept:
    """The ``refi.`` settings of a project, read for an export."""

    def __init__(self, settings: dict[str, str]) -> None:
        self.project_name = settings.get(PROJECT_NAME)
        self.descriptions: dict[str, str] = {}
        self.titles: dict[str, tuple[str, bool]] = {}
        self.spans: dict[str, tuple[int, int, str | None]] = {}
        self.selections: dict[str, dict[str, str]] = {}
        self.sets: list[tuple[str, str, str, list[str]]] = []
        for key, value in sorted(settings.items()):
            if key.startswith(DESCRIPTION) and value in ("project", "source"):
                self.descriptions[key[len(DESCRIPTION) :]] = value
            elif key.startswith(NOTE_TITLE):
                title = load(value)
                if (
                    isinstance(title, list)
                    and len(title) == 2
                    and isinstance(title[0], str)
                    and isinstance(title[1], bool)
                ):
                    self.titles[key[len(NOTE_TITLE) :]] = (title[0], title[1])
            elif key.startswith(NOTE_SPAN):
                span = load(value)
                if (
                    isinstance(span, list)
                    and len(span) == 3
                    and all(isinstance(v, int) and not isinstance(v, bool) for v in span[:2])
                ):
                    guid = span[2] if isinstance(span[2], str) else None
                    self.spans[key[len(NOTE_SPAN) :]] = (span[0], span[1], guid)
            elif key.startswith(SELECTIONS):
                found = load(value)
                if isinstance(found, dict):
                    self.selections[key[len(SELECTIONS) :]] = {
                        k: v for k, v in found.items() if isinstance(v, str)
                    }
            elif key.startswith(SET):
                found = load(value)
                if isinstance(found, dict) and isinstance(found.get("name"), str):
                    memos = [m for m in found.get("memos") or [] if isinstance(m, str)]
                    description = found.get("description")
                    self.sets.append(
                        (
                            key[len(SET) :],
                            found["name"],
                            description if isinstance(description, str) else "",
                            memos,
                        )
                    )
