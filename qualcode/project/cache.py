"""Derived data kept in the project: ``Project.cached`` and ``Project.keep_cached``.

What can always be computed again (a document's sentences, what ``suggest`` found) is kept in
the project's ``settings`` table, so it lives in the project file and inside its encryption.
Keeping it is best effort and never the user's action: no audit entry, and a read-only file, a
busy database or a team member the server does not let change settings just means the value is
computed again next time.
"""

from __future__ import annotations

from sqlalchemy import delete, select
from sqlalchemy.exc import SQLAlchemyError

from ..errors import QualcodeError
from ..store.models import Document, Setting
from .core import ProjectCore


class CacheMixin(ProjectCore):
    def cached(self, key: str) -> str | None:
        """The value kept under ``key``, or None."""
        return self.setting(key)

    def keep_cached(self, key: str, value: str, *, per_text: str | None = None) -> bool:
        """Keep ``value`` under ``key``, replacing what was there; False if it could not be
        kept (nothing is raised: the value is computed again next time).

        ``per_text`` is a prefix of keys that end in the SHA-256 of a document's text (``key``
        is one of them): in a project file, the entries under it whose text is no longer a
        document's are removed in the same transaction (on a server only the owner deletes
        rows, so they stay)."""
        try:
            with self.transaction() as session:
                row = session.get(Setting, key)
                if row is None:
                    session.add(Setting(key=key, value=value))
                else:
                    row.value = value
                if per_text is not None and self.sqlite_path is not None:
                    live = [per_text + sha for sha in session.scalars(select(Document.sha256))]
                    session.execute(
                        delete(Setting).where(
                            Setting.key.startswith(per_text), Setting.key.not_in(live)
                        )
                    )
        except (QualcodeError, SQLAlchemyError):
            return False
        return True
