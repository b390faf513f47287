"""From codings to units: presence tables on a small project, checked cell by cell by hand."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from qualcode import Project
from qualcode.agreement import AgreementError
from qualcode.agreement.units import covered, segment_table, unit_table
from qualcode.nlp.sentences import sentence_spans
from qualcode.segments import paragraph_spans

TEXT = (
    "Title line\n\nInterviewer: How did you come? Tell me.\n\n"
    "P01: By bus. It was cheap! I liked it.\n\nInterviewer: Thanks.\n"
)
SENTENCES = [
    "Title line",
    "How did you come?",
    "Tell me.",
    "By bus.",
    "It was cheap!",
    "I liked it.",
    "Thanks.",
]


def at(quote: str) -> tuple[int, int]:
    start = TEXT.index(quote)
    return start, start + len(quote)


@pytest.fixture
def small(tmp_path: Path) -> Iterator[Project]:
    """Codes Access > Bus, Access > Cost > Cheap, and Feelings (never used); coders ann, ben, cy.

    ann: Access on "How did you come?", Bus on "By bus", Cheap on "cheap! I liked".
    ben: Bus on "bus. It was", Cost on "It was cheap".
    cy:  Bus on "By bus.".
    """
    source = tmp_path / "talk.txt"
    source.write_text(TEXT, encoding="utf-8")
    with Project.create(tmp_path / "small.qualcode", actor="tester") as project:
        assert project.import_files([source])[0].error is None
        project.add_code("Access")
        project.add_code("Bus", parent="Access")
        project.add_code("Cost", parent="Access")
        project.add_code("Cheap", parent="Access/Cost")
        project.add_code("Feelings")
        for coder, code, quote in [
            ("ann", "Access", "How did you come?"),
            ("ann", "Access/Bus", "By bus"),
            ("ann", "Access/Cost/Cheap", "cheap! I liked"),
            ("ben", "Access/Bus", "bus. It was"),
            ("ben", "Access/Cost", "It was cheap"),
            ("cy", "Access/Bus", "By bus."),
        ]:
            start, end = at(quote)
            project.apply_code(document="talk", code=code, coder=coder, start=start, end=end)
        yield project


def rows(table, code: str) -> list[list[int]]:  # type: ignore[no-untyped-def]
    found = next(c for c in table.codes if c.code == code)
    return found.presence.tolist()


# -- segments --------------------------------------------------------------------------------


def test_sentences_stay_inside_turns_and_keep_exact_offsets() -> None:
    turns = [(0, 0, 10), (12, 25, 51), (53, 58, 91), (93, 106, 113)]
    spans = sentence_spans(TEXT, turns)
    assert [TEXT[s:e] for s, e in spans] == SENTENCES


def test_text_outside_turns_gives_paragraphs_and_turn_bodies_sentences() -> None:
    text = "Notes\n\nA: One. Two?\nB: Three…  four\n\n\nTail para. Still tail."
    start = text.index("A:")
    turns = [
        (start, start + 3, text.index("B:")),
        (text.index("B:"), text.index("B:") + 3, text.index("\n\n\n")),
    ]
    got = [text[s:e] for s, e in sentence_spans(text, turns)]
    # an ellipsis is a pause in a transcript, not a sentence end (spaCy's sentencizer)
    assert got == ["Notes", "One.", "Two?", "Three…  four", "Tail para. Still tail."]
    # a document without turns is cut into sentences, paragraph by paragraph
    assert [text[s:e] for s, e in sentence_spans(text)] == [
        "Notes",
        "A: One.",
        "Two?",
        "B: Three…  four",
        "Tail para.",
        "Still tail.",
    ]
    assert paragraph_spans("  \n\n ") == []


def test_one_sentence_definition_does_not_split_at_abbreviations() -> None:
    """Issue 20: the old rule split at "Dr." and "e.g."; agreement, the coding screen and the
    suggestions now share spaCy's sentences (qualcode.nlp.pipeline.analyse)."""
    from qualcode.nlp.pipeline import analyse

    text = "P: I saw Dr. Smith, e.g. on Mondays. Then I left! OK?"
    turns = [(0, 3, len(text))]
    got = [text[s:e] for s, e in sentence_spans(text, turns)]
    assert got == ["I saw Dr. Smith, e.g. on Mondays.", "Then I left!", "OK?"]
    assert list(analyse(text, turns).spans) == sentence_spans(text, turns)


def test_covered_marks_units_a_coding_overlaps() -> None:
    starts, ends = np.array([0, 5, 10]), np.array([4, 9, 14])
    assert covered(starts, ends, [(4, 5)]).tolist() == [False, False, False]  # the gap only
    assert covered(starts, ends, [(3, 6)]).tolist() == [True, True, False]
    assert covered(starts, ends, [(9, 10), (13, 20)]).tolist() == [False, False, True]
    assert covered(starts, ends, []).tolist() == [False, False, False]


def test_segment_matching_by_share_of_the_longer_coding() -> None:
    # ann 0-6, ben 3-14: overlap 3 / 11 = 0.27
    units, presence = segment_table([[(0, 6)], [(3, 14)]], 0.5)
    assert units == [(0, 6, 0), (3, 14, 1)]
    assert presence.tolist() == [[1, 0], [0, 1]]
    _, presence = segment_table([[(0, 6)], [(3, 14)]], 0.25)
    assert presence.tolist() == [[1, 1], [1, 1]]
    # touching codings (overlap 0) never match, whatever the threshold
    _, presence = segment_table([[(0, 5)], [(5, 9)]], 0.01)
    assert presence.tolist() == [[1, 0], [0, 1]]


# -- tables from a project -------------------------------------------------------------------


def test_sentence_table(small: Project) -> None:
    table = unit_table(
        small, coders=["ann", "ben", "cy"], unit="sentence", codes=["Access/Bus", "Feelings"]
    )
    assert [small.document_text("talk")[s:e] for _, s, e in table.codes[0].units] == SENTENCES
    assert rows(table, "Access/Bus") == [
        [0, 0, 0, 1, 0, 0, 0],
        [0, 0, 0, 1, 1, 0, 0],
        [0, 0, 0, 1, 0, 0, 0],
    ]
    assert rows(table, "Feelings") == [[0] * 7] * 3
    assert table.documents == ("talk",)
    assert table.parameters()["codes"] == ["Access/Bus", "Feelings"]


def test_a_theme_with_descendants_or_leaves_only(small: Project) -> None:
    whole = unit_table(small, coders=["ann", "ben"], codes=["Access"])
    assert whole.codes[0].members == ("Access", "Access/Bus", "Access/Cost", "Access/Cost/Cheap")
    assert rows(whole, "Access") == [[0, 1, 0, 1, 1, 1, 0], [0, 0, 0, 1, 1, 0, 0]]
    leaves = unit_table(small, coders=["ann", "ben"], codes=["Access"], descendants="leaves")
    assert leaves.codes[0].members == ("Access/Bus", "Access/Cost/Cheap")
    # ben's Bus coding reaches into "It was cheap!"; his Cost coding (not a leaf) drops out
    assert rows(leaves, "Access") == [[0, 0, 0, 1, 1, 1, 0], [0, 0, 0, 1, 1, 0, 0]]
    itself = unit_table(small, coders=["ann", "ben"], codes=["Access"], descendants=False)
    assert rows(itself, "Access") == [[0, 1, 0, 0, 0, 0, 0], [0, 0, 0, 0, 0, 0, 0]]
    assert leaves.parameters()["code_includes"] == "leaves"


def test_turn_and_document_tables(small: Project) -> None:
    turns = unit_table(small, coders=["ann", "ben"], unit="turn", codes=["Access", "Access/Bus"])
    assert [(s, e) for _, s, e in turns.codes[0].units] == [(0, 10), (12, 51), (53, 91), (93, 113)]
    assert rows(turns, "Access") == [[0, 1, 1, 0], [0, 0, 1, 0]]
    assert rows(turns, "Access/Bus") == [[0, 0, 1, 0], [0, 0, 1, 0]]
    docs = unit_table(
        small,
        coders=["ann", "ben"],
        unit="document",
        codes=["Access/Bus", "Access/Cost", "Feelings"],
    )
    assert list(docs.codes[0].units) == [("talk", 0, len(TEXT))]
    assert rows(docs, "Access/Bus") == [[1], [1]]
    assert rows(docs, "Access/Cost") == [[1], [1]]  # ann's Cheap counts as Cost
    alone = unit_table(
        small, coders=["ann", "ben"], unit="document", codes=["Access/Cost"], descendants=False
    )
    assert rows(alone, "Access/Cost") == [[0], [1]]
    assert rows(docs, "Feelings") == [[0], [0]]


def test_character_table_counts_body_characters_without_whitespace(small: Project) -> None:
    """Issue 20: character units are the counted characters: no speaker labels, no spaces or
    newlines (they were every code point of the text before)."""
    table = unit_table(small, coders=["ann", "ben"], unit="character", codes=["Access/Bus"])
    presence = table.codes[0].presence
    turns = small.turns("talk")
    labels = {i for t in turns for i in range(t.start, t.body_start)}
    counted = [i for i, ch in enumerate(TEXT) if not ch.isspace() and i not in labels]
    assert presence.shape == (2, len(counted))
    assert [s for _, s, _ in table.codes[0].units] == counted
    assert "Interviewer:" not in "".join(TEXT[s:e] for _, s, e in table.codes[0].units)
    starts = np.array([s for _, s, _ in table.codes[0].units])
    ann = [i for i in range(*at("By bus")) if not TEXT[i].isspace()]
    ben = [i for i in range(*at("bus. It was")) if not TEXT[i].isspace()]
    assert starts[np.flatnonzero(presence[0])].tolist() == ann
    assert starts[np.flatnonzero(presence[1])].tolist() == ben


def test_min_coverage_a_spill_does_not_mark_the_next_sentence(small: Project) -> None:
    """Issue 20: ben's Bus coding "bus. It was" covers 6 of the 11 counted characters of
    "It was cheap!" (ItwascheapX: 'It', 'was' = 5 of 11); any overlap marks it, half does not."""
    any_overlap = unit_table(small, coders=["ann", "ben"], codes=["Access/Bus"])
    assert rows(any_overlap, "Access/Bus")[1] == [0, 0, 0, 1, 1, 0, 0]
    half = unit_table(small, coders=["ann", "ben"], codes=["Access/Bus"], min_coverage=0.5)
    assert rows(half, "Access/Bus") == [[0, 0, 0, 1, 0, 0, 0], [0, 0, 0, 1, 0, 0, 0]]
    assert half.parameters()["min_coverage"] == "at least 0.5 of a unit's counted characters"
    assert any_overlap.parameters()["min_coverage"] == "any counted character (the default)"
    # "By bus" is 5 of the 6 counted characters of "By bus." (83%)
    most = unit_table(small, coders=["ann", "ben"], codes=["Access/Bus"], min_coverage=0.9)
    assert rows(most, "Access/Bus")[0] == [0] * 7
    with pytest.raises(AgreementError, match="minimum coverage"):
        unit_table(small, coders=["ann", "ben"], min_coverage=1.5)


def test_exclude_interviewer_leaves_interviewer_turns_out(small: Project) -> None:
    small.set_speaker("talk", "Interviewer", role="interviewer")
    table = unit_table(small, coders=["ann", "ben"], codes=["Access"], exclude_interviewer=True)
    text = small.document_text("talk")
    assert [text[s:e] for _, s, e in table.codes[0].units] == [
        "Title line",
        "By bus.",
        "It was cheap!",
        "I liked it.",
    ]
    assert rows(table, "Access") == [[0, 1, 1, 1], [0, 1, 1, 0]]
    assert table.parameters()["exclude_interviewer"] is True
    turn = unit_table(
        small, coders=["ann", "ben"], unit="turn", codes=["Access"], exclude_interviewer=True
    )
    assert len(turn.codes[0].units) == 2  # the title and P01's turn
    chars = unit_table(
        small, coders=["ann", "ben"], unit="character", codes=["Access"], exclude_interviewer=True
    )
    inside = [s for _, s, _ in chars.codes[0].units]
    assert all(not (12 <= i < 51 or 93 <= i < 113) for i in inside)
    # segment units: ann's coding inside the interviewer's question is left out
    segments = unit_table(
        small, coders=["ann", "ben"], unit="segment", codes=["Access"], exclude_interviewer=True
    )
    assert all(s >= 53 for _, s, _ in segments.codes[0].units)


def test_segment_table(small: Project) -> None:
    bus_ann, bus_ben, bus_cy = at("By bus"), at("bus. It was"), at("By bus.")
    table = unit_table(small, coders=["ann", "ben"], unit="segment", codes=["Access/Bus"])
    assert list(table.codes[0].units) == [("talk", *bus_ann), ("talk", *bus_ben)]
    assert rows(table, "Access/Bus") == [[1, 0], [0, 1]]
    table = unit_table(small, coders=["ann", "cy"], unit="segment", codes=["Access/Bus"])
    assert list(table.codes[0].units) == [("talk", *bus_ann), ("talk", *bus_cy)]
    assert rows(table, "Access/Bus") == [[1, 1], [1, 1]]  # 6 / 7 >= 0.5
    table = unit_table(
        small, coders=["ann", "cy"], unit="segment", codes=["Access/Bus"], threshold=0.9
    )
    assert rows(table, "Access/Bus") == [[1, 0], [0, 1]]
    table = unit_table(small, coders=["ann", "cy"], unit="segment", codes=["Feelings"])
    assert table.codes[0].presence.shape == (2, 0)


def test_bad_choices_are_one_line_errors(small: Project) -> None:
    with pytest.raises(AgreementError, match="at least two"):
        unit_table(small, coders=["ann", "ann"])
    with pytest.raises(AgreementError, match="no coder named zed"):
        unit_table(small, coders=["ann", "zed"])
    with pytest.raises(AgreementError, match="unknown unit"):
        unit_table(small, coders=["ann", "ben"], unit="word")
    with pytest.raises(AgreementError, match="overlap threshold"):
        unit_table(small, coders=["ann", "ben"], unit="segment", threshold=0)


def test_default_documents_are_those_every_coder_coded(small: Project, tmp_path: Path) -> None:
    other = tmp_path / "other.txt"
    other.write_text("P02: Nothing coded here. At all.\n", encoding="utf-8")
    small.import_files([other])
    table = unit_table(small, coders=["ann", "ben"], codes=["Access/Bus"])
    assert table.documents == ("talk",) and table.documents_default
    both = unit_table(
        small, coders=["ann", "ben"], codes=["Access/Bus"], documents=["talk", "other"]
    )
    assert both.documents == ("talk", "other")
    assert rows(both, "Access/Bus") == [[0, 0, 0, 1, 0, 0, 0, 0, 0], [0, 0, 0, 1, 1, 0, 0, 0, 0]]
