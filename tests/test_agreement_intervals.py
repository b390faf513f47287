"""Bootstrap intervals for alpha (issue 20): withheld where they cannot be trusted, with the
reason; the share of undefined resamples reported; documents resampled where units sit inside
them; the expanded percentile method; no negative zero."""

from __future__ import annotations

import numpy as np
import pytest

from qualcode.agreement import AgreementError, cohen_kappa, krippendorff_alpha
from qualcode.agreement.bootstrap import (
    MAX_DROPPED,
    MIN_CARRYING,
    _alpha_from_counts,
    _clean,
    alpha_interval,
    bootstrap,
    bootstrap_ci,
    expanded_tail,
)
from qualcode.agreement.coefficients import ReliabilityData
from qualcode.agreement.report import table_report
from qualcode.agreement.units import CodeUnits, Units, UnitTable

# Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability", example A: binary data,
# two observers, ten units, alpha = 0.095.
KRIPPENDORFF_BINARY = [[0, 1, 0, 0, 0, 0, 0, 0, 1, 0], [1, 1, 1, 0, 0, 1, 0, 0, 0, 0]]


def clustered_table(
    documents: int, per_document: int, seed: int, p: float = 0.3
) -> tuple[np.ndarray, np.ndarray]:
    """Two coders; each document has its own prevalence and its own rate of agreement (one
    interview is hard to code, another easy), so its units are alike."""
    rng = np.random.default_rng(seed)
    prevalence = rng.beta(p * 2, (1 - p) * 2, size=documents)
    reliable = rng.uniform(0.3, 1.0, size=documents)
    labels = np.repeat(np.arange(documents), per_document)
    truth = rng.random(labels.size) < prevalence[labels]
    second = np.where(
        rng.random(labels.size) < reliable[labels], truth, rng.random(labels.size) < p
    )
    return np.vstack([truth, second]).astype(np.int8), labels


def test_count_form_of_alpha_is_krippendorff_2011() -> None:
    """Krippendorff (2011) example A: alpha = .095; the count form the bootstrap uses agrees."""
    data = np.array(KRIPPENDORFF_BINARY, dtype=np.int8)
    counts = np.bincount(data.sum(axis=0), minlength=3).astype(float)
    assert round(float(_alpha_from_counts(counts, 2)), 3) == 0.095
    assert float(_alpha_from_counts(counts, 2)) == pytest.approx(krippendorff_alpha(data))


def test_a_code_applied_once_gets_no_interval_and_the_reason() -> None:
    """The issue's case: one unit, coded by both, among 40: alpha 1.00 and, before, an
    interval [1.00, 1.00]. Now no interval, and why."""
    presence = np.zeros((2, 40), dtype=np.int8)
    presence[:, 7] = 1
    assert krippendorff_alpha(presence) == 1.0
    found = alpha_interval(presence)
    assert found.low is None and found.high is None
    assert found.withheld == (
        f"too rare to judge: coded in 1 unit (an interval needs at least {MIN_CARRYING})"
    )
    assert found.carrying == 1 and found.resampled == "units"


def test_intervals_resample_documents_and_are_wider_on_clustered_data() -> None:
    presence, documents = clustered_table(30, 20, seed=4)
    by_unit = alpha_interval(presence, n_boot=1000, seed=1)
    by_document = alpha_interval(presence, documents, n_boot=1000, seed=1)
    assert by_unit.resampled == "units" and by_unit.sampled == 600
    assert by_document.resampled == "documents" and by_document.sampled == 30
    assert by_unit.withheld is None and by_document.withheld is None
    width = by_document.high - by_document.low  # type: ignore[operator]
    assert width > 1.3 * (by_unit.high - by_unit.low)  # type: ignore[operator]
    alpha = krippendorff_alpha(presence)
    assert by_document.low <= alpha <= by_document.high  # type: ignore[operator]
    few = alpha_interval(presence[:, :180], documents[:180])
    assert few.low is None and few.withheld.startswith("too few documents to judge: 9")


def test_the_generic_bootstrap_resamples_clusters_the_same_way() -> None:
    presence, documents = clustered_table(30, 20, seed=4)
    fast = alpha_interval(presence, documents, n_boot=400, seed=2)
    slow = bootstrap(krippendorff_alpha, presence, n=400, seed=3, clusters=documents)
    # different random streams, same method: the intervals nearly coincide
    assert slow.low == pytest.approx(fast.low, abs=0.05)
    assert slow.high == pytest.approx(fast.high, abs=0.05)
    with pytest.raises(AgreementError, match="one label per unit"):
        bootstrap(krippendorff_alpha, presence, clusters=documents[:-1])


def test_dropped_resamples_are_counted_and_many_withhold_the_interval() -> None:
    # three units: a resample holding only unit 2 or only units 1 and 2... leaves kappa undefined
    found = bootstrap(cohen_kappa, [[1, 2, 2], [1, 2, 1]], n=400, seed=0)
    assert 0.0 < found.dropped < 0.2 and found.resamples == 400
    assert bootstrap_ci(cohen_kappa, [[1, 2, 2], [1, 2, 1]], n=400, seed=0) == (
        found.low,
        found.high,
    )
    # alpha: every resample defined here, and the share says so
    presence, _ = clustered_table(30, 20, seed=4)
    assert alpha_interval(presence).dropped == 0.0
    # a code in 10 of 12 documents with nothing else around: many resamples hold only
    # present values, alpha is undefined there, and the interval is withheld
    presence = np.ones((2, 12), dtype=np.int8)
    presence[:, :2] = 0
    found_alpha = alpha_interval(presence, np.arange(12), n_boot=500)
    assert found_alpha.dropped is not None and found_alpha.dropped > MAX_DROPPED
    assert found_alpha.low is None
    assert found_alpha.withheld.startswith("alpha is undefined on")


def test_expanded_percentile_tails() -> None:
    """Hesterberg (2015): tail = Phi(-sqrt(n/(n-1)) t_{n-1, .975}); 0.85% at n=10, 1.9% at
    30, 2.4% at 300, 2.5% in the limit."""
    assert expanded_tail(10) == pytest.approx(0.00855, abs=5e-5)
    assert expanded_tail(30) == pytest.approx(0.01875, abs=5e-5)
    assert expanded_tail(300) == pytest.approx(0.02435, abs=5e-5)
    assert expanded_tail(10**6) == pytest.approx(0.025, abs=1e-5)


def test_no_negative_zero() -> None:
    from qualcode.cli.agreement import _ci

    assert str(_clean(-0.0)) == "0.0" and str(_clean(-0.25)) == "-0.25"
    assert _ci([-0.0001, 0.86]) == "[0.00, 0.86]"
    assert _ci([-0.0, -0.0]) == "[0.00, 0.00]"


def table_of(presence: np.ndarray, documents: np.ndarray, unit: str = "sentence") -> UnitTable:
    names = tuple(f"d{i}" for i in range(int(documents.max()) + 1))
    units = Units(names, documents, np.arange(documents.size), np.arange(documents.size) + 1)
    codes = (CodeUnits("A", ("A",), units, presence),)
    return UnitTable(unit, ("x", "y"), names, codes, True, 0.5)


def test_report_overall_row_resamples_documents_and_states_the_method() -> None:
    presence, documents = clustered_table(30, 20, seed=4)
    report = table_report(table_of(presence, documents))
    row = report["codes"][0]
    assert row["alpha_ci_resampled"] == "documents" and row["alpha_ci"][0] is not None
    assert row["alpha_ci_dropped"] == 0.0 and row["alpha_ci_withheld"] is None
    assert report["overall"]["alpha_ci_resampled"] == "documents"
    method = report["parameters"]["alpha_ci"]
    assert method["method"] == "expanded percentile bootstrap (Hesterberg 2015)"
    assert "fewer than 10" in method["withheld_when"]
    # document units: each unit is a document, so units are resampled
    one_each = np.arange(presence.shape[1])
    assert (
        table_report(table_of(presence, one_each, "document"))["codes"][0]["alpha_ci_resampled"]
        == "units"
    )


def test_small_tables_warn() -> None:
    """Issue 20: a one-unit table gave alpha 0 or kappa -1 without a word."""
    presence = np.array([[1], [0]], dtype=np.int8)
    report = table_report(table_of(presence, np.zeros(1, dtype=np.int64), "document"))
    row = report["codes"][0]
    assert row["warning"].startswith("only 1 unit (fewer than 30)")
    assert any(w.startswith("only 1 unit") for w in report["warnings"])
    assert report["parameters"]["small_sample"] == "a warning below 30 units"


def test_reliability_data_is_unchanged_by_resampling() -> None:
    data = ReliabilityData.from_values(KRIPPENDORFF_BINARY)
    bootstrap(krippendorff_alpha, data, n=50)
    assert data.codes.tolist() == KRIPPENDORFF_BINARY
