"""The README's Quickstart has exactly two shell lines, and CI runs the second one verbatim."""

from __future__ import annotations

import re

from .conftest import REPO


def test_quickstart_has_two_lines_and_ci_runs_the_test_line() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Quickstart", 1)[1].split("\n## ", 1)[0]
    [block] = re.findall(r"```sh\n(.*?)```", section, flags=re.DOTALL)
    lines = [line for line in block.splitlines() if line.strip()]
    assert len(lines) == 2
    assert lines[0].endswith("qualcode demo")
    assert lines[1] in (REPO / ".ci" / "run").read_text(encoding="utf-8").splitlines()
