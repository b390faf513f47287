"""The merge itself: snapshots of the inputs in, the output's snapshot out; no database here.

Every rule picks the least (or greatest) element of the set of versions the inputs hold, under an
order fixed by content, never by which input came first. So the output does not depend on the
order of the inputs, and merging it again with any of them (or itself) changes nothing: the
versions it holds are the ones that won. docs/teams.md states the rules for users; in short:

- a document is its UUID (the text hash checks it: one UUID with two texts is two documents);
  copies set up apart match by name and text. A document keeps the name, turns and speakers of
  its earliest import, and where two documents share a name the later import becomes "name (2)";
- codes: see :mod:`.codetree`; coders, cases and attributes are matched by name;
- a coding is (text, code, coder, start, end); where its inputs disagree on whether it was
  removed, the latest event wins (its removal time, or its creation time if it is current);
- a memo is its UUID; the version with the latest edit or removal wins.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any

from ..project.core import aware
from .codetree import merge_codes
from .layers import merge_codings, merge_memos
from .merge_report import Conflict, ConflictLog
from .rules import filled_first, made_up, unique_uuids
from .snapshot import (
    AttributeRow,
    CaseRow,
    CoderRow,
    DocumentRow,
    Snapshot,
    coding_order,
)

ROLE_RANK = {"consensus": 0, "supervisor": 1, "coder": 2}
"""Of two roles given to one coder name, the one with the smaller rank is kept."""
LEFT_OUT_SETTINGS = ("suggest.",)
"""Settings that belong to what is not merged (suggestion evaluations)."""


@dataclass(frozen=True)
class Merged:
    snapshot: Snapshot
    """What the output will hold."""
    conflicts: tuple[Conflict, ...]
    found_in: dict[str, list[frozenset[int]]]
    """Per kind, per output item, the inputs (by index) that held it."""
    codes_by_path: int


def merge_snapshots(snapshots: Sequence[Snapshot], output: str) -> Merged:
    log = ConflictLog()
    found: dict[str, list[frozenset[int]]] = defaultdict(list)
    documents, found["documents"], document_uuid = _documents(snapshots, log)
    codes = merge_codes(snapshots, log)
    found["codes"] = codes.found_in
    coders, found["coders"] = _by_name(snapshots, "coders", _coder, log)
    attributes, _ = _by_name(snapshots, "attributes", _attribute, log)
    cases, found["cases"] = _by_name(snapshots, "cases", _case, log)
    names = {d.uuid: d.name for d in documents}
    paths = {c.uuid: "/".join(c.path) for c in codes.rows}
    codings, coding_uuid = merge_codings(snapshots, codes.uuid_of, document_uuid, names, paths, log)
    for row, inputs in codings:
        found["codings" if row.deleted_at is None else "removed_codings"].append(inputs)
    memos = merge_memos(snapshots, codes.uuid_of, document_uuid, coding_uuid, log)
    found["memos"] = [inputs for row, inputs in memos if row.deleted_at is None]
    settings = _settings(snapshots, log)
    snapshot = Snapshot(
        source=output,
        encrypted=any(s.encrypted for s in snapshots),
        project_uuid=min(s.project_uuid for s in snapshots),
        created_at=min((s.created_at for s in snapshots), key=_instant),
        settings=settings,
        documents=tuple(_unique_documents(documents)),
        codes=codes.rows,
        coders=tuple(unique_uuids(coders, lambda c: c.name)),
        codings=tuple(sorted((r for r, _i in codings), key=coding_order)),
        memos=tuple(sorted((r for r, _i in memos), key=lambda m: m.uuid)),
        cases=tuple(unique_uuids(cases, lambda c: c.name)),
        attributes=tuple(unique_uuids(attributes, lambda a: a.name)),
        suggestions=0,
        decisions=0,
        audit_events=0,
    )
    return Merged(snapshot, log.sorted(), dict(found), codes.by_path)


# -- rules --------------------------------------------------------------------------------------
def _instant(value: str) -> datetime:
    """A ``created_at`` setting as a time; an unreadable one counts as the latest."""
    try:
        return aware(datetime.fromisoformat(value))
    except ValueError:
        return datetime.max.replace(tzinfo=UTC)


def _unique_documents(documents: list[DocumentRow]) -> list[DocumentRow]:
    """Documents by name with unique UUIDs, and unique speaker UUIDs across them (a copy that
    pseudonymised a text made a new document but kept its speakers' UUIDs)."""
    out, seen = [], set()
    for document in unique_uuids(documents, lambda d: d.name):
        speakers = []
        for speaker in document.speakers:
            if speaker.uuid in seen:
                speaker = replace(speaker, uuid=made_up("speaker", speaker.uuid, document.uuid))
            seen.add(speaker.uuid)
            speakers.append(speaker)
        out.append(replace(document, speakers=tuple(speakers)))
    return out


# -- documents -----------------------------------------------------------------------------------
Instance = tuple[int, str]
"""A document of one input: (input index, its UUID there)."""


def _documents(
    snapshots: Sequence[Snapshot], log: ConflictLog
) -> tuple[list[DocumentRow], list[frozenset[int]], dict[Instance, str]]:
    """Documents matched by UUID, else by (name, text); and where each input's document went."""
    rows: dict[Instance, tuple[DocumentRow, str]] = {}
    for index, snapshot in enumerate(snapshots):
        for row in snapshot.documents:
            rows[(index, row.uuid)] = (row, snapshot.source)
    keys = _keys(rows, log)
    groups = _groups(rows, keys)
    merged: list[tuple[DocumentRow, frozenset[int]]] = []
    where: dict[Instance, str] = {}
    for members in groups:
        versions = [rows[m] for m in members]
        uuid = min(keys[m] for m in members)
        for member in members:
            where[member] = uuid
        first = min((r for r, _s in versions), key=lambda r: (r.imported_at, r.uuid, r.name))
        subject = f"document '{first.name}' (text {first.sha256[:12]})"
        for what, differ, shown in (
            ("name", lambda r: r.name, lambda r: r.name),
            ("kind", lambda r: r.kind, lambda r: r.kind),
            ("turns", lambda r: r.turns, _turns_text),
        ):
            if len({differ(r) for r, _s in versions}) > 1:
                log.add(
                    f"document {what}",
                    subject,
                    f"one document has different {what}s in the inputs; the {what} of its "
                    f"earliest import ({shown(first)}) is kept",
                    ((shown(r), s) for r, s in versions),
                )
        case = filled_first(
            ((r.case, s) for r, s in versions), "document case", subject, "case", log
        )
        speakers = []
        for speaker in first.speakers:
            same = [(x, s) for r, s in versions for x in r.speakers if x.label == speaker.label]
            at = f"{subject}, speaker '{speaker.label}'"
            role = filled_first(((x.role, s) for x, s in same), "speaker", at, "role", log)
            home = filled_first(((x.case, s) for x, s in same), "speaker", at, "case", log)
            speakers.append(replace(speaker, role=role, case=home))
        document = replace(first, uuid=uuid, case=case, speakers=tuple(speakers))
        merged.append((document, frozenset(i for i, _u in members)))
    documents, found = _free_names(merged, [s.source for s in snapshots], log)
    return documents, found, where


def _keys(rows: dict[Instance, tuple[DocumentRow, str]], log: ConflictLog) -> dict[Instance, str]:
    """Each document's identity: its UUID, checked by its text. A UUID held with different
    texts (an input edited outside qualcode) stays with the text imported earliest; each other
    text becomes a document of its own, with a UUID made from the two."""
    texts: dict[str, list[tuple[DocumentRow, str]]] = defaultdict(list)
    for row, source in rows.values():
        texts[row.uuid].append((row, source))
    keeper: dict[str, str] = {}
    for uuid, versions in texts.items():
        shas = {r.sha256 for r, _s in versions}
        earliest = min((r for r, _s in versions), key=lambda r: (r.imported_at, r.sha256))
        keeper[uuid] = earliest.sha256
        if len(shas) > 1:
            log.add(
                "document identity",
                f"document {uuid}",
                "one UUID with different texts in the inputs; the earliest import keeps it, "
                "each other text is a document of its own",
                ((f"'{r.name}', text {r.sha256[:12]}", s) for r, s in versions),
            )
    return {
        instance: row.uuid
        if row.sha256 == keeper[row.uuid]
        else made_up("document", row.uuid, row.sha256)
        for instance, (row, _s) in rows.items()
    }


def _groups(
    rows: dict[Instance, tuple[DocumentRow, str]], keys: dict[Instance, str]
) -> list[list[Instance]]:
    """Instances with one key are one document; so are those with one name and text (copies
    set up apart: each coder imported the same file). Where that would make two documents of
    one input one, only keys count for them."""
    parent: dict[Instance, Instance] = {i: i for i in rows}

    def find(i: Instance) -> Instance:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    def union(a: Instance, b: Instance) -> None:
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)

    by_key: dict[str, list[Instance]] = defaultdict(list)
    by_name: dict[tuple[str, str], list[Instance]] = defaultdict(list)
    for instance, (row, _s) in rows.items():
        by_key[keys[instance]].append(instance)
        by_name[(row.name, row.sha256)].append(instance)
    for linked in (*by_key.values(), *by_name.values()):
        for other in linked[1:]:
            union(linked[0], other)
    components: dict[Instance, list[Instance]] = defaultdict(list)
    for instance in rows:
        components[find(instance)].append(instance)
    groups: list[list[Instance]] = []
    for members in components.values():
        inputs = [i for i, _u in members]
        if len(inputs) == len(set(inputs)):
            groups.append(sorted(members))
            continue
        split: dict[str, list[Instance]] = defaultdict(list)
        for member in members:
            split[keys[member]].append(member)
        groups.extend(sorted(m) for m in split.values())
    return sorted(groups, key=lambda m: min(keys[i] for i in m))


def _claimant(row: DocumentRow) -> str:
    when = f"{row.imported_at:%Y-%m-%d %H:%M} UTC"
    return f"text {row.sha256[:12]}, {row.words:,} words, imported {when}"


def _turns_text(row: DocumentRow) -> str:
    spans = ", ".join(f"{t.start}-{t.end}" for t in row.turns[:8])
    more = ", ..." if len(row.turns) > 8 else ""
    labels = ", ".join(s.label for s in row.speakers)
    return f"{len(row.turns)} turns ({spans}{more}), speakers {labels}"


def _free_names(
    merged: list[tuple[DocumentRow, frozenset[int]]], sources: list[str], log: ConflictLog
) -> tuple[list[DocumentRow], list[frozenset[int]]]:
    """Different texts with one name: the earliest import keeps it, the others get the first
    free 'name (2)', 'name (3)', ..."""
    claims: dict[str, list[tuple[DocumentRow, frozenset[int]]]] = defaultdict(list)
    for document, inputs in merged:
        claims[document.name].append((document, inputs))
    taken = set(claims)
    out: list[tuple[DocumentRow, frozenset[int]]] = []
    for name in sorted(claims):
        rows = sorted(claims[name], key=lambda d: (d[0].imported_at, d[0].uuid, d[0].sha256))
        out.append(rows[0])
        for document, inputs in rows[1:]:
            number = 2
            while f"{name} ({number})" in taken:
                number += 1
            new = f"{name} ({number})"
            taken.add(new)
            log.add(
                "document name",
                f"document '{new}'",
                f"a different text is also named '{name}'; the earlier import keeps the name, "
                f"this one was renamed '{new}'",
                ((_claimant(d), sources[index]) for d, found in rows for index in found),
            )
            out.append((replace(document, name=new), inputs))
    out.sort(key=lambda d: d[0].name)
    return [d for d, _i in out], [i for _d, i in out]


# -- coders, attributes, cases: matched by name ----------------------------------------------------
def _by_name(
    snapshots: Sequence[Snapshot],
    field: str,
    combine: Callable[[list[tuple[Any, str]], ConflictLog], Any],
    log: ConflictLog,
) -> tuple[list[Any], list[frozenset[int]]]:
    named: dict[str, list[tuple[int, Any, str]]] = defaultdict(list)
    for index, snapshot in enumerate(snapshots):
        for row in getattr(snapshot, field):
            named[row.name].append((index, row, snapshot.source))
    rows, found = [], []
    for _name, versions in sorted(named.items()):
        rows.append(combine([(row, source) for _i, row, source in versions], log))
        found.append(frozenset(i for i, _r, _s in versions))
    return rows, found


def _coder(versions: list[tuple[CoderRow, str]], log: ConflictLog) -> CoderRow:
    rows = [r for r, _s in versions]
    role = min((r.role for r in rows), key=lambda role: ROLE_RANK.get(role, 9))
    if len({r.role for r in rows}) > 1:
        log.add(
            "coder role",
            f"coder '{rows[0].name}'",
            f"different roles; kept {role}",
            ((r.role, s) for r, s in versions),
        )
    return CoderRow(rows[0].name, role, min(r.uuid for r in rows), min(r.created_at for r in rows))


def _attribute(versions: list[tuple[AttributeRow, str]], log: ConflictLog) -> AttributeRow:
    rows = [r for r, _s in versions]
    subject = f"attribute '{rows[0].name}'"
    types = {r.type for r in rows}
    type_ = types.pop() if len(types) == 1 else "text"
    if type_ == "text" and len({r.type for r in rows}) > 1:
        log.add(
            "attribute type",
            subject,
            "different types; it became text, which holds every value as stored",
            ((r.type, s) for r, s in versions),
        )
    description = filled_first(
        ((r.description, s) for r, s in versions), "attribute", subject, "description", log
    )
    return AttributeRow(rows[0].name, type_, description, min(r.uuid for r in rows))


def _case(versions: list[tuple[CaseRow, str]], log: ConflictLog) -> CaseRow:
    rows = [r for r, _s in versions]
    subject = f"case '{rows[0].name}'"
    description = filled_first(
        ((r.description, s) for r, s in versions), "case", subject, "description", log
    )
    by_attribute: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for row, source in versions:
        for name, value in row.values:
            by_attribute[name].append((value, source))
    values = tuple(
        (name, filled_first(pairs, "case attribute", subject, f"value of '{name}'", log))
        for name, pairs in sorted(by_attribute.items())
    )
    return CaseRow(
        rows[0].name,
        min(r.uuid for r in rows),
        description,
        min(r.created_at for r in rows),
        values,
    )


def _settings(snapshots: Sequence[Snapshot], log: ConflictLog) -> tuple[tuple[str, str], ...]:
    keyed: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for snapshot in snapshots:
        for key, value in snapshot.settings:
            if not key.startswith(LEFT_OUT_SETTINGS):
                keyed[key].append((value, snapshot.source))
    return tuple(
        (key, filled_first(pairs, "setting", f"setting '{key}'", "value", log))
        for key, pairs in sorted(keyed.items())
    )
