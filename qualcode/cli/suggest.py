"""``qualcode suggest``: ranked excerpt suggestions, or their held-out evaluation.

The work is done by :mod:`qualcode.suggest`, imported inside the command so that
``qualcode --help`` never loads spaCy or scikit-learn; this module parses and presents.
"""

from __future__ import annotations

from typing import Any

import click

from ..formats import figure as _figure
from . import cli
from .common import PROJECT, echo_json, open_project, status_line

TEXT_LIMIT = 50
JSON_KEYS = ("document", "code", "start", "end", "text", "score", "engine", "explanation")


def _print_evaluation(report: dict[str, Any]) -> None:
    engines, queue = report["engines"], report["queue"]
    who = report["coder"] or "all coders"
    held = (
        f"{report['documents']} parts of '{report['parts_of']}' (the only coded document)"
        if report.get("parts_of")
        else f"{report['documents']} documents"
    )
    click.echo(
        f"held-out evaluation of {who}'s codings: {held}, "
        f"{report['folds']} folds, {report['sentences']:,} sentences, {report['words']:,} "
        f"words, {len(report['codes'])} codes (unit: sentence; {report['seconds']:.1f} s)"
    )
    click.echo(
        f"  {'':<27} {'precision':>9} {'recall':>7} {'F1':>6} {'macro F1':>8} "
        f"{'per 1,000 words':>15}"
    )
    rows = [
        ("review queue (combined)", queue["combined"]),
        ("  at 0.5 alone", report["queue_fixed"]),
    ]
    rows += [
        (f"review queue ({e} only)", queue[e])
        for e in ("terms", "similar", "learned", "cues")
        if e in queue
    ]
    rows += [
        ("text search: code names", engines["names"]),
        ("text search: + keywords", engines["keywords"]),
    ]
    rows += [
        (f"{e} >= {report['thresholds'][e]}", engines[e])
        for e in ("terms", "similar", "learned", "cues", "combined")
        if e in engines
    ]
    for name, entry in rows:
        micro = entry["micro"]
        click.echo(
            f"  {name:<27} {_figure(micro['precision']):>9} {_figure(micro['recall']):>7} "
            f"{_figure(micro['f1']):>6} {_figure(entry['macro']['f1']):>8} "
            f"{_figure(entry['per_1000_words'], 1):>15}"
        )
    from ..suggest.queue import Setting

    why = report["setting_why"]
    click.echo(
        f"\nthe review queue now shows: {Setting.from_json(report['setting']).describe()} "
        f"({why}; the queue's figures above chose it on the other folds)"
    )
    width = max([len(p) for p in report["codes"]] + [4])
    click.echo("\nper code (review queue; names = text search on the code's name):")
    click.echo(
        f"  {'code':<{width}} {'gold':>5} {'precision':>9} {'recall':>7} {'F1':>6} {'names F1':>8}"
    )
    combined, names = queue["combined"]["per_code"], engines["names"]["per_code"]
    for path in report["codes"]:
        entry = combined[path]
        click.echo(
            f"  {path:<{width}} {entry['gold']:>5} {_figure(entry['precision'], 2):>9} "
            f"{_figure(entry['recall'], 2):>7} {_figure(entry['f1'], 2):>6} "
            f"{_figure(names[path]['f1'], 2):>8}"
        )


def _print_suggestions(found: list[Any], total: int, min_score: float | None, setting: str) -> None:
    """The list, then, unless ``min_score`` replaced it, which queue it is: ``setting``, the
    stored setting in words."""
    if not found:
        if min_score is None:
            click.echo(
                f"no suggestions in the review queue, which shows: {setting} (--evaluate says "
                "how it was chosen; --min-score 0.1 shows the unlikely too)"
            )
        elif min_score > 0.1:
            click.echo(
                f"no suggestions at least {min_score:.0%} likely to be right "
                "(see --min-score 0.1 for the unlikely)"
            )
        else:
            click.echo("no suggestions")
        return
    for s in found:
        precision = "" if s.precision is None else f"  code's precision {s.precision:.2f}"
        click.echo(
            f"{s.score:.2f}  {s.document} {s.start}-{s.end}  {s.code}  "
            f"[{', '.join(s.engines)}]{precision}"
        )
        click.echo(f'      "{" ".join(s.text.split())}"')
        if s.explanation:
            click.echo(f"      {s.explanation}")
    lines = (
        [f"{len(found)} of {total} suggestions shown (see --limit)"] if total > len(found) else []
    )
    if min_score is None:
        lines.append(
            f"the review queue shows: {setting} "
            "(qualcode suggest --evaluate says how it was chosen)"
        )
    if lines:
        click.echo("\n" + "\n".join(lines))


@cli.command("suggest")
@PROJECT
@click.option("--document", help="Only suggest excerpts in this document.")
@click.option("--code", "code_ref", help="Only suggest this code.")
@click.option("--coder", help="Learn from this coder's codings (default: every coder's).")
@click.option(
    "--min-score",
    type=click.FloatRange(0, 1),
    default=None,
    help="Lowest probability of being right shown, instead of the review queue's setting "
    "(measured on your held-out codings; 0.5 until it is).",
)
@click.option(
    "--limit",
    type=click.IntRange(min=1),
    default=None,
    help=f"At most N suggestions (default {TEXT_LIMIT}; all with --json).",
)
@click.option(
    "--evaluate",
    is_flag=True,
    help="Instead: hold out each coded document in turn and report precision, recall "
    "and F1 of the review queue per engine and code, next to a text search on the "
    "code names.",
)
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
    project's codings (codes with 8 codings or more). The score shown is the probability
    of being right, measured on your own codings held out; the list keeps the likely ones,
    a few codes per sentence, and no empty answers or interviewer questions unless you code
    them. Spans already coded and suggestions rejected before are left out. What a run
    found is kept in the project until codings, decisions or the codebook change.
    """
    from .. import suggest as engine

    with open_project(project) as opened, status_line(not as_json) as show:
        if evaluate:
            report = engine.evaluate(opened, coder, folds=folds, progress=show)
        else:
            found = engine.suggest(
                opened,
                document=document,
                code=code_ref,
                coder=coder,
                min_score=min_score,
                progress=show,
            )
            setting = "" if as_json else engine.queue_setting(opened, coder).describe()
    if evaluate:
        if as_json:
            echo_json(report)
        else:
            _print_evaluation(report)
        return
    if as_json:
        chosen = found[:limit] if limit else found
        echo_json([{key: getattr(s, key) for key in JSON_KEYS} for s in chosen])
    else:
        _print_suggestions(found[: limit or TEXT_LIMIT], len(found), min_score, setting)
