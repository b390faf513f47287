"""The codings shown on a transcript, indexed by position so each drawn line finds its own fast.

The document is cut into fixed buckets of characters; a coding is listed in every bucket it
touches. A lookup reads the buckets of its span and keeps the codings that overlap it, so the
cost depends on the codings near the line, not on how many the document holds. Adding or
removing one coding touches only its buckets, so applying a code never rebuilds the index.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from ...project import CodingInfo

BUCKET = 256


class CodingIndex:
    """Codings by uuid and by position; results come oldest first (newest is drawn on top)."""

    def __init__(self, codings: Iterable[CodingInfo] = ()) -> None:
        self._by_uuid: dict[str, CodingInfo] = {}
        self._buckets: dict[int, list[CodingInfo]] = {}
        for coding in codings:
            self.add(coding)

    def __len__(self) -> int:
        return len(self._by_uuid)

    def __contains__(self, uuid: object) -> bool:
        return uuid in self._by_uuid

    def __iter__(self) -> Iterator[CodingInfo]:
        return iter(sorted(self._by_uuid.values(), key=lambda c: (c.start, c.end, c.code)))

    def get(self, uuid: str) -> CodingInfo | None:
        return self._by_uuid.get(uuid)

    def add(self, coding: CodingInfo) -> None:
        if coding.uuid in self._by_uuid:
            self.remove(coding.uuid)
        self._by_uuid[coding.uuid] = coding
        for bucket in range(
            coding.start // BUCKET, max(coding.start, coding.end - 1) // BUCKET + 1
        ):
            self._buckets.setdefault(bucket, []).append(coding)

    def remove(self, uuid: str) -> CodingInfo | None:
        coding = self._by_uuid.pop(uuid, None)
        if coding is None:
            return None
        for bucket in range(
            coding.start // BUCKET, max(coding.start, coding.end - 1) // BUCKET + 1
        ):
            items = self._buckets.get(bucket, [])
            self._buckets[bucket] = [c for c in items if c.uuid != uuid]
        return coding

    def overlapping(self, start: int, end: int) -> list[CodingInfo]:
        """Codings sharing at least one character with [start, end); an empty span finds the
        codings around that position (start <= position <= end)."""
        found: dict[str, CodingInfo] = {}
        last = max(start, end - 1) // BUCKET
        for bucket in range(max(0, start // BUCKET - (1 if start == end else 0)), last + 1):
            for coding in self._buckets.get(bucket, ()):
                if start == end:
                    if coding.start <= start <= coding.end:
                        found[coding.uuid] = coding
                elif coding.start < end and coding.end > start:
                    found[coding.uuid] = coding
        return sorted(found.values(), key=lambda c: (c.created_at, c.uuid))

    def at(self, offset: int) -> list[CodingInfo]:
        """Codings touching ``offset`` (its ends included), oldest first."""
        return self.overlapping(offset, offset)
