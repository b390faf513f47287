"""Commands import only what they need, so that they start in a blink (the speed issue).

How long they take is measured by ``benchmarks/bench_startup.py``; these tests only check what
is imported, which does not depend on the machine's speed.
"""

from __future__ import annotations

from pathlib import Path

from qualcode import Project
from qualcode.store import migrate

from .conftest import run_python

HEAVY = ("alembic", "mako", "pygments", "spacy", "textual", "sklearn", "matplotlib")


def _imported(argv: list[str]) -> list[str]:
    """Run the CLI in a fresh interpreter and list the heavy packages it imported."""
    code = (
        "import sys\n"
        "from qualcode.cli import main\n"
        f"try:\n    main({argv!r})\nexcept SystemExit:\n    pass\n"
        f"print('HEAVY', sorted(m for m in {HEAVY!r} if m in sys.modules))\n"
    )
    out = run_python(code)
    (line,) = [x for x in out.stdout.splitlines() if x.startswith("HEAVY")]
    return eval(line.removeprefix("HEAVY "))  # a list literal printed above


def test_listing_a_project_imports_no_migration_machinery(tmp_path: Path) -> None:
    path = tmp_path / "p.qualcode"
    Project.create(path).close()
    assert _imported(["documents", str(path)]) == []
    assert _imported(["codings", str(path)]) == []
    assert _imported(["--help"]) == []


def test_the_head_revision_read_from_file_names_is_alembics() -> None:
    from alembic.script import ScriptDirectory

    alembic_head = ScriptDirectory.from_config(migrate._config()).get_current_head()
    assert migrate.head_revision() == alembic_head


def test_an_older_project_is_still_migrated(tmp_path: Path) -> None:
    """The one-query check must not skip a project whose schema is behind."""
    from alembic import command
    from sqlalchemy import text

    from qualcode.store.engine import make_engine

    path = tmp_path / "old.qualcode"
    Project.create(path).close()
    engine = make_engine(path)
    config = migrate._config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "0002")
    with engine.connect() as connection:
        found = connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
    assert found == "0002"
    engine.dispose()
    with Project.open(path) as project:
        assert project.migration is not None and project.migration.before == "0002"
        assert project.migration.after == migrate.head_revision()


def test_the_lazy_command_table_matches_the_commands() -> None:
    """--help lists lazily loaded commands from a table; it must say what the commands say."""
    import importlib

    import click

    from qualcode import cli as cli_module

    group = cli_module.cli
    context = click.Context(group)
    package = Path(cli_module.__file__).parent
    for module in sorted(path.stem for path in package.glob("[!_]*.py")):  # every command module
        importlib.import_module(f"qualcode.cli.{module}")
    own = {n for n, c in group.commands.items() if c.callback.__module__ == "qualcode.cli"}
    assert set(group.commands) == own | set(cli_module.LAZY_COMMANDS), "a command is missing"
    for name, (module, help_text) in cli_module.LAZY_COMMANDS.items():
        command = group.get_command(context, name)
        assert command is not None and command.callback.__module__ == f"qualcode.cli.{module}"
        placeholder = click.Command(name, help=help_text)
        for limit in (30, 45, 60, 80, 200, 1000):
            assert placeholder.get_short_help_str(limit) == command.get_short_help_str(limit)


def test_the_library_loads_what_a_command_uses_only_when_it_uses_it() -> None:
    """``from qualcode import Project`` leaves out the importers, the codebook format (PyYAML),
    pseudonymisation and SQLAlchemy's PostgreSQL dialect: each loads when first used."""
    code = (
        "import sys\n"
        "from qualcode import Project\n"
        "lazy = ('qualcode.importers', 'qualcode.codebook', 'yaml',"
        " 'qualcode.privacy.pseudonymise', 'sqlalchemy.dialects.postgresql', 'alembic')\n"
        "print('LOADED', sorted(m for m in lazy if m in sys.modules))\n"
    )
    out = run_python(code)
    assert "LOADED []" in out.stdout, out.stdout
