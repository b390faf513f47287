"""The command line: parse arguments, call the library, print the result. No logic of its own.

Heavy modules (SQLAlchemy, importers, spaCy, Textual) are imported inside the commands so that
``qualcode --help`` stays instant. Every error a user can fix is printed as one line
``qualcode: error: ...``; anything unexpected is logged to a file whose path is printed.
"""

from __future__ import annotations

import contextlib
import json
import shlex
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, TypeVar

import click

from . import __version__
from .errors import QualcodeError

if TYPE_CHECKING:
    from pathlib import Path

    from .project import Project

PROJECT = click.argument("project", metavar="PROJECT")
T = TypeVar("T")


def _echo_json(data: Any) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2))


@contextmanager
def _status_line(enabled: bool = True) -> Iterator[Callable[[int, int, str], None] | None]:
    """A one-line ``done/total what`` status on stderr, at most four times a second, when
    stderr is a terminal; yields the ``progress`` callable the library takes (or None), and
    clears the line when the work ends, however it ends."""
    if not enabled or not sys.stderr.isatty():
        yield None
        return
    last = [0.0, 0]  # time of the last update, width of the line shown

    from .terminal import raw_stream, terminal_safe

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


def _fail(message: str, code: int = 1) -> None:
    click.echo(f"qualcode: error: {message}", err=True)
    sys.exit(code)


def _note_plain_export(opened: Project, *written: str | Path | None) -> None:
    """Say once, on stderr, that the files written from an encrypted project are plain."""
    files = [str(path) for path in written if path]
    if files and opened.encrypted:
        from .store.cipher import plain_export_note

        click.echo(f"qualcode: note: {plain_export_note(' and '.join(files))}", err=True)


def _passphrase(target: str, *, new: bool = False) -> str | None:
    """The passphrase for an encrypted project file (None for a plain one or a URL): from
    $QUALCODE_PASSPHRASE, else asked without echo. ``new`` asks twice, for a file to encrypt."""
    from .store import cipher

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
    from .store.engine import display_name

    try:
        given = click.prompt(f"password for {display_name(target)}", hide_input=True, err=True)
    except click.Abort:
        raise problem from None
    return str(given)


def _with_password(target: str, connect: Callable[[str | None], T]) -> T:
    """``connect(None)``; if the server wants a password, ask once and ``connect(password)``."""
    from .store.engine import PasswordNeeded

    try:
        return connect(None)
    except PasswordNeeded as exc:
        return connect(_server_password(target, exc))


@contextmanager
def _open(target: str, *, actor: str | None = None) -> Iterator[Project]:
    from .project import Project

    passphrase = _passphrase(target)
    project = _with_password(
        target,
        lambda password: Project.open(
            target, actor=actor, passphrase=passphrase, password=password
        ),  # fmt: skip
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
def _shareable(opened: Project, names: str | None) -> Iterator[Project]:
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
    "--pseudonymise", "names", metavar="NAMES.csv", type=click.Path(dir_okay=False),
    help="Replace the names in this list, speaker names and contact details in what is "
         "written (the project is not changed).",
)  # fmt: skip


def _pairs(values: Sequence[str], what: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for item in values:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise QualcodeError(f"{what} '{item}' must look like NAME=VALUE")
        out[key.strip()] = value.strip()
    return out


# Commands defined in other modules, imported only when named, so that a command (and --help)
# loads only its own module: name -> (module, the first sentence of its help, which --help cuts
# as click does). A test checks each entry against the command itself, and that none is missing.
LAZY_COMMANDS: dict[str, tuple[str, str]] = {
    "agreement": (
        "cli_agreement",
        "Inter-coder agreement per code and over codes: % agreement, kappa (Cohen's for two "
        "coders, Fleiss' for more), Krippendorff's alpha with a bootstrap CI, Gwet's AC1.",
    ),
    "backups": (
        "cli_backups",
        "Copies of a project file, kept in the folder PROJECT.backups beside it.",
    ),
    "cases": (
        "cli_commands",
        "Cases (people, sites) with typed attributes; map documents and speakers to them.",
    ),
    "code": (
        "cli_commands",
        "Apply a code to a span of a document, as a named coder (or --remove it).",
    ),
    "codebook": ("cli_commands", "Show, import, export and extend the project's codebook."),
    "coders": ("cli_commands", "The people who code (and the reserved consensus coder)."),
    "codings": ("cli_commands", "List codings: document, span, code, coder and the coded text."),
    "decrypt": ("cli_privacy", "Remove the encryption of PROJECT (and its backups), in place."),
    "demo": (
        "cli_commands",
        "Create a demo project from the sample codebook, transcripts and cases, and open it.",
    ),
    "encrypt": ("cli_privacy", "Encrypt PROJECT (and its backups) with a passphrase, in place."),
    "export": (
        "cli_export",
        "Write a report: frequencies (per code and theme, --by a case attribute), crosstab "
        "(code x group), matrix (code x case), cooccurrence, quotes (per theme), saturation "
        "(Guest, Namey & Chen 2020), codebook (appendix), or all of them in one file.",
    ),
    "export-coder": (
        "cli_teams",
        "Write one coder's layer of PROJECT to a new project file OUTPUT.",
    ),
    "export-qdpx": (
        "cli_interop",
        "Export the project as REFI-QDA (.qdpx): codes, documents, every coder's codings, "
        "memos, cases and attributes, for NVivo, ATLAS.ti, MAXQDA or another qualcode.",
    ),
    "import-codings": (
        "cli_commands",
        "Apply codings from a CSV/XLSX (document, code, coder, start+end or quote): all or none.",
    ),
    "import-qdpx": (
        "cli_interop",
        "Import a REFI-QDA project (.qdpx from NVivo, ATLAS.ti, MAXQDA, QualCoder...; or a "
        "bare .qde) with its codes, documents, coders, codings, memos, cases and variables.",
    ),
    "log": ("cli_commands", "Show the audit trail, newest first: who did what, when."),
    "memo": ("cli_commands", "Memos on the project, a document, a code, a coding or a case."),
    "merge": ("cli_teams", "Merge the project files PROJECT..."),
    "open": (
        "cli_commands",
        "Open a project in the terminal UI (asks for the passphrase of an encrypted one).",
    ),
    "passphrase": (
        "cli_privacy",
        "Change the passphrase of an encrypted PROJECT (and its backups).",
    ),
    "pseudonymise": (
        "cli_privacy",
        "Replace names, places, contact details and dates of birth in every transcript.",
    ),
    "reconcile": (
        "cli_agreement",
        "A code's disagreements between coders, and the supervisor's decisions on them.",
    ),
    "retrieve": (
        "cli_retrieve",
        "Print every coded segment of a code (a theme brings its sub-codes) across documents, "
        "with document, turn, speaker, case and coder, or the segments of a coding query.",
    ),
    "suggest": ("cli_suggest", "Suggest excerpts to code, with the reason for each, offline."),
    "team": ("cli_roles", "Roles and blind coding."),
}


class LazyGroup(click.Group):
    """A click group whose commands in :data:`LAZY_COMMANDS` are imported when named."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*self.commands, *LAZY_COMMANDS})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.commands and cmd_name in LAZY_COMMANDS:
            import importlib

            # The module registers its commands on this group as it is imported.
            importlib.import_module(f"{__package__}.{LAZY_COMMANDS[cmd_name][0]}")
        return self.commands.get(cmd_name)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """The command list of ``--help``, without importing the lazy commands' modules."""
        limit = formatter.width - 6 - max(len(name) for name in self.list_commands(ctx))
        rows = []
        for name in self.list_commands(ctx):
            command = self.commands.get(name)
            if command is not None:
                if command.hidden:
                    continue
                rows.append((name, command.get_short_help_str(limit)))
            else:  # click's own cut of the same help text
                help_text = LAZY_COMMANDS[name][1]
                rows.append((name, click.Command(name, help=help_text).get_short_help_str(limit)))
        with formatter.section("Commands"):
            formatter.write_dl(rows)


@click.group(
    cls=LazyGroup,
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
)
@click.version_option(__version__, prog_name="qualcode")
def cli() -> None:
    """qualcode: code interview transcripts against a codebook, offline.

    PROJECT is a project file (e.g. study.qualcode) or a database URL.
    """


# -- project -----------------------------------------------------------------------------------
@cli.command()
@PROJECT
@click.option("--codebook", "codebook_path", type=click.Path(), help="YAML codebook to start with.")
@click.option("--encrypt", is_flag=True,
              help="Encrypt the file (SQLCipher); asks for a passphrase, or reads "
                   "QUALCODE_PASSPHRASE. Needs: pip install 'qualcode[encryption]'.")  # fmt: skip
def init(project: str, codebook_path: str | None, encrypt: bool) -> None:
    """Create a new project (one SQLite file)."""
    from .codebook import load_codebook
    from .project import Project
    from .store import cipher

    codebook = load_codebook(codebook_path) if codebook_path else None
    passphrase = None
    if encrypt:
        cipher.cipher_module()  # say a missing extra before asking for a passphrase
        passphrase = _passphrase(project, new=True)
    made = _with_password(
        project, lambda password: Project.create(project, passphrase=passphrase, password=password)
    )
    with made as created:
        if codebook is not None:
            counts = created.import_codebook(codebook, source=str(codebook_path))
            click.echo(f"created {project} with {counts['added']} codes from {codebook_path}")
        else:
            click.echo(f"created {project}")


@cli.command("import")
@PROJECT
@click.argument("files", nargs=-1, required=True, type=click.Path())
@click.option("--kind", type=click.Choice(["interview", "focus-group", "notes", "survey-response"]))
@click.option("--case", help="Case the documents belong to (created if new).")
@click.option("--name", help="Document name (one file only; default: the file name's stem).")
@click.option("--role", "roles", multiple=True, metavar="LABEL=ROLE",
              help="Role of a speaker label: interviewer, participant, staff, other.")  # fmt: skip
@click.option("--responses", type=click.Choice(["row", "column"]), default="row",
              help="CSV/XLSX of answers: one document per row or per column.")  # fmt: skip
@click.option("--text-column", "text_columns", multiple=True, help="Column(s) holding answers.")
@click.option("--id-column", help="Column naming the respondent.")
@click.option("--json", "as_json", is_flag=True, help="Print the outcome as JSON.")
def import_(
    project: str,
    files: tuple[str, ...],
    kind: str | None,
    case: str | None,
    name: str | None,
    roles: tuple[str, ...],
    responses: str,
    text_columns: tuple[str, ...],
    id_column: str | None,
    as_json: bool,
) -> None:
    """Import transcripts (txt, md, docx, vtt, srt, nlp, csv, xlsx). Each file imports whole or
    not at all; the other files still import."""
    from .importers.base import ImportOptions
    from .terminal import raw_stream

    options = ImportOptions(responses=responses, text_columns=text_columns, id_column=id_column)
    with _open(project) as opened, contextlib.ExitStack() as stack:
        progress = None
        if sys.stderr.isatty() and len(files) > 1 and not as_json:
            bar = stack.enter_context(
                click.progressbar(length=len(files), label="importing", file=raw_stream(sys.stderr))
            )

            def progress(_done: int, _total: int, _path: str) -> None:
                bar.update(1)

        outcomes = opened.import_files(
            files, kind=kind, case=case, name=name, roles=_pairs(roles, "--role"),
            options=options, progress=progress,
        )  # fmt: skip
    if as_json:
        _echo_json([o.to_json() for o in outcomes])
    else:
        for outcome in outcomes:
            if outcome.error:
                click.echo(f"qualcode: error: {outcome.error}", err=True)
            for doc in outcome.documents:
                click.echo(
                    f"imported {doc.name}: {doc.words:,} words, {doc.turns:,} turns, "
                    f"{doc.speakers} speakers ({doc.format}, {doc.kind})"
                )
            for warning in outcome.warnings:
                click.echo(f"qualcode: warning: {outcome.path}: {warning}", err=True)
    if any(o.error for o in outcomes):
        sys.exit(1)


@cli.command()
@PROJECT
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def documents(project: str, as_json: bool) -> None:
    """List the documents: name, kind, case, words, turns, speakers."""
    with _open(project) as opened:
        docs = opened.documents()
    if as_json:
        _echo_json([d.to_json() for d in docs])
        return
    if not docs:
        click.echo("no documents yet (add some with: qualcode import PROJECT FILES...)")
        return
    width = max(len(d.name) for d in docs)
    click.echo(f"{'name':<{width}}  {'kind':<15} {'case':<10} {'words':>7} {'turns':>6} speakers")
    for d in docs:
        click.echo(
            f"{d.name:<{width}}  {d.kind:<15} {d.case or '-':<10} {d.words:>7,} {d.turns:>6} "
            f"{d.speakers:>8}"
        )


@cli.command()
@PROJECT
@click.argument("document")
@click.option("--turns", "show_turns", is_flag=True, help="List the turns with their offsets.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON (text and turns).")
def show(project: str, document: str, show_turns: bool, as_json: bool) -> None:
    """Print a document's stored text (offsets in codings refer to it)."""
    with _open(project) as opened:
        text = opened.document_text(document)
        turns = opened.turns(document) if (show_turns or as_json) else []
    if as_json:
        _echo_json({"name": document, "text": text, "turns": [t.to_json() for t in turns]})
    elif show_turns:
        for t in turns:
            body = " ".join(text[t.body_start : t.end].split())
            body = body if len(body) <= 70 else body[:67] + "..."
            click.echo(f"{t.ordinal:>4} {t.start:>7}-{t.end:<7} {t.speaker or '-':<14} {body}")
    else:
        click.echo(text)


# -- speakers ----------------------------------------------------------------------------------
@cli.group()
def speakers() -> None:
    """List speakers; set a speaker's role or case; merge aliases."""


@speakers.command("list")
@PROJECT
@click.option("--document", help="Only this document.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def speakers_list(project: str, document: str | None, as_json: bool) -> None:
    """List speakers per document with role, case, turns and words."""
    with _open(project) as opened:
        rows = opened.speakers(document)
    if as_json:
        _echo_json([s.to_json() for s in rows])
        return
    for s in rows:
        click.echo(
            f"{s.document}: {s.label} ({s.role or '-'}; case {s.case or '-'}): "
            f"{s.turns} turns, {s.words:,} words"
        )


@speakers.command("set")
@PROJECT
@click.argument("document")
@click.argument("label")
@click.option("--role", type=click.Choice(["interviewer", "participant", "staff", "other"]))
@click.option("--case", help="Map the speaker to this case (created if new).")
def speakers_set(
    project: str, document: str, label: str, role: str | None, case: str | None
) -> None:
    """Set the role of a speaker in a document, or map the speaker to a case."""
    with _open(project) as opened:
        s = opened.set_speaker(document, label, role=role, case=case)
    click.echo(f"{s.document}: {s.label} is now {s.role or '-'}, case {s.case or '-'}")


@speakers.command("merge")
@PROJECT
@click.argument("document")
@click.argument("keep")
@click.argument("aliases", nargs=-1, required=True)
def speakers_merge(project: str, document: str, keep: str, aliases: tuple[str, ...]) -> None:
    """Make ALIASES the same person as KEEP in DOCUMENT (their turns become KEEP's)."""
    with _open(project) as opened:
        s = opened.merge_speakers(document, keep, aliases)
    click.echo(f"{s.document}: {', '.join(aliases)} merged into {s.label} ({s.turns} turns)")


@speakers.command("aliases")
@PROJECT
@click.option("--document", help="Only this document.")
def speakers_aliases(project: str, document: str | None) -> None:
    """Suggest labels that are likely one person (a label that is part of another)."""
    from .project.documents import likely_aliases

    with _open(project) as opened:
        rows = opened.speakers(document)
    by_document: dict[str, list[str]] = {}
    for s in rows:
        by_document.setdefault(s.document, []).append(s.label)
    found = 0
    for name, labels in by_document.items():
        for alias, full in likely_aliases(labels):
            found += 1
            command = " ".join(shlex.quote(v) for v in (name, full, alias))
            click.echo(f"{name}: '{alias}' is likely '{full}' (merge: qualcode speakers merge "
                       f"{shlex.quote(project)} {command})")  # fmt: skip
    if not found:
        click.echo("no likely aliases")


def main(argv: Sequence[str] | None = None) -> None:
    """Entry point: run the CLI, turning errors into one-line messages; what reaches a terminal
    carries no control characters from the project (see :mod:`qualcode.terminal`)."""
    from .terminal import safe_terminal_streams

    with safe_terminal_streams():
        _main(argv)


def _main(argv: Sequence[str] | None) -> None:
    try:
        status = cli.main(args=list(argv) if argv is not None else None, prog_name="qualcode",
                          standalone_mode=False)  # fmt: skip
        if isinstance(status, int) and status:
            sys.exit(status)
    except click.exceptions.Abort:
        click.echo("qualcode: interrupted", err=True)
        sys.exit(130)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except QualcodeError as exc:
        _fail(str(exc), exc.exit_code)
    except KeyboardInterrupt:
        click.echo("qualcode: interrupted", err=True)
        sys.exit(130)
    except BrokenPipeError:
        sys.exit(0)
    except Exception as exc:  # the last line of defence: log it, say where, no traceback
        from .store.ioerrors import storage_problem

        problem = storage_problem(exc)
        if problem:  # the disk failed, not qualcode: one true line, nothing to log
            where = getattr(exc, "filename", None)
            _fail(f"{where + ': ' if where else ''}cannot write or read ({problem})")
        path = _log_crash(exc)
        _fail(f"internal error: {type(exc).__name__}: {_safe_message(exc)} (details in {path})", 70)


def _log_crash(exc: BaseException) -> str:
    from .crashlog import log_crash

    return log_crash(exc)


def _safe_message(exc: BaseException) -> str:
    from .crashlog import safe_message

    return safe_message(exc)
