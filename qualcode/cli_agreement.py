"""``qualcode agreement``: inter-coder agreement per code, printed or written to a file.

The figures come from :func:`qualcode.agreement.report.agreement_report`; this module only
parses the options and presents the report.
"""

from __future__ import annotations

from typing import Any

import click

from .cli import PROJECT, _echo_json, _note_plain_export, _open, cli
from .formats import figure as _figure


def _names(value: str | None) -> list[str] | None:
    if value is None:
        return None
    names = [v.strip() for v in value.split(",") if v.strip()]
    return names or None


def _ci(value: list[float | None] | None) -> str:
    if not value or value[0] is None or value[1] is None:
        return "-"
    return f"[{_figure(value[0], 2)}, {_figure(value[1], 2)}]"


def _print_table(report: dict[str, Any]) -> None:
    from .agreement.report import worst_first

    unused = set(report["overall"].get("unused_codes", []))
    entries = sorted((e for e in report["codes"] if e["code"] not in unused), key=worst_first)
    width = max([len(e["code"]) for e in entries] + [len("(overall)"), 4])
    kappa = "κ" if len(report["coders"]) == 2 else "Fleiss κ"
    click.echo(
        f"  {'code':<{width}} {'units':>7} {'%':>6} {kappa:>8} {'α':>7} {'AC1':>7} "
        f"{'α 95% CI':>15} {'disagree':>8}"
    )
    for entry in [*entries, {"code": "(overall)", **report["overall"]}]:
        mark = "!" if entry["below_threshold"] else " "
        percent = entry["percent_agreement"]
        click.echo(
            f"{mark} {entry['code']:<{width}} {entry['units']:>7,} "
            f"{'-' if percent is None else f'{100 * percent:.1f}':>6} "
            f"{_figure(entry['kappa']):>8} {_figure(entry['alpha']):>7} "
            f"{_figure(entry['ac1']):>7} {_ci(entry['alpha_ci']):>15} "
            f"{entry['disagreements']:>8,}"
        )
    if len(report["coders"]) > 2:
        _print_pairwise(report, entries, width)
    p = report["parameters"]
    includes = f" ({p['code_includes']})" if p["codes"] != "all" else ""
    codes = "all, each by itself" if p["codes"] == "all" else ", ".join(p["codes"]) + includes
    overlap = f"; overlap >= {p['overlap_threshold']}" if p["overlap_threshold"] else ""
    coverage = f"; coded: {p['min_coverage']}" if p.get("min_coverage") else ""
    interviewer = "; interviewer turns left out" if p.get("exclude_interviewer") else ""
    click.echo(
        f"\nunit: {p['unit']} ({p['unit_definition']}){overlap}{coverage}{interviewer}; "
        f"coders: {', '.join(p['coders'])}; "
        f"documents ({p['documents_chosen']}): {', '.join(p['documents'])}; codes: {codes}; "
        f"! = alpha below {p['alpha_threshold']}; {p['missing']}"
    )
    if unused:
        click.echo(
            f"not applied by any of these coders (left out of the overall row): "
            f"{', '.join(sorted(unused))}"
        )
    ci = p.get("alpha_ci")
    if ci:
        click.echo(
            f"α 95% CI: {ci['method']}, resampling {ci['resampled']} ({ci['resamples']} "
            f"resamples, seed {ci['seed']}); withheld (-) when {ci['withheld_when']}"
        )
        _print_withheld([*entries, {"code": "(overall)", **report["overall"]}])
    for warning in report.get("warnings", []):
        click.echo(f"warning: {warning}")


def _print_withheld(entries: list[dict[str, Any]]) -> None:
    """Why intervals are missing, one line per reason (codes listed when few), and the share
    of undefined resamples where some were left out."""
    reasons: dict[str, list[str]] = {}
    for entry in entries:
        reason = entry.get("alpha_ci_withheld")
        if reason and entry.get("used", True):
            reasons.setdefault(reason.split(":")[0], []).append(entry["code"])
        elif entry.get("alpha_ci_dropped"):
            click.echo(
                f"  {entry['code']}: α undefined on {entry['alpha_ci_dropped']:.1%} of the "
                "resamples (left out)"
            )
    for reason, codes in reasons.items():
        listed = ", ".join(codes) if len(codes) <= 5 else f"{len(codes)} codes"
        click.echo(f"  no CI, {reason}: {listed}")


def _print_pairwise(report: dict[str, Any], entries: list[dict[str, Any]], width: int) -> None:
    """Each pair of coders: the overall figures, then alpha per code (worst first, as above)."""
    overall = report["overall"].get("pairwise", [])
    if not overall:
        return
    click.echo("\npairs of coders, over all codes:")
    click.echo(f"  {'pair':<20} {'%':>6} {'κ':>7} {'α':>7} {'AC1':>7} {'disagree':>8}")
    for pair in overall:
        percent = pair["percent_agreement"]
        click.echo(
            f"  {' & '.join(pair['coders']):<20} "
            f"{'-' if percent is None else f'{100 * percent:.1f}':>6} "
            f"{_figure(pair['kappa']):>7} {_figure(pair['alpha']):>7} {_figure(pair['ac1']):>7} "
            f"{pair['disagreements']:>8,}"
        )
    names = [" & ".join(pair["coders"]) for pair in overall]
    click.echo("\nα per code and pair of coders:")
    click.echo(f"  {'code':<{width}} " + " ".join(f"{n:>14}" for n in names))
    for entry in entries:
        alphas = [_figure(pair["alpha"]) for pair in entry.get("pairwise", [])]
        if alphas:
            click.echo(f"  {entry['code']:<{width}} " + " ".join(f"{a:>14}" for a in alphas))


@cli.command()
@PROJECT
@click.option("--coders", required=True, metavar="A,B[,C]", help="Coders to compare (2 or more).")
@click.option(
    "--unit",
    type=click.Choice(["character", "sentence", "turn", "document", "segment"]),
    default="sentence",
    show_default=True,
    help="What one unit of comparison is.",
)
@click.option("--codes", metavar="PATH,...", help="Codes (or themes) to compare; default: all.")
@click.option(
    "--documents", metavar="NAME,...", help="Documents; default: those every coder has coded."
)
@click.option(
    "--leaves-only",
    is_flag=True,
    help="A theme stands for its leaf codes only (default: itself and descendants).",
)
@click.option(
    "--threshold",
    type=float,
    default=0.667,
    show_default=True,
    help="Mark codes whose Krippendorff's alpha is below this.",
)
@click.option(
    "--overlap",
    type=float,
    default=0.5,
    show_default=True,
    help="Segment unit: least overlap / longer coding for two codings to match.",
)
@click.option(
    "--min-coverage",
    type=click.FloatRange(0.0, 1.0),
    default=0.0,
    show_default=True,
    help="A unit counts as coded when at least this share of its characters is coded "
    "(0: any character).",
)
@click.option(
    "--exclude-interviewer", is_flag=True, help="Leave out what is said in interviewer turns."
)
@click.option("--no-ci", is_flag=True, help="Skip the bootstrap interval for alpha.")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@click.option("--csv", "csv_path", type=click.Path(dir_okay=False), help="Write a CSV file.")
@click.option("--xlsx", "xlsx_path", type=click.Path(dir_okay=False), help="Write an XLSX file.")
def agreement(
    project: str,
    coders: str,
    unit: str,
    codes: str | None,
    documents: str | None,
    leaves_only: bool,
    threshold: float,
    overlap: float,
    min_coverage: float,
    exclude_interviewer: bool,
    no_ci: bool,
    as_json: bool,
    csv_path: str | None,
    xlsx_path: str | None,
) -> None:
    """Inter-coder agreement per code and over codes: % agreement, kappa (Cohen's for two
    coders, Fleiss' for more), Krippendorff's alpha with a bootstrap CI, Gwet's AC1."""
    from .agreement.report import agreement_report, write_csv, write_xlsx

    with _open(project) as opened:
        report = agreement_report(
            opened, coders=_names(coders) or [], unit=unit, documents=_names(documents),
            codes=_names(codes), descendants="leaves" if leaves_only else True,
            overlap=overlap, threshold=threshold, ci=not no_ci, min_coverage=min_coverage,
            exclude_interviewer=exclude_interviewer,
        )  # fmt: skip
    if csv_path:
        write_csv(report, csv_path)
    if xlsx_path:
        write_xlsx(report, xlsx_path)
    _note_plain_export(opened, csv_path, xlsx_path)
    if as_json:
        _echo_json(report)
    elif csv_path or xlsx_path:
        written = " and ".join(p for p in (csv_path, xlsx_path) if p)
        click.echo(f"wrote {written} ({len(report['codes'])} codes, unit: {unit})")
    else:
        _print_table(report)


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
    from .agreement import reconcile as rec

    with _open(project, actor=supervisor) as opened:

        def build() -> rec.Queue:
            return rec.reconcile_queue(
                opened, code=code_ref, coders=_names(coders) or [], unit=unit,
                documents=_names(documents),
            )  # fmt: skip

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
                decision = rec.decide(opened, queue, item, "edit", span=_parse_span(span),
                                      supervisor=supervisor)  # fmt: skip
            elif accept in ("all", "neither"):
                decision = rec.decide(opened, queue, item, accept, supervisor=supervisor)
            elif accept:
                decision = rec.decide(opened, queue, item, "coder", coder=accept,
                                      supervisor=supervisor)  # fmt: skip
            else:
                raise click.UsageError("--decide needs --accept CODER|all|neither or --span")
            click.echo(f"decided {number}: {decision.choice}"
                       f"{' ' + decision.chosen_coder if decision.chosen_coder else ''}; "
                       f"{len(decision.codings)} consensus coding(s)")  # fmt: skip
        if accept_agreed or number is not None:
            queue = build()
        text = {d: opened.document_text(d) for d in queue.documents}
    if as_json:
        _echo_json({
            "code": queue.code, "coders": list(queue.coders), "unit": queue.unit,
            "decided": queue.decided, "agreed": len(queue.agreed),
            "items": [
                {"number": n, "document": i.document, "start": i.start, "end": i.end,
                 "text": text[i.document][i.start:i.end],
                 "versions": {v.coder: [list(e) for e in v.excerpts] for v in i.versions},
                 "decision": i.decision.to_json() if i.decision else None}
                for n, i in enumerate(queue.items, 1)
            ],
        })  # fmt: skip
        return
    if number is None and not accept_agreed:
        click.echo(f"{queue.code}: {len(queue.items)} disagreement(s), {queue.decided} decided; "
                   f"{len(queue.agreed)} agreed region(s); unit: {queue.unit}")  # fmt: skip
        for n, item in enumerate(queue.items, 1):
            state = "open" if item.decision is None else f"decided: {item.decision.choice}"
            quote = " ".join(text[item.document][item.start : item.end].split())
            quote = quote if len(quote) <= 70 else quote[:67] + "..."
            who = ", ".join(v.coder for v in item.versions if v.excerpts) or "nobody"
            click.echo(f"{n:>4}. {item.document} {item.start}-{item.end} [{state}] "
                       f"coded by {who}: \"{quote}\"")  # fmt: skip
