"""Tests for qualcode.codebook: reading, checking and writing codebook YAML files."""

from __future__ import annotations

import os
import stat
import textwrap
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from qualcode import codebook as codebook_module
from qualcode.codebook import (
    CODE_KEYS,
    Codebook,
    CodeSpec,
    dump_codebook,
    format_path,
    load_codebook,
    parse_codebook,
    save_codebook,
)
from qualcode.errors import CodebookError, QualcodeError

from .conftest import REPO, run_python

DATA = Path(__file__).parent / "data" / "codebooks"
DUSSK = REPO / "codebooks" / "dussk.yaml"


def parse(text: str) -> Codebook:
    return parse_codebook(textwrap.dedent(text), source="x.yaml")


def error_of(text: str) -> str:
    with pytest.raises(CodebookError) as info:
        parse(text)
    return str(info.value)


SMALL = Codebook(
    name="Youth programme study",
    description="Codes for the first round of participant interviews.",
    codes=(
        CodeSpec(
            name="Engagement barriers",
            definition="Anything that makes it harder for a participant to attend or take part.",
            inclusion="Apply to practical, social or personal obstacles the participant names.",
            exclusion="Not for reasons to stop attending altogether; use Dropping out.",
            example="I can't come on Tuesdays, the bus fare is too much.",
            keywords=("bus fare", "lunch", "time"),
            color="#E69F00",
            codable=False,
            children=(
                CodeSpec(
                    name="Travel",
                    definition="Getting to and from sessions.",
                    keywords=("bus", "fare", "lift"),
                ),
                CodeSpec(
                    name="Cost",
                    definition="Money the participant has to find:\nfares, food, equipment.",
                ),
            ),
        ),
        CodeSpec(
            name="Dropping out", definition="The participant stops attending.", color="#00AAFF"
        ),
    ),
)


# ------------------------------------------------------------------------------------------
# Reading valid files


def test_small_fixture_loads_every_field() -> None:
    assert load_codebook(DATA / "small.yaml") == SMALL


def test_walk_is_depth_first_in_file_order_with_paths() -> None:
    assert [path for path, _ in SMALL.walk()] == [
        ("Engagement barriers",),
        ("Engagement barriers", "Travel"),
        ("Engagement barriers", "Cost"),
        ("Dropping out",),
    ]
    assert [spec.name for _, spec in SMALL.walk()] == [
        "Engagement barriers",
        "Travel",
        "Cost",
        "Dropping out",
    ]
    assert SMALL.count() == 4
    assert Codebook(codes=()).count() == 0


def test_format_path() -> None:
    assert format_path(["Theme", "Sub", "Subsub"]) == "Theme/Sub/Subsub"
    assert format_path(("Only",)) == "Only"


def test_four_level_tree() -> None:
    book = load_codebook(DATA / "deep.yaml")
    paths = [format_path(path) for path, _ in book.walk()]
    assert paths == [
        "Level 1",
        "Level 1/Level 2",
        "Level 1/Level 2/Level 3",
        "Level 1/Level 2/Level 3/Level 4",
        "Level 1/Level 2/Level 3/Level 4b",
        "Level 1/Level 2/Level 3b",
        "Other",
    ]
    deepest = dict(book.walk())[("Level 1", "Level 2", "Level 3", "Level 4")]
    assert deepest.definition == "The deepest code."
    assert book.codes[0].codable is False
    assert parse_codebook(dump_codebook(book)) == book


def test_names_with_slashes_punctuation_and_unicode_load_and_dump_back_exactly() -> None:
    book = load_codebook(DATA / "names.yaml")
    assert [spec.name for _, spec in book.walk()] == [
        "Arc<T>/Rc<T>",
        "If it compiles, it works",
        "Note: ownership",
        'It\'s "fine"',
        "Café — naïve 日本語 🙂",
        "2020",
        "yes",
        "- dash",
        "#hashtag",
        "a/b/c",
        "*star",
    ]
    text = dump_codebook(book)
    assert parse_codebook(text) == book
    assert "Café — naïve 日本語 🙂" in text  # unicode written as is, not escaped
    assert "Arc<T>/Rc<T>" in text


def test_bom_is_ignored() -> None:
    raw = (DATA / "windows.yaml").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    assert load_codebook(DATA / "windows.yaml") == SMALL
    assert parse_codebook("\ufeffcodes:\n  - name: A\n") == Codebook(codes=(CodeSpec("A"),))


def test_crlf_file_loads_like_lf_and_keeps_line_numbers() -> None:
    assert b"\r\n" in (DATA / "windows.yaml").read_bytes()
    book = load_codebook(DATA / "windows.yaml")
    # Line breaks inside a block scalar come back as "\n", not "\r\n".
    assert book.codes[0].children[1].definition == (
        "Money the participant has to find:\nfares, food, equipment."
    )
    with pytest.raises(CodebookError) as info:
        load_codebook(DATA / "broken_crlf.yaml")
    assert str(info.value).startswith(f"{DATA / 'broken_crlf.yaml'}: line 3: unknown key")


def test_scalars_as_names_keep_the_text_as_written() -> None:
    book = parse(
        """\
        codes:
          - name: 2020
          - name: 1e3
          - name: yes
          - name: 0o17
          - name: 3.10
          - name: 2024-01-31
          - name: "null"
          - name: =
          - name: '  padded  '
        """
    )
    assert [c.name for c in book.codes] == [
        "2020",
        "1e3",
        "yes",
        "0o17",
        "3.10",
        "2024-01-31",
        "null",
        "=",
        "padded",
    ]


def test_text_fields_keep_what_is_written_without_trailing_newlines() -> None:
    book = parse(
        """\
        codes:
          - name: A
            definition: |
              Two lines,
              kept apart.
            inclusion: >
              Folded
              into one.
            exclusion: >-
              No newline
              at all.
            example: |2+
                Indented first line
              kept.

          - name: B
            definition: 42
            inclusion: "  spaces kept  "
            exclusion:
            example: ~
        """
    )
    a, b = book.codes
    assert a.definition == "Two lines,\nkept apart."
    assert a.inclusion == "Folded into one."
    assert a.exclusion == "No newline at all."
    assert a.example == "  Indented first line\nkept."
    assert b.definition == "42"
    assert b.inclusion == "  spaces kept  "
    assert b.exclusion == "" and b.example == ""


def test_colour_is_normalised_to_upper_case_six_digits() -> None:
    book = parse(
        """\
        codes:
          - name: A
            color: "#abc"
          - name: B
            color: '#e69F00'
          - name: C
            color:
        """
    )
    assert [c.color for c in book.codes] == ["#AABBCC", "#E69F00", None]


def test_codable_booleans() -> None:
    book = parse(
        """\
        codes:
          - name: A
            codable: false
          - name: B
            codable: true
          - name: C
            codable: no
          - name: D
        """
    )
    assert [c.codable for c in book.codes] == [False, True, False, True]


def test_keywords_are_stripped_strings() -> None:
    book = parse(
        """\
        codes:
          - name: A
            keywords: [ bus fare , 2020, "a, b"]
          - name: B
            keywords:
              - lunch
          - name: C
            keywords:
            children:
        """
    )
    assert [c.keywords for c in book.codes] == [("bus fare", "2020", "a, b"), ("lunch",), ()]
    assert book.codes[2].children == ()


def test_top_level_name_and_description_are_optional() -> None:
    assert parse("codes: []\n") == Codebook(codes=())
    book = parse(
        """\
        name: '  Study  '
        description: |
          First line.
          Second line.
        codes: []
        """
    )
    assert book.name == "Study"
    assert book.description == "First line.\nSecond line."
    assert parse("name:\ndescription: ''\ncodes: []\n") == Codebook(codes=())


def test_comments_anywhere() -> None:
    book = parse(
        """\
        # heading comment
        codes:   # the list
          # before a code
          - name: A   # trailing
            definition: text # not part of it
        """
    )
    assert book.codes == (CodeSpec(name="A", definition="text"),)


# ------------------------------------------------------------------------------------------
# Errors: one line, naming the source and the line


ERRORS = [
    pytest.param(
        "codes:\n  - name: T\n    definition this\n  - name: X\n",
        3,
        "not valid YAML: could not find expected ':'",
        id="yaml-missing-colon",
    ),
    pytest.param(
        "codes:\n  - name: x\n    definition: Travel: bus\n",
        3,
        "not valid YAML: mapping values are not allowed here; "
        "put text that contains ': ' in quotes",
        id="yaml-colon-in-text",
    ),
    pytest.param("codes:\n\t- name: x\n", 2, "indent with spaces, not tabs", id="yaml-tab"),
    pytest.param(
        'codes:\n  - name: "abc\n  - name: y\n', 2, "not valid YAML", id="yaml-unclosed-quote"
    ),
    pytest.param("codes:\n  - name: [a, b\n\n", 2, "not valid YAML", id="yaml-unclosed-bracket"),
    pytest.param(
        "codes: []\n---\ncodes: []\n", 2, "remove the extra '---'", id="yaml-two-documents"
    ),
    pytest.param("codes:\n  - name: a\x00b\n", 2, "#x0000 is not allowed", id="yaml-nul"),
    pytest.param(
        "# c\n- name: x\n",
        2,
        "the top level must be a mapping with a 'codes:' list, not a list",
        id="top-list",
    ),
    pytest.param("just text\n", 1, "the top level must be a mapping", id="top-scalar"),
    pytest.param("# c\nname: Study\n", 2, "no 'codes:' list at the top level", id="missing-codes"),
    pytest.param("codes:\n  name: x\n", 2, "'codes' must be a list of codes", id="codes-mapping"),
    pytest.param("codes: Travel\n", 1, "'codes' must be a list of codes", id="codes-scalar"),
    pytest.param("name: x\ncodes:\n", 2, "'codes' is empty", id="codes-null"),
    pytest.param(
        "name: x\nkodes: []\n",
        2,
        "unknown key 'kodes' at the top level (did you mean 'codes'? "
        "allowed: name, description, codes)",
        id="unknown-top-key",
    ),
    pytest.param(
        "codes:\n  - name: A\n  - Travel\n",
        3,
        "a code at the top level must be a mapping starting with 'name:', not the text "
        "'Travel' (write '- name: Travel')",
        id="code-scalar",
    ),
    pytest.param(
        "codes:\n  - name: A\n    children:\n      - [x]\n",
        4,
        "a code under 'A' must be a mapping starting with 'name:', not a list",
        id="code-list",
    ),
    pytest.param(
        "codes:\n  - name: Travel\n    defintion: x\n",
        3,
        "unknown key 'defintion' in code 'Travel' (did you mean 'definition'? allowed: "
        + ", ".join(CODE_KEYS)
        + ")",
        id="unknown-code-key",
    ),
    pytest.param(
        "codes:\n  - colour: red\n    name: Travel\n",
        2,
        "unknown key 'colour' in code 'Travel' (did you mean 'color'?",
        id="unknown-key-before-name",
    ),
    pytest.param(
        "codes:\n  - name: A\n    subcodes: []\n",
        3,
        "did you mean 'children'?",
        id="synonym-subcodes",
    ),
    pytest.param(
        "codes:\n  - name: A\n    zzzz: 1\n",
        3,
        "unknown key 'zzzz' in code 'A' (allowed: name,",
        id="unknown-key-no-suggestion",
    ),
    pytest.param(
        "codes:\n  - definition: x\n", 2, "a code at the top level has no 'name:'", id="no-name"
    ),
    pytest.param(
        "codes:\n  - name: A\n    children:\n      - definition: x\n",
        4,
        "a code under 'A' has no 'name:'",
        id="no-name-child",
    ),
    pytest.param(
        "codes:\n  - name:  \n", 2, "a code at the top level has an empty name", id="empty-name"
    ),
    pytest.param("codes:\n  - name: '   '\n", 2, "has an empty name", id="blank-quoted-name"),
    pytest.param(
        "codes:\n  - name: #1 priority\n",
        2,
        "has an empty name (an unquoted '#' starts a comment: put the text in quotes)",
        id="name-is-comment",
    ),
    pytest.param(
        "codes:\n  - name: [a]\n",
        2,
        "the name of a code at the top level must be text, not a list",
        id="name-list",
    ),
    pytest.param(
        'codes:\n  - name: "two\\nlines"\n',
        2,
        "code name 'two\\nlines' must be one line without control characters",
        id="name-two-lines",
    ),
    pytest.param(
        "codes:\n  - name: Travel\n  - name: Cost\n  - name: ' Travel '\n",
        4,
        "duplicate code name 'Travel' at the top level (first at line 2)",
        id="duplicate-sibling-top",
    ),
    pytest.param(
        "codes:\n  - name: A\n    children:\n      - name: B\n\n      - name: B\n",
        6,
        "duplicate code name 'B' under 'A' (first at line 4)",
        id="duplicate-sibling-child",
    ),
    pytest.param(
        "codes:\n  - name: A\n    definition: x\n    definition: y\n",
        4,
        "duplicate key 'definition' in code 'A' (first at line 3)",
        id="duplicate-key-code",
    ),
    pytest.param(
        "codes:\n  - name: A\n    name: B\n",
        3,
        "duplicate key 'name' in code 'A' (first at line 2)",
        id="duplicate-key-name",
    ),
    pytest.param(
        "name: a\ncodes: []\nname: b\n",
        3,
        "duplicate key 'name' at the top level (first at line 1)",
        id="duplicate-key-top",
    ),
    pytest.param(
        "codes:\n  - name: A\n    color: red\n",
        3,
        "the color of code 'A' is 'red', not a colour: write \"#RRGGBB\" or \"#RGB\"",
        id="colour-word",
    ),
    pytest.param(
        "codes:\n  - name: A\n    color: '#E69F0'\n", 3, "is '#E69F0', not a colour", id="colour-5"
    ),
    pytest.param(
        "codes:\n  - name: A\n    color: #E69F00\n",
        3,
        "the color of code 'A' must be in quotes, e.g. color: \"#E69F00\"",
        id="colour-unquoted",
    ),
    pytest.param(
        "codes:\n  - name: A\n    color: [1]\n", 3, "must be text, not a list", id="colour-list"
    ),
    pytest.param(
        "codes:\n  - name: A\n    keywords: bus fare\n",
        3,
        "the keywords of code 'A' must be a list, e.g. [bus fare, lunch], not the text 'bus fare'",
        id="keywords-scalar",
    ),
    pytest.param(
        "codes:\n  - name: A\n    keywords:\n      - a\n      - {b: c}\n",
        5,
        "keyword 2 of code 'A' must be text, not a mapping",
        id="keyword-mapping",
    ),
    pytest.param(
        "codes:\n  - name: A\n    keywords:\n      - a\n      -\n",
        5,
        "keyword 2 of code 'A' is empty",
        id="keyword-empty",
    ),
    pytest.param(
        "codes:\n  - name: A\n    codable: maybe\n",
        3,
        "codable of code 'A' must be true or false, not 'maybe'",
        id="codable-word",
    ),
    pytest.param(
        "codes:\n  - name: A\n    codable: 'false'\n",
        3,
        "codable of code 'A' must be true or false, not 'false'",
        id="codable-quoted",
    ),
    pytest.param(
        "codes:\n  - name: A\n    codable: 0\n", 3, "must be true or false", id="codable-number"
    ),
    pytest.param(
        "codes:\n  - name: A\n    children: B\n",
        3,
        "the children of code 'A' must be a list of codes, each starting with '- name:'",
        id="children-scalar",
    ),
    pytest.param(
        "codes:\n  - name: A\n    children:\n      name: B\n",
        4,
        "must be a list of codes, each starting with '- name:', not a mapping",
        id="children-mapping",
    ),
    pytest.param(
        "codes:\n  - name: A\n    definition: [a, b]\n",
        3,
        "the definition of code 'A' must be text, not a list",
        id="definition-list",
    ),
    pytest.param("name: [a]\ncodes: []\n", 1, "the codebook name must be text", id="top-name-list"),
    pytest.param(
        "codes:\n  - name: A\n    [a]: b\n", 3, "a key in code 'A' must be a word", id="key-list"
    ),
    pytest.param(
        "codes:\n  - name: &a x\n  - name: *a\n",
        2,
        "YAML anchors ('&a') are not allowed",
        id="anchor",
    ),
    pytest.param(
        "codes:\n  - name: x\n    definition: *foo\n",
        3,
        "YAML aliases ('*foo') are not allowed",
        id="alias",
    ),
    pytest.param(
        "codes:\n  - name: !!python/object/apply:os.system [echo hi]\n",
        2,
        "YAML tag '!!python/object/apply:os.system' is not allowed",
        id="python-tag",
    ),
    pytest.param(
        "codes:\n  - name: !custom x\n", 2, "YAML tag '!custom' is not allowed", id="local-tag"
    ),
    pytest.param(
        "codes:\n  - name: A\n    keywords: !!set {a, b}\n",
        3,
        "YAML tag '!!set' is not allowed",
        id="set-tag",
    ),
    pytest.param(
        "codes:\n" + "  " + "[" * 150 + "]" * 150 + "\n",
        2,
        "nested more than 100 levels deep",
        id="too-deep",
    ),
]


@pytest.mark.parametrize(("text", "line", "expected"), ERRORS)
def test_error_names_source_and_line(text: str, line: int, expected: str) -> None:
    with pytest.raises(CodebookError) as info:
        parse_codebook(text, source="codebooks/x.yaml")
    message = str(info.value)
    assert message.startswith(f"codebooks/x.yaml: line {line}: "), message
    assert expected in message
    assert len(message.splitlines()) == 1
    assert isinstance(info.value, QualcodeError)


@pytest.mark.parametrize("text", ["", "\n\n  \n", "# only a comment\n", "\ufeff"])
def test_empty_file(text: str) -> None:
    with pytest.raises(CodebookError) as info:
        parse_codebook(text, source="x.yaml")
    assert str(info.value) == (
        "x.yaml: the file is empty: a codebook needs a 'codes:' list (see docs/codebook.md)"
    )


def test_explicit_plain_tags_are_fine() -> None:
    book = parse('codes:\n  - name: !!str 2020\n    definition: ! "x"\n')
    assert book.codes == (CodeSpec(name="2020", definition="x"),)


def test_billion_laughs_is_refused_quickly() -> None:
    lines = ['a0: &a0 "lol"']
    for i in range(1, 10):
        refs = ", ".join([f"*a{i - 1}"] * 10)
        lines.append(f"a{i}: &a{i} [{refs}]")
    lines.append("codes: [*a9]")
    message = error_of("\n".join(lines) + "\n")
    assert message.startswith("x.yaml: line 1: YAML anchors ('&a0') are not allowed")


def test_load_errors_name_the_file(tmp_path: Path) -> None:
    missing = tmp_path / "missing.yaml"
    with pytest.raises(CodebookError, match=r"missing\.yaml: no such file$"):
        load_codebook(missing)
    with pytest.raises(CodebookError, match="is a folder, not a codebook file"):
        load_codebook(tmp_path)
    with pytest.raises(CodebookError) as info:
        load_codebook(DATA / "not_utf8.yaml")
    assert str(info.value) == (
        f"{DATA / 'not_utf8.yaml'}: line 2: not UTF-8 text (byte 0xE9); save the file as UTF-8"
    )
    utf16 = tmp_path / "utf16.yaml"
    utf16.write_bytes("codes: []\n".encode("utf-16"))
    with pytest.raises(CodebookError, match="utf16.yaml: saved as UTF-16; save it as UTF-8"):
        load_codebook(utf16)


def test_file_size_limit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(codebook_module, "MAX_FILE_BYTES", 1024 * 1024)
    big = tmp_path / "big.yaml"
    big.write_text("codes: []\n" + "#" * (1024 * 1024) + "\n", encoding="utf-8")
    with pytest.raises(CodebookError, match=r"big\.yaml: larger than 1 MB"):
        load_codebook(big)
    with pytest.raises(CodebookError, match=r"^<codebook>: larger than 1 MB"):
        parse_codebook(big.read_text(encoding="utf-8"))


# ------------------------------------------------------------------------------------------
# Writing


def test_dump_shape() -> None:
    book = Codebook(
        name="Study",
        codes=(
            CodeSpec(
                name="Theme",
                definition="Line one.\nLine two.",
                keywords=("bus fare", "a, b"),
                color="#e69f00",
                codable=False,
                children=(CodeSpec(name="Sub: detail", example="“Quoted” café"),),
            ),
            CodeSpec(name="yes", inclusion="  leading spaces"),
        ),
    )
    assert dump_codebook(book) == textwrap.dedent(
        """\
        name: Study

        codes:
          - name: Theme
            definition: |
              Line one.
              Line two.
            keywords: [bus fare, 'a, b']
            color: '#E69F00'
            codable: false
            children:
              - name: 'Sub: detail'
                example: “Quoted” café

          - name: 'yes'
            inclusion: '  leading spaces'
        """
    )


def test_dump_empty_codebook() -> None:
    assert dump_codebook(Codebook(codes=())) == "codes: []\n"
    assert parse_codebook(dump_codebook(Codebook(codes=()))) == Codebook(codes=())


def test_dump_small_fixture_round_trips() -> None:
    text = dump_codebook(SMALL)
    assert parse_codebook(text) == SMALL
    assert "!!" not in text
    assert "codable: true" not in text
    for line in text.splitlines():
        assert len(line) <= 100


def test_long_text_is_wrapped_readably() -> None:
    words = " ".join(["participant"] * 40)
    quote = "\"I couldn't, I'd been out all night: I'm not going to sit in a room talking.\""
    book = Codebook(codes=(CodeSpec(name="A", definition=words, example=quote),))
    text = dump_codebook(book)
    assert max(len(line) for line in text.splitlines()) <= 90
    # A ">" block: no quotes to escape, so a person can edit the text as it reads.
    assert "    definition: >\n      participant participant" in text
    assert "    example: >\n      \"I couldn't, I'd been out all night: I'm not going" in text
    assert parse_codebook(text) == book


def test_example_in_the_user_document_is_valid() -> None:
    doc = (REPO / "docs" / "codebook.md").read_text(encoding="utf-8")
    example = doc.split("```yaml\n", 1)[1].split("```", 1)[0]
    book = parse_codebook(example, source="docs/codebook.md")
    assert [format_path(path) for path, _ in book.walk()] == [
        "Engagement barriers",
        "Engagement barriers/Travel",
        "Engagement barriers/Cost",
        "Dropping out",
    ]
    assert book.codes[0].color == "#E69F00" and book.codes[0].codable is False


@pytest.mark.parametrize(
    ("book", "expected"),
    [
        (
            Codebook(codes=(CodeSpec("A"), CodeSpec(" A"))),
            "cannot write the codebook: two codes named 'A' at the top level",
        ),
        (
            Codebook(codes=(CodeSpec("T", children=(CodeSpec("  "),)),)),
            "cannot write the codebook: a code under 'T' has an empty name",
        ),
        (
            Codebook(codes=(CodeSpec("a\nb"),)),
            "cannot write the codebook: code name 'a\\nb' at the top level must be one line",
        ),
        (
            Codebook(codes=(CodeSpec("A", color="red"),)),
            "cannot write the codebook: the color of code 'A' is 'red'",
        ),
        (
            Codebook(codes=(CodeSpec("A", keywords=("",)),)),
            "cannot write the codebook: keyword '' of code 'A' must be one line of text",
        ),
    ],
)
def test_dump_refuses_what_load_would_refuse(book: Codebook, expected: str) -> None:
    with pytest.raises(CodebookError) as info:
        dump_codebook(book)
    assert str(info.value).startswith(expected)


def test_save_and_load(tmp_path: Path) -> None:
    path = tmp_path / "out.yaml"
    save_codebook(SMALL, path)
    assert load_codebook(path) == SMALL
    assert path.read_bytes() == dump_codebook(SMALL).encode("utf-8")
    assert os.listdir(tmp_path) == ["out.yaml"]  # no temporary file left behind

    path.chmod(0o640)
    save_codebook(Codebook(codes=(CodeSpec("Only"),)), str(path))
    assert stat.S_IMODE(path.stat().st_mode) == 0o640
    assert load_codebook(path).codes == (CodeSpec("Only"),)


def test_save_errors_name_the_file(tmp_path: Path) -> None:
    missing = r"nowhere[/\\]out\.yaml: the folder .*nowhere does not exist"
    with pytest.raises(CodebookError, match=missing):
        save_codebook(SMALL, tmp_path / "nowhere" / "out.yaml")
    with pytest.raises(CodebookError, match=r"out\.yaml: cannot write the codebook: two codes"):
        save_codebook(Codebook(codes=(CodeSpec("A"), CodeSpec("A"))), tmp_path / "out.yaml")
    assert not (tmp_path / "out.yaml").exists()


# ------------------------------------------------------------------------------------------
# Properties


def _no_controls(text: str) -> bool:
    return not any(ch < " " or "\x7f" <= ch <= "\x9f" for ch in text)


# Names: any text, plus the words and characters YAML gives a meaning of its own.
YAMLISH = st.sampled_from(
    [
        "yes",
        "no",
        "on",
        "off",
        "true",
        "False",
        "null",
        "Null",
        "~",
        "1e3",
        "2020",
        "0x1F",
        "0o17",
        "3.14",
        ".inf",
        "-.5",
        "2024-01-31",
        "=",
        "<<",
        "-",
        "--",
        "---",
        "...",
        "?",
        ":",
        "- item",
        "? key",
        ": value",
        "a: b",
        "a:b",
        "a #b",
        "#hash",
        "*star",
        "&amp",
        "!bang",
        "!!str",
        "%pct",
        "@at",
        "`tick",
        "|",
        ">",
        "'",
        '"',
        "It's",
        'say "hi"',
        "[x]",
        "{x}",
        "a, b",
        "Arc<T>/Rc<T>",
        "If it compiles, it works",
        "a/b/c",
        "🙂",
        "👩\u200d🔬 emoji",
        "日本語",
        "Café",
        "\u00a0nbsp inside\u00a0x",
    ]
)
NAMES = (
    st.one_of(
        YAMLISH,
        st.text(min_size=1, max_size=20),
        st.lists(YAMLISH, min_size=2, max_size=4).map(" ".join),
    )
    .map(str.strip)
    .filter(lambda s: bool(s) and _no_controls(s) and "\u2028" not in s and "\u2029" not in s)
)
WORDS = st.sampled_from(
    [
        "participant",
        "said",
        "bus",
        "fare",
        "a:",
        "#",
        "-",
        "'q'",
        '"dq"',
        "  ",
        "\t",
        "é",
        "🙂",
        "yes",
        "null",
        "\n",
        "\n\n",
        " \n",
        "x" * 30,
    ]
)
# Free text: anything but surrogates, including control characters and every line break;
# plus long, word-built text that the writer has to wrap.
TEXTS = st.one_of(
    st.just(""),
    st.text(alphabet=st.characters(exclude_categories=["Cs"]), max_size=40),
    st.lists(WORDS, max_size=60).map(" ".join),
    st.lists(WORDS, max_size=60).map("".join),
).map(lambda s: s.rstrip("\n"))
COLORS = st.one_of(st.none(), st.from_regex(r"#[0-9A-F]{6}", fullmatch=True))


@st.composite
def codes(draw: st.DrawFn, depth: int = 3) -> tuple[CodeSpec, ...]:
    """Sibling codes with unique names, each with sub-codes down to ``depth`` more levels."""
    names = draw(st.lists(NAMES, max_size=4 if depth else 2, unique=True))
    return tuple(
        CodeSpec(
            name=name,
            definition=draw(TEXTS),
            inclusion=draw(TEXTS),
            exclusion=draw(TEXTS),
            example=draw(TEXTS),
            keywords=tuple(draw(st.lists(NAMES, max_size=4))),
            color=draw(COLORS),
            codable=draw(st.booleans()),
            children=draw(codes(depth - 1)) if depth and draw(st.booleans()) else (),
        )
        for name in names
    )


CODEBOOKS = st.builds(
    Codebook,
    codes=codes(),
    name=st.one_of(st.none(), NAMES),
    description=st.one_of(st.none(), TEXTS.filter(bool)),
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(CODEBOOKS)
def test_round_trip(book: Codebook) -> None:
    text = dump_codebook(book)
    assert parse_codebook(text) == book
    assert dump_codebook(parse_codebook(text)) == text
    # No tags, anchors or aliases: only plain data a person can edit.
    for event in yaml.parse(text):
        assert not isinstance(event, yaml.AliasEvent)
        assert getattr(event, "tag", None) is None
        assert getattr(event, "anchor", None) is None


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_any_text_gives_a_codebook_or_a_one_line_error(text: str) -> None:
    try:
        parse_codebook(text)
    except CodebookError as error:
        assert len(str(error).splitlines()) == 1, str(error)


@settings(max_examples=300, deadline=None)
@given(
    st.data(),
    st.lists(
        st.sampled_from(
            [
                ":",
                "-",
                "#",
                "&",
                "*",
                "!",
                "[",
                "]",
                "{",
                "}",
                "'",
                '"',
                "\n",
                " ",
                "\t",
                "|",
                ">",
                "?",
                "x",
                "\ufeff",
                "\r",
            ]
        ),
        min_size=1,
        max_size=4,
    ),
)
def test_damaged_file_gives_a_codebook_or_a_one_line_error(
    data: st.DataObject, inserted: list[str]
) -> None:
    text = (DATA / "small.yaml").read_text(encoding="utf-8")
    at = data.draw(st.integers(0, len(text)))
    cut = data.draw(st.integers(0, 3))
    damaged = text[:at] + "".join(inserted) + text[at + cut :]
    try:
        parse_codebook(damaged)
    except CodebookError as error:
        assert len(str(error).splitlines()) == 1, str(error)


# ------------------------------------------------------------------------------------------
# The project's own codebook and the module's boundaries


@pytest.mark.skipif(not DUSSK.exists(), reason="codebooks/dussk.yaml not written yet")
def test_dussk_codebook() -> None:
    book = load_codebook(DUSSK)
    assert 25 <= book.count() <= 40
    assert 5 <= len(book.codes) <= 8
    for path, code in book.walk():
        where = format_path(path)
        assert code.definition.strip(), f"{where}: no definition"
        assert code.inclusion.strip(), f"{where}: no inclusion"
        assert code.exclusion.strip(), f"{where}: no exclusion"
        assert code.example.strip(), f"{where}: no example"
        assert code.keywords, f"{where}: no keywords"
    assert parse_codebook(dump_codebook(book)) == book


def test_module_imports_no_ui_or_database() -> None:
    code = (
        "import sys, qualcode.codebook; "
        "bad = [m for m in ('textual', 'sqlalchemy') if m in sys.modules]; "
        "print(*bad); sys.exit(1 if bad else 0)"
    )
    result = run_python(code, check=False)
    assert result.returncode == 0, result.stdout + result.stderr


def test_round_trip_of_a_line_of_unicode_whitespace_in_a_block() -> None:
    # Found by hypothesis: a no-break space alone on a line of a multi-line example.
    book = Codebook(codes=(CodeSpec(name="yes", example="\n\xa0", codable=False),))
    assert parse_codebook(dump_codebook(book)) == book
