"""Team work on project files: merging coders' copies of a project, offline, and writing one
coder's layer to a file of its own.

    from qualcode.teams import merge_projects, write_report
    result = merge_projects(["alice.qualcode", "bob.qualcode"], "team.qualcode")
    write_report(result, "merge.md")

Nothing here imports the CLI or the TUI; docs/teams.md states the matching and conflict rules.
The names below are imported on first use, so importing one module of this package (as
``qualcode.project`` may) does not load the others.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

_HOMES = {
    "merge_projects": ".merge",
    "export_coder": ".coder_layer",
    "CoderExport": ".coder_layer",
    "Conflict": ".merge_report",
    "Counts": ".merge_report",
    "InputSummary": ".merge_report",
    "MergeResult": ".merge_report",
    "Version": ".merge_report",
    "render_markdown": ".merge_report",
    "summary_lines": ".merge_report",
    "write_report": ".merge_report",
}

__all__ = sorted(_HOMES)


def __getattr__(name: str) -> Any:
    if name in _HOMES:
        return getattr(import_module(_HOMES[name], __name__), name)
    raise AttributeError(f"module 'qualcode.teams' has no attribute {name!r}")
