"""The review queue: content-free and interviewer sentences, explanations in words, the cache of
suggestions kept in the project between processes (and encrypted with it)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from spacy.lang.en.stop_words import STOP_WORDS

from qualcode import Project
from qualcode.nlp.pipeline import analyse
from qualcode.suggest import suggest
from qualcode.suggest.learned import MODELS, readable
from qualcode.suggest.queue import content_free, interviewers
from qualcode.suggest.run import cache_key

from .conftest import REPO, run_python
from .test_nlp_suggest import build

EMPTY = ["N/A", "yes", "Unsure", '"1.', "Yes.", "No.", "Definitely not.", "Mm-hmm."]
FULL = [
    "I never heard of them before.",
    "The bus fare went up again.",
    "Climate change.",
    "My mum took the kids while I was at the group.",
]


def test_content_free_sentences_are_recognised() -> None:
    text = "\n\n".join(EMPTY + FULL)
    analysis = analyse(text)
    flags = dict(
        zip((text[s:e] for s, e in analysis.spans), content_free(analysis).tolist(), strict=True)
    )
    assert {s for s, empty in flags.items() if empty} == set(EMPTY)


def test_interviewers_by_role_or_by_their_questions() -> None:
    assert interviewers(["int role:interviewer", "p1 role:participant"], ["a?", "b"]) == {
        "int role:interviewer"
    }
    speakers = ["max bigman", "admin-1"] * 3
    texts = ["What is your role?", "Sure.", "And then?", "We met.", "Why?", "Because."]
    assert interviewers(speakers, texts) == {"max bigman"}
    assert interviewers(["a", "a"], ["Why?", "How?"]) == set()


def test_learned_features_read_as_words() -> None:
    assert readable("turn:.") == ([], True)
    assert readable("role:participant") == ([], False)
    assert readable("speaker:p11") == ([], False)
    assert readable("day i") == (["day"], False)
    assert readable("turn:garden") == (["garden"], True)
    assert readable("/ a") == ([], False)


@pytest.fixture
def study(tmp_path: Path) -> Path:
    MODELS.clear()
    path = build(tmp_path)
    extra = tmp_path / "answers.txt"
    extra.write_text(
        "Interviewer: Did the bus fare matter?\n\n"
        "P12: Yes.\n\n"
        "Interviewer: Any other bus fare trouble?\n\n"
        "P12: N/A\n\n"
        "Interviewer: And the timetable?\n\n"
        "P12: Unsure\n\n"
        "Interviewer: What next?\n\n"
        'P12: "1.\n\n'
        "P12: I never heard of them before. One day I will open a bakery by the bus station.\n",
        encoding="utf-8",
    )
    with Project.open(path) as project:
        project.add_code("Answers", keywords=["yes", "unsure", "n/a", "1"])
        assert project.import_files([extra])[0].error is None
    return path


def test_content_free_and_interviewer_sentences_are_never_suggested(study: Path) -> None:
    with Project.open(study) as project:
        found = suggest(project, document="answers", coder="ann", min_score=0.0)
    texts = {s.text for s in found}
    assert texts  # the participant's real sentences are suggested
    assert not texts & {"Yes.", "N/A", "Unsure", '"1.'}
    assert not [t for t in texts if t.endswith("?")]  # the interviewer's questions
    for s in found:
        assert s.explanation.strip()
        assert not any(f in s.explanation for f in ("turn:", "role:", "speaker:"))
        if "learned from your codings" in s.explanation:
            reason = s.explanation.split("learned from your codings")[1].split(";")[0]
            words = re.findall(r'"([^"]*)"', reason)
            assert words and all(w not in STOP_WORDS and re.search(r"\w", w) for w in words), s


def test_a_coder_who_codes_short_answers_gets_them_suggested(study: Path, tmp_path: Path) -> None:
    with Project.open(study) as project:
        found = suggest(project, document="answers", coder="ann", min_score=0.0)
        assert "Yes." not in {s.text for s in found}
        files = []
        for n in range(3):  # ann codes the short answers of three more interviews
            path = tmp_path / f"short{n}.txt"
            path.write_text(
                f"Interviewer: Did it help?\n\nP2{n}: Yes.\n\nP2{n}: The group was good for me.\n",
                encoding="utf-8",
            )
            files.append(path)
        assert all(o.error is None for o in project.import_files(files))
        for n in range(3):
            project.apply_code(document=f"short{n}", code="Answers", coder="ann", quote="Yes.")
        found = suggest(project, document="answers", coder="ann", min_score=0.0)
    assert ("Yes.", "Answers") in {(s.text, s.code) for s in found}


RUN = """
import json, sys
from qualcode import Project
from qualcode.suggest import suggest
with Project.open(sys.argv[1]) as project:
    found = suggest(project, document="new", coder="ann", min_score=0.2)
print(json.dumps({"found": [[s.code, s.start, s.score] for s in found],
                  "trained": "sklearn.linear_model" in sys.modules,
                  "parsed": "spacy" in sys.modules}))
"""


def _run(path: Path) -> dict:  # type: ignore[type-arg]
    done = run_python(RUN, str(path))
    return json.loads(done.stdout)


@pytest.mark.slow
def test_suggestions_are_kept_between_processes_until_a_coding_changes(study: Path) -> None:
    first = _run(study)
    assert first["found"] and first["trained"] and first["parsed"]
    again = _run(study)  # a new process: nothing parsed, nothing trained
    assert again == {"found": first["found"], "trained": False, "parsed": False}
    with Project.open(study) as project:
        project.apply_code(
            document="new",
            code="Looking ahead",
            coder="ann",
            quote="One day I will have a little garden.",
        )
    changed = _run(study)
    assert changed["trained"] and changed["parsed"]
    assert [c for c in changed["found"] if c[0] == "Looking ahead"] != [
        c for c in first["found"] if c[0] == "Looking ahead"
    ]
    with Project.open(study) as project:  # a coding by another coder does not matter to ann
        project.apply_code(document="d03", code="Sleep", coder="ben", quote=FULL_D03)
    assert not _run(study)["trained"]


FULL_D03 = "They were fine."


def test_an_encrypted_project_keeps_its_cache_encrypted(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pytest.importorskip("sqlcipher3", reason="the encryption extra (sqlcipher3) is not installed")
    from qualcode.store import cipher

    from .test_encryption import readable as readable_files

    monkeypatch.setenv(cipher.PASSPHRASE_ENV, "a long enough passphrase")
    sources = tmp_path / "sources"  # the plain transcripts build() imports stay out of the scan
    sources.mkdir()
    (tmp_path / "study").mkdir()
    (tmp_path / "tmp").mkdir()
    monkeypatch.setenv("TMPDIR", str(tmp_path / "tmp"))
    path = build(sources).rename(tmp_path / "study" / "suggest.qualcode")
    cipher.encrypt_file(path, "a long enough passphrase")
    with Project.open(path, passphrase="a long enough passphrase") as project:
        found = suggest(project, document="new", coder="ann", min_score=0.2)
        assert found and project.setting(cache_key("ann"))
    needles = [s.text for s in found] + ["suggest.cache"]
    assert readable_files(tmp_path / "study", needles) == {}
    assert readable_files(tmp_path / "tmp", needles) == {}


def test_blind_coding_keeps_each_coders_calibration_and_cache_apart(study: Path) -> None:
    with Project.open(study, actor="sue") as project:
        project.add_coder("sue", role="supervisor")
        project.set_blind(True)
    with Project.open(study, actor="ann") as project:
        assert project.blind_for_actor()
        found = suggest(project, document="new")  # no coder named: blind means ann's own
        assert found
        assert project.setting(cache_key("ann")) and project.setting("suggest.evaluation:ann")
        assert project.setting(cache_key(None)) is None
        assert project.setting("suggest.evaluation:*") is None


@pytest.mark.slow
def test_pseudonymising_drops_the_suggestions_kept_in_the_project(tmp_path: Path) -> None:
    from qualcode.demo import build_demo
    from qualcode.privacy.names import load_names
    from qualcode.privacy.pseudonymise import plan_for
    from qualcode.store.models import Setting

    names = REPO / "transcripts_sample" / "names.csv"
    path, _report = build_demo(tmp_path / "demo", echo=lambda _line: None)
    with Project.open(path, actor="tester") as project:
        suggest(project, coder="ann", min_score=0.1)
        kept = project.setting(cache_key("ann")) or ""
        listed = [n for entry in load_names(names) for n in entry.spellings]
        quoted = [n for n in listed if n in kept]
        assert quoted  # the cache quotes the transcript, names and all
        project.pseudonymise(plan_for(project, load_names(names)), save_key=False)
        assert not project.setting(cache_key("ann"))  # emptied
        with project._read() as session:
            values = " ".join(r.value for r in session.query(Setting).all())
        assert not [n for n in quoted if n in values]


def test_a_damaged_cache_is_computed_again(study: Path) -> None:
    from qualcode.store.models import Setting

    with Project.open(study) as project:
        first = suggest(project, document="new", coder="ann", min_score=0.2)
        raw = json.loads(project.setting(cache_key("ann")) or "{}")
        raw["documents"]["new"] = [{"document": "new", "unexpected": 1}]
        with project._write() as session:
            session.get_one(Setting, cache_key("ann")).value = json.dumps(raw)
        assert suggest(project, document="new", coder="ann", min_score=0.2) == first


def test_explanations_of_a_coder_who_codes_whole_turns(study: Path) -> None:
    """Turn features (``turn:.``, ``turn:of``) and speaker features never reach a reason."""
    with Project.open(study) as project:
        for n in range(1, 11):
            name = f"d{n:02d}"
            text = project.document_text(name)
            for turn in project.turns(name):
                body = text[turn.body_start : turn.end]
                if "One day" in body or "They were fine" in body:
                    code = "Looking ahead" if "One day" in body else "Barriers/Sleep"
                    project.apply_code(
                        document=name, code=code, coder="cat", start=turn.body_start, end=turn.end
                    )
        found = suggest(project, document="new", coder="cat", min_score=0.0)
    learned = [s for s in found if "learned" in s.engines]
    assert learned
    for s in found:
        assert s.explanation.strip()
        assert not re.search(r"\b(turn|role|speaker):", s.explanation), s.explanation
        for reason in s.explanation.split(";"):
            if "learned from your codings" in reason:
                words = re.findall(r'"([^"]*)"', reason)
                assert words and all(w not in STOP_WORDS and re.search(r"\w", w) for w in words), (
                    s.explanation
                )
