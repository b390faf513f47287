"""``qualcode cases``: cases with typed attributes, and the documents and speakers mapped to
them."""

from __future__ import annotations

import click

from . import cli
from .common import PROJECT, echo_json, open_project, pairs


@cli.group()
def cases() -> None:
    """Cases (people, sites) with typed attributes; map documents and speakers to them."""


@cases.command("list")
@PROJECT
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def cases_list(project: str, as_json: bool) -> None:
    """List cases with their attributes, documents and speakers."""
    with open_project(project) as opened:
        rows = opened.cases()
    if as_json:
        echo_json([c.to_json() for c in rows])
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
    values = pairs(attributes, "attribute")
    with open_project(project) as opened:
        case = opened.add_case(name, values, description=description)
    click.echo(f"added case {case.name}")


@cases.command("set")
@PROJECT
@click.argument("name")
@click.argument("attributes", nargs=-1, required=True, metavar="ATTR=VALUE...")
def cases_set(project: str, name: str, attributes: tuple[str, ...]) -> None:
    """Set attribute values of a case (an empty value removes it)."""
    with open_project(project) as opened:
        case = opened.set_case_attributes(name, pairs(attributes, "attribute"))
    click.echo(f"{case.name}: " + ", ".join(f"{k}={v}" for k, v in case.attributes.items()))


@cases.command("attribute")
@PROJECT
@click.argument("name")
@click.option(
    "--type",
    "type_",
    required=True,
    type=click.Choice(["text", "integer", "float", "boolean", "date"]),
)
def cases_attribute(project: str, name: str, type_: str) -> None:
    """Define an attribute with a type before setting values."""
    with open_project(project) as opened:
        attribute = opened.define_attribute(name, type_)
    click.echo(f"attribute {attribute.name} ({attribute.type})")


@cases.command("assign")
@PROJECT
@click.argument("case")
@click.option("--document", required=True, help="The document.")
@click.option("--speaker", help="A speaker label in it (focus groups); omit to map the document.")
def cases_assign(project: str, case: str, document: str, speaker: str | None) -> None:
    """Map a document, or one speaker in it, to a case (created if new)."""
    with open_project(project) as opened:
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
    with open_project(project) as opened:
        counts = opened.import_cases(file)
    click.echo(
        f"{file}: {counts['cases']} cases, {counts['documents']} documents and "
        f"{counts['speakers']} speakers mapped"
    )
