"""Roles enforced by PostgreSQL itself, for a team project on a server.

The library checks roles for everyone (see ``ProjectCore._require_supervisor``), but a program
that talks to the database directly would skip those checks. So on PostgreSQL each team member
logs in as their own database user, named like their coder, and the server enforces:

* every member (group role ``qualcode_coder``) reads everything, and may insert or change
  codings, memos and coder rows only where the coder is themselves (row-level security);
* supervisors (group role ``qualcode_supervisor``) may change anything: the codebook, other
  coders' codings, reconcile decisions, settings;
* nobody but the owner deletes rows (removing is a soft delete), and the audit trail refuses
  UPDATE and DELETE for everyone (its triggers).

``setup_access`` is run once by the database owner (who needs CREATEROLE); ``add_member``
creates a member's login and coder row. The owner bypasses row security, as PostgreSQL's table
owners do; keep that account for administration.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import select, text

from ..errors import ConflictError, QualcodeError
from ..store.models import Coder

if TYPE_CHECKING:
    from ..project import Project

CODER_ROLE = "qualcode_coder"
SUPERVISOR_ROLE = "qualcode_supervisor"

OWN_ROWS = ("codings", "memos")
"""Tables whose rows belong to a coder (``coder_id``): changed by that coder or a supervisor."""
SUPERVISED = ("codes", "reconcile_decisions", "settings", "documents", "speakers", "turns",
              "cases", "attributes", "attribute_values")  # fmt: skip
"""Tables only supervisors change."""
MEMBER_WRITES = ("codings", "memos", "audit_events", "coders", "suggestions")
"""Tables a coder may insert into or update (subject to the policies)."""

_SETUP = [
    f"""DO $$ BEGIN
        IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{CODER_ROLE}') THEN
            CREATE ROLE {CODER_ROLE} NOLOGIN; END IF;
        IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{SUPERVISOR_ROLE}') THEN
            CREATE ROLE {SUPERVISOR_ROLE} NOLOGIN; END IF;
    END $$""",
    f"GRANT {CODER_ROLE} TO {SUPERVISOR_ROLE}",
    f"GRANT USAGE ON SCHEMA public TO {CODER_ROLE}",
    f"GRANT SELECT ON ALL TABLES IN SCHEMA public TO {CODER_ROLE}",
    f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {CODER_ROLE}",
    f"GRANT INSERT, UPDATE ON {', '.join(MEMBER_WRITES)} TO {CODER_ROLE}",
    f"GRANT DELETE ON suggestions TO {CODER_ROLE}",
    f"GRANT INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {SUPERVISOR_ROLE}",
    "REVOKE UPDATE, DELETE ON audit_events FROM " + SUPERVISOR_ROLE,
    f"""CREATE OR REPLACE FUNCTION qualcode_is_supervisor() RETURNS boolean
        LANGUAGE sql STABLE AS
        $$ SELECT pg_has_role(current_user, '{SUPERVISOR_ROLE}', 'MEMBER') $$""",
    """CREATE OR REPLACE FUNCTION qualcode_is_me(coder integer) RETURNS boolean
        LANGUAGE sql STABLE AS
        $$ SELECT EXISTS (SELECT 1 FROM coders WHERE id = coder AND name = current_user) $$""",
]


def _policies() -> list[str]:
    statements = []
    for table in (*OWN_ROWS, *SUPERVISED, "coders"):
        statements += [
            f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY",
            f"DROP POLICY IF EXISTS qualcode_read ON {table}",
            f"CREATE POLICY qualcode_read ON {table} FOR SELECT USING (true)",
            f"DROP POLICY IF EXISTS qualcode_supervise ON {table}",
            f"CREATE POLICY qualcode_supervise ON {table} FOR ALL "
            "USING (qualcode_is_supervisor()) WITH CHECK (qualcode_is_supervisor())",
        ]
    for table in OWN_ROWS:
        for verb, clause in (("INSERT", "WITH CHECK (qualcode_is_me(coder_id))"),
                             ("UPDATE", "USING (qualcode_is_me(coder_id)) "
                                        "WITH CHECK (qualcode_is_me(coder_id))")):  # fmt: skip
            statements += [
                f"DROP POLICY IF EXISTS qualcode_own_{verb.lower()} ON {table}",
                f"CREATE POLICY qualcode_own_{verb.lower()} ON {table} FOR {verb} {clause}",
            ]
    # A coder may add themselves (coding under their own name for the first time), as a coder.
    statements += [
        "DROP POLICY IF EXISTS qualcode_join ON coders",
        "CREATE POLICY qualcode_join ON coders FOR INSERT "
        "WITH CHECK (name = current_user AND role = 'coder')",
    ]
    return statements


def _require_postgresql(project: Project) -> None:
    if project.engine.dialect.name != "postgresql":
        raise QualcodeError(
            f"{project.name}: roles enforced by the server need PostgreSQL; in a project file "
            "the library enforces them"
        )


def setup_access(project: Project) -> None:
    """Create the group roles, grant them, and switch on row security (idempotent)."""
    _require_postgresql(project)
    with project.engine.begin() as connection:
        for statement in [*_SETUP, *_policies()]:
            connection.execute(text(statement))


def add_member(
    project: Project, name: str, *, supervisor: bool = False, password: str | None = None
) -> None:
    """A login for ``name`` (their coder name), in the coder or supervisor group, and their
    coder row. Run by the owner after :func:`setup_access`."""
    _require_postgresql(project)
    name = " ".join(name.split())
    if not name or '"' in name or "\x00" in name:
        raise QualcodeError(f"'{name}' cannot be a database user name")
    role = "supervisor" if supervisor else "coder"
    group = SUPERVISOR_ROLE if supervisor else CODER_ROLE
    quoted = '"' + name + '"'
    with project.engine.begin() as connection:
        exists = connection.execute(
            text("SELECT 1 FROM pg_roles WHERE rolname = :name"), {"name": name}
        ).first()
        if exists is None:
            secret = "" if password is None else " PASSWORD '" + password.replace("'", "''") + "'"
            connection.execute(text(f"CREATE ROLE {quoted} LOGIN{secret}"))
        connection.execute(text(f"GRANT {group} TO {quoted}"))
        connection.execute(text(f"GRANT CONNECT ON DATABASE {_database(connection)} TO {quoted}"))
    with project._write() as session:  # the owner's own act; recorded in the audit trail
        coder = session.scalar(select(Coder).where(Coder.name == name))
        if coder is not None and coder.role == "consensus":
            raise ConflictError(f"'{name}' is reserved")
        if coder is None:
            coder = Coder(name=name, role=role)
            session.add(coder)
        else:
            coder.role = role
        session.flush()
        project._audit(session, "team.member", "coder", coder.uuid, name=name, role=role)


def _database(connection: object) -> str:
    found = connection.execute(text("SELECT current_database()")).scalar()  # type: ignore[attr-defined]
    return '"' + str(found).replace('"', '""') + '"'
