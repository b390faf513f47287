"""Round trip, as a property: any project exported as .qdpx and imported into an empty project
comes back the same (documents by text hash, codes, coders, codings, memos, cases and
attributes), with the same uuids, and exports again to the same file."""

from __future__ import annotations

import contextlib
import hashlib
import tempfile
import zipfile
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from qualcode import Project
from qualcode.errors import ConflictError
from qualcode.interop import export_qdpx, import_qdpx_new

from .test_refi_support import snapshot, uuids

PIECES = [
    "Interviewer: ",
    "P1: ",
    "Staff: ",
    "word ",
    "the bus fare ",
    "😀",
    "🇬🇧",
    "é",
    "\n",
    "\r\n",
    "\n\n",
    "lunch. ",
    "\t",
    "  ",
    "“quoted” ",
    "ß",
]
texts = (
    st.lists(st.sampled_from(PIECES), min_size=1, max_size=30)
    .map("".join)
    .filter(lambda t: t.strip() != "")
)
names = st.text("abcdefghij XYZ😀:-", min_size=1, max_size=12).map(str.strip).filter(bool)
prose = st.lists(st.sampled_from([*PIECES, "\x0b", "\r"]), max_size=8).map("".join)
coders = st.sampled_from(["ann", "ben", "consensus"])
values = {
    "text": st.sampled_from(["staff", "participant", "Site A"]),
    "integer": st.integers(-5, 120).map(str),
    "float": st.sampled_from(["0.25", "1e-05", "3.0", "-2.5"]),
    "boolean": st.sampled_from(["true", "false"]),
    "date": st.dates().map(lambda d: d.isoformat()),
}


@st.composite
def projects(draw: st.DrawFn) -> dict[str, Any]:
    documents = draw(
        st.lists(
            texts,
            min_size=1,
            max_size=3,
            unique_by=lambda t: t.replace("\r\n", "\n").replace("\r", "\n"),
        )
    )
    raw = draw(st.one_of(st.none(), texts.map(lambda t: "raw\r\n" + t)))
    codes = []
    for i in range(draw(st.integers(1, 6))):
        parent = draw(st.one_of(st.none(), st.integers(0, i - 1))) if i else None
        codes.append(
            {
                "name": draw(names),
                "parent": parent,
                "definition": draw(prose),
                "inclusion": draw(prose),
                "keywords": draw(st.lists(names, max_size=2)),
                "color": draw(st.sampled_from([None, "#0072B2", "#E69F00"])),
            }
        )
    codings = []
    for _ in range(draw(st.integers(0, 12))):
        doc = draw(st.integers(0, len(documents) - 1))
        length = len(documents[doc].replace("\r\n", "\n"))
        start = draw(st.integers(0, max(length - 1, 0)))
        end = draw(st.integers(start + 1, max(length, start + 1)))
        codings.append((doc, draw(st.integers(0, len(codes) - 1)), draw(coders), start, end))
    attributes = draw(
        st.dictionaries(
            st.sampled_from(["group", "age", "score", "ok", "joined"]),
            st.sampled_from(list(values)),
            max_size=3,
        )
    )
    cases = []
    for name in draw(st.lists(st.sampled_from(["P01", "P02", "S01"]), unique=True, max_size=3)):
        document = draw(st.one_of(st.none(), st.integers(0, len(documents) - 1)))
        cases.append(
            {
                "name": name,
                "document": document,
                "values": {
                    a: draw(values[t]) for a, t in attributes.items() if draw(st.booleans())
                },
            }
        )
    memos = draw(
        st.lists(
            st.tuples(
                st.sampled_from(["project", "document", "code", "coding", "case"]), coders, prose
            ),
            max_size=5,
        )
    )
    return {
        "documents": documents,
        "raw": raw,
        "codes": codes,
        "codings": codings,
        "attributes": attributes,
        "cases": cases,
        "memos": memos,
    }


def build(project: Project, folder: Path, spec: dict[str, Any]) -> None:
    files = []
    for i, text in enumerate(spec["documents"]):
        path = folder / f"doc{i}.txt"
        path.write_bytes(text.encode("utf-8"))
        files.append(path)
    for outcome in project.import_files(files):
        assert outcome.error is None, outcome.error
    if spec["raw"] is not None:
        # A text stored exactly as given (CRLF kept): it must come back exactly.
        from qualcode.store.models import Document

        with project._write() as session:
            text = spec["raw"]
            digest = hashlib.sha256(text.encode()).hexdigest()
            session.add(Document(name="raw", text=text, sha256=digest, source_format="txt"))
    paths: list[str] = []
    for code in spec["codes"]:
        parent = paths[code["parent"]] if code["parent"] is not None else None
        try:
            info = project.add_code(
                code["name"],
                parent=parent,
                definition=code["definition"],
                inclusion=code["inclusion"],
                keywords=code["keywords"],
                color=code["color"],
            )
            paths.append(info.uuid)
        except ConflictError:
            paths.append(paths[-1] if paths else project.add_code("fallback").uuid)
    names = [f"doc{i}" for i in range(len(spec["documents"]))]
    for doc, code, coder, start, end in spec["codings"]:
        length = len(project.document_text(names[doc]))
        if start >= length:
            continue
        with contextlib.suppress(ConflictError):
            project.apply_code(
                document=names[doc],
                code=paths[code],
                coder=coder,
                start=start,
                end=min(end, length),
            )
    for name, type_ in spec["attributes"].items():
        project.define_attribute(name, type_)
    for case in spec["cases"]:
        project.add_case(case["name"], case["values"])
        if case["document"] is not None:
            project.assign_document(names[case["document"]], case["name"])
    codings = project.codings()
    cases = project.cases()
    for kind, coder, text in spec["memos"]:
        target = {
            "project": None,
            "document": names[0],
            "code": paths[0],
            "coding": codings[0].uuid if codings else None,
            "case": cases[0].name if cases else None,
        }[kind]
        if (kind != "project" and target is None) or not text.strip():
            continue
        project.add_memo(text, coder=coder, target_type=kind, target=target)


def strip_time(qde: bytes) -> bytes:
    head, _, rest = qde.partition(b'modifiedDateTime="')
    return head + rest.partition(b'"')[2]


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(projects())
def test_export_then_import_gives_the_same_project(spec: dict[str, Any]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        with Project.create(folder / "a.qualcode", actor="t") as original:
            build(original, folder, spec)
            export_qdpx(original, folder / "a.qdpx")
            import_qdpx_new(folder / "a.qdpx", folder / "b.qualcode", actor="t")
            with Project.open(folder / "b.qualcode") as copy:
                assert snapshot(copy) == snapshot(original)
                assert uuids(copy) == uuids(original)
                if spec["raw"] is not None:
                    assert copy.document_text("raw") == spec["raw"]
                export_qdpx(copy, folder / "b.qdpx")
        with zipfile.ZipFile(folder / "a.qdpx") as a, zipfile.ZipFile(folder / "b.qdpx") as b:
            assert sorted(a.namelist()) == sorted(b.namelist())
            # The project keeps the name it came with ("a", not the new file's stem "b").
            assert strip_time(a.read("project.qde")) == strip_time(b.read("project.qde"))
            assert a.read("qualcode.json") == b.read("qualcode.json")
