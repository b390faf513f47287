"""The report's figures from tallies (issue 21) equal the straightforward computation: every
coefficient of :mod:`qualcode.agreement.coefficients` on each code's presence table and on
the codes' tables side by side, and :func:`alpha_interval` on those tables."""

from __future__ import annotations

import itertools
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from qualcode.agreement import tally as tallied
from qualcode.agreement.bootstrap import alpha_interval
from qualcode.agreement.coefficients import (
    AgreementError,
    ReliabilityData,
    cohen_kappa,
    fleiss_kappa,
    gwet_ac1,
    krippendorff_alpha,
    percent_agreement,
)
from qualcode.agreement.report import table_report
from qualcode.agreement.tally import Tally
from qualcode.agreement.units import CodeUnits, Units, UnitTable

N_BOOT = 60


def _attempt(function: Any, data: Any, notes: list[str], name: str, **kwargs: Any) -> Any:
    try:
        return float(function(data, **kwargs))
    except AgreementError as error:
        if f"{name}: {error}" not in notes:
            notes.append(f"{name}: {error}")
        return None


def reference_figures(
    presence: np.ndarray, clusters: np.ndarray | None, coders: list[str]
) -> dict[str, Any]:
    """The figures of one presence table, unit by unit, as the report computed them before
    tallies."""
    notes: list[str] = []
    data = ReliabilityData.from_values(presence)
    kappa = cohen_kappa if len(coders) == 2 else fleiss_kappa
    out: dict[str, Any] = {"units": presence.shape[1], "used": bool(presence.any())}
    out["alpha"] = _attempt(krippendorff_alpha, data, notes, "alpha")
    out["percent_agreement"] = _attempt(percent_agreement, data, notes, "percent agreement")
    out["kappa"] = _attempt(kappa, data, notes, "kappa")
    out["ac1"] = _attempt(gwet_ac1, data, notes, "AC1", categories=(0, 1))
    found = alpha_interval(presence, clusters, n_boot=N_BOOT, seed=0)
    out["alpha_ci"] = found.bounds
    out["alpha_ci_withheld"] = found.withheld
    out["alpha_ci_dropped"] = found.dropped
    if found.withheld:
        notes.append(f"alpha CI withheld: {found.withheld}")
    out["disagreements"] = int(np.count_nonzero(presence.min(axis=0) != presence.max(axis=0)))
    out["note"] = "; ".join(notes) or None
    if len(coders) > 2:
        pairs = []
        for i, j in itertools.combinations(range(len(coders)), 2):
            both = presence[[i, j]]
            if not both.any():
                pairs.append({"alpha": None, "kappa": None})
                continue
            pair_notes: list[str] = []
            pair = ReliabilityData.from_values(both)
            agreement = _attempt(percent_agreement, pair, pair_notes, "percent agreement")
            pairs.append(
                {
                    "percent_agreement": agreement,
                    "kappa": _attempt(cohen_kappa, pair, pair_notes, "kappa"),
                    "alpha": _attempt(krippendorff_alpha, pair, pair_notes, "alpha"),
                    "ac1": _attempt(gwet_ac1, pair, pair_notes, "AC1", categories=(0, 1)),
                    "disagreements": int(np.count_nonzero(both[0] != both[1])),
                    "note": "; ".join(pair_notes) or None,
                }
            )
        out["pairwise"] = pairs
    return out


def assert_same(found: dict[str, Any], expected: dict[str, Any]) -> None:
    """Every expected key: equal, floats to the last few bits (sums over counts, not units);
    the interval exactly (it is drawn from the same counts with the same seed)."""
    for key, value in expected.items():
        got = found[key]
        if key == "pairwise":
            assert len(got) == len(value)
            for g, v in zip(got, value, strict=True):
                assert_same(g, v)
        elif key == "alpha_ci":
            assert got == value
        elif isinstance(value, float):
            assert got == pytest.approx(value, rel=1e-12, abs=1e-12), key
        else:
            assert got == value, key


def random_table(seed: int, coders: int, unit: str) -> UnitTable:
    """A few codes over a few documents: some codes nobody applied, some everyone applied on
    every unit, documents of uneven length (some without units), coders who agree more or
    less."""
    rng = np.random.default_rng(seed)
    n_documents = int(rng.integers(1, 16))
    names = tuple(f"d{i}" for i in range(n_documents))
    codes = []
    for c in range(int(rng.integers(1, 5))):
        if unit == "document":
            documents = np.arange(n_documents)
        else:
            sizes = rng.integers(0, 12, size=n_documents)
            documents = np.repeat(np.arange(n_documents), sizes)
        kind = rng.integers(0, 6)
        truth = rng.random(documents.size) < (0.0 if kind == 0 else 1.0 if kind == 1 else 0.3)
        slips = rng.random((coders, documents.size)) < rng.uniform(0.0, 0.4)
        presence = (
            (truth[None, :] ^ slips).astype(np.int8)
            if kind > 1
            else np.tile(truth.astype(np.int8), (coders, 1))
        )
        starts = np.arange(documents.size, dtype=np.int64)
        units = Units(names, documents.astype(np.int64), starts, starts + 1)
        codes.append(CodeUnits(f"code{c}", (f"code{c}",), units, presence))
    coder_names = tuple(f"c{i}" for i in range(coders))
    return UnitTable(unit, coder_names, names, tuple(codes), True, 0.5)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    seed=st.integers(0, 2**32 - 1),
    coders=st.integers(2, 5),
    unit=st.sampled_from(["sentence", "document"]),
)
def test_report_from_tallies_equals_the_unit_by_unit_computation(
    seed: int, coders: int, unit: str
) -> None:
    table = random_table(seed, coders, unit)
    names = list(table.coders)
    report = table_report(table, n_boot=N_BOOT)
    for code, row in zip(table.codes, report["codes"], strict=True):
        if not code.presence.any():
            assert row["used"] is False and row["alpha"] is None
            continue
        clusters = code.units.document if unit != "document" else None
        assert_same(row, reference_figures(code.presence, clusters, names))
    used = table.used()
    if used and table.pooled(used)[0].shape[1]:
        presence, documents = table.pooled(used)
        assert_same(report["overall"], reference_figures(presence, documents, names))
    else:
        assert report["overall"]["units"] == 0


@settings(max_examples=200, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), coders=st.integers(2, 6), units=st.integers(1, 60))
def test_each_coefficient_from_a_tally_equals_the_coefficient_of_the_table(
    seed: int, coders: int, units: int
) -> None:
    rng = np.random.default_rng(seed)
    presence = (rng.random((coders, units)) < rng.uniform(0, 1)).astype(np.int8)
    tally = Tally.of(presence)
    data = ReliabilityData.from_values(presence)
    kappa = cohen_kappa if coders == 2 else fleiss_kappa
    pairs = [
        (tallied.alpha, krippendorff_alpha, {}),
        (tallied.percent_agreement, percent_agreement, {}),
        (tallied.kappa, kappa, {}),
        (tallied.ac1, gwet_ac1, {"categories": (0, 1)}),
    ]
    for fast, slow, kwargs in pairs:
        try:
            expected = slow(data, **kwargs)
        except AgreementError as error:
            with pytest.raises(AgreementError) as raised:
                fast(tally)
            assert str(raised.value) == str(error)
        else:
            assert fast(tally) == pytest.approx(expected, rel=1e-12, abs=1e-12)


@settings(max_examples=100, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), coders=st.integers(2, 4))
def test_tallies_add_up_to_the_tally_of_the_tables_side_by_side(seed: int, coders: int) -> None:
    rng = np.random.default_rng(seed)
    tables, documents = [], []
    for _ in range(int(rng.integers(1, 4))):
        width = int(rng.integers(0, 30))
        tables.append((rng.random((coders, width)) < 0.4).astype(np.int8))
        documents.append(rng.integers(0, 5, size=width))
    total = Tally.empty(coders, 5)
    for presence, labels in zip(tables, documents, strict=True):
        total = total + Tally.of(presence, labels, 5)
    whole = Tally.of(np.hstack(tables), np.concatenate(documents), 5)
    assert total.present.tolist() == whole.present.tolist()
    assert total.joint.tolist() == whole.joint.tolist()
    assert total.clusters is not None and whole.clusters is not None
    assert total.clusters.tolist() == whole.clusters.tolist()


def test_a_tally_refuses_values_other_than_zero_and_one() -> None:
    with pytest.raises(AgreementError, match="only 0 and 1"):
        Tally.of(np.array([[0, 2], [1, 1]], dtype=np.int8))
