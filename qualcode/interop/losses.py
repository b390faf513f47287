"""What a REFI-QDA export cannot hold, for its summary (docs/refi-qda.md, "Kept, converted,
lost"): every loss is said there, none is silent."""

from __future__ import annotations

from typing import Any


def lost(rows: Any) -> list[str]:
    """What the file does not hold, for the summary (docs/refi-qda.md lists it all); ``rows``
    holds the snapshot it was written from, read with its counts."""
    out = []
    removed_codings = rows.snapshot.removed_codings
    removed_memos = rows.snapshot.removed_memos
    if removed_codings or removed_memos:
        out.append(
            f"{removed_codings:,} removed codings and {removed_memos:,} removed memos "
            "(only current ones are exported)"
        )
    only_ours = []
    if any(c.role != "coder" for c in rows.users):
        only_ours.append("coder roles")
    if any(c.inclusion or c.exclusion or c.example or c.keywords for c in rows.tree.codes):
        only_ours.append("code criteria (also in each code's Description)")
    if any(c.archived for c in rows.tree.codes):
        only_ours.append("archived flags")
    if any(c.origin != "manual" or c.favourite for c in rows.codings):
        only_ours.append("coding origins and favourites")
    if rows.documents:
        only_ours.append("documents' kinds and source files")
    if rows.turns:
        only_ours.append("speakers (with roles and cases) and turns (with timestamps)")
    if only_ours:
        out.append("only in qualcode.json, which other tools ignore: " + ", ".join(only_ours))
    current = {c.id for c in rows.codings}
    orphans = sum(1 for m in rows.memos if m.coding_id is not None and m.coding_id not in current)
    if orphans:
        out.append(
            f"{orphans:,} memos on removed codings: notes with no place (they come back "
            "as project memos)"
        )
    case_memos = sum(1 for m in rows.memos if m.case_id is not None)
    if case_memos:
        out.append(
            f"{case_memos:,} memos on cases: Notes linked to their case by a Link (a "
            "REFI case holds no NoteRef; other tools may show them unattached)"
        )
    unused = [c.name for c in rows.coders if c not in rows.users]
    if unused:
        out.append("the consensus coder, who has no codings or memos: not written as a user")
    suggestions = rows.snapshot.suggestions
    decisions = rows.snapshot.decisions
    if suggestions or decisions:
        out.append(
            f"{suggestions:,} suggestions and {decisions:,} reconcile decisions (no REFI "
            "equivalent)"
        )
    out.append(
        "the audit trail, and the creation times of codes, cases and coders (no REFI equivalent)"
    )
    return out
