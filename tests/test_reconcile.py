"""The reconcile queue on the small project: regions worked out by hand, decisions stored as
consensus codings, superseded, undone, audited and found again after reopening."""

from __future__ import annotations

from pathlib import Path

import pytest

from qualcode import Project
from qualcode.agreement import AgreementError
from qualcode.agreement.reconcile import accept_agreed, decide, reconcile_queue
from qualcode.errors import QualcodeError

from .test_agreement_units import TEXT, at, small  # noqa: F401  (fixture)

BUS = "Access/Bus"


def consensus(project: Project) -> list[tuple[str, str]]:
    return sorted((c.code, c.text) for c in project.codings(coder="consensus"))


def test_regions_and_versions_by_hand(small: Project) -> None:  # noqa: F811
    # Sentences: ann has Bus in "By bus." only; ben in "By bus." and "It was cheap!".
    queue = reconcile_queue(small, code=BUS, coders=["ann", "ben"])
    assert len(queue.items) == 1 and queue.agreed == () and queue.decided == 0
    item = queue.items[0]
    assert (item.start, item.end) == (at("By bus")[0], at("It was cheap!")[1])
    assert item.disagreeing == (at("It was cheap!"),)
    assert item.version("ann").excerpts == ((BUS, *at("By bus")),)
    assert item.version("ben").excerpts == ((BUS, *at("bus. It was")),)
    assert queue.first_open() == 0


def test_agreed_regions_and_accepting_them(small: Project) -> None:  # noqa: F811
    # ann "By bus" and cy "By bus." cover the same sentence: agreed, not a disagreement.
    queue = reconcile_queue(small, code=BUS, coders=["ann", "cy"])
    assert queue.items == () and len(queue.agreed) == 1
    assert accept_agreed(small, queue, supervisor="sue") == 1
    assert consensus(small) == [(BUS, "By bus.")]  # the coders' codings merged
    again = reconcile_queue(small, code=BUS, coders=["ann", "cy"])
    assert again.agreed[0].decision is not None
    assert accept_agreed(small, again, supervisor="sue") == 0  # nothing decided twice


def test_each_choice_and_superseding(small: Project) -> None:  # noqa: F811
    queue = reconcile_queue(small, code=BUS, coders=["ann", "ben"])
    item = queue.items[0]
    first = decide(small, queue, item, "coder", coder="ann", supervisor="sue")
    assert first.choice == "coder" and first.chosen_coder == "ann" and first.decided_by == "sue"
    assert consensus(small) == [(BUS, "By bus")]
    decide(small, queue, item, "all", supervisor="sue")
    assert consensus(small) == [(BUS, "By bus. It was")]  # ann's and ben's merged
    decide(small, queue, item, "neither", supervisor="sue")
    assert consensus(small) == []
    span = at("It was cheap")
    edited = decide(small, queue, item, "edit", span=span, supervisor="sue")
    assert consensus(small) == [(BUS, "It was cheap")]
    live = small.decisions(code=BUS)
    assert [d.uuid for d in live] == [edited.uuid]
    history = small.decisions(code=BUS, include_superseded=True)
    assert [d.choice for d in history] == ["coder", "all", "neither", "edit"]
    assert all(d.superseded_at is not None for d in history[:-1])
    # The consensus codings are the consensus coder's, origin consensus, made by sue.
    (coding,) = small.codings(coder="consensus")
    assert coding.origin == "consensus"
    applied = small.log(action="coding.apply", entity_uuid=coding.uuid)
    assert applied[0].actor == "sue"
    decided = small.log(action="reconcile.decide")
    assert len(decided) == 4 and {e.actor for e in decided} == {"sue"}
    assert decided[0].payload["choice"] == "edit"


def test_undo_reopens_the_region(small: Project) -> None:  # noqa: F811
    queue = reconcile_queue(small, code=BUS, coders=["ann", "ben"])
    made = decide(small, queue, queue.items[0], "coder", coder="ben", supervisor="sue")
    assert consensus(small) == [(BUS, "bus. It was")]
    small.undo_decision(made.uuid, supervisor="sue")
    assert consensus(small) == []
    assert reconcile_queue(small, code=BUS, coders=["ann", "ben"]).decided == 0
    with pytest.raises(QualcodeError, match="already taken back"):
        small.undo_decision(made.uuid, supervisor="sue")
    assert small.log(action="reconcile.undo")[0].actor == "sue"


def test_decisions_survive_reopening(small: Project) -> None:  # noqa: F811
    queue = reconcile_queue(small, code=BUS, coders=["ann", "ben"])
    decide(small, queue, queue.items[0], "coder", coder="ann", supervisor="sue")
    path = small.sqlite_path
    assert path is not None
    small.close()
    with Project.open(path) as reopened:
        again = reconcile_queue(reopened, code=BUS, coders=["ann", "ben"])
        assert again.decided == 1 and again.first_open() is None
        assert again.items[0].decision is not None
        assert again.items[0].decision.chosen_coder == "ann"


def test_a_theme_copies_each_coders_own_codes(small: Project) -> None:  # noqa: F811
    # Access with descendants, ann vs ben. Regions: "How did you come?" (ann's Access only),
    # and the chain "By bus" / "bus. It was" / "It was cheap" / "cheap! I liked", which
    # disagrees on "I liked it." (ann only).
    queue = reconcile_queue(small, code="Access", coders=["ann", "ben"])
    assert [(i.start, i.end) for i in queue.items] == [
        at("How did you come?"),
        (at("By bus")[0], at("I liked it.")[1]),
    ]
    decide(small, queue, queue.items[1], "coder", coder="ben", supervisor="sue")
    assert consensus(small) == [("Access/Bus", "bus. It was"), ("Access/Cost", "It was cheap")]
    # An edit on a theme's region defaults to the code used most there (Bus: 2 codings).
    decide(small, queue, queue.items[1], "edit", span=at("By bus."), supervisor="sue")
    assert consensus(small) == [("Access/Bus", "By bus.")]


def test_document_unit_regions_disagree_when_a_coder_is_absent(small: Project) -> None:  # noqa: F811
    queue = reconcile_queue(small, code="Access", coders=["ann", "ben"], unit="document")
    assert [(i.start, i.end) for i in queue.items] == [at("How did you come?")]
    assert len(queue.agreed) == 1


def test_bad_decisions_change_nothing(small: Project) -> None:  # noqa: F811
    queue = reconcile_queue(small, code=BUS, coders=["ann", "ben"])
    item = queue.items[0]
    kept = decide(small, queue, item, "coder", coder="ann", supervisor="sue")
    with pytest.raises(AgreementError, match="not one of the compared coders"):
        decide(small, queue, item, "coder", coder="cy", supervisor="sue")
    with pytest.raises(AgreementError, match="needs a span"):
        decide(small, queue, item, "edit", supervisor="sue")
    # A code that groups others cannot be a consensus coding; the transaction rolls back whole,
    # so the earlier decision and its coding are still there.
    small.update_code("Access", codable=False)
    with pytest.raises(QualcodeError, match="not codable"):
        decide(small, queue, item, "edit", span=at("By bus"), code="Access", supervisor="sue")
    assert [d.uuid for d in small.decisions(code=BUS)] == [kept.uuid]
    assert consensus(small) == [(BUS, "By bus")]
    with pytest.raises(QualcodeError, match="not inside"):
        small.record_decision(
            code=BUS,
            document="talk",
            start=0,
            end=len(TEXT) + 5,
            choice="neither",
            excerpts=[],
            coders=["ann", "ben"],
            supervisor="sue",
        )
    with pytest.raises(QualcodeError, match="not one of"):
        small.record_decision(
            code=BUS,
            document="talk",
            start=0,
            end=5,
            choice="maybe",
            excerpts=[],
            coders=["ann", "ben"],
            supervisor="sue",
        )


def test_demo_queue_is_meaningful(tmp_path: Path) -> None:
    from qualcode.demo import build_demo

    path, _ = build_demo(tmp_path, echo=lambda _line: None)
    with Project.open(path) as project:
        queue = reconcile_queue(
            project, code="Trauma and PTSD/Trauma symptoms", coders=["ann", "ben", "cat"]
        )
        assert queue.items, "the demo should give the supervisor something to reconcile"
        for item in queue.items:
            coded = [v for v in item.versions if v.excerpts]
            assert 0 < len(coded) <= 3


def test_cli_lists_decides_and_reports_errors(
    small: Project,  # noqa: F811
    capsys: pytest.CaptureFixture[str],
) -> None:
    from .test_agreement_report import run

    path = str(small.sqlite_path)
    small.close()
    base = ["reconcile", path, "--coders", "ann,ben", "--code", BUS, "--supervisor", "sue"]
    code, out, err = run(capsys, *base)
    assert code == 0, err
    assert "1 disagreement(s), 0 decided" in out and "[open] coded by ann, ben" in out
    code, out, err = run(capsys, *base, "--decide", "1", "--accept", "ben")
    assert code == 0, err
    assert "decided 1: coder ben; 1 consensus coding(s)" in out
    code, out, err = run(capsys, *base, "--json")
    assert code == 0, err
    import json

    listed = json.loads(out)
    assert listed["decided"] == 1 and listed["items"][0]["decision"]["chosen_coder"] == "ben"
    code, _, err = run(capsys, *base, "--decide", "1", "--accept", "zed")
    assert code != 0 and "not one of the compared coders" in err and "Traceback" not in err
    code, _, err = run(capsys, *base, "--decide", "3", "--accept", "ann")
    assert code != 0 and "choose 1 to 1" in err
    with Project.open(path) as project:
        assert consensus(project) == [(BUS, "bus. It was")]
