"""Team members on a PostgreSQL server: the roles the server enforces, and a member's login.

The server's side (group roles, grants, row security, the audit triggers) is
:mod:`qualcode.store.access`; the member's coder row is the project's
(``Project.record_member``). The library checks roles for everyone in any case.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..errors import QualcodeError
from ..store import access

if TYPE_CHECKING:
    from ..project import Project


def setup_access(project: Project) -> None:
    """Create the group roles, grant them, and switch on row security (idempotent)."""
    access.setup_access(project.engine, project.name)


def add_member(
    project: Project, name: str, *, supervisor: bool = False, password: str | None = None
) -> None:
    """A login for ``name`` (their coder name), in the coder or supervisor group, and their
    coder row. Run by the owner after :func:`setup_access`.

    A ``password`` is sent as a SCRAM-SHA-256 verifier computed by the database driver, so
    neither the statement, the server's log nor an error message holds it."""
    access.require_postgresql(project.engine, project.name)
    name = " ".join(name.split())
    if not name or '"' in name or "\x00" in name:
        raise QualcodeError(f"'{name}' cannot be a database user name")
    access.create_login(
        project.engine, project.name, name, supervisor=supervisor, password=password
    )
    project.record_member(name, "supervisor" if supervisor else "coder")
