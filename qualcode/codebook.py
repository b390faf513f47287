"""Codebook files: the YAML format researchers write and edit by hand, read into dataclasses.

A codebook is a tree of codes, each with its definition, inclusion and exclusion criteria, a
typical example and keywords. This module only converts between that text and the frozen
``Codebook``/``CodeSpec`` dataclasses; it knows nothing of projects or databases, so importing a
codebook and exporting one are ``parse_codebook``/``dump_codebook`` plus whatever the caller does
with the result. The format is described for users in ``docs/codebook.md``.

The file is read from PyYAML's node tree (``compose``), never into Python objects, so every
problem can be reported with its line number, duplicate keys (which ``safe_load`` silently drops)
are caught, and nothing but plain text, lists and mappings is accepted.
"""

from __future__ import annotations

import difflib
import re
import textwrap
import unicodedata
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from qualcode.errors import CodebookError, QualcodeError
from qualcode.files import write_atomically
from qualcode.formats import format_path

__all__ = [
    "CODE_KEYS",
    "MAX_FILE_BYTES",
    "TOP_KEYS",
    "CodeSpec",
    "Codebook",
    "dump_codebook",
    "format_path",
    "load_codebook",
    "parse_codebook",
    "save_codebook",
]

MAX_FILE_BYTES = 10 * 1024 * 1024
"""Larger files are refused: a codebook of 2,000 fully described codes is well under 2 MB."""
MAX_NESTING = 100
"""Deepest YAML nesting accepted (a code level takes two); stops recursion-exhausting input."""

TOP_KEYS = ("name", "description", "codes")
"""Keys allowed at the top level, in the order they are written."""
CODE_KEYS = (
    "name",
    "definition",
    "inclusion",
    "exclusion",
    "example",
    "keywords",
    "color",
    "codable",
    "children",
)
"""Keys allowed in a code, in the order they are written."""
_TEXT_KEYS = ("definition", "inclusion", "exclusion", "example")

# Words people reach for that difflib would not match to the key they mean.
_KEY_SYNONYMS = {
    "colour": "color",
    "subcodes": "children",
    "codes": "children",
    "description": "definition",
    "meaning": "definition",
    "include": "inclusion",
    "includes": "inclusion",
    "exclude": "exclusion",
    "excludes": "exclusion",
    "examples": "example",
    "keyword": "keywords",
    "label": "name",
    "title": "name",
    "code": "name",
}

_YAML_TAG = "tag:yaml.org,2002:"
_NULL_TAG = _YAML_TAG + "null"
_BOOL_TAG = _YAML_TAG + "bool"
# Explicit tags that still mean plain data. None is an untagged node, "!" the non-specific tag.
_PLAIN_TAGS = frozenset(
    {None, "!"}
    | {_YAML_TAG + t for t in ("str", "int", "float", "bool", "null", "timestamp", "seq", "map")}
)
_TRUE_WORDS = frozenset({"true", "yes", "on"})
_FALSE_WORDS = frozenset({"false", "no", "off"})
_COLOR = re.compile(r"#([0-9A-Fa-f]{3}|[0-9A-Fa-f]{6})")
# "color: #E69F00" unquoted is a comment, so YAML sees no value: recognise it to say so.
_COMMENTED_COLOR = re.compile(r"[ \t]*#[0-9A-Fa-f]{3}(?:[0-9A-Fa-f]{3})?\b")
# Characters that make a one-line text more than one line, or invisible in a tree view.
_NOT_ONE_LINE = frozenset({"Cc", "Zl", "Zp", "Cs"})
# Line breaks that reading turns into "\n" or a space unless escaped in double quotes.
_BLOCK_UNSAFE = re.compile("[\r\x85\u2028\u2029]")
_FOLD_AT = 60
"""Single-line prose longer than this is written as a folded ``>`` block."""
_DUMP_WIDTH = 72
"""PyYAML breaks long text at the first space past this column, before the 2-space indent that
``dump_codebook`` adds, so lines of ordinary prose mostly end within 90 characters; a wider
setting lets long words push lines past that."""


@dataclass(frozen=True)
class CodeSpec:
    """One code as a codebook file describes it; ``children`` are its sub-codes, in order."""

    name: str
    """Stripped, one line, unique among its siblings; may contain ``/``, ``:``, quotes, emoji."""
    definition: str = ""
    """What the code means."""
    inclusion: str = ""
    """When to apply it."""
    exclusion: str = ""
    """When not to apply it (and which code to use instead)."""
    example: str = ""
    """A typical excerpt."""
    keywords: tuple[str, ...] = ()
    """Words or phrases that signal the code; excerpt suggestions search for them."""
    color: str | None = None
    """Upper-case ``#RRGGBB``, or None to let the application choose."""
    codable: bool = True
    """False for a theme that only groups codes and is never applied to text itself."""
    children: tuple[CodeSpec, ...] = ()


@dataclass(frozen=True)
class Codebook:
    """A whole codebook file: top-level codes (themes) in order, with an optional title."""

    codes: tuple[CodeSpec, ...]
    name: str | None = None
    description: str | None = None

    def walk(self) -> Iterator[tuple[tuple[str, ...], CodeSpec]]:
        """Every code with its path of names from the top, depth-first, in file order."""
        stack: list[tuple[tuple[str, ...], CodeSpec]] = [((c.name,), c) for c in self.codes]
        stack.reverse()
        # An explicit stack rather than recursion: no depth limit for programmatic codebooks.
        while stack:
            path, code = stack.pop()
            yield path, code
            stack.extend((path + (child.name,), child) for child in reversed(code.children))

    def count(self) -> int:
        """How many codes there are at every level."""
        return sum(1 for _ in self.walk())


# --------------------------------------------------------------------------------------------
# Reading


class _Problem(Exception):
    """A problem at a line; becomes a ``CodebookError`` once the caller adds the source name."""

    def __init__(self, line: int | None, message: str) -> None:
        super().__init__(message)
        self.line = line
        self.message = message


class _PlainDataLoader(yaml.SafeLoader):
    """Composes a node tree and refuses anything that is not plain text, lists and mappings.

    Aliases are refused rather than expanded: a codebook never needs them, and expanding them is
    how a few lines of YAML become gigabytes ("billion laughs").
    """

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._depth = 0

    def compose_node(self, parent: Node | None, index: Any) -> Node | None:
        event: yaml.NodeEvent = self.peek_event()  # type: ignore[no-untyped-call]
        line = event.start_mark.line + 1 if event.start_mark is not None else None
        if isinstance(event, yaml.AliasEvent):
            raise _Problem(
                line,
                f"YAML aliases ({_quote(f'*{event.anchor}')}) are not allowed in a codebook: "
                "write the text out, or put it in quotes if '*' is part of it",
            )
        if event.anchor is not None:
            raise _Problem(
                line,
                f"YAML anchors ({_quote(f'&{event.anchor}')}) are not allowed in a codebook: "
                "put the text in quotes if '&' is part of it",
            )
        tag: str | None = getattr(event, "tag", None)
        if tag is not None and tag not in _PLAIN_TAGS:
            shown = tag.replace(_YAML_TAG, "!!", 1) if tag.startswith(_YAML_TAG) else tag
            raise _Problem(
                line,
                f"YAML tag {_quote(shown)} is not allowed in a codebook: write plain text, "
                "or put it in quotes if '!' is part of it",
            )
        self._depth += 1
        try:
            if self._depth > MAX_NESTING:
                raise _Problem(line, f"nested more than {MAX_NESTING} levels deep")
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


def parse_codebook(text: str, source: str = "<codebook>") -> Codebook:
    """Read codebook YAML; ``source`` (usually the file name) starts every error message."""
    text = text.removeprefix("\ufeff")
    if len(text) > MAX_FILE_BYTES:
        raise CodebookError(
            f"{source}: larger than {MAX_FILE_BYTES // (1024 * 1024)} MB; "
            "a codebook is a small text file: is this the right file?"
        )
    try:
        root = _compose(text)
        if root is None:
            raise _Problem(
                None, "the file is empty: a codebook needs a 'codes:' list (see docs/codebook.md)"
            )
        return _codebook(root)
    except _Problem as problem:
        where = f"{source}: line {problem.line}: " if problem.line else f"{source}: "
        raise CodebookError(where + problem.message) from None


def load_codebook(path: str | Path) -> Codebook:
    """Read a codebook file (UTF-8, with or without a byte-order mark, any line endings)."""
    path = Path(path)
    try:
        with path.open("rb") as file:
            data = file.read(MAX_FILE_BYTES + 1)
    except FileNotFoundError:
        raise CodebookError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise CodebookError(f"{path}: is a folder, not a codebook file") from None
    except OSError as exc:
        raise CodebookError(f"{path}: cannot read the file: {exc.strerror or exc}") from None
    if len(data) > MAX_FILE_BYTES:
        raise CodebookError(
            f"{path}: larger than {MAX_FILE_BYTES // (1024 * 1024)} MB; "
            "a codebook is a small text file: is this the right file?"
        )
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise CodebookError(f"{path}: saved as UTF-16; save it as UTF-8 and try again")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise CodebookError(
            f"{path}: line {line}: not UTF-8 text (byte 0x{data[exc.start]:02X}); "
            "save the file as UTF-8"
        ) from None
    return parse_codebook(text, source=str(path))


def _compose(text: str) -> Node | None:
    """The YAML node tree of ``text``, with YAML's own errors turned into one-line problems."""
    try:
        loader = _PlainDataLoader(text)
    except yaml.reader.ReaderError as exc:
        # Raised by the reader before any token: the position is an index into ``text``.
        raise _Problem(
            text.count("\n", 0, exc.position) + 1,
            f"not valid YAML: character #x{exc.character:04X} is not allowed in YAML text",
        ) from None
    try:
        return loader.get_single_node()
    except yaml.MarkedYAMLError as exc:
        raise _yaml_problem(exc) from None
    except yaml.YAMLError as exc:  # pragma: no cover - PyYAML marks every parse error
        raise _Problem(None, f"not valid YAML: {' '.join(str(exc).split())}") from None
    finally:
        loader.dispose()


def _yaml_problem(exc: yaml.MarkedYAMLError) -> _Problem:
    """PyYAML's two-part message (context, problem) as one line at the most useful line."""
    problem = exc.problem or "cannot be read"
    context = exc.context or ""
    mark = exc.problem_mark or exc.context_mark
    # A scanning error or a missing closing bracket or quote is found at a later line than the
    # mistake; the context mark points at where it starts, which is what the user must fix.
    started_earlier = context.startswith("while scanning") or "end of stream" in problem
    started_earlier = started_earlier or "<stream end>" in problem
    if exc.context_mark is not None and (mark is None or started_earlier):
        mark = exc.context_mark
    line = mark.line + 1 if mark is not None else None
    message = f"not valid YAML: {problem}"
    if context and not context.startswith("while"):
        # A context that is the first half of a sentence ("expected a single document ...").
        message = f"not valid YAML: {context}, {problem}"
    elif context:
        context_line = exc.context_mark.line + 1 if exc.context_mark is not None else None
        if context_line is not None and context_line != line:
            message += f" ({context} at line {context_line})"
        else:
            message += f" ({context})"
    if "'\\t'" in problem:
        message += "; indent with spaces, not tabs"
    elif problem == "mapping values are not allowed here":
        message += "; put text that contains ': ' in quotes"
    elif "another document" in problem:
        message += "; a codebook file holds one YAML document: remove the extra '---'"
    elif problem == "could not find expected ':'":
        message += "; each line of a code is 'key: value'"
    return _Problem(line, message)


def _codebook(root: Node) -> Codebook:
    if not isinstance(root, MappingNode):
        raise _Problem(
            _line(root),
            f"the top level must be a mapping with a 'codes:' list, not {_kind(root)}",
        )
    fields = _fields(root, TOP_KEYS, "at the top level")
    if "codes" not in fields:
        raise _Problem(_line(root), "no 'codes:' list at the top level: a codebook needs one")
    name = description = None
    if "name" in fields:
        name = _text(fields["name"][1], "the codebook name").strip() or None
    if "description" in fields:
        description = _text(fields["description"][1], "the codebook description")
        description = description.rstrip("\n") or None
    codes_node = fields["codes"][1]
    if _is_null(codes_node):
        raise _Problem(
            _line(codes_node), "'codes' is empty: list the codes under it, or write 'codes: []'"
        )
    if not isinstance(codes_node, SequenceNode):
        raise _Problem(
            _line(codes_node),
            f"'codes' must be a list of codes, each starting with '- name:', "
            f"not {_kind(codes_node)}",
        )
    return Codebook(codes=_codes(codes_node, ()), name=name, description=description)


def _codes(node: SequenceNode, parent: tuple[str, ...]) -> tuple[CodeSpec, ...]:
    first_lines: dict[str, int] = {}
    return tuple(_code(item, parent, first_lines) for item in node.value)


def _code(node: Node, parent: tuple[str, ...], first_lines: dict[str, int]) -> CodeSpec:
    """One code; ``first_lines`` maps the names of siblings read so far to their lines."""
    under = f"under {_quote(format_path(parent))}" if parent else "at the top level"
    if not isinstance(node, MappingNode):
        hint = ""
        if isinstance(node, ScalarNode) and node.tag != _NULL_TAG:
            hint = f" (write '- name: {_shorten(node.value)}')"
        raise _Problem(
            _line(node),
            f"a code {under} must be a mapping starting with 'name:', not {_kind(node)}{hint}",
        )
    # Messages about the other keys name the code, wherever its 'name:' line is.
    label = f"a code {under} with no name"
    for key_node, value_node in node.value:
        if isinstance(key_node, ScalarNode) and key_node.value == "name":
            first_name = _text(value_node, "").strip() if isinstance(value_node, ScalarNode) else ""
            if first_name:
                label = f"code {_quote(first_name)}"
            break
    fields = _fields(node, CODE_KEYS, f"in {label}")

    if "name" not in fields:
        raise _Problem(_line(node), f"a code {under} has no 'name:'")
    name_key, name_node = fields["name"]
    name = _one_line(_text(name_node, f"the name of a code {under}"), name_node, "code name")
    if not name:
        raise _Problem(
            _line(name_node), f"a code {under} has an empty name{_comment_hint(name_node)}"
        )
    if name in first_lines:
        raise _Problem(
            _line(name_key),
            f"duplicate code name {_quote(name)} {under} (first at line {first_lines[name]})",
        )
    first_lines[name] = _line(name_key)
    label = f"code {_quote(name)}"

    texts = {
        key: _text(fields[key][1], f"the {key} of {label}").rstrip("\n")
        for key in _TEXT_KEYS
        if key in fields
    }
    keywords = _keywords(fields["keywords"][1], label) if "keywords" in fields else ()
    color = _color(fields["color"][1], label) if "color" in fields else None
    codable = _codable(fields["codable"][1], label) if "codable" in fields else True
    children: tuple[CodeSpec, ...] = ()
    if "children" in fields:
        children_node = fields["children"][1]
        if isinstance(children_node, SequenceNode):
            children = _codes(children_node, parent + (name,))
        elif not _is_null(children_node):
            raise _Problem(
                _line(children_node),
                f"the children of {label} must be a list of codes, each starting with "
                f"'- name:', not {_kind(children_node)}",
            )
    return CodeSpec(
        name=name,
        keywords=keywords,
        color=color,
        codable=codable,
        children=children,
        **texts,
    )


def _fields(node: MappingNode, allowed: Sequence[str], where: str) -> dict[str, tuple[Node, Node]]:
    """Key -> (key node, value node), refusing unknown and repeated keys in file order."""
    found: dict[str, tuple[Node, Node]] = {}
    for key_node, value_node in node.value:
        if not isinstance(key_node, ScalarNode):
            raise _Problem(_line(key_node), f"a key {where} must be a word, not {_kind(key_node)}")
        key = key_node.value
        if key in found:
            raise _Problem(
                _line(key_node),
                f"duplicate key {_quote(key)} {where} (first at line {_line(found[key][0])})",
            )
        if key not in allowed:
            raise _Problem(
                _line(key_node),
                f"unknown key {_quote(key)} {where} "
                f"({_suggestion(key, allowed)}allowed: {', '.join(allowed)})",
            )
        found[key] = (key_node, value_node)
    return found


def _suggestion(key: str, allowed: Sequence[str]) -> str:
    guess = _KEY_SYNONYMS.get(key.strip().lower())
    if guess not in allowed:
        close = difflib.get_close_matches(key.strip().lower(), allowed, n=1, cutoff=0.6)
        guess = close[0] if close else None
    return f"did you mean {_quote(guess)}? " if guess else ""


def _text(node: Node, what: str) -> str:
    """A scalar as written: ``2020``, ``yes`` and ``1e3`` stay those characters, not numbers."""
    if not isinstance(node, ScalarNode):
        raise _Problem(_line(node), f"{what} must be text, not {_kind(node)}")
    # YAML's null (empty, ~, null) means the field was left blank.
    return "" if node.tag == _NULL_TAG else node.value


def _one_line(text: str, node: Node, what: str) -> str:
    """``text`` stripped, refused if it has line breaks or control characters."""
    text = text.strip()
    if any(unicodedata.category(ch) in _NOT_ONE_LINE for ch in text):
        raise _Problem(
            _line(node),
            f"{what} {_quote(text)} must be one line without control characters",
        )
    return text


def _keywords(node: Node, label: str) -> tuple[str, ...]:
    if _is_null(node):
        return ()
    if not isinstance(node, SequenceNode):
        raise _Problem(
            _line(node),
            f"the keywords of {label} must be a list, e.g. [bus fare, lunch], not {_kind(node)}",
        )
    keywords = []
    for number, item in enumerate(node.value, start=1):
        what = f"keyword {number} of {label}"
        keyword = _one_line(_text(item, what), item, what)
        if not keyword:
            raise _Problem(_line(item), f"{what} is empty{_comment_hint(item)}")
        keywords.append(keyword)
    return tuple(keywords)


def _color(node: Node, label: str) -> str | None:
    if _is_null(node):
        if _COMMENTED_COLOR.match(_rest_of_line(node)):
            raise _Problem(
                _line(node),
                f'the color of {label} must be in quotes, e.g. color: "#E69F00" '
                "(an unquoted '#' starts a comment)",
            )
        return None
    text = _text(node, f"the color of {label}").strip()
    if not _COLOR.fullmatch(text):
        raise _Problem(
            _line(node),
            f"the color of {label} is {_quote(text)}, not a colour: "
            'write "#RRGGBB" or "#RGB", e.g. "#E69F00"',
        )
    return _normalise_color(text)


def _normalise_color(text: str) -> str:
    digits = text[1:].upper()
    if len(digits) == 3:
        digits = "".join(d * 2 for d in digits)
    return "#" + digits


def _codable(node: Node, label: str) -> bool:
    # YAML 1.1 reads yes/no/on/off as booleans too; quoted "true" is text and is refused, so
    # what a user sees as a boolean is exactly what is accepted.
    if isinstance(node, ScalarNode) and node.tag == _BOOL_TAG:
        word = node.value.lower()
        if word in _TRUE_WORDS:
            return True
        if word in _FALSE_WORDS:
            return False
    shown = _quote(node.value) if isinstance(node, ScalarNode) else _kind(node)
    raise _Problem(_line(node), f"codable of {label} must be true or false, not {shown}")


def _is_null(node: Node) -> bool:
    return isinstance(node, ScalarNode) and node.tag == _NULL_TAG


def _line(node: Node) -> int:
    return node.start_mark.line + 1


def _rest_of_line(node: Node) -> str:
    """The source text after ``node`` on its line (empty if PyYAML kept no buffer)."""
    mark = node.start_mark
    if mark.buffer is None:
        return ""
    rest = mark.buffer[mark.pointer :]
    return re.split(r"[\r\n\x85\u2028\u2029\0]", rest, maxsplit=1)[0]


def _comment_hint(node: Node) -> str:
    if _is_null(node) and _rest_of_line(node).lstrip().startswith("#"):
        return " (an unquoted '#' starts a comment: put the text in quotes)"
    return ""


def _kind(node: Node) -> str:
    if isinstance(node, MappingNode):
        return "a mapping"
    if isinstance(node, SequenceNode):
        return "a list"
    if node.tag == _NULL_TAG:
        return "nothing"
    return f"the text {_quote(node.value)}"


def _shorten(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _quote(text: str) -> str:
    """``text`` in quotes for a message, shortened, with line breaks and controls escaped."""
    shown = "".join(
        ch.encode("unicode_escape").decode("ascii")
        if unicodedata.category(ch) in _NOT_ONE_LINE
        else ch
        for ch in _shorten(text)
    )
    return f"'{shown}'"


# --------------------------------------------------------------------------------------------
# Writing


class _Dumper(yaml.SafeDumper):
    """Writes the block style people edit by hand, with lists indented under their key."""

    def ignore_aliases(self, data: Any) -> bool:
        # Never write anchors and aliases, even for an object that appears twice: the reader
        # refuses them.
        return True

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        # PyYAML writes "key:\n- item" by default; most hand-written YAML indents the dash.
        super().increase_indent(flow, False)

    # Inside "[...]" a keyword is never broken across lines ("dropped\n out" reads back the
    # same but looks like two keywords); the list still breaks between keywords.
    def write_plain(self, text: str, split: bool = True) -> None:
        super().write_plain(text, split and not self.flow_level)

    def write_single_quoted(self, text: str, split: bool = True) -> None:
        super().write_single_quoted(text, split and not self.flow_level)

    def write_double_quoted(self, text: str, split: bool = True) -> None:
        super().write_double_quoted(text, split and not self.flow_level)


class _Prose(str):
    """A description, definition, inclusion, exclusion or example: written as a block if long."""


class _InlineList(list[str]):
    """Keywords, written on one line: ``keywords: [bus fare, lunch]``."""


def _represent_text(dumper: yaml.SafeDumper, text: str) -> yaml.ScalarNode:
    if _BLOCK_UNSAFE.search(text):
        # PyYAML would write these raw in plain, quoted or block text, where reading turns them
        # into "\n" or a space; double quotes escape them (\r, \N, \L, \P).
        return dumper.represent_scalar(_YAML_TAG + "str", text, style='"')
    return dumper.represent_scalar(_YAML_TAG + "str", str(text))


def _represent_prose(dumper: yaml.SafeDumper, text: _Prose) -> yaml.ScalarNode:
    # Prose as people write it: several lines as a "|" block, a long line as a ">" block that
    # wraps without quotes to escape. PyYAML falls back to quotes when a block cannot hold the
    # text exactly (trailing spaces, tabs, control characters). The newline added makes the
    # header "|" or ">" rather than "|-"; the reader strips it again.
    if _BLOCK_UNSAFE.search(text):
        return _represent_text(dumper, text)
    if "\n" in text:
        return dumper.represent_scalar(_YAML_TAG + "str", text + "\n", style="|")
    # Not when the text starts with a space: YAML keeps the line breaks after an indented
    # first line, so the text would not read back as written.
    if len(text) > _FOLD_AT and not text[0].isspace():
        return dumper.represent_scalar(_YAML_TAG + "str", text + "\n", style=">")
    return _represent_text(dumper, text)


def _represent_inline_list(dumper: yaml.SafeDumper, items: _InlineList) -> yaml.SequenceNode:
    return dumper.represent_sequence(_YAML_TAG + "seq", items, flow_style=True)


_Dumper.add_representer(str, _represent_text)
_Dumper.add_representer(_Prose, _represent_prose)
_Dumper.add_representer(_InlineList, _represent_inline_list)


def dump_codebook(codebook: Codebook) -> str:
    """The codebook as YAML in the same shape ``parse_codebook`` reads.

    Empty fields are left out. Refuses (``CodebookError``) a codebook the reader would reject,
    such as one with two sibling codes of the same name, so an export can always be imported.
    """
    head: dict[str, str] = {}
    if codebook.name and codebook.name.strip():
        head["name"] = codebook.name.strip()
    if codebook.description and codebook.description.rstrip("\n"):
        head["description"] = _Prose(codebook.description.rstrip("\n"))
    parts = [_to_yaml(head) + "\n"] if head else []
    if not codebook.codes:
        return "".join(parts) + "codes: []\n"
    # Each theme dumped on its own, so a blank line can separate themes without touching the
    # inside of any text; indenting every line alike keeps the YAML meaning unchanged.
    # Every line that is not empty: textwrap's default skips lines of Unicode whitespace only
    # (a no-break space), which would then fall outside their block and break the YAML.
    themes = [
        textwrap.indent(_to_yaml([data]), "  ", predicate=lambda line: bool(line.strip("\r\n")))
        for data in _codes_data(codebook.codes, ())
    ]
    return "".join(parts) + "codes:\n" + "\n".join(themes)


def save_codebook(codebook: Codebook, path: str | Path) -> None:
    """Write ``dump_codebook(codebook)`` to ``path`` as UTF-8, replacing it in one step."""
    path = Path(path)
    try:
        data = dump_codebook(codebook).encode("utf-8")
    except CodebookError as exc:
        raise CodebookError(f"{path}: {exc.message}") from None
    try:
        write_atomically(path, lambda handle: handle.write(data))
    except QualcodeError as exc:
        raise CodebookError(exc.message) from None


def _to_yaml(data: object) -> str:
    return yaml.dump(
        data,
        Dumper=_Dumper,
        allow_unicode=True,
        sort_keys=False,
        default_flow_style=False,
        width=_DUMP_WIDTH,
        indent=2,
    )


def _codes_data(codes: Sequence[CodeSpec], parent: tuple[str, ...]) -> list[dict[str, object]]:
    under = f"under {_quote(format_path(parent))}" if parent else "at the top level"
    seen: set[str] = set()
    result = []
    for code in codes:
        name = code.name.strip()
        if not name:
            raise CodebookError(f"cannot write the codebook: a code {under} has an empty name")
        if any(unicodedata.category(ch) in _NOT_ONE_LINE for ch in name):
            raise CodebookError(
                f"cannot write the codebook: code name {_quote(name)} {under} "
                "must be one line without control characters"
            )
        if name in seen:
            raise CodebookError(
                f"cannot write the codebook: two codes named {_quote(name)} {under}"
            )
        seen.add(name)
        data: dict[str, object] = {"name": name}
        for key in _TEXT_KEYS:
            value = getattr(code, key).rstrip("\n")
            if value:
                data[key] = _Prose(value)
        if code.keywords:
            data["keywords"] = _InlineList(_keywords_data(code, name))
        if code.color:
            if not _COLOR.fullmatch(code.color):
                raise CodebookError(
                    f"cannot write the codebook: the color of code {_quote(name)} is "
                    f'{_quote(code.color)}, not "#RRGGBB" or "#RGB"'
                )
            data["color"] = _normalise_color(code.color)
        if not code.codable:
            data["codable"] = False
        if code.children:
            data["children"] = _codes_data(code.children, parent + (name,))
        result.append(data)
    return result


def _keywords_data(code: CodeSpec, name: str) -> list[str]:
    keywords = [keyword.strip() for keyword in code.keywords]
    for keyword in keywords:
        if not keyword or any(unicodedata.category(ch) in _NOT_ONE_LINE for ch in keyword):
            raise CodebookError(
                f"cannot write the codebook: keyword {_quote(keyword)} of code {_quote(name)} "
                "must be one line of text"
            )
    return keywords
