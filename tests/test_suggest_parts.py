"""Held-out parts of one coded document (issue 19): a project whose codings are all in one
document, as NVivo and QualCoder exports often are, is evaluated on blocks of that document,
so its suggestions get a calibration and a setting."""

from __future__ import annotations

from pathlib import Path

import pytest

from qualcode import Project
from qualcode.suggest import evaluate, queue_setting, suggest
from qualcode.suggest.corpus import load_corpus
from qualcode.suggest.parts import PARTS, cuts, for_evaluation, in_parts, part_name

TOPICS = ["equity", "funding", "weather", "collaboration"]


def _line(n: int) -> str:
    topic = TOPICS[n % len(TOPICS)]
    return f"Speaker {n % 3}: We spoke about {topic} in meeting number {n}, at some length."


def test_cuts_keep_codings_whole_and_leave_the_uncoded_rest_out() -> None:
    lines = [f"line {n} says something" for n in range(40)]
    text = "\n".join(lines) + "\n"
    starts = [sum(len(x) + 1 for x in lines[:n]) for n in range(41)]
    # codings of every other line from 0 to 28, one more across three lines; none after 28
    spans = [(starts[n], starts[n] + len(lines[n])) for n in range(0, 30, 2)]
    spans.append((starts[11], starts[14] - 1))
    blocks = cuts(text, (), spans)
    assert len(blocks) == PARTS
    assert blocks[0][0] == 0 and blocks[-1][1] == starts[29] - 1  # the end of line 28
    for (_a, b), (c, _d) in zip(blocks, blocks[1:], strict=False):
        assert b == c and text[c - 1] == "\n"  # cut at line starts
    for s, e in spans:  # no coding crosses a cut
        assert any(a <= s and e <= b for a, b in blocks)
    counts = [sum(1 for s, _e in spans if a <= s < b) for a, b in blocks]
    assert min(counts) >= 2 and max(counts) <= 5
    assert cuts(text, (), []) == []


@pytest.fixture
def one_document(tmp_path: Path) -> Path:
    source = tmp_path / "meeting.txt"
    source.write_text("\n\n".join(_line(n) for n in range(60)) + "\n", encoding="utf-8")
    path = tmp_path / "one.qualcode"
    with Project.create(path, actor="tester") as project:
        for topic in TOPICS[:2]:
            project.add_code(topic.capitalize())
        assert all(o.error is None for o in project.import_files([source]))
        text = project.document_text("meeting")
        for n in range(40):  # the coder stopped after 40 of the 60 turns
            topic = TOPICS[n % len(TOPICS)]
            if topic in TOPICS[:2]:
                quote = _line(n).split(": ", 1)[1]
                assert quote in text
                project.apply_code(
                    document="meeting", code=topic.capitalize(), coder="ann", quote=quote
                )
    return path


def test_one_coded_document_is_held_out_in_parts(one_document: Path) -> None:
    with Project.open(one_document) as project:
        corpus = load_corpus(project, "ann")
        split = for_evaluation(corpus)
        assert split is not None and split.coded_documents() == [
            part_name("meeting", k) for k in range(1, PARTS + 1)
        ]
        # each coding is in its block at the block's own offsets, with the same text
        original = {
            (corpus.codes[c.code].name, corpus.documents[c.document].text[c.start : c.end])
            for c in corpus.codings
        }
        moved = {
            (split.codes[c.code].name, split.documents[c.document].text[c.start : c.end])
            for c in split.codings
        }
        assert moved == original and len(split.codings) == len(corpus.codings)
        for name in split.coded_documents():  # turns and speakers came along
            doc = split.documents[name]
            assert doc.turns and len(doc.turns) == len(doc.speakers)
            assert all(doc.text[b:e].startswith("We spoke about") for _s, b, e in doc.turns)
        assert in_parts(corpus).documents.keys() == split.documents.keys()
        report = evaluate(project, "ann")
        assert report["parts_of"] == "meeting" and report["documents"] == PARTS
        assert report["queue"]["combined"]["micro"]["f1"] is not None
        # the calibration and the setting it stored serve suggestions in the real document
        assert queue_setting(project, "ann") is not None
        found = suggest(project, document="meeting", coder="ann", min_score=0.1)
        assert found and all(s.document == "meeting" for s in found)
        assert all(s.start >= 0 for s in found)


def test_a_single_coding_cannot_be_held_out(tmp_path: Path) -> None:
    from qualcode.errors import QualcodeError

    source = tmp_path / "one.txt"
    source.write_text("We spoke about equity.\n\nAnd then about funding.\n", encoding="utf-8")
    with Project.create(tmp_path / "p.qualcode", actor="tester") as project:
        project.add_code("Equity")
        project.import_files([source])
        project.apply_code(document="one", code="Equity", coder="ann", quote="about equity")
        assert for_evaluation(load_corpus(project, "ann")) is None
        with pytest.raises(QualcodeError, match="in two parts of one"):
            evaluate(project, "ann")
