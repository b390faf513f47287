"""Matrix, cross-tab, co-occurrence, quotes, saturation and the codebook appendix on the small
project of test_reports_counts (its docstring lists every coding), checked by hand."""

from __future__ import annotations

import importlib

import numpy as np
import pytest
from sqlalchemy import update

from qualcode import Project
from qualcode.errors import QualcodeError
from qualcode.reports import (
    codebook_appendix,
    cooccurrence,
    crosstab,
    guest_saturation,
    matrix,
    quotes,
    saturation,
)
from qualcode.reports.quotes import centrality
from qualcode.store.models import Coding

from .test_reports_counts import copy, span, study, study_path  # noqa: F401  (fixtures)


def cell(report, code: str, case: str) -> int:  # type: ignore[no-untyped-def]
    return int(report.counts[report.codes.index(code), report.cases.index(case)])


# -- matrix and cross-tab --------------------------------------------------------------------


def test_code_by_case_matrix(study: Project) -> None:  # noqa: F811
    report = matrix(study)
    assert report.cases == ("C1", "C2", "C3", "C4")
    # int1 (C1): the question and "I came by bus." are two Bus segments
    assert [cell(report, "Access/Bus", c) for c in report.cases] == [2, 1, 1, 1]
    assert [cell(report, "Access", c) for c in report.cases] == [2, 1, 1, 1]
    assert [cell(report, "Food", c) for c in report.cases] == [0, 1, 0, 1]
    assert [cell(report, "Misc", c) for c in report.cases] == [2, 0, 0, 0]
    words = report.words[report.codes.index("Access/Bus")].tolist()
    assert words == [10, 3, 6, 7]  # Jo's 6 words of the fg segment, Kim's 7
    wide = report.wide()
    assert wide.columns == ("code", "C1", "C2", "C3", "C4")
    assert wide.rows[1] == ("Access/Bus", 2, 1, 1, 1)
    long = report.tidy()
    assert ("Access/Bus", "C3", 1, 6) in long.rows and len(long.rows) == 7 * 4


def test_matrix_with_excerpts_and_groups(study: Project) -> None:  # noqa: F811
    report = matrix(study, cells="text", by="group", level="theme")
    assert report.codes == ("Access", "Feelings", "Food", "Misc")
    # cases ordered by group: participant (C1, C3), then staff (C2, C4)
    assert report.cases == ("C1", "C3", "C2", "C4")
    assert report.case_groups == ("participant", "participant", "staff", "staff")
    access = report.codes.index("Access")
    # in the focus group, each case's cell holds only its own speaker's words
    assert report.cell_text(access, 1) == "[fg, turn 2] The bus pass made it easier."
    assert report.cell_text(access, 3) == "[fg, turn 3] For me the lunch. And the bus."
    assert report.cell_text(access, 0).split("\n\n") == [
        "[int1, turn 1] How did you get here today?",
        "[int1, turn 2] I came by bus. The fare was cheap.",
    ]
    assert report.wide().columns[1] == "C1 (participant)"


def test_crosstab_pivots_the_frequencies(study: Project) -> None:  # noqa: F811
    report = crosstab(study, by="site", measure="cases")
    table = report.wide()
    assert table.columns == ("code", "(all)", "A", "B")
    rows = {row[0]: row[1:] for row in table.rows}
    assert rows["Access/Bus"] == (4, 2, 2)  # site A: C1, C3; site B: C2, C4
    assert rows["Food"] == (2, 0, 2)
    with pytest.raises(QualcodeError, match="measure 'colour'"):
        crosstab(study, by="site", measure="colour")


# -- co-occurrence ---------------------------------------------------------------------------


def pairs(report) -> dict[tuple[str, str], int]:  # type: ignore[no-untyped-def]
    short = {c: c.split("/")[-1] for c in report.codes}
    return {(short[a], short[b]): n for a, b, n in report.pairs()}


def diagonal(report) -> dict[str, int]:  # type: ignore[no-untyped-def]
    return {c.split("/")[-1]: int(report.counts[i, i]) for i, c in enumerate(report.codes)}


def test_cooccurrence_of_overlapping_segments(study: Project) -> None:  # noqa: F811
    report = cooccurrence(study)
    # codes by themselves: the themes Access and Feelings have no codings of their own
    assert [c.split("/")[-1] for c in report.codes] == ["Bus", "Cost", "Safety", "Food", "Misc"]
    assert diagonal(report) == {"Bus": 4, "Cost": 1, "Safety": 2, "Food": 2, "Misc": 2}
    # Bus and Cost share "bus."; Misc's two segments lie in Cost; Food and Safety share
    # "Lunch helps too."; fg's Bus segment holds Kim's "For me the lunch."
    assert pairs(report) == {
        ("Cost", "Misc"): 2,
        ("Bus", "Cost"): 1,
        ("Safety", "Food"): 1,
        ("Bus", "Food"): 1,
    }
    assert (report.counts == report.counts.T).all()


def test_cooccurrence_in_turns_and_documents(study: Project) -> None:  # noqa: F811
    turns = cooccurrence(study, mode="turn")
    # Amy's first turn: Bus, Cost, Misc; S1's turn: Bus, Food, Safety; Kim's: Bus, Food
    assert pairs(turns) == {
        ("Bus", "Food"): 2,
        ("Bus", "Cost"): 1,
        ("Bus", "Safety"): 1,
        ("Bus", "Misc"): 1,
        ("Cost", "Misc"): 1,
        ("Safety", "Food"): 1,
    }
    # Bus: the question, Amy, S1, Jo and Kim
    assert diagonal(turns) == {"Bus": 5, "Cost": 1, "Safety": 2, "Food": 2, "Misc": 1}
    documents = cooccurrence(study, mode="document")
    # int1: Bus, Cost, Safety, Misc; int2: Bus, Safety, Food; fg: Bus, Food
    assert pairs(documents) == {
        ("Bus", "Safety"): 2,
        ("Bus", "Food"): 2,
        ("Bus", "Cost"): 1,
        ("Bus", "Misc"): 1,
        ("Cost", "Safety"): 1,
        ("Cost", "Misc"): 1,
        ("Safety", "Food"): 1,
        ("Safety", "Misc"): 1,
    }
    assert diagonal(documents) == {"Bus": 3, "Cost": 1, "Safety": 2, "Food": 2, "Misc": 1}


def test_the_matrix_product_agrees_with_listing_pairs(
    study: Project,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    listed = cooccurrence(study, mode="document").counts
    # (the package's name 'cooccurrence' is the function; the module is found by its path)
    module = importlib.import_module("qualcode.reports.cooccurrence")
    monkeypatch.setattr(module, "PAIR_LIMIT", 0)
    assert np.array_equal(cooccurrence(study, mode="document").counts, listed)


def test_cooccurrence_of_themes_and_without_interviewers(study: Project) -> None:  # noqa: F811
    themes = cooccurrence(study, level="theme", mode="document")
    assert themes.codes == ("Access", "Feelings", "Food", "Misc")
    assert pairs(themes)[("Access", "Feelings")] == 2
    quiet = cooccurrence(study, mode="turn", exclude_interviewer=True)
    assert diagonal(quiet)["Bus"] == 4  # the question is gone


# -- quotes ----------------------------------------------------------------------------------


def test_centrality_by_hand() -> None:
    # "a b" twice and "c d": u1 . u2 = 1, u1 . u3 = 0, so the first two score (1 + 0) / 2
    assert centrality(["a b", "A b", "c d"]) == [0.5, 0.5, 0.0]
    assert centrality(["alone"]) == [None]


def test_quotes_longest_with_speakers_cases_and_turns(study: Project) -> None:  # noqa: F811
    report = quotes(study, per_code=None)
    bus = report.by_code()["Access/Bus"]
    # longest first: fg (13 words), the question (6), "I came by bus." (4), int2 (3)
    assert [q.words for q in bus] == [13, 6, 4, 3]
    assert [q.rank for q in bus] == [1, 2, 3, 4]
    fg = bus[0]
    assert fg.text == "The bus pass made it easier.\n\nKim: For me the lunch. And the bus."
    assert (fg.document, fg.turn, fg.speakers, fg.cases) == ("fg", 2, ("Jo", "Kim"), ("C3", "C4"))
    assert fg.attributes == {"group": "participant; staff", "site": "A; B"}
    assert fg.coders == ("ann", "ben") and len(fg.codings) == 2
    amy = bus[2]
    assert (amy.text, amy.speakers, amy.cases) == ("I came by bus.", ("Amy",), ("C1",))
    assert amy.attributes == {"band": "18-24", "group": "participant", "site": "A"}
    assert report.by_code()["Access"] == []  # a theme's own codings only
    assert report.definitions["Access/Bus"] == "Buses, fares and passes."


def test_quotes_per_code_and_interviewer_turns(study: Project) -> None:  # noqa: F811
    report = quotes(study, per_code=2, select="order", exclude_interviewer=True)
    bus = report.by_code()["Access/Bus"]
    assert [q.document for q in bus] == ["int1", "int2"]  # the question is left out
    assert bus[0].text == "I came by bus."


def test_central_quotes(study: Project) -> None:  # noqa: F811
    bus = quotes(study, per_code=None, select="central").by_code()["Access/Bus"]
    # word vectors: Q {how did you get here today} |Q| = sqrt 6, shares nothing;
    # A {i came by bus} |A| = 2; S {bus fares help} |S| = sqrt 3;
    # F {the: 3, bus: 2, pass made it easier kim for me lunch and: 1} |F| = sqrt 22.
    # cos(A, S) = 1 / (2 sqrt 3), cos(A, F) = 2 / (2 sqrt 22), cos(S, F) = 2 / sqrt 66
    a_s, a_f, s_f = 1 / (2 * 3**0.5), 1 / 22**0.5, 2 / 66**0.5
    expected = [(s_f + a_s) / 3, (a_s + a_f) / 3, (a_f + s_f) / 3, 0.0]
    assert [q.document for q in bus] == ["int2", "int1", "fg", "int1"]
    assert [q.centrality for q in bus] == pytest.approx(expected, abs=1e-4)
    assert bus[-1].text == "How did you get here today?"


def test_favourite_quotes_and_memos(copy: Project) -> None:  # noqa: F811
    int2 = next(c for c in copy.codings(document="int2") if c.code == "Access/Bus")
    amy = next(c for c in copy.codings(document="int1", coder="ann") if c.text == "I came by bus.")
    with copy._write() as session:  # the TUI will set this; no API yet
        session.execute(update(Coding).where(Coding.uuid == int2.uuid).values(favourite=True))
    copy.add_memo("Says it plainly.", coder="ann", target_type="coding", target=amy.uuid)
    copy.add_memo("Keep for the paper.", coder="ben", target_type="code", target="Access/Bus")
    favourites = quotes(copy, select="favourite").by_code()
    assert [q.text for q in favourites["Access/Bus"]] == ["Bus fares help."]
    assert favourites["Access/Bus"][0].favourite and favourites["Food"] == []
    report = quotes(copy, per_code=None)
    memo = next(q for q in report.by_code()["Access/Bus"] if q.text == "I came by bus.")
    assert memo.memos == ("ann: Says it plainly.",)
    assert report.code_memos["Access/Bus"] == ("ben: Keep for the paper.",)
    with pytest.raises(QualcodeError, match="selection 'best'"):
        quotes(copy, select="best")  # type: ignore[arg-type]


# -- saturation ------------------------------------------------------------------------------


SEQUENCE = [
    {"a", "b", "c"},
    {"a", "d"},
    {"e"},
    {"a", "f"},  # base of 4: six codes
    {"g"},
    {"a"},
    {"a", "b"},
    {"h"},
    {"a"},
    set(),
]


def test_guest_namey_chen_on_a_known_sequence() -> None:
    result = guest_saturation(SEQUENCE, base=4, run=2, threshold=0.05)
    assert result.base_codes == 6
    assert [len(n) for n in result.new] == [3, 1, 1, 1, 1, 0, 0, 1, 0, 0]
    assert result.cumulative == (3, 4, 5, 6, 7, 7, 7, 8, 8, 8)
    first, second = result.runs[:2]
    # documents 5-6 add g: 1/6 = 17% > 5%; documents 6-7 add nothing: 0% -> saturation at 7
    assert (first.first, first.last, first.new, first.saturated) == (5, 6, 1, False)
    assert first.ratio == pytest.approx(1 / 6)
    assert (second.first, second.last, second.new, second.ratio) == (6, 7, 0, 0.0)
    assert result.reached == second
    # a run of three always holds g or h: 1/6 each time, never at or below 5%
    assert guest_saturation(SEQUENCE, base=4, run=3).reached is None
    # ... but within a 20% threshold the first run already is
    assert guest_saturation(SEQUENCE, base=4, run=3, threshold=0.2).reached.last == 7
    assert guest_saturation(SEQUENCE[:3], base=4).base_codes is None
    with pytest.raises(QualcodeError):
        guest_saturation(SEQUENCE, base=0)


def test_saturation_of_the_project(study: Project) -> None:  # noqa: F811
    # import order int1 {Bus, Cost, Safety, Misc}, int2 {Bus, Safety, Food}, fg {Bus, Food}
    report = saturation(study, base=1, run=1)
    assert report.documents == ("int1", "int2", "fg")
    assert [len(n) for n in report.result.new] == [4, 1, 0]
    assert [r.ratio for r in report.result.runs] == [0.25, 0.0]
    assert report.result.reached.last == 3
    assert report.statement.startswith("Saturation was reached at 3 of 3 documents")
    # by site: int1 (A), fg (A: Jo's case), int2 (B)
    by_site = saturation(study, order="site", base=1, run=1)
    assert by_site.documents == ("int1", "fg", "int2")
    assert by_site.order_values == ("A", "A", "B")
    themes = saturation(study, order="name", level="theme", base=1, run=1)
    assert themes.documents == ("fg", "int1", "int2")
    assert [n for n in themes.result.new] == [("Access", "Food"), ("Feelings", "Misc"), ()]
    assert "not be assessed" in saturation(study).statement  # 3 documents, base 4


def test_uncoded_documents_are_left_out(study: Project) -> None:  # noqa: F811
    report = saturation(study, coders="ben", base=1, run=1)
    # ben coded int1 (Bus, Misc), int2 (Safety), fg (Bus)
    assert report.documents == ("int1", "int2", "fg")
    assert "none" in report.rules[3]


# -- codebook appendix -----------------------------------------------------------------------


def test_codebook_appendix(study: Project) -> None:  # noqa: F811
    table = codebook_appendix(study).tidy()
    rows = {r["code"]: r for r in table.records()}
    bus = rows["Access/Bus"]
    assert (bus["theme"], bus["name"], bus["level"]) == ("Access", "Bus", 1)
    assert (bus["definition"], bus["inclusion"], bus["exclusion"], bus["example"]) == (
        "Buses, fares and passes.",
        "Any mention of a bus.",
        "Walking.",
        "I came by bus.",
    )
    assert (bus["codings"], bus["cases"]) == (4, 4)
    assert (rows["Access"]["codings"], rows["Misc"]["cases"]) == (4, 1)
    assert list(rows) == [
        "Access",
        "Access/Bus",
        "Access/Cost",
        "Feelings",
        "Feelings/Safety",
        "Food",
        "Misc",
    ]
