"""The command line: ``qualcode``, a click group whose commands live in the modules of this
package, one module per command family, each imported only when its command is named (so that
``qualcode --help`` stays instant).

The commands parse arguments, call the library and print the result; they share
:mod:`qualcode.cli.common` (opening a project, JSON, errors as one line).
"""

from __future__ import annotations

from collections.abc import Sequence

import click

from .. import __version__

# Every command is defined in a module of this package, imported only when named, so that a
# command (and --help) loads only its own module: name -> (module, the first sentence of its
# help, which --help cuts as click does). A test checks each entry against the command itself,
# and that none is missing.
LAZY_COMMANDS: dict[str, tuple[str, str]] = {
    "agreement": (
        "agreement",
        "Inter-coder agreement per code and over codes: % agreement, kappa (Cohen's for two "
        "coders, Fleiss' for more), Krippendorff's alpha with a bootstrap CI, Gwet's AC1.",
    ),
    "backups": (
        "backups",
        "Copies of a project file, kept in the folder PROJECT.backups beside it.",
    ),
    "cases": (
        "cases",
        "Cases (people, sites) with typed attributes; map documents and speakers to them.",
    ),
    "code": ("coding", "Apply a code to a span of a document, as a named coder (or --remove it)."),
    "codebook": ("codebook", "Show, import, export and extend the project's codebook."),
    "coders": ("coders", "The people who code (and the reserved consensus coder)."),
    "codings": ("coding", "List codings: document, span, code, coder and the coded text."),
    "decrypt": ("encryption", "Remove the encryption of PROJECT (and its backups), in place."),
    "demo": (
        "demo",
        "Create a demo project from the sample codebook, transcripts and cases, and open it.",
    ),
    "documents": ("documents", "List the documents: name, kind, case, words, turns, speakers."),
    "encrypt": ("encryption", "Encrypt PROJECT (and its backups) with a passphrase, in place."),
    "export": (
        "export",
        "Write a report: frequencies (per code and theme, --by a case attribute), crosstab "
        "(code x group), matrix (code x case), cooccurrence, quotes (per theme), saturation "
        "(Guest, Namey & Chen 2020), codebook (appendix), or all of them in one file.",
    ),
    "export-coder": (
        "export_coder",
        "Write one coder's layer of PROJECT to a new project file OUTPUT.",
    ),
    "export-qdpx": (
        "qdpx",
        "Export the project as REFI-QDA (.qdpx): codes, documents, every coder's codings, "
        "memos, cases and attributes, for NVivo, ATLAS.ti, MAXQDA or another qualcode.",
    ),
    "import": ("documents", "Import transcripts (txt, md, docx, vtt, srt, nlp, csv, xlsx)."),
    "import-codings": (
        "coding",
        "Apply codings from a CSV/XLSX (document, code, coder, start+end or quote): all or none.",
    ),
    "import-qdpx": (
        "qdpx",
        "Import a REFI-QDA project (.qdpx from NVivo, ATLAS.ti, MAXQDA, QualCoder...; or a bare "
        ".qde) with its codes, documents, coders, codings, memos, cases and variables.",
    ),
    "init": ("init", "Create a new project (one SQLite file)."),
    "log": ("log", "Show the audit trail, newest first: who did what, when."),
    "memo": ("memos", "Memos on the project, a document, a code, a coding or a case."),
    "merge": ("merge", "Merge the project files PROJECT..."),
    "open": (
        "open",
        "Open a project in the terminal UI (asks for the passphrase of an encrypted one).",
    ),
    "passphrase": (
        "encryption",
        "Change the passphrase of an encrypted PROJECT (and its backups).",
    ),
    "pseudonymise": (
        "pseudonymise",
        "Replace names, places, contact details and dates of birth in every transcript.",
    ),
    "reconcile": (
        "reconcile",
        "A code's disagreements between coders, and the supervisor's decisions on them.",
    ),
    "retrieve": (
        "retrieve",
        "Print every coded segment of a code (a theme brings its sub-codes) across documents, "
        "with document, turn, speaker, case and coder, or the segments of a coding query.",
    ),
    "show": ("documents", "Print a document's stored text (offsets in codings refer to it)."),
    "speakers": ("speakers", "List speakers; set a speaker's role or case; merge aliases."),
    "suggest": ("suggest", "Suggest excerpts to code, with the reason for each, offline."),
    "team": ("team", "Roles and blind coding."),
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


def main(argv: Sequence[str] | None = None) -> None:
    """Entry point: run the CLI, turning errors into one-line messages (see
    :func:`qualcode.cli.common.run`)."""
    from .common import run

    run(cli, argv)
