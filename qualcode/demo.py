"""The demo: a fresh project from the sample codebook, transcripts and cases.

The samples live beside the package in a source checkout (``codebooks/``, ``transcripts_sample/``);
when qualcode runs elsewhere they are looked for in the current folder.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from .errors import Hint, NotFoundError

if TYPE_CHECKING:
    from .project import Project

SAMPLE_SUFFIXES = {".txt", ".md", ".docx", ".vtt", ".srt"}


def sample_root() -> Path:
    for root in (Path(__file__).resolve().parent.parent, Path.cwd()):
        if (root / "codebooks" / "dussk.yaml").is_file() and (root / "transcripts_sample").is_dir():
            return root
    raise NotFoundError(
        "the demo needs codebooks/dussk.yaml and transcripts_sample/ (run it from a qualcode "
        "checkout)"
    )


def build_demo(folder: Path | None = None, echo: Callable[[str], None] = print) -> tuple[Path, str]:
    """Create the demo project; return its path and a short report of what it holds."""
    from .codebook import load_codebook
    from .project import Project

    root = sample_root()
    folder = folder or Path(tempfile.mkdtemp(prefix="qualcode-demo-"))
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "demo.qualcode"
    if path.exists():
        raise NotFoundError(f"{path}: already exists", Hint("demo-dir")) from None
    samples = root / "transcripts_sample"
    files = sorted(
        p
        for p in samples.iterdir()
        if p.suffix.lower() in SAMPLE_SUFFIXES and p.stem.upper() != "README"
    )
    with Project.create(path, actor="demo") as project:
        project.import_codebook(
            load_codebook(root / "codebooks" / "dussk.yaml"), source="dussk.yaml"
        )
        outcomes = project.import_files(
            files, progress=lambda done, total, name: echo(f"  [{done}/{total}] {Path(name).name}")
        )
        failed = [o.error for o in outcomes if o.error]
        if (samples / "cases.csv").is_file():
            project.import_cases(samples / "cases.csv")
            _mark_staff(project)
        codings_file = samples / "demo_codings.csv"
        if codings_file.is_file():
            project.import_codings(codings_file)
        docs = project.documents()
        codes = project.codes()
        if (samples / "names.csv").is_file():  # the pseudonymise screen (p) finds it there
            shutil.copyfile(samples / "names.csv", folder / "names.csv")
        cases = project.cases()
        codings = project.codings()
    lines = [
        f"Demo project: {len(docs)} documents, {sum(d.words for d in docs):,} words, "
        f"{len(codes)} codes, {len(cases)} cases, {len(codings)} codings.",
        "",
        f"{'document':<28} {'kind':<12} {'case':<6} {'words':>6} {'turns':>6}",
    ]
    lines += [
        f"{d.name:<28} {d.kind:<12} {d.case or '-':<6} {d.words:>6,} {d.turns:>6}" for d in docs
    ]
    lines += [f"could not import: {error}" for error in failed]
    return path, "\n".join(lines)


def _mark_staff(project: Project) -> None:
    """In documents of staff cases, the interviewee speaks as staff, not as a participant."""
    staff = {c.name for c in project.cases() if c.attributes.get("group") == "staff"}
    for doc in project.documents():
        if doc.case in staff:
            for speaker in project.speakers(doc.name):
                if speaker.role == "participant":
                    project.set_speaker(doc.name, speaker.label, role="staff")
