"""``qualcode agreement``: inter-coder agreement per code, printed or written to a file.

The figures come from :func:`qualcode.agreement.report.agreement_report`; this module only
parses the options and presents the report.
"""

from __future__ import annotations

from typing import Any

import click

from ..formats import figure as _figure
from . import cli
from .common import PROJECT, comma_list, echo_json, note_plain_export, open_project


def _ci(value: list[float | None] | None) -> str:
    if not value or value[0] is None or value[1] is None:
        return "-"
    return f"[{_figure(value[0], 2)}, {_figure(value[1], 2)}]"


def _print_table(report: dict[str, Any]) -> None:
    from ..agreement.report import worst_first

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
    from ..agreement.report import agreement_report, write_csv, write_xlsx

    with open_project(project) as opened:
        report = agreement_report(
            opened,
            coders=comma_list(coders) or [],
            unit=unit,
            documents=comma_list(documents),
            codes=comma_list(codes),
            descendants="leaves" if leaves_only else True,
            overlap=overlap,
            threshold=threshold,
            ci=not no_ci,
            min_coverage=min_coverage,
            exclude_interviewer=exclude_interviewer,
        )
    if csv_path:
        write_csv(report, csv_path)
    if xlsx_path:
        write_xlsx(report, xlsx_path)
    note_plain_export(opened, csv_path, xlsx_path)
    if as_json:
        echo_json(report)
    elif csv_path or xlsx_path:
        written = " and ".join(p for p in (csv_path, xlsx_path) if p)
        click.echo(f"wrote {written} ({len(report['codes'])} codes, unit: {unit})")
    else:
        _print_table(report)
