"""Roles enforced by PostgreSQL itself, for a team project on a server.

The library checks roles for everyone (see ``ProjectCore._require_supervisor``), but a program
that talks to the database directly would skip those checks. So on PostgreSQL each team member
logs in as their own database user, named like their coder, and the server enforces:

* every member (group role ``qualcode_coder``) reads everything, and may insert or change
  codings, memos and suggestions only where the coder is themselves, and add themselves as a
  coder (row-level security on every table);
* supervisors (group role ``qualcode_supervisor``) may insert and change anything but the audit
  trail and the schema version: the codebook, other coders' codings, reconcile decisions,
  settings;
* nobody but the owner deletes rows (removing is a soft delete), except that a supervisor
  clears a case's attribute value; the server records every deletion, the owner's too, in the
  audit trail itself (``row.delete``);
* the audit trail takes INSERT only: its triggers refuse UPDATE and DELETE for everyone, and
  the server writes the login (``session_user``), the time and the id of each new entry, so
  nobody writes an entry in someone else's name.

The functions the policies and triggers call name every table with its schema and run with a
fixed ``search_path`` (``pg_catalog``, the project's schema, then ``pg_temp``), so a member's
temporary table called ``coders`` cannot stand in for the real one.

``setup_access`` is run once by the database owner (who needs CREATEROLE), and again after an
upgrade (it is idempotent); ``create_login`` creates a member's login (their coder row is the
project's: ``qualcode.teams.access.add_member`` does both). The owner bypasses row security, as
PostgreSQL's table owners do; keep that account for administration.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine, text

from ..errors import QualcodeError

CODER_ROLE = "qualcode_coder"
SUPERVISOR_ROLE = "qualcode_supervisor"

OWN_ROWS = {
    "codings": ("coder_id",),
    "memos": ("coder_id",),
    "suggestions": ("for_coder_id", "decided_by_id"),
}
"""Tables whose rows belong to a coder, by the columns naming them: changed by that coder or a
supervisor (a NULL ``decided_by_id`` is an undecided suggestion)."""
SUPERVISED = (
    "codes",
    "reconcile_decisions",
    "settings",
    "documents",
    "speakers",
    "turns",
    "cases",
    "attributes",
    "attribute_values",
    "coders",
)
"""Tables only supervisors change (a coder may add themselves to ``coders``)."""
AUDIT = "audit_events"
SUPERVISOR_DELETES = ("attribute_values",)
"""The one table whose rows the library deletes: a supervisor clearing a case's attribute."""
PATH = "pg_catalog, {schema}, pg_temp"
"""The search path of every function below: the catalog first, a session's temporary tables
last (unlisted, they would come first)."""


def _setup(schema: str) -> list[str]:
    s = schema
    path = PATH.format(schema=s)
    owned = ", ".join(f"{s}.{t}" for t in OWN_ROWS)
    changeable = ", ".join(f"{s}.{t}" for t in (*OWN_ROWS, *SUPERVISED))
    return [
        f"""DO $$ BEGIN
            IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{CODER_ROLE}') THEN
                CREATE ROLE {CODER_ROLE} NOLOGIN; END IF;
            IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{SUPERVISOR_ROLE}') THEN
                CREATE ROLE {SUPERVISOR_ROLE} NOLOGIN; END IF;
        END $$""",
        f"GRANT {CODER_ROLE} TO {SUPERVISOR_ROLE}",
        # Servers before PostgreSQL 15 let anyone create objects in public.
        f"REVOKE CREATE ON SCHEMA {s} FROM PUBLIC",
        f"GRANT USAGE ON SCHEMA {s} TO {CODER_ROLE}",
        # From a clean slate, so that running setup again also takes back older grants.
        f"REVOKE ALL ON ALL TABLES IN SCHEMA {s} FROM {CODER_ROLE}, {SUPERVISOR_ROLE}",
        f"GRANT SELECT ON ALL TABLES IN SCHEMA {s} TO {CODER_ROLE}",
        f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {s} TO {CODER_ROLE}",
        f"GRANT INSERT, UPDATE ON {owned} TO {CODER_ROLE}",
        f"GRANT INSERT ON {s}.coders, {s}.{AUDIT} TO {CODER_ROLE}",
        f"GRANT INSERT, UPDATE ON {changeable} TO {SUPERVISOR_ROLE}",
        f"GRANT DELETE ON {', '.join(f'{s}.{t}' for t in SUPERVISOR_DELETES)} TO {SUPERVISOR_ROLE}",
        f"""CREATE OR REPLACE FUNCTION {s}.qualcode_is_supervisor() RETURNS boolean
            LANGUAGE sql STABLE SET search_path = {path} AS
            $$ SELECT pg_catalog.pg_has_role(current_user, '{SUPERVISOR_ROLE}', 'MEMBER') $$""",
        f"""CREATE OR REPLACE FUNCTION {s}.qualcode_is_me(coder integer) RETURNS boolean
            LANGUAGE sql STABLE SET search_path = {path} AS
            $$ SELECT EXISTS (SELECT 1 FROM {s}.coders AS c
                              WHERE c.id = coder AND c.name = current_user) $$""",
        f"ALTER FUNCTION {s}.qualcode_audit_append_only() SET search_path = {path}",
        # The server, not the writer, says who wrote an audit entry, when, and its number.
        f"""CREATE OR REPLACE FUNCTION {s}.qualcode_audit_stamp() RETURNS trigger
            LANGUAGE plpgsql SET search_path = {path} AS $$ BEGIN
                NEW.actor := session_user;
                NEW.at := pg_catalog.now();
                NEW.id := pg_catalog.nextval(
                    pg_catalog.pg_get_serial_sequence('{s}.{AUDIT}', 'id'));
                RETURN NEW;
            END $$""",
        f"DROP TRIGGER IF EXISTS audit_events_stamp ON {s}.{AUDIT}",
        f"CREATE TRIGGER audit_events_stamp BEFORE INSERT ON {s}.{AUDIT} "
        f"FOR EACH ROW EXECUTE FUNCTION {s}.qualcode_audit_stamp()",
        # Every deletion leaves an entry (the text of a document or memo is left out).
        f"""CREATE OR REPLACE FUNCTION {s}.qualcode_audit_delete() RETURNS trigger
            LANGUAGE plpgsql SECURITY DEFINER SET search_path = {path} AS $$
            DECLARE gone jsonb := pg_catalog.to_jsonb(OLD) OPERATOR(pg_catalog.-) 'text';
            BEGIN
                INSERT INTO {s}.{AUDIT} (at, actor, action, entity_type, entity_uuid, payload)
                VALUES (pg_catalog.now(), session_user, 'row.delete', TG_TABLE_NAME,
                        gone OPERATOR(pg_catalog.->>) 'uuid',
                        pg_catalog.jsonb_build_object('table', TG_TABLE_NAME, 'row', gone)::json);
                RETURN OLD;
            END $$""",
        f"REVOKE ALL ON FUNCTION {s}.qualcode_audit_delete() FROM PUBLIC",
    ]


def _policies(schema: str) -> list[str]:
    s = schema
    statements = [
        f"ALTER TABLE {s}.{AUDIT} ENABLE ROW LEVEL SECURITY",
        f"DROP POLICY IF EXISTS qualcode_read ON {s}.{AUDIT}",
        f"CREATE POLICY qualcode_read ON {s}.{AUDIT} FOR SELECT USING (true)",
        f"DROP POLICY IF EXISTS qualcode_append ON {s}.{AUDIT}",
        f"CREATE POLICY qualcode_append ON {s}.{AUDIT} FOR INSERT "
        "WITH CHECK (actor = session_user)",
    ]
    for table in (*OWN_ROWS, *SUPERVISED):
        statements += [
            f"ALTER TABLE {s}.{table} ENABLE ROW LEVEL SECURITY",
            f"DROP POLICY IF EXISTS qualcode_read ON {s}.{table}",
            f"CREATE POLICY qualcode_read ON {s}.{table} FOR SELECT USING (true)",
            f"DROP POLICY IF EXISTS qualcode_supervise ON {s}.{table}",
            f"CREATE POLICY qualcode_supervise ON {s}.{table} FOR ALL "
            f"USING ({s}.qualcode_is_supervisor()) WITH CHECK ({s}.qualcode_is_supervisor())",
            f"DROP TRIGGER IF EXISTS qualcode_audit_delete ON {s}.{table}",
            f"CREATE TRIGGER qualcode_audit_delete AFTER DELETE ON {s}.{table} "
            f"FOR EACH ROW EXECUTE FUNCTION {s}.qualcode_audit_delete()",
        ]
    for table, (owner, *deciders) in OWN_ROWS.items():
        mine = f"{s}.qualcode_is_me({owner})"
        for column in deciders:
            mine += f" AND ({column} IS NULL OR {s}.qualcode_is_me({column}))"
        for verb, clause in (
            ("INSERT", f"WITH CHECK ({mine})"),
            ("UPDATE", f"USING ({mine}) WITH CHECK ({mine})"),
        ):
            statements += [
                f"DROP POLICY IF EXISTS qualcode_own_{verb.lower()} ON {s}.{table}",
                f"CREATE POLICY qualcode_own_{verb.lower()} ON {s}.{table} FOR {verb} {clause}",
            ]
    # A coder may add themselves (coding under their own name for the first time), as a coder.
    statements += [
        f"DROP POLICY IF EXISTS qualcode_join ON {s}.coders",
        f"CREATE POLICY qualcode_join ON {s}.coders FOR INSERT "
        "WITH CHECK (name = current_user AND role = 'coder')",
    ]
    return statements


def require_postgresql(engine: Engine, name: str) -> None:
    """Refuse a project that is not on PostgreSQL (``name``: the project, for the message)."""
    if engine.dialect.name != "postgresql":
        raise QualcodeError(
            f"{name}: roles enforced by the server need PostgreSQL; in a project file "
            "the library enforces them"
        )


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def setup_access(engine: Engine, name: str) -> None:
    """Create the group roles, grant them, and switch on row security (idempotent)."""
    require_postgresql(engine, name)
    with engine.begin() as connection:
        schema = _quote(str(connection.execute(text("SELECT current_schema()")).scalar()))
        for statement in [*_setup(schema), *_policies(schema)]:
            connection.execute(text(statement))


def create_login(
    engine: Engine, name: str, member: str, *, supervisor: bool, password: str | None
) -> None:
    """A login for ``member`` in the coder or supervisor group, allowed to connect (``name``:
    the project, for messages). Run by the owner after :func:`setup_access`.

    A ``password`` is sent as a SCRAM-SHA-256 verifier computed here (as psql's ``\\password``
    does), so neither the statement, the server's log nor an error message holds it."""
    group = SUPERVISOR_ROLE if supervisor else CODER_ROLE
    quoted = _quote(member)
    with engine.begin() as connection:
        exists = connection.execute(
            text("SELECT 1 FROM pg_roles WHERE rolname = :name"), {"name": member}
        ).first()
        database = _quote(str(connection.execute(text("SELECT current_database()")).scalar()))
        # Sent as they are, on the driver's own connection (in the same transaction): SQL with
        # no parameters, and errors that carry the server's reason but not the statement.
        driver = connection.connection.driver_connection
        import psycopg

        try:
            secret = "" if password is None else " PASSWORD " + _verifier(driver, member, password)
            if exists is None:
                driver.execute(f"CREATE ROLE {quoted} LOGIN{secret}")
            elif secret:
                driver.execute(f"ALTER ROLE {quoted}{secret}")
            driver.execute(f"GRANT {group} TO {quoted}")
            driver.execute(f"GRANT CONNECT ON DATABASE {database} TO {quoted}")
        except psycopg.Error as exc:
            lines = str(exc).strip().splitlines()
            raise QualcodeError(
                f"{name}: cannot add the member {member} ({lines[0] if lines else '?'})"
            ) from None


def _verifier(driver: Any, name: str, password: str) -> str:
    """The password as a quoted SCRAM-SHA-256 verifier, computed by libpq on this side."""
    hashed = driver.pgconn.encrypt_password(password.encode(), name.encode(), b"scram-sha-256")
    verifier = hashed.decode("ascii")
    if not verifier.startswith("SCRAM-SHA-256$") or "'" in verifier:
        raise QualcodeError("the database driver did not give a SCRAM password verifier")
    return "'" + verifier + "'"
