"""``qualcode reconcile``: a code's disagreements between coders and the supervisor's decisions."""

from __future__ import annotations

import click

from . import cli
from .common import PROJECT, comma_list, echo_json, open_project


def _parse_span(value: str) -> tuple[int, int]:
    start, sep, end = value.partition("-")
    try:
        return int(start), int(end)
    except ValueError:
        raise click.BadParameter(f"'{value}' is not START-END (e.g. 120-180)") from None


@cli.command()
@PROJECT
@click.option("--coders", required=True, metavar="A,B[,C]", help="Coders whose work is compared.")
@click.option("--code", "code_ref", required=True, help="The code (or theme) to reconcile.")
@click.option(
    "--unit",
    type=click.Choice(["character", "sentence", "turn", "document", "segment"]),
    default="sentence",
    show_default=True,
    help="The agreement unit that decides whether a region disagrees.",
)
@click.option("--documents", metavar="NAME,...", help="Documents; default: those all coded.")
@click.option("--supervisor", required=True, help="Who decides (recorded in the audit trail).")
@click.option("--decide", "number", type=int, metavar="N", help="Decide disagreement N.")
@click.option("--accept", metavar="CODER|all|neither", help="With --decide: the version kept.")
@click.option("--span", metavar="START-END", help="With --decide: keep this span instead.")
@click.option("--accept-agreed", is_flag=True, help="Give the consensus coder the agreed regions.")
@click.option("--json", "as_json", is_flag=True, help="Print the queue as JSON.")
def reconcile(
    project: str,
    coders: str,
    code_ref: str,
    unit: str,
    documents: str | None,
    supervisor: str,
    number: int | None,
    accept: str | None,
    span: str | None,
    accept_agreed: bool,
    as_json: bool,
) -> None:
    """A code's disagreements between coders, and the supervisor's decisions on them. Each
    decision becomes codings of the 'consensus' coder; decided regions are remembered."""
    from ..agreement import reconcile as rec

    with open_project(project, actor=supervisor) as opened:

        def build() -> rec.Queue:
            return rec.reconcile_queue(
                opened,
                code=code_ref,
                coders=comma_list(coders) or [],
                unit=unit,
                documents=comma_list(documents),
            )

        queue = build()
        if accept_agreed:
            done = rec.accept_agreed(opened, queue, supervisor=supervisor)
            click.echo(f"accepted {done} agreed region(s) of '{queue.code}'")
        if number is not None:
            if not 1 <= number <= len(queue.items):
                raise click.BadParameter(
                    f"there are {len(queue.items)} disagreements; choose 1 to {len(queue.items)}",
                    param_hint="--decide",
                )
            item = queue.items[number - 1]
            if span:
                decision = rec.decide(
                    opened, queue, item, "edit", span=_parse_span(span), supervisor=supervisor
                )
            elif accept in ("all", "neither"):
                decision = rec.decide(opened, queue, item, accept, supervisor=supervisor)
            elif accept:
                decision = rec.decide(
                    opened, queue, item, "coder", coder=accept, supervisor=supervisor
                )
            else:
                raise click.UsageError("--decide needs --accept CODER|all|neither or --span")
            click.echo(
                f"decided {number}: {decision.choice}"
                f"{' ' + decision.chosen_coder if decision.chosen_coder else ''}; "
                f"{len(decision.codings)} consensus coding(s)"
            )
        if accept_agreed or number is not None:
            queue = build()
        text = {d: opened.document_text(d) for d in queue.documents}
    if as_json:
        echo_json(
            {
                "code": queue.code,
                "coders": list(queue.coders),
                "unit": queue.unit,
                "decided": queue.decided,
                "agreed": len(queue.agreed),
                "items": [
                    {
                        "number": n,
                        "document": i.document,
                        "start": i.start,
                        "end": i.end,
                        "text": text[i.document][i.start : i.end],
                        "versions": {v.coder: [list(e) for e in v.excerpts] for v in i.versions},
                        "decision": i.decision.to_json() if i.decision else None,
                    }
                    for n, i in enumerate(queue.items, 1)
                ],
            }
        )
        return
    if number is None and not accept_agreed:
        click.echo(
            f"{queue.code}: {len(queue.items)} disagreement(s), {queue.decided} decided; "
            f"{len(queue.agreed)} agreed region(s); unit: {queue.unit}"
        )
        for n, item in enumerate(queue.items, 1):
            state = "open" if item.decision is None else f"decided: {item.decision.choice}"
            quote = " ".join(text[item.document][item.start : item.end].split())
            quote = quote if len(quote) <= 70 else quote[:67] + "..."
            who = ", ".join(v.coder for v in item.versions if v.excerpts) or "nobody"
            click.echo(
                f"{n:>4}. {item.document} {item.start}-{item.end} [{state}] "
                f'coded by {who}: "{quote}"'
            )
