"""One coder's layer as a project file of its own, for sending back to the team.

``export_coder`` writes a new project holding the coder's codings (removed ones too, so a
removal travels) and memos, the documents they are on (with their speakers, turns and cases) and
the whole codebook. It is an ordinary qualcode project, so ``merge`` folds it back into the
team's project: documents match by text, codes by UUID, the coder by name, and nothing else comes
with it. There is no separate import: ``qualcode merge team.qualcode alice.qualcode -o new``.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

from ..errors import Hint, NotFoundError
from ..vocabulary import CONSENSUS_CODER
from .snapshot import Snapshot, read_snapshot
from .write import check_new_output, write_project


@dataclass(frozen=True)
class CoderExport:
    output: str
    coder: str
    documents: int
    codes: int
    codings: int
    """Removed codings included."""
    memos: int
    cases: int
    memos_left_out: int
    """The coder's memos on what the file does not hold (another coder's coding)."""


def export_coder(
    project: str | Path,
    coder: str,
    output: str | Path,
    *,
    passphrase: str | None = None,
    actor: str | None = None,
) -> CoderExport:
    """Write ``coder``'s layer of ``project`` to the new project ``output`` (encrypted with the
    same passphrase when the project is)."""
    name = check_new_output(output, "export-coder")
    snapshot = read_snapshot(project, passphrase=passphrase, actor=actor)
    coder = " ".join(coder.split())
    if coder not in {c.name for c in snapshot.coders}:
        raise NotFoundError(f"{snapshot.source}: no coder named '{coder}'", Hint("coders-list"))
    plan, left_out = layer(snapshot, coder, name)
    write_project(
        plan,
        output,
        passphrase=passphrase if plan.encrypted else None,
        actor=actor,
        action="project.export-coder",
        source=snapshot.source,
        coder=coder,
    )
    return CoderExport(
        name,
        coder,
        len(plan.documents),
        len(plan.codes),
        len(plan.codings),
        len(plan.memos),
        len(plan.cases),
        left_out,
    )


def layer(snapshot: Snapshot, coder: str, output: str) -> tuple[Snapshot, int]:
    """The part of ``snapshot`` that is ``coder``'s, and how many of their memos are left out."""
    codings = tuple(c for c in snapshot.codings if c.coder == coder)
    kept_codings = {c.uuid for c in codings}
    texts = {c.document for c in codings}
    memos = []
    for memo in (m for m in snapshot.memos if m.coder == coder):
        if memo.target_type == "coding" and memo.target not in kept_codings:
            continue
        if memo.target_type == "document" and memo.target is not None:
            texts.add(memo.target)
        memos.append(memo)
    documents = tuple(d for d in snapshot.documents if d.uuid in texts)
    case_names = {m.target for m in memos if m.target_type == "case"}
    for document in documents:
        case_names |= {document.case} | {s.case for s in document.speakers}
    cases = tuple(c for c in snapshot.cases if c.name in case_names)
    used = {attribute for case in cases for attribute, _value in case.values}
    plan = replace(
        snapshot,
        source=output,
        documents=documents,
        coders=tuple(c for c in snapshot.coders if c.name in (coder, CONSENSUS_CODER)),
        codings=codings,
        memos=tuple(memos),
        cases=cases,
        attributes=tuple(a for a in snapshot.attributes if a.name in used),
        settings=tuple((k, v) for k, v in snapshot.settings if k == "codebook_name"),
        suggestions=0,
        decisions=0,
        audit_events=0,
    )
    left_out = sum(1 for m in snapshot.memos if m.coder == coder) - len(memos)
    return plan, left_out
