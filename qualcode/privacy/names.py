"""The user's list of names to pseudonymise: a CSV file the researcher keeps beside the study.

Columns (a header row is required; only ``name`` must be present)::

    name,kind,replacement,aliases
    Amy,person,[Participant 1],Ames; Amy-Lou
    Hope House,place,[Hostel A],
    Claire,person,,

``kind`` is one of :data:`KINDS` (default ``person``); an empty ``replacement`` gets the next
free label of its kind (``[Person 1]``, ``[Place A]``); ``aliases`` are other spellings, separated
by ``;`` or ``|``, replaced by the same label.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import BadInputError
from ..files import read_small
from ..importers.encoding import decode_bytes

KINDS = ("person", "place", "organisation", "email", "phone", "postcode", "date", "url", "other")
"""What a finding can be; the first three take numbered or lettered labels."""
MAX_BYTES = 5_000_000


@dataclass(frozen=True)
class NameEntry:
    name: str
    kind: str = "person"
    replacement: str | None = None
    aliases: tuple[str, ...] = field(default_factory=tuple)

    @property
    def spellings(self) -> tuple[str, ...]:
        return (self.name, *self.aliases)


def load_names(path: str | Path) -> list[NameEntry]:
    """Read a names CSV; any problem is one line naming the file (and the row)."""
    path = Path(path)
    data = read_small(path, MAX_BYTES, "a names file")
    if not data.strip():
        raise BadInputError(path, "the names file is empty", "one name per row, header: name")
    if len(data) > MAX_BYTES:
        raise BadInputError(path, f"too large for a names list (over {MAX_BYTES:,} bytes)")
    text = decode_bytes(data, path)
    try:
        rows = list(csv.DictReader(io.StringIO(text)))
    except csv.Error as exc:
        raise BadInputError(path, f"not a valid CSV ({exc})") from None
    if not rows or "name" not in {(k or "").strip().lower() for k in rows[0]}:
        raise BadInputError(path, "no 'name' column", "the first row must be a header: name,kind")
    entries: list[NameEntry] = []
    seen: set[str] = set()
    for number, raw in enumerate(rows, start=2):
        row = {(k or "").strip().lower(): (v or "").strip() for k, v in raw.items() if k}
        name = " ".join(row.get("name", "").split())
        if not name:
            continue
        kind = (row.get("kind") or "person").lower()
        kind = {"organization": "organisation", "org": "organisation", "name": "person"}.get(
            kind, kind
        )
        if kind not in KINDS:
            raise BadInputError(
                path, f"row {number}: unknown kind '{kind}'", f"one of: {', '.join(KINDS)}"
            )
        if len(name) < 2:
            raise BadInputError(path, f"row {number}: the name '{name}' is too short to replace")
        aliases = tuple(
            a for a in (" ".join(p.split()) for p in _split(row.get("aliases", ""))) if len(a) > 1
        )
        if name.casefold() in seen:
            continue
        seen.add(name.casefold())
        entries.append(NameEntry(name, kind, row.get("replacement") or None, aliases))
    if not entries:
        raise BadInputError(path, "no names in the file")
    return entries


def _split(value: str) -> list[str]:
    return [part for chunk in value.split("|") for part in chunk.split(";")]
