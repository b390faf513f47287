"""Excerpt suggestions on small hand-made projects with known answers: a keyword hit (and its
misspelling), a near-duplicate of a coded excerpt, a learned code; negation and exclusion;
coded and rejected spans not suggested again; accepting; determinism; the held-out evaluation;
the command line; and no network access."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from qualcode import Project
from qualcode.suggest import (
    SuggestionsCancelled,
    accept,
    evaluate,
    reject,
    reopen,
    suggest,
)
from qualcode.suggest.learned import MODELS

from .conftest import REPO, run_python

AHEAD = [
    "One day I will get a flat of my own.",
    "One day I will see my kids every week.",
    "One day I will go back to college.",
    "One day I will have a proper job.",
    "One day I will be clean for good.",
    "One day I will learn to drive.",
    "One day I will visit my sister in Leeds.",
    "One day I will pay off the debts.",
    "One day I will run my own cafe.",
    "One day I will take my mum to the seaside.",
]
FILLER = [
    "It was a Tuesday, I think.",
    "The room had blue chairs.",
    "We sat near the window.",
    "There were six of us that week.",
]
SLEEP = "I could not sleep at night because of the noise in the hostel."
NEW = (
    "Interviewer: How did you get there?\n\n"
    "P11: The bus fares went up again. The timetabel was useless.\n\n"
    "Interviewer: Anything else?\n\n"
    "P11: It was never the bus fare, honestly. The bus fare, or a taxi the service paid.\n\n"
    "Interviewer: And at night?\n\n"
    "P11: I couldn't sleep at night, the noise in the hostel was awful. "
    "One day I will have a little garden.\n"
)


def _interview(n: int) -> str:
    filler = FILLER[n % len(FILLER)]
    sleep = f" {SLEEP}" if n == 1 else ""
    return (
        "Interviewer: What was it like?\n\n"
        f"P{n:02d}: {filler} {AHEAD[n - 1]}{sleep}\n\n"
        "Interviewer: And the people?\n\n"
        f"P{n:02d}: They were fine. {FILLER[(n + 1) % len(FILLER)]}\n"
    )


def build(folder: Path) -> Path:
    path = folder / "suggest.qualcode"
    with Project.create(path, actor="tester") as project:
        project.add_code("Barriers", codable=False)
        project.add_code(
            "Travel",
            parent="Barriers",
            keywords=["bus fare", "timetable"],
            definition="Getting to the group: distance and the journey.",
            exclusion="Taxis the service paid for (code Support instead).",
        )
        project.add_code("Sleep", parent="Barriers", definition="Nights without rest.")
        project.add_code("Looking ahead")
        files = []
        for n in range(1, 11):
            file = folder / f"d{n:02d}.txt"
            file.write_text(_interview(n), encoding="utf-8")
            files.append(file)
        new = folder / "new.txt"
        new.write_text(NEW, encoding="utf-8")
        files.append(new)
        assert all(o.error is None for o in project.import_files(files))
        for n in range(1, 11):
            project.apply_code(
                document=f"d{n:02d}", code="Looking ahead", coder="ann", quote=AHEAD[n - 1]
            )
        project.apply_code(document="d01", code="Sleep", coder="ann", quote=SLEEP)
        project.apply_code(document="d02", code="Travel", coder="ben", quote="They were fine.")
    return path


@pytest.fixture
def study(tmp_path: Path):  # type: ignore[no-untyped-def]
    MODELS.clear()
    with Project.open(build(tmp_path)) as project:
        yield project


def _find(found, text: str, code: str):  # type: ignore[no-untyped-def]
    return [s for s in found if s.text.startswith(text) and s.code == code]


def test_a_keyword_in_another_form_and_a_misspelling(study: Project) -> None:
    found = suggest(study, document="new", coder="ann")
    [fares] = _find(found, "The bus fares went up", "Barriers/Travel")
    assert fares.engine == "terms" and '"bus fare" (keyword)' in fares.explanation
    assert 0.5 < fares.score <= 1.0
    [slip] = _find(found, "The timetabel was useless", "Barriers/Travel")
    assert "timetabel≈timetable" in slip.explanation
    assert study.document_text("new")[slip.start : slip.end] == slip.text


def test_negation_and_exclusion_lower_the_score(study: Project) -> None:
    found = suggest(study, document="new", coder="ann", min_score=0.01)
    [plain] = _find(found, "The bus fares went up", "Barriers/Travel")
    [negated] = _find(found, "It was never the bus fare", "Barriers/Travel")
    assert negated.score < plain.score and '"bus fare" (keyword, negated)' in negated.explanation
    # The exclusion word lowers the score so far that the queue's cap per sentence keeps a
    # better code for that sentence instead.
    excluded = _find(found, "The bus fare, or a taxi", "Barriers/Travel")
    assert not excluded or excluded[0].score < plain.score


def test_a_near_duplicate_of_a_coded_excerpt(study: Project) -> None:
    found = suggest(study, document="new", coder="ann")
    [sleep] = _find(found, "I couldn't sleep at night", "Barriers/Sleep")
    assert "similar" in sleep.engines
    assert f'like "{SLEEP}" (in d01)' in sleep.explanation


def test_a_code_learned_from_the_coders_codings(study: Project) -> None:
    found = suggest(study, document="new", coder="ann")
    [ahead] = _find(found, "One day I will have a little garden", "Looking ahead")
    assert ahead.engine == "learned" and "learned from your codings" in ahead.explanation
    # Content words only: no stop words ("i will"), no speaker or turn features.
    assert '"day"' in ahead.explanation and '"i will"' not in ahead.explanation
    # ben coded nothing of it: learning from ben alone gives no such suggestion.
    assert not _find(suggest(study, document="new", coder="ben"), "One day", "Looking ahead")


def test_coded_spans_are_not_suggested_again(study: Project) -> None:
    found = suggest(study, coder="ann")
    assert not [s for s in found if s.document.startswith("d") and s.code == "Looking ahead"]
    [fares] = _find(found, "The bus fares went up", "Barriers/Travel")
    study.apply_code(
        document="new",
        code="Barriers/Travel",
        coder="ann",
        start=fares.start + 4,
        end=fares.start + 13,
    )  # an overlapping span
    assert not _find(suggest(study, coder="ann"), "The bus fares", "Barriers/Travel")
    assert _find(suggest(study, coder="ben"), "The bus fares", "Barriers/Travel")


def test_rejected_suggestions_are_remembered_per_coder(study: Project) -> None:
    [fares] = _find(suggest(study, coder="ann"), "The bus fares", "Barriers/Travel")
    decision = reject(study, fares, "ann")
    assert not _find(suggest(study, coder="ann"), "The bus fares", "Barriers/Travel")
    assert _find(suggest(study, coder="ben"), "The bus fares", "Barriers/Travel")
    assert study.log(action="suggestion.reject")[0].entity_uuid == decision
    reopen(study, decision)  # undo
    assert _find(suggest(study, coder="ann"), "The bus fares", "Barriers/Travel")


def test_accepting_makes_a_coding_and_precision_follows_decisions(study: Project) -> None:
    found = suggest(study, document="new", coder="ann", min_score=0.01)
    travel = [s for s in found if s.code == "Barriers/Travel"]
    assert len(travel) >= 3 and all(s.precision is None for s in travel)
    coding = accept(study, travel[0], "ann")
    assert coding.origin == "suggestion" and coding.text == travel[0].text
    assert coding.code == "Barriers/Travel" and coding.coder == "ann"
    adjusted = accept(study, travel[1], "ann", span=(travel[1].start, travel[1].start + 7))
    assert adjusted.end - adjusted.start == 7
    reject(study, travel[2], "ann")
    sleep = next(s for s in found if s.code == "Barriers/Sleep")
    reject(study, sleep, "ann")
    reject(study, sleep, "ann", span=(sleep.start, sleep.start + 3))
    # Five decisions on Travel now: 2 accepted, 3 rejected.
    reject(study, travel[2], "ann", span=(travel[2].start, travel[2].start + 2))
    reject(study, travel[2], "ann", span=(travel[2].start + 3, travel[2].start + 5))
    again = suggest(study, coder="ann", min_score=0.01)
    assert {s.precision for s in again if s.code == "Barriers/Travel"} <= {0.4}
    assert study.log(action="suggestion.accept")


def test_prepare_trains_the_model_suggest_then_reuses(study: Project) -> None:
    from qualcode.suggest import prepare

    prepare(study, coder="ann")
    assert len(MODELS._models) == 1
    [(_codings, _signature, model)] = MODELS._models.values()
    suggest(study, document="new", coder="ann")
    [(_codings, _signature, again)] = MODELS._models.values()
    assert again is model and len(model.trained) == 1


def test_same_seed_same_suggestions(study: Project) -> None:
    first = suggest(study, coder="ann", seed=3)
    MODELS.clear()
    second = suggest(study, coder="ann", seed=3)
    assert first == second and first


def test_a_code_added_after_a_first_run(study: Project) -> None:
    assert not [s for s in suggest(study, coder="ann") if s.code == "Dinner"]
    study.add_code("Dinner", keywords=["honestly"])
    assert [s for s in suggest(study, coder="ann", min_score=0.05) if s.code == "Dinner"]


def test_models_are_retrained_only_when_codings_change_enough() -> None:
    from qualcode.suggest.learned import LearnedModel, ModelCache

    cache = ModelCache()
    model = LearnedModel(codes=1, trained=np.array([0]))
    codings = frozenset(range(100))
    cache.put("key", codings, ("codes", (0,)), model)
    assert cache.get("key", codings, ("codes", (0,))) is model
    assert cache.get("key", codings | {100, 101}, ("codes", (0,))) is model  # 2% changed
    assert cache.get("key", codings - set(range(5)), ("codes", (0,))) is None  # 5% changed
    assert cache.get("key", codings, ("other codes", (0,))) is None
    assert cache.get("other", codings, ("codes", (0,))) is None


def test_progress_and_cancel(study: Project) -> None:
    calls: list[tuple[int, int, str]] = []
    suggest(study, coder="ann", progress=lambda d, t, m: calls.append((d, t, m)))
    assert calls and calls[-1][0] == calls[-1][1]
    assert all(0 <= d <= t for d, t, _m in calls)
    with pytest.raises(SuggestionsCancelled):
        suggest(study, coder="ann", cancelled=lambda: True)


def test_held_out_evaluation(study: Project) -> None:
    report = evaluate(study, "ann")
    assert report["documents"] == 10 and report["folds"] == 10 and report["unit"] == "sentence"
    assert set(report["engines"]) == {
        "names",
        "keywords",
        "terms",
        "similar",
        "learned",
        "cues",
        "combined",
    }
    assert set(report["queue"]) == {"terms", "similar", "learned", "cues", "combined"}
    assert report["codes"] == ["Barriers/Sleep", "Looking ahead"]
    ahead = report["engines"]["learned"]["per_code"]["Looking ahead"]
    assert ahead["gold"] == 10 and ahead["recall"] == 1.0 and ahead["precision"] == 1.0
    assert report["engines"]["keywords"]["per_code"]["Looking ahead"]["correct"] == 0
    # The combined precision is kept in the project and shown with later suggestions.
    found = suggest(study, document="new", coder="ann")
    [ahead_s] = _find(found, "One day I will have", "Looking ahead")
    precision = report["queue"]["combined"]["per_code"]["Looking ahead"]["precision"]
    assert ahead_s.precision == precision
    assert study.log(action="suggest.evaluate")


def test_errors_are_one_line(study: Project) -> None:
    from qualcode.errors import NotFoundError, QualcodeError

    with pytest.raises(NotFoundError, match="no document named 'nope'"):
        suggest(study, document="nope")
    with pytest.raises(NotFoundError, match="no coder named 'nobody'"):
        suggest(study, coder="nobody")
    with pytest.raises(QualcodeError, match="not codable"):
        suggest(study, code="Barriers")
    with pytest.raises(QualcodeError, match="at least two documents"):
        evaluate(study, "ben")


def test_the_command_line(study: Project, capsys: pytest.CaptureFixture[str]) -> None:
    from qualcode.cli import main

    def run(*args: str) -> tuple[int, str, str]:
        try:
            main(list(args))
            code = 0
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else 1
        out = capsys.readouterr()
        return code, out.out, out.err

    path = str(study.sqlite_path)
    code, out, _err = run("suggest", path, "--document", "new", "--coder", "ann", "--json")
    listed = json.loads(out)
    assert code == 0 and listed
    assert set(listed[0]) == {
        "document",
        "code",
        "start",
        "end",
        "text",
        "score",
        "engine",
        "explanation",
    }
    code, out, _err = run("suggest", path, "--coder", "ann", "--code", "Sleep", "--limit", "1")
    assert code == 0 and "Barriers/Sleep" in out and "(in d01)" in out
    # The list says which queue it is: the stored setting in words, unless --min-score replaced it.
    from qualcode.suggest import queue_setting

    assert f"the review queue shows: {queue_setting(study, 'ann').describe()} (" in out
    code, out, _err = run("suggest", path, "--coder", "ann", "--min-score", "0.99")
    assert code == 0 and out.startswith("1.00  new") and "review queue" not in out
    code, out, _err = run("suggest", path, "--coder", "ann", "--evaluate", "--json")
    report = json.loads(out)
    assert code == 0 and report["engines"]["combined"]["micro"]["f1"] is not None
    code, out, _err = run("suggest", path, "--coder", "ann", "--evaluate", "--folds", "2")
    assert code == 0 and "keywords" in out and "combined" in out and "2 folds" in out
    assert "review queue (combined)" in out and "text search: code names" in out
    assert "per 1,000 words" in out
    reasons = ("at least as precise as", "made too few suggestions", "less than half the time")
    assert "; the queue's figures above chose it" in out and any(r in out for r in reasons)
    assert any(r in report["setting_why"] for r in reasons)
    code, out, err = run("suggest", path, "--document", "nope")
    assert code == 1 and err.strip() == (
        "qualcode: error: no document named 'nope' (see: qualcode documents)"
    )


NO_NETWORK = """
import socket, sys, tempfile, pathlib
def refuse(*args, **kwargs):
    raise RuntimeError("network access attempted")
socket.socket.connect = refuse
socket.socket.connect_ex = refuse
socket.create_connection = refuse
socket.getaddrinfo = refuse
sys.path.insert(0, {repo!r})
from tests.test_nlp_suggest import build
from qualcode import Project
from qualcode.suggest import evaluate, suggest
with tempfile.TemporaryDirectory() as folder:
    with Project.open(build(pathlib.Path(folder))) as project:
        found = suggest(project, coder="ann")
        evaluate(project, "ann", folds=2, save=False)
print("OFFLINE", len(found))
"""


def test_no_network_access_from_pipeline_build_to_suggestions() -> None:
    """A fresh process (so spaCy, the lemma table and scikit-learn load under the guard)."""
    code = NO_NETWORK.format(repo=str(REPO))
    out = run_python(code, check=False)
    assert out.returncode == 0, out.stderr[-2000:]
    assert "OFFLINE" in out.stdout and "OFFLINE 0" not in out.stdout
