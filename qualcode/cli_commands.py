"""The rest of the command line: codebook, cases, coders, coding, memos, the audit log, demo.

Like ``cli.py`` these only parse, call the library and print; heavy imports stay inside commands.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from .cli import PROJECT, _echo_json, _note_plain_export, _open, _pairs, _with_password, cli
from .errors import QualcodeError


# -- codebook ----------------------------------------------------------------------------------
@cli.group()
def codebook() -> None:
    """Show, import, export and extend the project's codebook."""


@codebook.command("show")
@PROJECT
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.option("--full", is_flag=True, help="Also print each code's definition.")
def codebook_show(project: str, as_json: bool, full: bool) -> None:
    """Print the code tree with the number of codings of each code."""
    with _open(project) as opened:
        codes = opened.codes()
    if as_json:
        _echo_json([c.to_json() | {"name": c.name} for c in codes])
        return
    if not codes:
        click.echo("the codebook is empty (import one with: qualcode codebook import PROJECT FILE)")
    for c in codes:
        flags = "".join(
            [" [archived]" if c.archived else "", " [not codable]" if not c.codable else ""]
        )
        click.echo(f"{'  ' * c.depth}{c.name} ({c.codings}){flags}")
        if full and c.definition:
            click.echo(f"{'  ' * c.depth}  - {' '.join(c.definition.split())}")


@codebook.command("import")
@PROJECT
@click.argument("file", type=click.Path())
@click.option("--coder", help="For .qdc: who writes the memos made from code sets.")
def codebook_import(project: str, file: str, coder: str | None) -> None:
    """Merge a YAML or REFI-QDA (.qdc) codebook into the project (codes matched by path; new
    ones added)."""
    from .interop import is_refi_file

    if is_refi_file(file):  # .qdc, or a project or archive, which the reader names
        from .interop import import_qdc

        with _open(project) as opened:
            summary = import_qdc(opened, file, coder=coder)
        unchanged = summary.matched["codes"] - summary.updated["codes"]
        memos = summary.added["memos"]
        click.echo(
            f"{file}: {summary.added['codes']} codes added, {summary.updated['codes']} updated, "
            f"{unchanged} unchanged" + (f", {memos} memos from code sets" if memos else "")
        )
        for line in summary.warnings:
            click.echo(f"qualcode: warning: {file}: {line}", err=True)
        for line in summary.skipped:
            click.echo(f"qualcode: skipped: {file}: {line}", err=True)
        return
    from .codebook import load_codebook

    book = load_codebook(file)
    with _open(project) as opened:
        counts = opened.import_codebook(book, source=file)
    click.echo(
        f"{file}: {counts['added']} codes added, {counts['updated']} updated, "
        f"{counts['unchanged']} unchanged"
    )


@codebook.command("export")
@PROJECT
@click.option("-o", "--output", type=click.Path(), help="Write to this file (default: stdout).")
@click.option("--include-archived", is_flag=True, help="Keep archived codes.")
def codebook_export(project: str, output: str | None, include_archived: bool) -> None:
    """Write the codebook as YAML (the same shape ``codebook import`` reads), or as REFI-QDA
    when the output file ends in .qdc."""
    if output and Path(output).suffix.lower() == ".qdc":
        from .interop import export_qdc

        with _open(project) as opened:
            written = export_qdc(opened, output, include_archived=include_archived)
        click.echo(f"wrote {written.counts['codes']} codes to {output}")
        _note_plain_export(opened, output)
        return
    from .codebook import dump_codebook, save_codebook

    with _open(project) as opened:
        book = opened.export_codebook(include_archived=include_archived)
    if output:
        save_codebook(book, output)
        click.echo(f"wrote {book.count()} codes to {output}")
        _note_plain_export(opened, output)
    else:
        click.echo(dump_codebook(book), nl=False)


@codebook.command("add")
@PROJECT
@click.argument("name")
@click.option("--parent", help="Code to nest the new code under (path or unique name).")
@click.option("--definition", default="")
@click.option("--inclusion", default="")
@click.option("--exclusion", default="")
@click.option("--example", default="")
@click.option("--keyword", "keywords", multiple=True, help="A word that signals the code.")
@click.option("--color", help="Colour as #RRGGBB.")
def codebook_add(project: str, name: str, parent: str | None, keywords: tuple[str, ...],
                 color: str | None, **fields: str) -> None:  # fmt: skip
    """Add a code to the codebook."""
    with _open(project) as opened:
        code = opened.add_code(name, parent=parent, keywords=list(keywords), color=color, **fields)
    click.echo(f"added {code.path}")


@codebook.command("validate")
@click.argument("file", type=click.Path())
def codebook_validate(file: str) -> None:
    """Check a YAML codebook file without a project."""
    from .codebook import load_codebook

    book = load_codebook(file)
    click.echo(f"{file}: valid, {book.count()} codes")


# -- cases -------------------------------------------------------------------------------------
@cli.group()
def cases() -> None:
    """Cases (people, sites) with typed attributes; map documents and speakers to them."""


@cases.command("list")
@PROJECT
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def cases_list(project: str, as_json: bool) -> None:
    """List cases with their attributes, documents and speakers."""
    with _open(project) as opened:
        rows = opened.cases()
    if as_json:
        _echo_json([c.to_json() for c in rows])
        return
    for c in rows:
        attrs = ", ".join(f"{k}={v}" for k, v in c.attributes.items())
        mapped = ", ".join([*c.documents, *c.speakers])
        click.echo(f"{c.name}: {attrs or '-'}; {mapped or 'no documents'}")


@cases.command("add")
@PROJECT
@click.argument("name")
@click.argument("attributes", nargs=-1, metavar="[ATTR=VALUE]...")
@click.option("--description", default="")
def cases_add(project: str, name: str, attributes: tuple[str, ...], description: str) -> None:
    """Create a case, optionally with attribute values (group=staff site=Clinic)."""
    values = _pairs(attributes, "attribute")
    with _open(project) as opened:
        case = opened.add_case(name, values, description=description)
    click.echo(f"added case {case.name}")


@cases.command("set")
@PROJECT
@click.argument("name")
@click.argument("attributes", nargs=-1, required=True, metavar="ATTR=VALUE...")
def cases_set(project: str, name: str, attributes: tuple[str, ...]) -> None:
    """Set attribute values of a case (an empty value removes it)."""
    with _open(project) as opened:
        case = opened.set_case_attributes(name, _pairs(attributes, "attribute"))
    click.echo(f"{case.name}: " + ", ".join(f"{k}={v}" for k, v in case.attributes.items()))


@cases.command("attribute")
@PROJECT
@click.argument("name")
@click.option("--type", "type_", required=True,
              type=click.Choice(["text", "integer", "float", "boolean", "date"]))  # fmt: skip
def cases_attribute(project: str, name: str, type_: str) -> None:
    """Define an attribute with a type before setting values."""
    with _open(project) as opened:
        attribute = opened.define_attribute(name, type_)
    click.echo(f"attribute {attribute.name} ({attribute.type})")


@cases.command("assign")
@PROJECT
@click.argument("case")
@click.option("--document", required=True, help="The document.")
@click.option("--speaker", help="A speaker label in it (focus groups); omit to map the document.")
def cases_assign(project: str, case: str, document: str, speaker: str | None) -> None:
    """Map a document, or one speaker in it, to a case (created if new)."""
    with _open(project) as opened:
        if speaker:
            opened.set_speaker(document, speaker, case=case)
            click.echo(f"{document}: speaker {speaker} -> case {case}")
        else:
            opened.assign_document(document, case)
            click.echo(f"{document} -> case {case}")


@cases.command("import")
@PROJECT
@click.argument("file", type=click.Path())
def cases_import(project: str, file: str) -> None:
    """Read cases from a CSV: a 'case' column, optional 'document' and 'speaker' columns, the
    other columns attributes. All rows or none."""
    with _open(project) as opened:
        counts = opened.import_cases(file)
    click.echo(
        f"{file}: {counts['cases']} cases, {counts['documents']} documents and "
        f"{counts['speakers']} speakers mapped"
    )


# -- coders ------------------------------------------------------------------------------------
@cli.group()
def coders() -> None:
    """The people who code (and the reserved consensus coder)."""


@coders.command("list")
@PROJECT
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def coders_list(project: str, as_json: bool) -> None:
    """List coders and their roles."""
    with _open(project) as opened:
        rows = opened.coders()
    if as_json:
        _echo_json([c.to_json() for c in rows])
    else:
        for c in rows:
            click.echo(f"{c.name} ({c.role})")


@coders.command("add")
@PROJECT
@click.argument("name")
@click.option("--role", type=click.Choice(["coder", "supervisor"]), default="coder")
def coders_add(project: str, name: str, role: str) -> None:
    """Add a coder (coding as a new name also adds one)."""
    with _open(project) as opened:
        coder = opened.add_coder(name, role)
    click.echo(f"added {coder.name} ({coder.role})")


# -- coding ------------------------------------------------------------------------------------
@cli.command()
@PROJECT
@click.option("--coder", required=True, help="Who is coding (a new name becomes a coder).")
@click.option("--document", required=True, help="Document name.")
@click.option("--code", "code_ref", required=True, help="Code path (Theme/Sub) or unique name.")
@click.option("--start", type=int, help="First character (code-point offset into the text).")
@click.option("--end", type=int, help="One past the last character.")
@click.option("--quote", help="Code the first occurrence of this phrase instead.")
@click.option("--remove", is_flag=True, help="Remove this coding instead of adding it.")
@click.option("--json", "as_json", is_flag=True, help="Print the coding as JSON.")
def code(project: str, coder: str, document: str, code_ref: str, start: int | None,
         end: int | None, quote: str | None, remove: bool, as_json: bool) -> None:  # fmt: skip
    """Apply a code to a span of a document, as a named coder (or --remove it)."""
    with _open(project, actor=coder) as opened:
        action = opened.remove_code if remove else opened.apply_code
        coding = action(document=document, code=code_ref, coder=coder, start=start, end=end,
                        quote=quote)  # fmt: skip
    if as_json:
        _echo_json(coding.to_json())
        return
    verb = "removed" if remove else "coded"
    excerpt = " ".join(coding.text.split())
    excerpt = excerpt if len(excerpt) <= 60 else excerpt[:57] + "..."
    click.echo(f"{verb} {coding.document} {coding.start}-{coding.end} as {coding.code}: "
               f"\"{excerpt}\"")  # fmt: skip


@cli.command()
@PROJECT
@click.option("--document", help="Only this document.")
@click.option("--coder", help="Only this coder.")
@click.option("--code", "code_ref", help="Only this code.")
@click.option("--deleted", is_flag=True, help="Include removed codings.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def codings(project: str, document: str | None, coder: str | None, code_ref: str | None,
            deleted: bool, as_json: bool) -> None:  # fmt: skip
    """List codings: document, span, code, coder and the coded text."""
    with _open(project) as opened:
        rows = opened.codings(document=document, coder=coder, code=code_ref,
                              include_deleted=deleted)  # fmt: skip
    if as_json:
        _echo_json([r.to_json() for r in rows])
        return
    for r in rows:
        excerpt = " ".join(r.text.split())
        excerpt = excerpt if len(excerpt) <= 50 else excerpt[:47] + "..."
        gone = " [removed]" if r.deleted_at else ""
        click.echo(f'{r.document} {r.start}-{r.end} {r.code} ({r.coder}){gone}: "{excerpt}"')


@cli.command("import-codings")
@PROJECT
@click.argument("file", type=click.Path())
def import_codings(project: str, file: str) -> None:
    """Apply codings from a CSV/XLSX (document, code, coder, start+end or quote): all or none."""
    with _open(project) as opened:
        result = opened.import_codings(file)
    click.echo(f"{file}: {result.applied} codings applied, {result.duplicates} already present")


# -- memos -------------------------------------------------------------------------------------
@cli.group()
def memo() -> None:
    """Memos on the project, a document, a code, a coding or a case."""


def _memo_target(document: str | None, code: str | None, coding: str | None,
                 case: str | None) -> tuple[str, str | None]:  # fmt: skip
    given = [(k, v) for k, v in (("document", document), ("code", code), ("coding", coding),
                                 ("case", case)) if v]  # fmt: skip
    if len(given) > 1:
        raise QualcodeError("a memo is on one thing: give at most one of --document, --code, "
                            "--coding, --case")  # fmt: skip
    return given[0] if given else ("project", None)


def _target_options(f):  # type: ignore[no-untyped-def]
    for name, text in (
        ("--case", "On this case."),
        ("--coding", "On this coding (its id)."),
        ("--code", "On this code."),
        ("--document", "On this document."),
    ):
        f = click.option(name, help=text)(f)
    return f


@memo.command("add")
@PROJECT
@click.argument("text")
@click.option("--coder", required=True, help="Who writes the memo.")
@_target_options
def memo_add(project: str, text: str, coder: str, document: str | None, code: str | None,
             coding: str | None, case: str | None) -> None:  # fmt: skip
    """Write a memo (on the project unless a target is given)."""
    target_type, target = _memo_target(document, code, coding, case)
    with _open(project, actor=coder) as opened:
        m = opened.add_memo(text, coder=coder, target_type=target_type, target=target)
    click.echo(f"memo {m.uuid} on {m.target_type}{' ' + m.target if m.target else ''}")


@memo.command("list")
@PROJECT
@click.option("--coder", help="Only this coder's memos.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@_target_options
def memo_list(project: str, coder: str | None, as_json: bool, document: str | None,
              code: str | None, coding: str | None, case: str | None) -> None:  # fmt: skip
    """List memos."""
    target_type, target = _memo_target(document, code, coding, case)
    with _open(project) as opened:
        if target_type == "code" and target:
            target = opened.code(target).path
        rows = opened.memos(
            target_type=None if target_type == "project" and not target else target_type,
            target=target, coder=coder,
        )  # fmt: skip
    if as_json:
        _echo_json([m.to_json() for m in rows])
        return
    for m in rows:
        on = f"{m.target_type} {m.target}" if m.target else m.target_type
        click.echo(f"{m.uuid} [{on}] {m.coder}, {m.updated_at:%Y-%m-%d %H:%M}: {m.text}")


@memo.command("edit")
@PROJECT
@click.argument("uuid")
@click.argument("text")
@click.option("--coder", help="Who edits (for the audit trail).")
def memo_edit(project: str, uuid: str, text: str, coder: str | None) -> None:
    """Replace a memo's text."""
    with _open(project, actor=coder) as opened:
        opened.edit_memo(uuid, text, coder=coder)
    click.echo(f"memo {uuid} updated")


@memo.command("delete")
@PROJECT
@click.argument("uuid")
@click.option("--coder", help="Who deletes (for the audit trail).")
def memo_delete(project: str, uuid: str, coder: str | None) -> None:
    """Delete a memo (kept in the audit trail)."""
    with _open(project, actor=coder) as opened:
        opened.delete_memo(uuid, coder=coder)
    click.echo(f"memo {uuid} deleted")


# -- audit log ---------------------------------------------------------------------------------
@cli.command()
@PROJECT
@click.option("--limit", type=int, default=50, show_default=True, help="0 for everything.")
@click.option("--actor", help="Only this person.")
@click.option("--action", help="Only this action, or actions starting with it (e.g. coding.).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def log(project: str, limit: int, actor: str | None, action: str | None, as_json: bool) -> None:
    """Show the audit trail, newest first: who did what, when."""
    with _open(project) as opened:
        entries = opened.log(limit=limit or None, actor=actor, action=action)
    if as_json:
        _echo_json([e.to_json() for e in entries])
        return
    for e in entries:
        detail = ", ".join(f"{k}={v}" for k, v in e.payload.items() if k not in ("text", "new"))
        click.echo(f"{e.at:%Y-%m-%d %H:%M:%S} {e.actor} {e.action} {detail}")


# -- the terminal UI ---------------------------------------------------------------------------
@cli.command("open")
@PROJECT
@click.option("--coder", help="Code as this person (default: the name you gave last time).")
@click.option("--document", help="Open this document straight away.")
def open_(project: str, coder: str | None, document: str | None) -> None:
    """Open a project in the terminal UI (asks for the passphrase of an encrypted one)."""
    from .tui import make_app
    from .tui.unlock import passphrase_for

    passphrase = passphrase_for(project)
    if passphrase is None and cipher_needed(project):
        return
    app = _with_password(
        project,
        lambda password: make_app(project, coder, document=document, passphrase=passphrase,
                                  password=password),  # fmt: skip
    )
    app.run()


def cipher_needed(project: str) -> bool:
    from .store import cipher

    return "://" not in project and cipher.is_encrypted(project)


@cli.command()
@click.option(
    "--dir",
    "folder",
    type=click.Path(file_okay=False),
    help="Where to create the demo project (default: a fresh temporary folder).",
)
@click.option("--coder", help="Code as this person (default: the name you gave last time).")
@click.option("--no-ui", is_flag=True, help="Build the demo project and print a summary only.")
def demo(folder: str | None, coder: str | None, no_ui: bool) -> None:
    """Create a demo project from the sample codebook, transcripts and cases, and open it."""
    from .demo import build_demo

    project, report = build_demo(Path(folder) if folder else None, echo=click.echo)
    if no_ui:
        click.echo(report)
        click.echo(
            f"\nThe demo project is {project}. Try:\n"
            f"  qualcode open {project}\n"
            f"  qualcode documents {project}\n"
            f"  qualcode codebook show {project}\n"
            f"  qualcode codings {project}\n"
        )
        return
    from .tui import make_app

    make_app(project, coder).run()
    click.echo(f"The demo project is {project} (open it again with: qualcode open {project})")
    sys.stdout.flush()
