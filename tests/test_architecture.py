"""The layers of docs/architecture.md, as import-linter contracts (``[tool.importlinter]`` in
pyproject.toml, also run by ``.ci/run`` as ``lint-imports``): the fronts (cli, tui) over the
domain packages, over the project boundary, over the pure parts and the store; only ``store/`` and
``project/`` touch the ORM; only the TUI imports Textual. import-linter reads the source, so an
import inside a function counts too; imports under ``TYPE_CHECKING`` are left out.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest
from importlinter.cli import lint_imports

REPO = Path(__file__).resolve().parents[1]
PACKAGE = REPO / "qualcode"


def _config() -> dict:
    with (REPO / "pyproject.toml").open("rb") as handle:
        return tomllib.load(handle)["tool"]["importlinter"]


def _lint(config: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    status = lint_imports(config_filename=str(config), no_cache=True, no_logo=True)
    return status, capsys.readouterr().out


def test_the_import_contracts_hold(capsys: pytest.CaptureFixture[str]) -> None:
    status, report = _lint(REPO / "pyproject.toml", capsys)
    assert status == 0, report
    assert "3 kept, 0 broken" in report


def test_every_top_level_module_has_a_layer() -> None:
    """A new module at the package root is placed in a layer, or this fails."""
    [layers] = [c["layers"] for c in _config()["contracts"] if c["type"] == "layers"]
    named = {part.strip() for layer in layers for part in re.split(r"[|:]", layer)}
    present = {
        f"qualcode.{path.stem}"
        for path in PACKAGE.iterdir()
        if (path.suffix == ".py" and path.stem != "__init__")
        or (path.is_dir() and (path / "__init__.py").exists())
    }
    assert present - named == set()
    assert named - present == set()


def test_a_broken_contract_is_reported(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The check can fail: the store importing the project would break the layers."""
    text = (REPO / "pyproject.toml").read_text(encoding="utf-8")
    broken = text + (
        '\n[[tool.importlinter.contracts]]\nname = "the store may not name its errors"\n'
        'type = "forbidden"\nsource_modules = ["qualcode.store"]\n'
        'forbidden_modules = ["qualcode.errors"]\n'
    )
    config = tmp_path / "pyproject.toml"
    config.write_text(broken, encoding="utf-8")
    status, report = _lint(config, capsys)
    assert status != 0
    assert "qualcode.store" in report and "BROKEN" in report
