"""Storing a read REFI-QDA project or codebook (``refi_model``): one transaction, one audit event.

``qualcode.interop`` reads and checks the file; the methods here write what it read. Users become
coders (matched by name; ``consensus`` is our consensus coder), codes are matched by path
(``refi_codes``), documents by GUID (with the same text) or else by name and text (so codings
from a colleague's copy of our transcripts land on our documents), never by text alone: two
sources with one text are two documents. Cases and attributes are matched by name. Everything
new keeps the file's GUID as its uuid unless that uuid is already taken in this project; then
it gets a new one and the summary says how many. Codings the project already has (same
document, code, coder and span) are not added twice. Notes become memos (``refi_memos``); what
only an export needs back is kept in ``refi.`` settings (``refi_keep``).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import select

from ..store.models import Coder
from .core import ProjectCore

# The writers load when a REFI-QDA file is imported, not when a project opens.
if TYPE_CHECKING:
    from .refi_model import RefiCodebook, RefiProject
    from .refi_summary import ImportSummary
    from .refi_writer import Progress


class RefiMixin(ProjectCore):
    def import_refi_project(
        self,
        parsed: RefiProject,
        *,
        source: str,
        coder: str | None = None,
        progress: Progress | None = None,
        fresh: bool = False,
        strict: bool = False,
    ) -> ImportSummary:
        """Store everything ``parsed`` holds in one transaction; all or nothing. ``coder``
        writes what the file names no user for. ``fresh``: the project was just created for
        this file, so the coders every project starts with (consensus) may take the file's
        GUIDs too. ``strict``: if anything would be skipped, raise ``SkippedError`` and write
        nothing."""
        from .refi_summary import ImportSummary, SkippedError, Skips
        from .refi_writer import _Writer

        summary = ImportSummary(source=source, producer=parsed.origin, offsets=parsed.offsets)
        summary.warnings.extend(parsed.warnings)
        skipped = Skips()
        with self.transaction("import.qdpx", "project") as session:
            writer = _Writer(self, session, parsed, summary, skipped, coder)
            writer.fresh = fresh
            writer.run(progress)
            if strict and (parsed.skipped or skipped.counts):
                raise SkippedError(source, parsed.skipped + skipped.lines())
            session.info["audit"].update(
                source=source,
                producer=parsed.origin,
                offsets=parsed.offsets,
                added=dict(summary.added),
                matched=dict(summary.matched),
                updated=dict(summary.updated),
                duplicates=summary.duplicates,
                new_guids=dict(summary.new_guids),
                skipped=parsed.skipped + skipped.lines(),
                documents=writer.new_documents,
            )
        summary.skipped = parsed.skipped + skipped.lines()
        return summary

    @classmethod
    def create_from_refi(
        cls,
        target: str | Path,
        parsed: RefiProject,
        *,
        source: str,
        actor: str | None = None,
        coder: str | None = None,
        progress: Progress | None = None,
        strict: bool = False,
    ) -> ImportSummary:
        """Create the project ``target`` holding ``parsed``. A project file is built in a
        temporary file beside ``target`` and renamed to it only when complete, so an import
        that fails or is killed never leaves a project at ``target`` (a database URL is filled
        in place, in one transaction)."""
        return cls.build(
            target,
            lambda project: project.import_refi_project(
                parsed, source=source, coder=coder, progress=progress, fresh=True, strict=strict
            ),
            actor=actor,
        )

    def import_refi_codebook(
        self, book: RefiCodebook, *, source: str, coder: str | None = None
    ) -> ImportSummary:
        """Merge a read ``.qdc`` (codes matched by path) in one transaction, with one audit
        event. Sets become memos ``Set: NAME`` on their codes, written by ``coder`` (default:
        the acting person)."""
        from .refi_codes import CodeWriter, sets_to_memos
        from .refi_model import is_ours
        from .refi_summary import ImportSummary, Skips

        summary = ImportSummary(source=source, producer=book.origin)
        summary.warnings.extend(book.warnings)
        skipped = Skips()
        with self.transaction("import.qdc", "project") as session:
            codes = CodeWriter(session, summary, is_ours(book.origin)).write(book.codes)
            writer_row: list[Coder] = []

            def coder_id() -> int:
                if not writer_row:
                    name = coder or self.actor
                    row = session.scalar(select(Coder).where(Coder.name == name))
                    if row is None:
                        row = Coder(name=name, role="coder")
                        session.add(row)
                        session.flush()
                        summary.added["coders"] += 1
                    writer_row.append(row)
                return writer_row[0].id

            sets_to_memos(session, book.sets, codes, {}, coder_id, summary, skipped)
            summary.skipped = book.skipped + skipped.lines()
            session.info["audit"].update(
                source=source,
                producer=book.origin,
                added=dict(summary.added),
                matched=dict(summary.matched),
                updated=dict(summary.updated),
                new_guids=dict(summary.new_guids),
                skipped=summary.skipped,
            )
        return summary
