"""The statistics behind compare's intervals and "tied with the best"."""

import math

import numpy as np
import pytest
from scipy import stats as sp_stats

from skspiral.tools.stats import mean_interval, tied_with_best


def test_the_interval_matches_one_computed_by_hand():
    # Sample 1..5: mean 3, s = sqrt(2.5) = 1.58114, s/sqrt(5) = 0.70711, and
    # t(0.975, 4) = 2.77645 from a t table: half-width 1.96324.
    mean, low, high = mean_interval([1.0, 2.0, 3.0, 4.0, 5.0])
    assert mean == 3.0
    assert low == pytest.approx(3 - 1.96324, abs=1e-5)
    assert high == pytest.approx(3 + 1.96324, abs=1e-5)


def test_a_90_percent_interval_uses_the_95th_percentile_of_t():
    # Sample (0.8, 0.9, 1.0): mean 0.9, s = 0.1, t(0.95, 2) = 2.91999.
    mean, low, high = mean_interval([0.8, 0.9, 1.0], level=0.90)
    half = 2.91999 * 0.1 / math.sqrt(3)
    assert (low, high) == pytest.approx((0.9 - half, 0.9 + half), abs=1e-5)


def test_nans_are_left_out_and_one_value_has_no_interval():
    assert mean_interval([2.0, math.nan, 4.0])[0] == 3.0
    mean, low, high = mean_interval([0.5])
    assert mean == 0.5 and math.isnan(low) and math.isnan(high)
    assert all(math.isnan(v) for v in mean_interval([math.nan]))


def test_constant_samples_give_a_zero_width_interval():
    assert mean_interval([1.0, 1.0, 1.0]) == (1.0, 1.0, 1.0)


def test_welch_separates_clearly_different_scores_and_ties_overlapping_ones():
    samples = {
        "best": [0.95, 0.96, 0.97, 0.96, 0.95],
        "close": [0.94, 0.97, 0.95, 0.96, 0.96],
        "worse": [0.80, 0.81, 0.79, 0.80, 0.82],
    }
    tied = tied_with_best(samples)
    assert tied == {"best": True, "close": True, "worse": False}
    # The same decision as scipy's Welch test at 5%.
    p_close = sp_stats.ttest_ind(
        samples["close"], samples["best"], equal_var=False
    ).pvalue
    assert p_close >= 0.05


def test_lower_is_better_picks_the_smallest_mean():
    tied = tied_with_best(
        {"a": [1.0, 1.1, 0.9], "b": [3.0, 3.1, 2.9]}, higher_is_better=False
    )
    assert tied == {"a": True, "b": False}


def test_constant_samples_tie_only_when_equal_and_failures_never_tie():
    tied = tied_with_best(
        {"a": [1.0, 1.0], "b": [1.0, 1.0], "c": [0.9, 0.9], "d": [np.nan, np.nan]}
    )
    assert tied == {"a": True, "b": True, "c": False, "d": False}
