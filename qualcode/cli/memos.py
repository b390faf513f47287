"""``qualcode memo``: memos on the project, a document, a code, a coding or a case."""

from __future__ import annotations

import click

from ..errors import QualcodeError
from . import cli
from .common import PROJECT, echo_json, open_project


@cli.group()
def memo() -> None:
    """Memos on the project, a document, a code, a coding or a case."""


def _memo_target(
    document: str | None, code: str | None, coding: str | None, case: str | None
) -> tuple[str, str | None]:
    given = [
        (k, v)
        for k, v in (("document", document), ("code", code), ("coding", coding), ("case", case))
        if v
    ]
    if len(given) > 1:
        raise QualcodeError(
            "a memo is on one thing: give at most one of --document, --code, --coding, --case"
        )
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
def memo_add(
    project: str,
    text: str,
    coder: str,
    document: str | None,
    code: str | None,
    coding: str | None,
    case: str | None,
) -> None:
    """Write a memo (on the project unless a target is given)."""
    target_type, target = _memo_target(document, code, coding, case)
    with open_project(project, actor=coder) as opened:
        m = opened.add_memo(text, coder=coder, target_type=target_type, target=target)
    click.echo(f"memo {m.uuid} on {m.target_type}{' ' + m.target if m.target else ''}")


@memo.command("list")
@PROJECT
@click.option("--coder", help="Only this coder's memos.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@_target_options
def memo_list(
    project: str,
    coder: str | None,
    as_json: bool,
    document: str | None,
    code: str | None,
    coding: str | None,
    case: str | None,
) -> None:
    """List memos."""
    target_type, target = _memo_target(document, code, coding, case)
    with open_project(project) as opened:
        if target_type == "code" and target:
            target = opened.code(target).path
        rows = opened.memos(
            target_type=None if target_type == "project" and not target else target_type,
            target=target,
            coder=coder,
        )
    if as_json:
        echo_json([m.to_json() for m in rows])
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
    with open_project(project, actor=coder) as opened:
        opened.edit_memo(uuid, text, coder=coder)
    click.echo(f"memo {uuid} updated")


@memo.command("delete")
@PROJECT
@click.argument("uuid")
@click.option("--coder", help="Who deletes (for the audit trail).")
def memo_delete(project: str, uuid: str, coder: str | None) -> None:
    """Delete a memo (kept in the audit trail)."""
    with open_project(project, actor=coder) as opened:
        opened.delete_memo(uuid, coder=coder)
    click.echo(f"memo {uuid} deleted")
