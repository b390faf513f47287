"""Pseudonymisation on the real transcripts in ../shared/real_transcripts (skipped without them).

Every transcript is imported into one project and coded (every turn, and spans that start or end
inside a name); the names list is built from their speaker labels (generic ones like 'Speaker 1'
left out; the earnings call's names come from its companion speaker CSV). Then: nothing crashes,
every coding covers the same words with the names replaced by their labels, and no listed name
(any case, possessive, or one edit away) is left in any export: quotes as DOCX, Markdown, CSV
and XLSX, the matrix, the codebook, saturation, every table in one workbook, and .qdpx; both for
an export with ``--pseudonymise`` (a copy in memory) and after pseudonymising the project.
"""

from __future__ import annotations

import csv
import re
import shutil
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import NamedTuple

import pytest
from rapidfuzz.distance import Levenshtein

from qualcode import Project
from qualcode.codebook import load_codebook
from qualcode.privacy import detect
from qualcode.privacy.names import load_names
from qualcode.privacy.pseudonymise import Plan, plan_for

from .conftest import REPO, run_cli

REAL = REPO.parent / "shared" / "real_transcripts"
pytestmark = [
    pytest.mark.skipif(not REAL.is_dir(), reason="../shared/real_transcripts is not here"),
    pytest.mark.slow,
]
COMPANIONS = {"SOURCES.md", "earnings21_speaker-metadata.csv"}
"""Files beside the transcripts that are not transcripts."""
GENERIC = re.compile(r"(?i)^(speaker|participant|interviewer|operator|unknown)\b[\s\d]*$")
EXPORTS = [
    ("quotes", ".docx"),
    ("quotes", ".md"),
    ("quotes", ".csv"),
    ("quotes", ".xlsx"),
    ("matrix", ".xlsx"),
    ("codebook", ".md"),
    ("codebook", ".docx"),
    ("saturation", ".csv"),
    ("all", ".xlsx"),
    ("qdpx", ".qdpx"),
]
WORD = re.compile(r"[^\W_]+(?:[.'’][^\W_]+)*")


def transcripts() -> list[Path]:
    return sorted(p for p in REAL.iterdir() if p.is_file() and p.name not in COMPANIONS)


def listed_names(project: Project) -> list[str]:
    """Every speaker label that is not a generic role or number, and the earnings call's
    speakers from its companion CSV (its transcript numbers them)."""
    names = {s.label for s in project.speakers() if not GENERIC.match(s.label)}
    metadata = REAL / "earnings21_speaker-metadata.csv"
    if metadata.is_file():
        files = {p.stem.split("_", 1)[1] for p in REAL.glob("earnings21_*.nlp")}
        with metadata.open(encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle):
                if row["file_id"] in files and not GENERIC.match(row["speaker_name"]):
                    names.add(row["speaker_name"].strip())
    return sorted(names)


class Forbidden(NamedTuple):
    anycase: set[str]
    """Case-folded names that must not appear in any case."""
    titled: set[str]
    """Words that are names and English words ('Ken', 'Bush'): not capitalised."""
    near: set[str]
    """Case-folded names (5+ letters) that must not appear one edit away either."""


def forbidden(names: list[str]) -> Forbidden:
    """Each listed name, and each capitalised word of a full name (not a title such as 'Dr')."""
    anycase: set[str] = set()
    titled: set[str] = set()
    for name in names:
        anycase.add(name.casefold())
        words = WORD.findall(name)
        for word in words if len(words) > 1 else []:
            if len(word) < 2 or not word[0].isupper() or word.lower() in detect.TITLES:
                continue
            (titled if detect.known_word(word) else anycase).add(word)
    anycase = {w.casefold() for w in anycase}
    near = {w for w in anycase if len(w) >= 5 and w.isalpha()}
    return Forbidden(anycase, titled, near)


def leaks(text: str, names: Forbidden) -> list[str]:
    found: list[str] = []
    folded = text.casefold()
    for form in names.anycase:
        if re.search(rf"(?<![^\W_]){re.escape(form)}(?![^\W_])", folded):
            found.append(form)
    for form in names.titled:
        if re.search(rf"(?<![^\W_])(?:{form}|{form.upper()})(?![^\W_])", text):
            found.append(form)
    for word in {w for w in WORD.findall(text) if len(w) >= 4}:
        low = word.casefold()
        if low in names.anycase or detect.known_word(word):
            continue
        near = [f for f in names.near if Levenshtein.distance(low, f, score_cutoff=1) <= 1]
        found += [f"{word}~{f}" for f in near]
    return sorted(set(found))


def readable(path: Path) -> str:
    if path.suffix in (".docx", ".xlsx", ".qdpx"):
        with zipfile.ZipFile(path) as archive:
            return " ".join(archive.read(n).decode("utf-8", "replace") for n in archive.namelist())
    return path.read_text(encoding="utf-8")


def code_everything(project: Project, folder: Path) -> None:
    """Every turn coded, and spans cut through names (starting or ending inside one), by two
    coders, in one bulk import; a memo and a case that name a speaker."""
    codes = [c.path for c in project.codes() if c.codable][:6]
    names = listed_names(project)
    pattern = detect.spelling_pattern(names)
    rows: list[dict[str, object]] = []
    for n, document in enumerate(project.documents()):
        text = project.document_text(document.name)
        for i, turn in enumerate(project.turns(document.name)):
            if turn.end > turn.body_start:
                rows.append(
                    {
                        "document": document.name,
                        "code": codes[i % len(codes)],
                        "coder": ("coder-a", "coder-b")[i % 2],
                        "start": turn.body_start,
                        "end": turn.end,
                    }
                )
        found = list(pattern.finditer(text)) if pattern else []
        for i, m in enumerate(found[:: max(1, len(found) // 25)]):
            middle = (m.start() + m.end()) // 2
            start, end = (
                (middle, min(len(text), m.end() + 40))
                if i % 2
                else (max(0, m.start() - 40), middle)
            )
            rows.append(
                {
                    "document": document.name,
                    "code": codes[(n + i) % len(codes)],
                    "coder": "coder-a",
                    "start": start,
                    "end": end,
                }
            )
    table = folder / "codings.csv"
    with table.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, ["document", "code", "coder", "start", "end"])
        writer.writeheader()
        writer.writerows(rows)
    project.import_codings(table)
    speaker = next(s for s in project.speakers() if s.label in names)
    first = project.codings()[0]
    project.add_memo(
        f"{speaker.label} said this twice; ask {speaker.label.upper()}'s colleague.",
        coder="coder-a",
        target_type="coding",
        target=first.uuid,
    )
    project.set_speaker(speaker.document, speaker.label, case=speaker.label)


@pytest.fixture(scope="module")
def real(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, Path, list[str]]]:
    folder = tmp_path_factory.mktemp("real")
    path = folder / "real.qualcode"
    with Project.create(path, actor="tester") as project:
        project.import_codebook(load_codebook(REPO / "codebooks" / "dussk.yaml"))
        outcomes = project.import_files(transcripts())
        # A format qualcode does not read (a Word 95 .doc) is refused in one line; the rest count.
        assert all("\n" not in o.error for o in outcomes if o.error)
        assert sum(o.error is None for o in outcomes) >= max(1, len(outcomes) // 2)
        code_everything(project, folder)
        names = listed_names(project)
    names_csv = folder / "names.csv"
    names_csv.write_text("name\n" + "\n".join(f'"{n}"' for n in names) + "\n", encoding="utf-8")
    yield path, names_csv, names


def test_names_list_is_built_from_the_labels(real: tuple[Path, Path, list[str]]) -> None:
    _path, names_csv, names = real
    assert [e.name for e in load_names(names_csv)] == names
    if (REAL / "virtualcoffee_s5e6.srt").is_file():
        assert {"Bekah Hawrot Weigel", "Bekah", "Greg Colvin", "Greg"} <= set(names)


def test_the_check_finds_the_names_in_a_plain_export(
    real: tuple[Path, Path, list[str]], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path, _names_csv, names = real
    target = tmp_path / "plain.md"
    code, _out, err = run_cli(capsys, "export", "quotes", str(path), "-o", str(target))
    assert code == 0, err
    found = leaks(readable(target), forbidden(names))
    assert found
    if (REAL / "virtualcoffee_s5e6.srt").is_file():
        assert "bekah" in found


@pytest.mark.parametrize(("report", "suffix"), EXPORTS)
def test_a_pseudonymised_export_names_nobody(
    real: tuple[Path, Path, list[str]],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    report: str,
    suffix: str,
) -> None:
    path, names_csv, names = real
    banned = forbidden(names)
    extra = ["--cells", "text"] if report == "matrix" else []
    target = tmp_path / f"shared{suffix}"
    code, _out, err = run_cli(
        capsys,
        "export",
        report,
        str(path),
        "-o",
        str(target),
        *extra,
        "--pseudonymise",
        str(names_csv),
    )
    assert code == 0, err
    assert leaks(readable(target), banned) == []


def expected(text: str, start: int, end: int, spans: list[tuple[int, int, str]]) -> str:
    """The words of text[start:end] with each replaced span's label; a span the coding cuts
    is replaced whole (the coding grows to cover the label, never half of it)."""
    out, at = [], start
    for s, e, label in spans:
        if e <= start or s >= end:
            continue
        out.append(text[at:s] if s > at else "")
        out.append(label)
        at = max(at, e)
    out.append(text[at:end] if end > at else "")
    return "".join(out)


def test_pseudonymising_the_project_keeps_every_coding_and_names_nobody(
    real: tuple[Path, Path, list[str]], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source, names_csv, names = real
    path = tmp_path / "real.qualcode"
    shutil.copy(source, path)
    banned = forbidden(names)
    with Project.open(path, actor="tester") as project:
        before = {c.uuid: c for c in project.codings(include_deleted=True)}
        texts = {d.name: project.document_text(d.name) for d in project.documents()}
        plan: Plan = plan_for(project, load_names(names_csv), key=project.pseudonym_key())
        if (REAL / "virtualcoffee_s5e6.srt").is_file():  # one person, two labels
            assert any(c.merged for c in plan.speaker_labels()[1])
        result = project.pseudonymise(plan)
        spans = {
            d: [(f.start, f.end, plan.replacement(f)) for f in fs]
            for d, fs in plan.by_document().items()
        }
        after = {c.uuid: c for c in project.codings(include_deleted=True)}
        assert set(after) == set(before) and len(after) > len(texts)
        for uuid, old in before.items():
            new = after[uuid]
            assert (new.code, new.coder) == (old.code, old.coder)
            want = expected(texts[old.document], old.start, old.end, spans.get(old.document, []))
            assert new.text == want, (old.document, old.text[:80])
            assert leaks(new.text, banned) == [], new.text[:200]
        for document in project.documents():
            assert leaks(project.document_text(document.name), banned) == [], document.name
        labels = " | ".join(s.label for s in project.speakers())
        assert leaks(labels, banned) == []
        assert leaks(" ".join(m.text for m in project.memos()), banned) == []
        assert leaks(" ".join(c.name for c in project.cases()), banned) == []
    assert result.documents >= 1
    for report, suffix in (("quotes", ".docx"), ("all", ".xlsx"), ("qdpx", ".qdpx")):
        target = tmp_path / f"after-{report}{suffix}"
        code, _out, err = run_cli(capsys, "export", report, str(path), "-o", str(target))
        assert code == 0, err
        assert leaks(readable(target), banned) == [], report
