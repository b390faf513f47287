"""``merge_projects``: fold several coders' project files into one new project, offline.

The inputs are read whole, one at a time, and closed (:mod:`.snapshot`); the merge is decided
without a database (:mod:`.resolve`, :mod:`.codetree`); only then is the output created with
``Project.create`` (so it is a fully migrated project) and filled in one transaction. If
anything fails, the output file is removed: there is never a half-merged project on disk.

Encrypted inputs are opened with the one ``passphrase`` given; the output of a merge with any
encrypted input is encrypted with it too, so no plaintext copy of their texts is written.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from ..errors import QualcodeError
from .merge_report import KINDS, Counts, InputSummary, MergeResult
from .resolve import Merged, merge_snapshots
from .snapshot import Snapshot, read_snapshot
from .write import check_new_output, write_project

Progress = Callable[[int, int, str], None]
"""Called as progress(done, total, what) after each input is read, and when the output is
planned and written."""


def merge_projects(
    inputs: Sequence[str | Path],
    output: str | Path,
    *,
    passphrase: str | None = None,
    actor: str | None = None,
    progress: Progress | None = None,
) -> MergeResult:
    """Merge the projects ``inputs`` into a new project ``output`` (refused if it exists).

    Documents are matched by text, codes by UUID then path, coders and cases by name, codings
    by (text, code, coder, span), memos by UUID; docs/teams.md has every rule. The result says
    what each input held and gave and lists every conflict with the versions found.
    """
    if not inputs:
        raise QualcodeError("give at least one project to merge")
    name = check_new_output(output, "merge")
    total = len(inputs) + 2
    snapshots: list[Snapshot] = []
    for done, source in enumerate(inputs, 1):
        snapshots.append(read_snapshot(source, passphrase=passphrase, actor=actor))
        if progress:
            progress(done, total, str(source))
    merged = merge_snapshots(snapshots, name)
    if progress:
        progress(total - 1, total, "merged")
    encrypted = merged.snapshot.encrypted
    if encrypted and not passphrase:
        raise QualcodeError(f"{name}: the inputs are encrypted, so the output needs a passphrase")
    write_project(
        merged.snapshot,
        output,
        passphrase=passphrase if encrypted else None,
        actor=actor,
        action="project.merge",
        inputs=sorted(s.source for s in snapshots),
        conflicts=len(merged.conflicts),
    )
    if progress:
        progress(total, total, name)
    return _result(merged, snapshots)


def _result(merged: Merged, snapshots: Sequence[Snapshot]) -> MergeResult:
    summaries = []
    for index, snapshot in enumerate(snapshots):
        alone = frozenset({index})
        only = {
            kind: sum(1 for f in found if f == alone) for kind, found in merged.found_in.items()
        }
        summaries.append(
            InputSummary(
                snapshot.source,
                snapshot.encrypted,
                Counts.of(snapshot),
                Counts(**only),
                {
                    "suggestions": snapshot.suggestions,
                    "reconcile decisions": snapshot.decisions,
                    "audit events": snapshot.audit_events,
                },
            )
        )
    matched = {}
    for kind in KINDS:
        matched[kind] = sum(1 for f in merged.found_in.get(kind, []) if len(f) > 1)
        if kind == "codes":
            matched["codes by path"] = merged.codes_by_path
    return MergeResult(
        output=merged.snapshot.source,
        encrypted=merged.snapshot.encrypted,
        inputs=tuple(summaries),
        counts=Counts.of(merged.snapshot),
        matched=matched,
        conflicts=merged.conflicts,
    )
