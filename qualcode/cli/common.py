"""What every command module shares: the PROJECT argument, opening a project (passphrase,
server password), JSON output, the status line, and turning errors into one line.

Every error a user can fix is printed as one line ``qualcode: error: ...``; anything unexpected
is logged to a file whose path is printed. This module imports no command module.
"""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, TypeVar

import click

from ..errors import QualcodeError
from .hints import error_line

if TYPE_CHECKING:
    from pathlib import Path

    from ..project import Project

PROJECT = click.argument("project", metavar="PROJECT")
T = TypeVar("T")


def echo_json(data: Any) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2))


@contextmanager
def status_line(enabled: bool = True) -> Iterator[Callable[[int, int, str], None] | None]:
    """A one-line ``done/total what`` status on stderr, at most four times a second, when
    stderr is a terminal; yields the ``progress`` callable the library takes (or None), and
    clears the line when the work ends, however it ends."""
    if not enabled or not sys.stderr.isatty():
        yield None
        return
    last = [0.0, 0]  # time of the last update, width of the line shown

    from ..terminal import raw_stream, terminal_safe

    # The status line moves the cursor on purpose, so it writes to the terminal itself; the
    # words it shows (a document's name) are made safe first.
    terminal = raw_stream(sys.stderr)

    def report(done: int, total: int, what: str) -> None:
        now = time.monotonic()
        if now - last[0] < 0.25 and done < total:
            return
        line = terminal_safe(f"{done}/{total} {what}")[:78]
        click.echo("\r" + line.ljust(int(last[1])), file=terminal, nl=False)
        last[:] = [now, len(line)]

    try:
        yield report
    finally:
        if last[1]:
            click.echo("\r" + " " * int(last[1]) + "\r", file=terminal, nl=False)


def fail(message: str, code: int = 1) -> None:
    click.echo(f"qualcode: error: {message}", err=True)
    sys.exit(code)


def note_plain_export(opened: Project, *written: str | Path | None) -> None:
    """Say once, on stderr, that the files written from an encrypted project are plain."""
    files = [str(path) for path in written if path]
    if files and opened.encrypted:
        from ..store.cipher import plain_export_note

        click.echo(f"qualcode: note: {plain_export_note(' and '.join(files))}", err=True)


def ask_passphrase(target: str, *, new: bool = False) -> str | None:
    """The passphrase for an encrypted project file (None for a plain one or a URL): from
    $QUALCODE_PASSPHRASE, else asked without echo. ``new`` asks twice, for a file to encrypt."""
    from ..store import cipher

    if "://" in target or not (new or cipher.is_encrypted(target)):
        return None
    found = cipher.passphrase_from_env()
    if found:
        return found
    if not sys.stdin.isatty():
        raise cipher.EncryptionError(
            f"{target}: a passphrase is needed; set {cipher.PASSPHRASE_ENV}, or run in a "
            "terminal to be asked"
        )
    try:
        given = click.prompt(
            f"{'new ' if new else ''}passphrase for {target}",
            hide_input=True,
            confirmation_prompt=new,
            err=True,
        )
    except click.Abort:
        raise cipher.EncryptionError(
            f"{target}: no passphrase given (type it at the prompt or set {cipher.PASSPHRASE_ENV})"
        ) from None
    if not given:
        raise cipher.EncryptionError(f"{target}: the passphrase is empty")
    return str(given)


def _server_password(target: str, problem: QualcodeError) -> str:
    """Ask for a database server's password (no echo); without a terminal, the problem stands."""
    if not sys.stdin.isatty():
        raise problem
    from ..store.engine import display_name

    try:
        given = click.prompt(f"password for {display_name(target)}", hide_input=True, err=True)
    except click.Abort:
        raise problem from None
    return str(given)


def with_password(target: str, connect: Callable[[str | None], T]) -> T:
    """``connect(None)``; if the server wants a password, ask once and ``connect(password)``."""
    from ..store.engine import PasswordNeeded

    try:
        return connect(None)
    except PasswordNeeded as exc:
        return connect(_server_password(target, exc))


@contextmanager
def open_project(target: str, *, actor: str | None = None) -> Iterator[Project]:
    from ..project import Project

    passphrase = ask_passphrase(target)
    project = with_password(
        target,
        lambda password: Project.open(
            target, actor=actor, passphrase=passphrase, password=password
        ),
    )
    if project.migration and project.migration.backup:
        click.echo(
            f"qualcode: migrated {target} to schema {project.migration.after} "
            f"(backup: {project.migration.backup})",
            err=True,
        )
    try:
        yield project
    finally:
        project.close()


@contextmanager
def shareable(opened: Project, names: str | None) -> Iterator[Project]:
    """The project itself, or (``--pseudonymise NAMES``) a pseudonymised copy in memory: names
    from the list, speaker labels and patterns replaced with the labels of the project's key."""
    if names is None:
        yield opened
        return
    copy = opened.shareable_copy(names)
    try:
        yield copy  # type: ignore[misc]
    finally:
        copy.close()


PSEUDONYMISE = click.option(
    "--pseudonymise",
    "names",
    metavar="NAMES.csv",
    type=click.Path(dir_okay=False),
    help="Replace the names in this list, speaker names and contact details in what is "
    "written (the project is not changed).",
)


def pairs(values: Sequence[str], what: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for item in values:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise QualcodeError(f"{what} '{item}' must look like NAME=VALUE")
        out[key.strip()] = value.strip()
    return out


def comma_list(value: str | None) -> list[str] | None:
    """``A, B,C`` as ``["A", "B", "C"]``; None for nothing given or nothing in it."""
    if value is None:
        return None
    names = [v.strip() for v in value.split(",") if v.strip()]
    return names or None


def run(group: click.Group, argv: Sequence[str] | None = None) -> None:
    """Run the command line ``group``, turning errors into one-line messages; what reaches a
    terminal carries no control characters from the project (see :mod:`qualcode.terminal`)."""
    from ..terminal import safe_terminal_streams

    with safe_terminal_streams():
        _run(group, argv)


def _run(group: click.Group, argv: Sequence[str] | None) -> None:
    try:
        status = group.main(
            args=list(argv) if argv is not None else None,
            prog_name="qualcode",
            standalone_mode=False,
        )
        if isinstance(status, int) and status:
            sys.exit(status)
    except click.exceptions.Abort:
        click.echo("qualcode: interrupted", err=True)
        sys.exit(130)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except QualcodeError as exc:  # what is wrong, and how to fix it in the CLI's words
        fail(error_line(exc), exc.exit_code)
    except KeyboardInterrupt:
        click.echo("qualcode: interrupted", err=True)
        sys.exit(130)
    except BrokenPipeError:
        sys.exit(0)
    except Exception as exc:  # the last line of defence: log it, say where, no traceback
        from ..store.ioerrors import storage_problem

        problem = storage_problem(exc)
        if problem:  # the disk failed, not qualcode: one true line, nothing to log
            where = getattr(exc, "filename", None)
            fail(f"{where + ': ' if where else ''}cannot write or read ({problem})")
        path = _log_crash(exc)
        fail(f"internal error: {type(exc).__name__}: {_safe_message(exc)} (details in {path})", 70)


def _log_crash(exc: BaseException) -> str:
    from ..crashlog import log_crash

    return log_crash(exc)


def _safe_message(exc: BaseException) -> str:
    from ..crashlog import safe_message

    return safe_message(exc)
