"""Library errors say what is wrong; how to fix it is a :class:`qualcode.errors.Hint` that the
CLI words as a command or a flag and the TUI in its own terms (issue 17, item 3).

The library's messages are read from the source with ``ast`` (every string in a ``raise`` or in
a call of an error class), so an error raised only on a rare path is checked too.
"""

from __future__ import annotations

import ast
import re
import string
from pathlib import Path

import pytest

from qualcode import Project
from qualcode.cli import LAZY_COMMANDS, main
from qualcode.cli import hints as cli_hints
from qualcode.errors import Hint, NotFoundError, QualcodeError
from qualcode.tui import hints as tui_hints
from qualcode.tui.failures import failure_message

PACKAGE = Path(__file__).resolve().parents[1] / "qualcode"
COMMANDS = "|".join(map(re.escape, LAZY_COMMANDS))
COMMAND = re.compile(rf"\bqualcode (?:{COMMANDS})\b")
FLAG = re.compile(r"(?<![\w-])--[a-z]")


def _library_files(root: Path) -> list[Path]:
    return [
        p
        for p in sorted(root.rglob("*.py"))
        if not {"cli", "tui", "migrations"} & set(p.relative_to(root).parts[:-1])
    ]


def _is_error_call(node: ast.AST) -> bool:
    if not isinstance(node, ast.Call):
        return False
    name = node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", "")
    return name.endswith(("Error", "Problem", "NotAllowed", "Needed"))


def _strings(node: ast.AST) -> list[str]:
    """The literal text under ``node``: plain strings and the fixed parts of f-strings."""
    return [
        n.value for n in ast.walk(node) if isinstance(n, ast.Constant) and isinstance(n.value, str)
    ]


def library_messages(root: Path = PACKAGE) -> list[tuple[str, int, str]]:
    """(file, line, text) of every string in a ``raise`` or an error's construction."""
    found = []
    for path in _library_files(root):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Raise) or _is_error_call(node):
                for text in _strings(node):
                    found.append((str(path.relative_to(root)), node.lineno, text))
    return found


def library_hints(root: Path = PACKAGE) -> list[tuple[str, set[str]]]:
    """(key, the names of its values) of every ``Hint(...)`` the library makes."""
    found = []
    for path in _library_files(root):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "Hint":
                key = node.args[0]
                assert isinstance(key, ast.Constant), f"{path}:{node.lineno}: a literal key"
                found.append((str(key.value), {k.arg for k in node.keywords if k.arg}))
    return found


def _fields(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def test_no_library_message_names_a_command_or_a_flag() -> None:
    messages = library_messages()
    assert len(messages) > 300  # the walk sees the library's messages
    offenders = [m for m in messages if COMMAND.search(m[2]) or FLAG.search(m[2])]
    assert offenders == []


def test_the_walk_finds_what_the_library_said_before() -> None:
    """The same walk over messages as they were written before the hints."""
    old = [
        "raise NotFoundError(f\"no document named '{name}' (see: qualcode documents)\")",
        'raise QualcodeError("--name can only be given when importing one file")',
        'raise BadInputError(path, "empty", "give one with --name")',
    ]
    for source in old:
        (found,) = [
            t
            for n in ast.walk(ast.parse(source))
            if isinstance(n, ast.Raise)
            for t in _strings(n)
            if COMMAND.search(t) or FLAG.search(t)
        ]
        assert found


def test_every_hint_the_library_gives_has_cli_words_with_its_values() -> None:
    given = library_hints()
    assert len(given) >= 25
    for key, values in given:
        assert key in cli_hints.WORDS, key
        assert _fields(cli_hints.WORDS[key]) <= values | {"message"}, key
        if key in tui_hints.WORDS:
            assert _fields(tui_hints.WORDS[key]) <= values | {"message"}, key
    assert {key for key, _ in given} == set(cli_hints.WORDS), "a CLI wording no error uses"


def test_the_tui_words_name_no_command_or_flag() -> None:
    assert set(tui_hints.WORDS) <= set(cli_hints.WORDS)
    for template in tui_hints.WORDS.values():
        assert "qualcode " not in template and "--" not in template


def test_the_cli_adds_the_command_and_the_tui_its_own_words() -> None:
    error = NotFoundError("a.txt: a document named 'a' is already here", Hint("name-taken"))
    assert str(error) == "a.txt: a document named 'a' is already here"
    assert cli_hints.error_line(error) == f"{error} (use --name)"
    assert failure_message(error) == f"{error} (rename the file and import it again)"
    plain = QualcodeError("no memo with id x", Hint("memo-list"))
    assert failure_message(plain) == "no memo with id x"  # the TUI lists the memos itself


def test_a_missing_project_says_so_and_the_cli_says_how_to_make_one(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = tmp_path / "nope.qualcode"
    with pytest.raises(NotFoundError) as raised:
        Project.open(missing)
    assert str(raised.value) == f"{missing}: no such project"
    with pytest.raises(SystemExit):
        main(["documents", str(missing)])
    assert capsys.readouterr().err == (
        f"qualcode: error: {missing}: no such project (create one with: qualcode init {missing})\n"
    )


def test_import_errors_keep_their_cli_words_in_text_and_json(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "p.qualcode"
    Project.create(path).close()
    folder = tmp_path / "other"
    folder.mkdir()
    (tmp_path / "a.txt").write_text("A: one text\n", encoding="utf-8")
    (folder / "a.txt").write_text("A: another text\n", encoding="utf-8")
    main(["import", str(path), str(tmp_path / "a.txt")])
    with Project.open(path) as project:
        (outcome,) = project.import_files([folder / "a.txt"])
    assert outcome.error is not None and "--" not in outcome.error
    assert "hint" not in outcome.to_json()
    capsys.readouterr()
    with pytest.raises(SystemExit):
        main(["import", str(path), str(folder / "a.txt")])
    expected = (
        f"{folder / 'a.txt'}: a document named 'a' with a different text is already in the "
        "project (use --name)"
    )
    assert capsys.readouterr().err == f"qualcode: error: {expected}\n"
    with pytest.raises(SystemExit):
        main(["import", str(path), str(folder / "a.txt"), "--json"])
    assert f'"error": "{expected}"' in capsys.readouterr().out
    with pytest.raises(SystemExit):
        main(["import", str(path), str(folder / "a.txt"), str(tmp_path / "a.txt"), "--name", "x"])
    assert capsys.readouterr().err == (
        "qualcode: error: --name can only be given when importing one file\n"
    )


def test_an_error_quoting_others_keeps_their_cli_words_where_they_stand(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "p.qualcode"
    Project.create(path).close()
    rows = tmp_path / "rows.csv"
    rows.write_text("document,code,coder,start,end\nnope,x,ann,0,2\n", encoding="utf-8")
    with Project.open(path) as project, pytest.raises(QualcodeError) as raised:
        project.import_codings(rows)
    assert "qualcode " not in str(raised.value)
    assert failure_message(raised.value) == str(raised.value)
    with pytest.raises(SystemExit):
        main(["import-codings", str(path), str(rows)])
    assert capsys.readouterr().err == (
        f"qualcode: error: {rows}: line 2: no document named 'nope' (see: qualcode documents) "
        "(nothing was imported; fix the rows and retry)\n"
    )
