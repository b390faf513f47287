"""The agreement report: figures computed by hand on the small project, the JSON shape,
undefined coefficients, CSV/XLSX read back, the CLI end to end and the demo project."""

from __future__ import annotations

import csv
import json
import time
from pathlib import Path

import numpy as np
import pytest

import qualcode.cli.agreement  # noqa: F401  (registers the command on the CLI group)
from qualcode import Project
from qualcode.agreement import krippendorff_alpha
from qualcode.agreement.bootstrap import _alpha_from_counts
from qualcode.agreement.report import (
    agreement_report,
    alpha_interval,
    write_csv,
    write_xlsx,
)

from .conftest import run_cli as run
from .test_agreement_units import small  # noqa: F401  (fixture)

CODE_KEYS = {
    "code",
    "members",
    "units",
    "percent_agreement",
    "kappa",
    "alpha",
    "ac1",
    "alpha_ci",
    "disagreements",
    "below_threshold",
    "note",
    "used",
    "alpha_ci_withheld",
    "alpha_ci_dropped",
    "alpha_ci_resampled",
    "warning",
}


def entry(report: dict, code: str) -> dict:
    return next(c for c in report["codes"] if c["code"] == code)


def test_two_coders_by_hand(small: Project) -> None:  # noqa: F811
    # Bus, sentences: ann [0,0,0,1,0,0,0], ben [0,0,0,1,1,0,0]
    report = agreement_report(small, coders=["ann", "ben"], codes=["Access/Bus"], seed=1)
    bus = entry(report, "Access/Bus")
    assert bus["units"] == 7 and bus["disagreements"] == 1
    assert bus["percent_agreement"] == pytest.approx(6 / 7)
    # p_o = 42/49, p_e = (1/7)(2/7) + (6/7)(5/7) = 32/49
    assert bus["kappa"] == pytest.approx(10 / 17)
    # n = 14 values, 3 ones, 11 zeros, 2 disagreeing pairs: 1 - 13 * 2 / (2 * 3 * 11)
    assert bus["alpha"] == pytest.approx(40 / 66)
    # pi_1 = (1 + 1/2) / 7 = 3/14, p_e = 2 (3/14)(11/14) = 66/196
    assert bus["ac1"] == pytest.approx(102 / 130)
    # one document, one unit carrying the code for both: no interval, and why
    assert bus["alpha_ci"] == [None, None]
    assert bus["alpha_ci_withheld"].startswith("too few documents to judge: 1")
    assert bus["alpha_ci_resampled"] == "documents"
    assert bus["below_threshold"] is True
    assert bus["note"].startswith("alpha CI withheld: too few documents")
    assert "only 7 units" in bus["warning"]
    assert "pairwise" not in bus
    assert report["parameters"]["kappa"] == "Cohen's kappa"


def test_three_coders_fleiss_and_pairwise(small: Project) -> None:  # noqa: F811
    # Bus, sentences: cy as ann; unit 4 (0-based) is ann 0, ben 1, cy 0
    report = agreement_report(small, coders=["ann", "ben", "cy"], codes=["Access/Bus"])
    bus = entry(report, "Access/Bus")
    # P_o = (6 + 1/3) / 7 = 19/21; p_1 = 4/21, P_e = (16 + 289) / 441
    assert bus["kappa"] == pytest.approx(94 / 136)
    # n = 21, agreeing 19, D_o = 2/21, D_e = (441 - 16 - 289) / 420
    assert bus["alpha"] == pytest.approx(96 / 136)
    pairs = {tuple(p["coders"]): p for p in bus["pairwise"]}
    assert set(pairs) == {("ann", "ben"), ("ann", "cy"), ("ben", "cy")}
    assert pairs[("ann", "ben")]["alpha"] == pytest.approx(40 / 66)
    assert pairs[("ann", "cy")]["alpha"] == pytest.approx(1.0)
    assert pairs[("ann", "cy")]["disagreements"] == 0
    assert report["parameters"]["kappa"] == "Fleiss' kappa"
    assert "pairwise" in report["overall"]


def test_a_pair_that_never_applied_a_code_gets_no_figures(small: Project) -> None:  # noqa: F811
    """Issue 20: only ben applied Access/Cost by itself; ann and cy never did, so their pair
    shows no 100% agreement and no AC1 of 1.00 on it."""
    report = agreement_report(
        small, coders=["ann", "ben", "cy"], codes=["Access/Cost"], descendants=False, ci=False
    )
    pairs = {tuple(p["coders"]): p for p in entry(report, "Access/Cost")["pairwise"]}
    assert pairs[("ann", "cy")]["percent_agreement"] is None
    assert pairs[("ann", "cy")]["ac1"] is None
    assert "neither coder of this pair" in pairs[("ann", "cy")]["note"]
    assert pairs[("ann", "ben")]["percent_agreement"] is not None


def test_json_shape_and_parameters(small: Project) -> None:  # noqa: F811
    report = agreement_report(
        small,
        coders=["ann", "ben"],
        unit="turn",
        codes=["Access", "Feelings"],
        descendants="leaves",
    )
    assert set(report) == {
        "unit",
        "coders",
        "documents",
        "parameters",
        "warnings",
        "codes",
        "overall",
    }
    assert report["unit"] == "turn" and report["coders"] == ["ann", "ben"]
    assert report["documents"] == ["talk"]
    assert [c["code"] for c in report["codes"]] == ["Access", "Feelings"]
    for code in report["codes"]:
        assert set(code) == CODE_KEYS
    assert set(report["overall"]) == CODE_KEYS - {"code", "members"} | {"codes", "unused_codes"}
    params = report["parameters"]
    assert params["codes"] == ["Access", "Feelings"] and params["code_includes"] == "leaves"
    assert params["alpha_threshold"] == 0.667 and params["alpha_ci"]["resamples"] == 500
    assert "every coder" in params["missing"]
    json.dumps(report)  # plain JSON types only


def test_overall_pools_every_codes_units(small: Project) -> None:  # noqa: F811
    report = agreement_report(
        small, coders=["ann", "ben"], unit="document", codes=["Access/Bus", "Feelings"], ci=False
    )
    # Feelings: nobody applied it, so it is listed apart and not pooled (issue 20)
    assert report["overall"]["units"] == 1 and report["overall"]["codes"] == 1
    assert report["overall"]["unused_codes"] == ["Feelings"]
    assert report["overall"]["percent_agreement"] == 1.0
    assert report["overall"]["alpha_ci"] is None


def test_undefined_coefficients_are_null_with_a_note(small: Project) -> None:  # noqa: F811
    report = agreement_report(small, coders=["ann", "ben"], codes=["Feelings"])
    feelings = entry(report, "Feelings")
    # nobody used it: no 100% agreement on absence, no AC1 of 1.00 (issue 20)
    assert feelings["percent_agreement"] is None and feelings["ac1"] is None
    assert feelings["kappa"] is None and feelings["alpha"] is None
    assert feelings["alpha_ci"] == [None, None] and feelings["used"] is False
    assert "no selected coder applied this code" in feelings["note"]
    assert feelings["below_threshold"] is False
    segments = agreement_report(small, coders=["ann", "ben"], unit="segment", codes=["Feelings"])
    assert entry(segments, "Feelings")["units"] == 0
    assert "no selected coder applied this code" in entry(segments, "Feelings")["note"]


def test_fast_bootstrap_alpha_matches_krippendorff() -> None:
    rng = np.random.default_rng(3)
    for m in (2, 3, 4):
        presence = (rng.random((m, 200)) < 0.3).astype(np.int8)
        counts = np.bincount(presence.sum(axis=0), minlength=m + 1).astype(float)
        assert _alpha_from_counts(counts, m) == pytest.approx(krippendorff_alpha(presence))
        found = alpha_interval(presence, n_boot=300, seed=0)
        assert found.low <= krippendorff_alpha(presence) <= found.high
    assert alpha_interval(presence, seed=5) == alpha_interval(presence, seed=5)


def test_csv_and_xlsx_read_back(small: Project, tmp_path: Path) -> None:  # noqa: F811
    from openpyxl import load_workbook

    report = agreement_report(small, coders=["ann", "ben", "cy"], codes=["Access/Bus", "Feelings"])
    write_csv(report, tmp_path / "a.csv")
    with (tmp_path / "a.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    # per code: all coders, then 3 pairs; then the overall rows
    assert [(r["code"], r["coders"]) for r in rows][:4] == [
        ("Access/Bus", "ann,ben,cy"),
        ("Access/Bus", "ann,ben"),
        ("Access/Bus", "ann,cy"),
        ("Access/Bus", "ben,cy"),
    ]
    assert len(rows) == 12 and rows[-4]["code"] == "(overall)"
    assert float(rows[0]["alpha"]) == pytest.approx(96 / 136)
    assert float(rows[1]["alpha"]) == pytest.approx(40 / 66)
    assert rows[0]["units"] == "7" and rows[0]["disagreements"] == "1"
    feelings = rows[4]
    assert feelings["alpha"] == "" and "no selected coder" in feelings["note"]

    write_xlsx(report, tmp_path / "a.xlsx")
    book = load_workbook(tmp_path / "a.xlsx")
    sheet = book["codes"]
    header = [c.value for c in sheet[1]]
    assert header[:6] == ["code", "coders", "units", "percent_agreement", "kappa", "alpha"]
    assert sheet[1][0].font.bold and sheet.freeze_panes == "A2"
    assert sheet.cell(2, 6).value == pytest.approx(96 / 136)
    assert sheet.cell(2, 3).value == 7
    params = {r[0]: r[1] for r in book["parameters"].iter_rows(min_row=2, values_only=True)}
    assert params["unit"] == "sentence" and params["coders"] == "ann, ben, cy"


def test_cli_json_end_to_end(
    small: Project,  # noqa: F811
    capsys: pytest.CaptureFixture[str],
) -> None:
    path = str(small.sqlite_path)
    small.close()
    code, out, err = run(
        capsys, "agreement", path, "--coders", "ann,ben", "--codes", "Access/Bus,Feelings", "--json"
    )
    assert code == 0, err
    report = json.loads(out)
    assert entry(report, "Access/Bus")["alpha"] == pytest.approx(40 / 66)
    code, out, _ = run(capsys, "agreement", path, "--coders", "ann,ben", "--unit", "turn")
    assert code == 0
    assert "(overall)" in out and "unit: turn" in out
    assert any(line.startswith("! ") for line in out.splitlines())
    code, _, err = run(capsys, "agreement", path, "--coders", "ann,zed")
    assert code != 0 and "no coder named zed" in err and "Traceback" not in err


def test_cli_writes_csv_and_xlsx(
    small: Project,  # noqa: F811
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    path = str(small.sqlite_path)
    small.close()
    code, out, err = run(
        capsys,
        "agreement",
        path,
        "--coders",
        "ann,ben",
        "--no-ci",
        "--leaves-only",
        "--codes",
        "Access",
        "--csv",
        str(tmp_path / "r.csv"),
        "--xlsx",
        str(tmp_path / "r.xlsx"),
    )
    assert code == 0, err
    assert (tmp_path / "r.csv").is_file() and (tmp_path / "r.xlsx").is_file()
    assert "wrote" in out


def test_demo_sentence_report(tmp_path: Path) -> None:
    from qualcode.demo import build_demo

    path, _ = build_demo(tmp_path, echo=lambda s: None)
    with Project.open(path) as project:
        began = time.perf_counter()
        report = agreement_report(project, coders=["ann", "ben"], unit="sentence")
        elapsed = time.perf_counter() - began
    print(f"demo sentence report (ann, ben; 500 bootstrap resamples per code): {elapsed:.3f} s")
    assert report["overall"]["units"] > 0 and report["overall"]["alpha"] is not None
    used = [c["code"] for c in report["codes"] if c["used"]]
    unused = [c["code"] for c in report["codes"] if not c["used"]]
    assert report["overall"]["codes"] == len(used) > 0
    assert report["overall"]["unused_codes"] == unused


def test_character_units_resample_documents(tmp_path: Path) -> None:
    from qualcode.demo import build_demo

    path, _ = build_demo(tmp_path / "demo", echo=lambda _line: None)
    with Project.open(path) as project:
        report = agreement_report(
            project, coders=["ann", "ben"], unit="character", documents=["p01-amy"]
        )
    # characters are resampled by document: one document is too few for an interval
    assert report["overall"]["alpha_ci"] == [None, None]
    assert report["overall"]["alpha_ci_withheld"].startswith("too few documents to judge: 1")
    assert report["parameters"]["alpha_ci"]["resampled"] == "documents"


def test_cli_text_shows_each_pair_of_coders(
    small: Project,  # noqa: F811
    capsys: pytest.CaptureFixture[str],
) -> None:
    path = str(small.sqlite_path)
    small.close()
    code, out, err = run(
        capsys,
        "agreement",
        path,
        "--coders",
        "ann,ben,cy",
        "--no-ci",
        "--codes",
        "Access/Bus,Feelings",
    )
    assert code == 0, err
    assert "pairs of coders, over all codes:" in out
    for pair in ("ann & ben", "ann & cy", "ben & cy"):
        assert pair in out
    per_code = out.split("α per code and pair of coders:")[1].splitlines()
    bus = next(line for line in per_code if "Access/Bus" in line)
    assert len(bus.split()) == 4  # the code, then alpha for each of the three pairs
    assert "-0.000" not in out


def test_cli_coverage_interviewer_and_the_interval_method(
    small: Project,  # noqa: F811
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Issue 20: --min-coverage and --exclude-interviewer reach the report, which states them,
    names the interval method and says why an interval is withheld."""
    small.set_speaker("talk", "Interviewer", role="interviewer")
    path = str(small.sqlite_path)
    small.close()
    code, out, err = run(
        capsys,
        "agreement",
        path,
        "--coders",
        "ann,ben",
        "--codes",
        "Access/Bus",
        "--min-coverage",
        "0.5",
        "--exclude-interviewer",
        "--json",
    )
    assert code == 0, err
    report = json.loads(out)
    assert report["parameters"]["min_coverage"] == "at least 0.5 of a unit's counted characters"
    assert report["parameters"]["exclude_interviewer"] is True
    bus = entry(report, "Access/Bus")
    assert bus["units"] == 4 and bus["disagreements"] == 0  # ben's spill no longer counts
    code, out, err = run(
        capsys,
        "agreement",
        path,
        "--coders",
        "ann,ben",
        "--codes",
        "Access/Bus",
        "--exclude-interviewer",
    )
    assert code == 0, err
    assert "expanded percentile bootstrap (Hesterberg 2015), resampling documents" in out
    assert "no CI, too few documents to judge: Access/Bus, (overall)" in out
    assert "interviewer turns left out" in out
    assert "warning: only 4 units (fewer than 30)" in out
    code, _, err = run(capsys, "agreement", path, "--coders", "ann,ben", "--min-coverage", "2")
    assert code != 0 and "Traceback" not in err


def test_progress_is_told_of_documents_and_codes_and_can_stop_the_report(
    small: Project,  # noqa: F811
) -> None:
    """Issue 21: the agreement screen shows how far a report is, and a worker cancelled (the
    unit changed again) stops its report instead of computing on unseen."""
    told: list[tuple[str, int, int]] = []
    agreement_report(
        small, coders=["ann", "ben"], unit="character", progress=lambda *a: told.append(a)
    )
    assert told[0] == ("documents", 0, 1)
    assert [t for t in told if t[0] == "codes"] == [("codes", i, 5) for i in range(5)]

    class Stop(Exception):
        pass

    def stop(stage: str, done: int, total: int) -> None:
        raise Stop

    with pytest.raises(Stop):
        agreement_report(small, coders=["ann", "ben"], unit="sentence", progress=stop)
