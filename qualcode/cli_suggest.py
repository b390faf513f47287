"""``qualcode suggest``: ranked excerpt suggestions, or their held-out evaluation.

The work is done by :mod:`qualcode.nlp.suggest`, imported inside the command so that
``qualcode --help`` never loads spaCy or scikit-learn; this module parses and presents.
"""

from __future__ import annotations

from typing import Any

import click

from .cli import PROJECT, _echo_json, _open, _status_line, cli
from .formats import figure as _figure

TEXT_LIMIT = 50
JSON_KEYS = ("document", "code", "start", "end", "text", "score", "engine", "explanation")


def _print_evaluation(report: dict[str, Any]) -> None:
    engines = report["engines"]
    who = report["coder"] or "all coders"
    click.echo(
        f"held-out evaluation of {who}'s codings: {report['documents']} documents, "
        f"{report['folds']} folds, {report['sentences']:,} sentences, {len(report['codes'])} "
        f"codes (unit: sentence; {report['seconds']:.1f} s)"
    )
    click.echo(f"  {'engine':<9} {'threshold':>9} {'precision':>9} {'recall':>7} {'F1':>6} "
               f"{'macro F1':>8}")  # fmt: skip
    for name, entry in engines.items():
        micro = entry["micro"]
        click.echo(
            f"  {name:<9} {report['thresholds'][name]:>9} {_figure(micro['precision']):>9} "
            f"{_figure(micro['recall']):>7} {_figure(micro['f1']):>6} "
            f"{_figure(entry['macro']['f1']):>8}"
        )
    width = max([len(p) for p in report["codes"]] + [4])
    click.echo("\nper code (combined; keywords = the keyword-only baseline):")
    click.echo(f"  {'code':<{width}} {'gold':>5} {'precision':>9} {'recall':>7} {'F1':>6} "
               f"{'keywords F1':>11}")  # fmt: skip
    combined, keywords = engines["combined"]["per_code"], engines["keywords"]["per_code"]
    for path in report["codes"]:
        entry = combined[path]
        click.echo(
            f"  {path:<{width}} {entry['gold']:>5} {_figure(entry['precision'], 2):>9} "
            f"{_figure(entry['recall'], 2):>7} {_figure(entry['f1'], 2):>6} "
            f"{_figure(keywords[path]['f1'], 2):>11}"
        )


def _print_suggestions(found: list[Any], total: int) -> None:
    if not found:
        click.echo("no suggestions")
        return
    for s in found:
        precision = "" if s.precision is None else f"  precision so far {s.precision:.2f}"
        click.echo(
            f"{s.score:.2f}  {s.document} {s.start}-{s.end}  {s.code}  "
            f"[{', '.join(s.engines)}]{precision}"
        )
        click.echo(f'      "{" ".join(s.text.split())}"')
        if s.explanation:
            click.echo(f"      {s.explanation}")
    if total > len(found):
        click.echo(f"\n{len(found)} of {total} suggestions shown (see --limit)")


@cli.command("suggest")
@PROJECT
@click.option("--document", help="Only suggest excerpts in this document.")
@click.option("--code", "code_ref", help="Only suggest this code.")
@click.option("--coder", help="Learn from this coder's codings (default: every coder's).")
@click.option("--min-score", type=click.FloatRange(0, 1), default=None,
              help="Lowest combined score shown (default 0.3).")  # fmt: skip
@click.option("--limit", type=click.IntRange(min=1), default=None,
              help=f"At most N suggestions (default {TEXT_LIMIT}; all with --json).")  # fmt: skip
@click.option("--evaluate", is_flag=True,
              help="Instead: hold out each coded document in turn and report precision, recall "
              "and F1 per engine and code against the keyword baseline.")  # fmt: skip
@click.option(
    "--folds",
    type=click.IntRange(min=2),
    default=None,
    help="With --evaluate: deal the documents into N folds (faster on big projects).",
)
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def suggest_command(
    project: str,
    document: str | None,
    code_ref: str | None,
    coder: str | None,
    min_score: float | None,
    limit: int | None,
    evaluate: bool,
    folds: int | None,
    as_json: bool,
) -> None:
    """Suggest excerpts to code, with the reason for each, offline.

    Three engines score every sentence: the codebook's own words (keywords, names,
    definitions), similarity to excerpts already coded, and a classifier trained on this
    project's codings (codes with 8 codings or more). Spans already coded and suggestions
    rejected before are left out.
    """
    from .nlp import suggest as engine

    with _open(project) as opened, _status_line(not as_json) as show:
        if evaluate:
            report = engine.evaluate(opened, coder, folds=folds, progress=show)
        else:
            found = engine.suggest(
                opened, document=document, code=code_ref, coder=coder,
                min_score=min_score, progress=show,
            )  # fmt: skip
    if evaluate:
        if as_json:
            _echo_json(report)
        else:
            _print_evaluation(report)
        return
    if as_json:
        chosen = found[:limit] if limit else found
        _echo_json([{key: getattr(s, key) for key in JSON_KEYS} for s in chosen])
    else:
        _print_suggestions(found[: limit or TEXT_LIMIT], len(found))
