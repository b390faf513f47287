"""Frequencies on a small project, every figure computed by hand (tests/data/reports/).

The project (built once per module by :func:`build_study`):

- int1 (interview, case C1: participant, site A, band 18-24)
    Interviewer: How did you get here today?          <- ann: Access/Bus (an interviewer turn)
    Amy: I came by bus. The fare was cheap. I liked the driver.
         ann: Access/Bus "I came by bus."  ben: Access/Bus "came by bus"
         ann: Access/Cost "bus. The fare was cheap." (overlaps Bus on "bus.")
         ben: Misc "fa" and "re was" (touching inside the word "fare")
    Interviewer: And the group itself?
    Amy: It felt safe. Nobody judged me there.        <- ann: Feelings/Safety "It felt safe."
- int2 (interview, case C2: staff, site B)
    Interviewer: What helps women attend?
    S1: Bus fares help. Lunch helps too.
         ann: Access/Bus "Bus fares help."  ann: Food "Lunch helps too."
         ben: Feelings/Safety "Lunch helps too."
- fg (focus group, no case; Jo -> C3: participant, A; Kim -> C4: staff, B)
    Facilitator: What made it easier?
    Jo: The bus pass made it easier.                  <- ann: Access/Bus from "The bus pass"
    Kim: For me the lunch. And the bus.               <-   ... to "And the bus." (two turns)
         ann: Food "For me the lunch."  ben: Access/Bus "And the bus."
    Jo: Same for me.  Kim: Yes.  Facilitator: Thanks.

Words of the segments: "I came by bus." 4, "bus. The fare was cheap." 5, their union 8, "How did
you get here today?" 6, "It felt safe." 3, "Bus fares help." 3, "Lunch helps too." 3, Jo's
part of the fg Bus segment 6 and Kim's 7 (the label "Kim:" is not a word said), "For me the
lunch." 4, "came by bus" 3, "And the bus." 3.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from sqlalchemy import text

from qualcode import Project
from qualcode.errors import NotFoundError
from qualcode.reports import ALL, NO_VALUE, frequencies, load
from qualcode.reports.spans import merge

DATA = Path(__file__).parent / "data" / "reports"
ROLES = {"Interviewer": "interviewer", "Facilitator": "interviewer"}


def span(project: Project, document: str, first: str, last: str | None = None) -> dict:
    """Offsets from the start of ``first`` to the end of ``last`` (or of ``first``)."""
    text = project.document_text(document)
    start = text.index(first)
    end = text.index(last or first, start) + len(last or first)
    return {"document": document, "start": start, "end": end}


def build_study(path: Path) -> Project:
    project = Project.create(path, actor="tester")
    for name in ("int1", "int2", "fg"):
        kind = "focus-group" if name == "fg" else "interview"
        outcome = project.import_files([DATA / f"{name}.txt"], roles=ROLES, kind=kind)[0]
        assert outcome.error is None, outcome.error
    project.import_cases(DATA / "cases.csv")
    project.add_code("Access", definition="Getting to the group.")
    project.add_code(
        "Bus",
        parent="Access",
        definition="Buses, fares and passes.",
        inclusion="Any mention of a bus.",
        exclusion="Walking.",
        example="I came by bus.",
    )
    project.add_code("Cost", parent="Access", definition="What it costs.")
    project.add_code("Feelings")
    project.add_code("Safety", parent="Feelings", definition="Feeling safe.")
    project.add_code("Food", definition="Lunch and food.")
    project.add_code("Misc")
    fare = project.document_text("int1").index("fare")
    for coder, code, where in [
        ("ann", "Access/Bus", span(project, "int1", "I came by bus.")),
        ("ann", "Access/Cost", span(project, "int1", "bus. The fare was cheap.")),
        ("ann", "Access/Bus", span(project, "int1", "How did you get here today?")),
        ("ann", "Feelings/Safety", span(project, "int1", "It felt safe.")),
        ("ben", "Access/Bus", span(project, "int1", "came by bus")),
        ("ben", "Misc", {"document": "int1", "start": fare, "end": fare + 2}),
        ("ben", "Misc", {"document": "int1", "start": fare + 2, "end": fare + 8}),
        ("ann", "Access/Bus", span(project, "int2", "Bus fares help.")),
        ("ann", "Food", span(project, "int2", "Lunch helps too.")),
        ("ben", "Feelings/Safety", span(project, "int2", "Lunch helps too.")),
        ("ann", "Access/Bus", span(project, "fg", "The bus pass", "And the bus.")),
        ("ann", "Food", span(project, "fg", "For me the lunch.")),
        ("ben", "Access/Bus", span(project, "fg", "And the bus.")),
    ]:
        project.apply_code(code=code, coder=coder, **where)
    return project


@pytest.fixture(scope="module")
def study_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("reports") / "study.qualcode"
    build_study(path).close()
    return path


@pytest.fixture
def study(study_path: Path) -> Iterator[Project]:
    with Project.open(study_path) as project:
        yield project


@pytest.fixture
def copy(study_path: Path, tmp_path: Path) -> Iterator[Project]:
    """A copy of the study that a test may change."""
    target = tmp_path / "copy.qualcode"
    shutil.copy(study_path, target)
    with Project.open(target) as project:
        yield project


def figures(report, code: str, group: str | None = None) -> tuple:  # type: ignore[no-untyped-def]
    r = report.row(code, group)
    return (r.codings, r.coding_rows, r.documents, r.cases, r.speakers, r.words)


def test_every_figure_by_hand(study: Project) -> None:
    report = frequencies(study)
    assert report.by is None and report.groups == ()
    # (codings, coding rows, documents, cases, speakers, words)
    # Bus: int1 has two segments (the question; "I came by bus." with ben's "came by bus"
    # inside), int2 one, fg one across Jo's and Kim's turns (ben's "And the bus." inside).
    assert figures(report, "Access/Bus") == (4, 6, 3, 4, 5, 6 + 4 + 3 + 13)
    assert figures(report, "Access/Cost") == (1, 1, 1, 1, 1, 5)
    # The theme: Bus and Cost overlap on "bus." in int1, so they merge into one segment of
    # 8 words; nothing is counted twice.
    assert figures(report, "Access") == (4, 7, 3, 4, 5, 6 + 8 + 3 + 13)
    assert figures(report, "Feelings/Safety") == (2, 2, 2, 2, 2, 6)
    assert figures(report, "Feelings") == figures(report, "Feelings/Safety")
    # Food: int2 (S1, case C2) and Kim's words in fg (case C4)
    assert figures(report, "Food") == (2, 2, 2, 2, 2, 3 + 4)
    # Misc: two codings touching inside "fare": two segments, "fare" counted once, then "was"
    assert figures(report, "Misc") == (2, 2, 1, 1, 1, 2)
    bus = report.row("Access/Bus")
    assert (bus.cases_in_group, bus.share_of_cases) == (4, 1.0)
    assert report.row("Access/Cost").share_of_cases == 0.25
    assert (bus.theme, bus.level, report.row("Access").level) == ("Access", 1, 0)
    assert [r.code for r in report.rows] == [
        "Access",
        "Access/Bus",
        "Access/Cost",
        "Feelings",
        "Feelings/Safety",
        "Food",
        "Misc",
    ]


def test_by_group_counts_a_focus_group_segment_in_each_speakers_group(study: Project) -> None:
    report = frequencies(study, by="group")
    assert report.groups == ("participant", "staff")
    # participant: int1's two segments (C1), and Jo's part of the fg segment (C3)
    assert figures(report, "Access/Bus", "participant") == (3, 5, 2, 2, 3, 6 + 4 + 6)
    # staff: int2 (C2) and Kim's part of the same fg segment (C4)
    assert figures(report, "Access/Bus", "staff") == (2, 3, 2, 2, 2, 3 + 7)
    # (all) counts that segment once: 3 + 2 != 4
    assert figures(report, "Access/Bus", ALL) == (4, 6, 3, 4, 5, 26)
    staff = report.row("Access/Bus", "staff")
    assert (staff.cases_in_group, staff.share_of_cases) == (2, 1.0)
    assert report.row("Access/Cost", "staff").codings == 0
    assert report.row("Access/Cost", "staff").share_of_cases == 0.0
    assert figures(report, "Food", "staff") == (2, 2, 2, 2, 2, 7)
    assert figures(report, "Food", "participant") == (0, 0, 0, 0, 0, 0)
    assert len(report.rows) == 7 * 3


def test_an_attribute_some_cases_lack_goes_to_none(study: Project) -> None:
    report = frequencies(study, by="band")
    assert report.groups == ("18-24", NO_VALUE)
    assert figures(report, "Access/Bus", "18-24") == (2, 3, 1, 1, 2, 10)
    none = report.row("Access/Bus", NO_VALUE)
    assert (none.codings, none.cases, none.cases_in_group) == (2, 3, 3)


def test_by_document_kind(study: Project) -> None:
    report = frequencies(study, by="kind")
    assert report.groups == ("interview", "focus-group")
    assert figures(report, "Access/Bus", "interview") == (3, 4, 2, 2, 3, 13)
    focus = report.row("Access/Bus", "focus-group")
    assert (focus.codings, focus.cases, focus.cases_in_group, focus.words) == (1, 2, 2, 13)


def test_by_coder_splits_what_the_union_merges(study: Project) -> None:
    report = frequencies(study, by="coder")
    assert report.groups == ("ann", "ben")
    assert report.row("Access/Bus", "ann").codings == 4
    # ben: "came by bus" (int1, Amy) and "And the bus." (fg, Kim's turn: case C4)
    assert figures(report, "Access/Bus", "ben") == (2, 2, 2, 2, 2, 6)
    assert report.row("Access/Bus", ALL).codings == 4


def test_leaving_out_interviewer_turns(study: Project) -> None:
    report = frequencies(study, exclude_interviewer=True)
    # the question in int1 lies wholly in an interviewer turn: gone, with its speaker
    assert figures(report, "Access/Bus") == (3, 5, 3, 4, 4, 4 + 3 + 13)
    assert figures(report, "Access") == (3, 6, 3, 4, 4, 8 + 3 + 13)
    assert figures(report, "Food") == (2, 2, 2, 2, 2, 7)
    assert any("interviewer" in rule for rule in report.rules)


def test_choosing_coders(study: Project) -> None:
    ben = frequencies(study, coders="ben")
    assert figures(ben, "Access/Bus") == (2, 2, 2, 2, 2, 6)
    assert figures(ben, "Food") == (0, 0, 0, 0, 0, 0)
    assert ben.parameters["coders"] == ["ben"]
    both = frequencies(study, coders=["ann,ben"])
    assert figures(both, "Access/Bus") == figures(frequencies(study), "Access/Bus")
    assert frequencies(study, coders="all").parameters["coders"] == ["ann", "ben"]
    with pytest.raises(NotFoundError, match="no coder named 'zed'.*ann, ben, consensus"):
        frequencies(study, coders="zed")
    with pytest.raises(NotFoundError, match="no case attribute 'colour'.*band, group, site"):
        frequencies(study, by="colour")


def test_the_consensus_coder_is_the_default_once_it_has_codings(copy: Project) -> None:
    assert frequencies(copy).parameters["coders"] == ["ann", "ben"]
    copy.apply_code(code="Access/Bus", coder="consensus", **span(copy, "int2", "Bus fares help."))
    report = frequencies(copy)
    assert report.parameters["coders"] == ["consensus"]
    assert "consensus" in report.parameters["coders_chosen"]
    assert figures(report, "Access") == (1, 1, 1, 1, 1, 3)
    assert report.row("Food").codings == 0


def test_deleted_codings_do_not_count(copy: Project) -> None:
    [food] = [c for c in copy.codings(document="int2") if c.code == "Food"]
    copy.remove_coding(food.uuid)
    assert figures(frequencies(copy), "Food") == (1, 1, 1, 1, 1, 4)


def test_unlabelled_text_and_a_document_without_turns(
    fresh_project: Project, tmp_path: Path
) -> None:
    notes = tmp_path / "notes.txt"
    notes.write_text("Field notes from the visit.\n\nEveryone arrived by bus today.\n")
    assert fresh_project.import_files([notes], kind="notes")[0].error is None
    assert fresh_project.turns("notes")[0].speaker is None  # unlabelled paragraphs
    fresh_project.add_code("Bus")
    where = span(fresh_project, "notes", "Field notes", "arrived by bus")
    fresh_project.apply_code(code="Bus", coder="ann", **where)
    report = frequencies(fresh_project)
    # no speaker, no case; "Field notes from the visit." and "Everyone arrived by bus"
    assert figures(report, "Bus") == (1, 1, 1, 0, 0, 5 + 4)
    assert report.row("Bus").share_of_cases is None  # no cases at all
    with fresh_project._write() as session:  # a document with no turns at all
        session.execute(text("DELETE FROM turns"))
    assert figures(frequencies(fresh_project), "Bus") == (1, 1, 1, 0, 0, 9)


def test_merging_is_by_key_and_overlap_not_touching() -> None:
    keys = np.array([0, 0, 0, 1, 1])
    starts = np.array([0, 3, 10, 2, 5])
    ends = np.array([5, 8, 12, 5, 9])
    _, _, key, start, end, rows = merge(keys, starts, ends, 100)
    # key 0: [0,5) and [3,8) overlap -> [0,8); [10,12) apart. key 1: [2,5) and [5,9) touch.
    assert list(zip(key, start, end, rows, strict=True)) == [
        (0, 0, 8, 2),
        (0, 10, 12, 1),
        (1, 2, 5, 1),
        (1, 5, 9, 1),
    ]


def test_the_corpus_layout(study: Project) -> None:
    corpus = load(study)
    assert corpus.doc_name == ["int1", "int2", "fg"]
    # one position between documents, so spans of two documents never touch
    first, second = (len(t) for t in corpus.texts[:2])
    assert corpus.doc_offset.tolist() == [0, first + 1, first + second + 2]
    text = "\n".join(corpus.texts)
    words = [text[s:e] for s, e in zip(corpus.word_start, corpus.word_end, strict=True)]
    assert words == text.split()
