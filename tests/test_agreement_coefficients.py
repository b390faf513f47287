"""Agreement coefficients against published worked examples, the krippendorff package, and
the degenerate inputs they must refuse."""

from __future__ import annotations

from functools import partial

import numpy as np
import pytest

from qualcode.agreement import (
    AgreementError,
    ReliabilityData,
    bootstrap_ci,
    brennan_prediger,
    cohen_kappa,
    fleiss_kappa,
    gwet_ac1,
    krippendorff_alpha,
    percent_agreement,
    scott_pi,
)
from qualcode.errors import QualcodeError

N = None


def from_contingency(table: list[list[int]]) -> list[list[int]]:
    """Two coders' unit-level values from a table of counts (rows coder A, columns coder B)."""
    first: list[int] = []
    second: list[int] = []
    for row, counts in enumerate(table):
        for column, count in enumerate(counts):
            first += [row] * count
            second += [column] * count
    return [first, second]


def from_subject_counts(table: list[tuple[int, ...]]) -> list[list[int]]:
    """Rater-level data from counts of raters per subject and category (Fleiss' layout).

    Rater ``r`` of a subject is just the ``r``-th rating listed; Fleiss' kappa does not depend
    on which rater gave which rating.
    """
    columns = [[k for k, count in enumerate(counts) for _ in range(count)] for counts in table]
    return [list(rater) for rater in zip(*columns, strict=True)]


# Cohen (1960), "A coefficient of agreement for nominal scales", Educ. Psychol. Meas. 20, 37-46:
# the 3-category table of proportions for 200 units (.44 .07 .09 / .05 .20 .05 / .01 .03 .06),
# here as counts; p_o = .70, p_c = .41, kappa = .4915.
COHEN_1960 = [[88, 14, 18], [10, 40, 10], [2, 6, 12]]

# Fleiss (1971), "Measuring nominal scale agreement among many raters", Psychol. Bull. 76,
# 378-382, Table 1: 30 subjects, 6 raters each, categories depression, personality disorder,
# schizophrenia, neurosis, other. (The same table is the `diagnoses` data of R's irr package.)
FLEISS_1971 = [
    (0, 0, 0, 6, 0),
    (0, 3, 0, 0, 3),
    (0, 1, 4, 0, 1),
    (0, 0, 0, 0, 6),
    (0, 3, 0, 3, 0),
    (2, 0, 4, 0, 0),
    (0, 0, 4, 0, 2),
    (2, 0, 3, 1, 0),
    (2, 0, 0, 4, 0),
    (0, 0, 0, 0, 6),
    (1, 0, 0, 5, 0),
    (1, 1, 0, 4, 0),
    (0, 3, 3, 0, 0),
    (1, 0, 0, 5, 0),
    (0, 2, 0, 3, 1),
    (0, 0, 5, 0, 1),
    (3, 0, 0, 1, 2),
    (5, 1, 0, 0, 0),
    (0, 2, 0, 4, 0),
    (1, 0, 2, 0, 3),
    (0, 0, 0, 0, 6),
    (0, 1, 0, 5, 0),
    (0, 2, 0, 1, 3),
    (2, 0, 0, 4, 0),
    (1, 0, 0, 4, 1),
    (0, 5, 0, 1, 0),
    (4, 0, 0, 0, 2),
    (0, 2, 0, 4, 0),
    (1, 0, 5, 0, 0),
    (0, 0, 0, 0, 6),
]

# Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability", example A: binary data,
# two observers, ten units, alpha = 0.095.
KRIPPENDORFF_BINARY = [[0, 1, 0, 0, 0, 0, 0, 0, 1, 0], [1, 1, 1, 0, 0, 1, 0, 0, 0, 0]]

# Krippendorff (2011), example C: four observers, twelve units, values 1-5, missing data.
# The same data is `cac.raw4raters` in Gwet's (2014) Handbook and his irrCAC package.
KRIPPENDORFF_MISSING = [
    [1, 2, 3, 3, 2, 1, 4, 1, 2, N, N, N],
    [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, N, 3],
    [N, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, N],
    [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, N],
]

# Hayes & Krippendorff (2007), "Answering the call for a standard reliability measure for coding
# data", Commun. Methods Meas. 1, 77-89, Table 1: five observers rate 40 newspaper articles
# 0-3; ordinal alpha = .7598. Units as rows here (observers 1-5), transposed below.
HAYES_2007_UNITS = [
    (1, 1, 2, N, 2),
    (1, 1, 0, 1, N),
    (2, 3, 3, 3, N),
    (N, 0, 0, N, 0),
    (0, 0, 0, N, 0),
    (0, 0, 0, N, 0),
    (1, 0, 2, N, 1),
    (1, N, 2, 0, N),
    (2, 2, 2, N, 2),
    (2, 1, 1, 1, N),
    (N, 1, 0, 0, N),
    (0, 0, 0, 0, N),
    (1, 2, 2, 2, N),
    (3, 3, 2, 2, 3),
    (1, 1, 1, N, 1),
    (1, 1, 1, N, 1),
    (2, 1, 2, N, 2),
    (1, 2, 3, 3, N),
    (1, 1, 0, 1, N),
    (0, 0, 0, N, 0),
    (0, 0, 1, 1, N),
    (0, 0, N, 0, 0),
    (2, 3, 3, 3, N),
    (0, 0, 0, 0, N),
    (1, 2, N, 2, 2),
    (0, 1, 1, 1, N),
    (0, 0, 0, 1, 0),
    (1, 2, 1, 2, N),
    (1, 1, 2, 2, N),
    (1, 1, 2, N, 2),
    (1, 1, 0, N, 0),
    (2, 1, 2, 1, N),
    (2, 2, N, 2, 2),
    (3, 2, 2, 2, N),
    (2, 2, 2, N, 2),
    (2, 2, 3, N, 2),
    (2, 2, 2, N, 2),
    (2, 2, N, 1, 2),
    (2, 2, 2, 2, N),
    (1, 1, 1, N, 1),
]
HAYES_2007 = [list(observer) for observer in zip(*HAYES_2007_UNITS, strict=True)]

# Gwet's irrCAC package (README and vignette, following Gwet 2014): `cont3x3abstractors`, two
# abstractors classifying 100 pregnancies (ectopic, AIU, NIU).
ABSTRACTORS = [[13, 0, 0], [0, 20, 7], [0, 4, 56]]


# --- published worked examples ------------------------------------------------------------


def test_cohen_1960_kappa_is_4915() -> None:
    """Cohen (1960): kappa = .4915 for his 200-unit, 3-category table."""
    data = from_contingency(COHEN_1960)
    assert len(data[0]) == 200
    assert percent_agreement(data) == pytest.approx(0.70)
    assert cohen_kappa(data) == pytest.approx(0.29 / 0.59)
    assert round(cohen_kappa(data), 4) == 0.4915


def test_fleiss_1971_table_matches_published_category_proportions() -> None:
    """Fleiss (1971) publishes p_j = .144, .144, .167, .306, .239 for Table 1."""
    assert all(sum(row) == 6 for row in FLEISS_1971)
    totals = np.sum(FLEISS_1971, axis=0) / 180
    assert np.round(totals, 3).tolist() == [0.144, 0.144, 0.167, 0.306, 0.239]


def test_fleiss_1971_kappa_is_430() -> None:
    """Fleiss (1971): kappa = .430 (R irr's kappam.fleiss gives 0.4302445 on the same data)."""
    data = from_subject_counts(FLEISS_1971)
    assert fleiss_kappa(data) == pytest.approx(0.4302445, abs=5e-8)
    assert round(fleiss_kappa(data), 3) == 0.430


def test_fleiss_kappa_first_15_fleiss_subjects_match_irrcac() -> None:
    """irrCAC's `distrib.6raters` is subjects 1-15 of Fleiss (1971): its README gives
    percent agreement .5511111, Fleiss' kappa .4139265, Gwet's AC1 .4448007,
    Brennan-Prediger .4388889 (q = 5) and Krippendorff's alpha .4204384."""
    data = from_subject_counts(FLEISS_1971[:15])
    assert percent_agreement(data) == pytest.approx(0.5511111, abs=5e-8)
    assert fleiss_kappa(data) == pytest.approx(0.4139265, abs=5e-8)
    assert gwet_ac1(data) == pytest.approx(0.4448007, abs=5e-8)
    assert brennan_prediger(data) == pytest.approx(0.4388889, abs=5e-8)
    assert krippendorff_alpha(data) == pytest.approx(0.4204384, abs=5e-8)


def test_krippendorff_2011_binary_example_alpha_is_095() -> None:
    """Krippendorff (2011), example A: alpha = 0.095."""
    alpha = krippendorff_alpha(KRIPPENDORFF_BINARY)
    assert round(alpha, 3) == 0.095
    # n = 20 values, n_0 = 14, n_1 = 6, o_01 = o_10 = 4: alpha = 1 - 19 * 8 / (2 * 14 * 6) = 2/21.
    assert alpha == pytest.approx(2 / 21)


@pytest.mark.parametrize(
    ("level", "published"),
    [("nominal", 0.743), ("ordinal", 0.815), ("interval", 0.849), ("ratio", 0.797)],
)
def test_krippendorff_2011_missing_data_example(level: str, published: float) -> None:
    """Krippendorff (2011), example C (4 observers x 12 units, missing values): nominal .743,
    interval .849; ordinal .815 and ratio .797 as printed there, and all four equal to the
    krippendorff package's values (checked separately below)."""
    assert round(krippendorff_alpha(KRIPPENDORFF_MISSING, level), 3) == published


def test_krippendorff_2011_nominal_exact_value() -> None:
    """Example C nominal to more places: irrCAC's krippen.alpha.raw gives 0.74342 (p_e = .24)."""
    assert krippendorff_alpha(KRIPPENDORFF_MISSING) == pytest.approx(0.743421052631579)


def test_hayes_krippendorff_2007_ordinal_alpha_is_7598() -> None:
    """Hayes & Krippendorff (2007): ordinal alpha = .7598 for their 5 x 40 news-tone data."""
    assert round(krippendorff_alpha(HAYES_2007, "ordinal"), 4) == 0.7598


def test_gwet_2014_cac_raw4raters() -> None:
    """irrCAC README for `cac.raw4raters` (Gwet 2014): percent agreement .8181818,
    AC1 .77544 (p_e .1903212), Brennan-Prediger .77273 (q = 5, p_e = .2)."""
    data = KRIPPENDORFF_MISSING
    assert percent_agreement(data) == pytest.approx(0.8181818, abs=5e-8)
    assert gwet_ac1(data) == pytest.approx(0.77544, abs=5e-6)
    assert gwet_ac1(data) == pytest.approx((0.8181818 - 0.1903212) / (1 - 0.1903212), abs=1e-6)
    assert brennan_prediger(data) == pytest.approx(0.77273, abs=5e-6)
    assert brennan_prediger(data, categories=[1, 2, 3, 4, 5]) == brennan_prediger(data)


def test_gwet_2014_fleiss_kappa_with_missing_data_five_observers_is_4576() -> None:
    """Gwet (2014), Handbook of Inter-Rater Reliability, 4th ed., ch. 2: Fleiss' kappa with
    missing ratings, 5 observers x 15 units on a 0-3 scale (`cac.raw5obser` in irrCAC; the first
    15 units of Hayes & Krippendorff 2007): kappa = .4576, p_a = .6156, p_e = .2912; AC1 .4966.
    p_e takes each category's share over every unit with a rating (issue 20; the share over
    multiply-rated units only gave .4643)."""
    data = [list(observer) for observer in zip(*HAYES_2007_UNITS[:15], strict=True)]
    assert round(fleiss_kappa(data), 4) == 0.4576
    assert round(percent_agreement(data), 4) == 0.6156
    assert round(gwet_ac1(data), 4) == 0.4966
    assert scott_pi(data) == fleiss_kappa(data)


def test_gwet_2014_fleiss_kappa_four_raters_with_missing_data() -> None:
    """Gwet (2014) `cac.raw4raters` (Krippendorff 2011, example C): Fleiss' kappa .76117,
    p_a .81818, p_e .23872 (irrCAC's fleiss.kappa.raw)."""
    kappa = fleiss_kappa(KRIPPENDORFF_MISSING)
    assert kappa == pytest.approx(0.76117, abs=5e-6)
    assert kappa == pytest.approx((0.81818 - 0.23872) / (1 - 0.23872), abs=2e-5)


def test_fleiss_kappa_complete_data_equals_statsmodels() -> None:
    """With every rater on every unit, the missing-data rule changes nothing: Fleiss (1971)
    kappa, as statsmodels' fleiss_kappa computes it from subject x category counts."""
    inter_rater = pytest.importorskip("statsmodels.stats.inter_rater")
    assert inter_rater.fleiss_kappa(np.array(FLEISS_1971)) == pytest.approx(
        fleiss_kappa(from_subject_counts(FLEISS_1971)), abs=1e-12
    )
    rng = np.random.default_rng(11)
    for _ in range(20):
        table = rng.integers(0, 4, size=(5, 60))
        counts = np.stack([(table == k).sum(axis=0) for k in range(4)], axis=1)
        assert inter_rater.fleiss_kappa(counts) == pytest.approx(fleiss_kappa(table), abs=1e-12)


def test_two_coder_coefficients_match_irrcac_abstractors() -> None:
    """irrCAC README, `cont3x3abstractors`: Cohen .7964094, Scott .7962397, AC1 .8493305,
    Brennan-Prediger .835, Krippendorff .7972585, percent agreement .89."""
    data = from_contingency(ABSTRACTORS)
    assert cohen_kappa(data) == pytest.approx(0.7964094, abs=5e-8)
    assert scott_pi(data) == pytest.approx(0.7962397, abs=5e-8)
    assert gwet_ac1(data) == pytest.approx(0.8493305, abs=5e-8)
    assert brennan_prediger(data) == pytest.approx(0.835)
    assert krippendorff_alpha(data) == pytest.approx(0.7972585, abs=5e-8)
    assert percent_agreement(data) == pytest.approx(0.89)


def test_gwet_ac1_two_by_two_by_hand() -> None:
    """Gwet (2008), two raters, two categories: p_e = 2 pi (1 - pi), pi the mean of the
    raters' shares of category 1. Table: 40 both yes, 5/10 split, 45 both no."""
    data = from_contingency([[40, 5], [10, 45]])
    pi = ((45 + 50) / 2) / 100
    expected = 2 * pi * (1 - pi)
    assert gwet_ac1(data) == pytest.approx((0.85 - expected) / (1 - expected))
    assert brennan_prediger(data) == pytest.approx((0.85 - 0.5) / 0.5)
    assert brennan_prediger(data, categories=[0, 1, 2, 3]) == pytest.approx((0.85 - 0.25) / 0.75)


def test_scott_pi_by_hand_and_equal_to_fleiss() -> None:
    data = from_contingency(COHEN_1960)
    pooled = (np.array([0.60, 0.30, 0.10]) + np.array([0.50, 0.30, 0.20])) / 2
    expected = float(pooled @ pooled)
    assert scott_pi(data) == pytest.approx((0.70 - expected) / (1 - expected))
    assert scott_pi(KRIPPENDORFF_MISSING) == fleiss_kappa(KRIPPENDORFF_MISSING)


# --- the krippendorff package ---------------------------------------------------------------


def random_tables(seed: int) -> list[np.ndarray]:
    rng = np.random.default_rng(seed)
    tables = []
    for _ in range(25):
        coders, units = rng.integers(2, 7), rng.integers(3, 60)
        values = rng.integers(0, rng.integers(2, 8), size=units)
        noisy = rng.random((coders, units)) < 0.4
        table = np.where(noisy, rng.integers(0, 8, (coders, units)), values).astype(float)
        table[rng.random((coders, units)) < 0.2] = np.nan
        tables.append(table)
    return tables


@pytest.mark.parametrize("level", ["nominal", "ordinal", "interval", "ratio"])
def test_alpha_equals_krippendorff_package_on_random_tables(level: str) -> None:
    krippendorff = pytest.importorskip("krippendorff")
    checked = 0
    for table in random_tables(seed=7):
        try:
            ours = krippendorff_alpha(table, level)
        except AgreementError:
            continue
        theirs = krippendorff.alpha(reliability_data=table, level_of_measurement=level)
        assert ours == pytest.approx(theirs, abs=1e-9)
        as_lists = [[None if np.isnan(v) else int(v) for v in row] for row in table]
        assert krippendorff_alpha(as_lists, level) == pytest.approx(theirs, abs=1e-9)
        checked += 1
    assert checked >= 20


def test_alpha_equals_krippendorff_package_on_published_examples() -> None:
    krippendorff = pytest.importorskip("krippendorff")
    for data in (KRIPPENDORFF_MISSING, HAYES_2007):
        table = np.array([[np.nan if v is None else v for v in row] for row in data], float)
        for level in ("nominal", "ordinal", "interval", "ratio"):
            theirs = krippendorff.alpha(reliability_data=table, level_of_measurement=level)
            assert krippendorff_alpha(data, level) == pytest.approx(theirs, abs=1e-9)


# --- properties and inputs ------------------------------------------------------------------


def test_perfect_agreement_is_one() -> None:
    data = [["a", "b", "c", "a", None], ["a", "b", "c", "a", "b"], ["a", None, "c", "a", "b"]]
    assert percent_agreement(data) == 1.0
    assert cohen_kappa(data[:2]) == 1.0
    assert scott_pi(data) == 1.0
    assert fleiss_kappa(data) == 1.0
    assert gwet_ac1(data) == 1.0
    assert brennan_prediger(data) == 1.0
    assert krippendorff_alpha(data) == 1.0
    assert krippendorff_alpha(data, "ordinal", order=["a", "b", "c"]) == 1.0


def test_ordinal_alpha_takes_the_order_given_and_refuses_text_without_one() -> None:
    """Issue 20: ordinal alpha on text labels used their alphabetical order ("high" < "low" <
    "medium"). It now needs the order (the codebook's), and follows it."""
    words = [["low", "medium", "high", "high", "low"], ["low", "high", "high", "medium", "low"]]
    numbers = [[1, 2, 3, 3, 1], [1, 3, 3, 2, 1]]
    with pytest.raises(AgreementError, match="needs the order of text labels"):
        krippendorff_alpha(words, "ordinal")
    in_order = krippendorff_alpha(words, "ordinal", order=["low", "medium", "high"])
    assert in_order == pytest.approx(krippendorff_alpha(numbers, "ordinal"))
    assert in_order != pytest.approx(
        krippendorff_alpha(words, "ordinal", order=sorted(["low", "medium", "high"]))
    )
    with pytest.raises(AgreementError, match="not in the given order: 'high'"):
        krippendorff_alpha(words, "ordinal", order=["low", "medium"])


def test_string_categories_and_nan_as_missing() -> None:
    numbers = [[1, 2, 3, 3], [1, 2, 2, 3]]
    words = [["x", "y", "z", "z"], ["x", "y", "y", "z"]]
    assert cohen_kappa(words) == cohen_kappa(numbers)
    assert krippendorff_alpha(words, "ordinal", order="xyz") == krippendorff_alpha(
        numbers, "ordinal"
    )
    with_nan = [[1, 2, 3, 3, float("nan")], [1, 2, 2, 3, 1]]
    assert krippendorff_alpha(with_nan) == krippendorff_alpha(numbers)


def test_agreement_error_is_a_qualcode_error() -> None:
    assert issubclass(AgreementError, QualcodeError)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ([[1, 2, 3]], "at least two coders"),
        ([], "at least two coders"),
        ([[1, 2, 3], [1, 2]], "lengths differ"),
        ([[], []], "no units"),
        ([[1, None, 3], [None, 2, None]], "at least two coders; no unit has two values"),
        ("abc", "list of coders"),
        ([[1, [2]], [1, 2]], "hashable"),
    ],
)
def test_degenerate_input_raises(data: object, message: str) -> None:
    for function in (percent_agreement, fleiss_kappa, gwet_ac1, krippendorff_alpha):
        with pytest.raises(AgreementError, match=message):
            function(data)  # type: ignore[arg-type]


def test_unknown_level_and_non_numeric_values_raise() -> None:
    with pytest.raises(AgreementError, match="unknown level of measurement 'bogus'"):
        krippendorff_alpha(KRIPPENDORFF_MISSING, "bogus")
    for level in ("interval", "ratio"):
        with pytest.raises(AgreementError, match=f"the {level} level needs numeric values"):
            krippendorff_alpha([["a", "b"], ["a", "c"]], level)
    with pytest.raises(AgreementError, match="order of text labels"):
        krippendorff_alpha([[1, "b"], [1, "c"]], "ordinal")
    with pytest.raises(AgreementError, match="non-negative"):
        krippendorff_alpha([[-1, 2], [1, 2]], "ratio")


def test_all_values_the_same_is_undefined() -> None:
    same = [[1, 1, 1], [1, 1, None]]
    message = r"is undefined: expected disagreement is 0 \(all values are the same\)"
    for function in (cohen_kappa, scott_pi, fleiss_kappa, brennan_prediger):
        with pytest.raises(AgreementError, match=message):
            function(same)
    for level in ("nominal", "ordinal", "interval", "ratio"):
        with pytest.raises(AgreementError, match=message):
            krippendorff_alpha(same, level)
    with pytest.raises(AgreementError, match="only one category"):
        gwet_ac1(same)
    assert gwet_ac1(same, categories=[1, 2]) == 1.0
    assert brennan_prediger(same, categories=[1, 2]) == 1.0


def test_cohen_kappa_needs_exactly_two_coders() -> None:
    with pytest.raises(AgreementError, match="exactly two coders; got 4"):
        cohen_kappa(KRIPPENDORFF_MISSING)
    with pytest.raises(AgreementError, match="coded by both"):
        cohen_kappa([[1, None], [None, 2]])


def test_values_outside_given_categories_raise() -> None:
    with pytest.raises(AgreementError, match="not among the given categories: 3"):
        brennan_prediger([[1, 2, 3], [1, 2, 2]], categories=[1, 2])


def test_reliability_data_is_accepted_and_reusable() -> None:
    prepared = ReliabilityData.from_values(KRIPPENDORFF_MISSING)
    assert prepared.n_coders == 4 and prepared.n_units == 12
    assert krippendorff_alpha(prepared, "interval") == krippendorff_alpha(
        KRIPPENDORFF_MISSING, "interval"
    )


# --- bootstrap ------------------------------------------------------------------------------


def test_bootstrap_is_deterministic_and_contains_the_estimate() -> None:
    data = HAYES_2007
    ordinal_alpha = partial(krippendorff_alpha, level="ordinal")
    first = bootstrap_ci(ordinal_alpha, data, n=300, seed=3)
    second = bootstrap_ci(ordinal_alpha, data, n=300, seed=3)
    assert first == second
    low, high = first
    assert low < krippendorff_alpha(data, "ordinal") < high
    assert bootstrap_ci(ordinal_alpha, data, n=300, seed=4) != first
    for function in (percent_agreement, fleiss_kappa, gwet_ac1, brennan_prediger):
        low, high = bootstrap_ci(function, data, n=200)
        assert low <= function(data) <= high


def test_bootstrap_accepts_any_function_of_lists() -> None:
    def first_coder_share_of_ones(data: list[list[object]]) -> float:
        return sum(value == 1 for value in data[0]) / len(data[0])

    low, high = bootstrap_ci(first_coder_share_of_ones, KRIPPENDORFF_BINARY, n=200, seed=1)
    assert 0.0 <= low <= 0.2 <= high <= 1.0


def test_bootstrap_skips_undefined_resamples() -> None:
    # Many resamples of three units contain only one unit's values; those are skipped.
    data = [[1, 2, 2], [1, 2, 1]]
    low, high = bootstrap_ci(cohen_kappa, data, n=200, seed=0)
    assert -1.0 <= low <= high <= 1.0
    with pytest.raises(AgreementError, match="undefined on every bootstrap resample"):
        bootstrap_ci(cohen_kappa, [[1, 1], [1, 1]], n=20)


def test_bootstrap_rejects_bad_settings() -> None:
    with pytest.raises(AgreementError, match="at least one resample"):
        bootstrap_ci(percent_agreement, KRIPPENDORFF_BINARY, n=0)
    with pytest.raises(AgreementError, match="between 0 and 1"):
        bootstrap_ci(percent_agreement, KRIPPENDORFF_BINARY, level=95)
    with pytest.raises(AgreementError, match="functools.partial"):
        bootstrap_ci(krippendorff_alpha, KRIPPENDORFF_BINARY, level="ordinal")


def test_integer_arrays_take_the_counting_path_with_the_same_results() -> None:
    # Presence tables (small non-negative integers) are numbered by counting, not sorting;
    # the categories and every coefficient must be what the general path gives.
    rng = np.random.default_rng(7)
    table = rng.integers(0, 3, size=(3, 500)).astype(np.int8)
    table[:, :5] = 2  # a category that is not 0 or 1, with gaps below it elsewhere
    fast = ReliabilityData.from_values(table)
    slow = ReliabilityData.from_values(table.astype(np.float64))
    assert fast.categories == slow.categories == (0, 1, 2)
    assert np.array_equal(fast.codes, slow.codes)
    assert krippendorff_alpha(fast) == pytest.approx(krippendorff_alpha(slow), abs=1e-12)
    assert fleiss_kappa(fast) == pytest.approx(fleiss_kappa(slow), abs=1e-12)
    sparse = np.array([[0, 5, 5], [5, 5, 0]], dtype=np.int64)  # values with unused gaps
    assert ReliabilityData.from_values(sparse).categories == (0, 5)
