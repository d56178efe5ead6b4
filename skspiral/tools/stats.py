"""The statistics of ``compare``: intervals over seeds and "tied with the best".

* :func:`mean_interval`: the mean and its two-sided Student-t confidence interval,
  ``mean +- t(1 - (1 - level)/2, n - 1) * s / sqrt(n)`` with ``s`` the sample
  standard deviation (``ddof=1``). NaNs (failed runs) are left out.
* :func:`tied_with_best`: the contender with the best mean, and every contender
  that Welch's unequal-variance t-test (two-sided, ``scipy.stats.ttest_ind`` with
  ``equal_var=False``) cannot tell from it at ``alpha`` = 0.05. Welch's rather
  than a paired test: scikit-learn's models draw their initial weights their own
  way, so seed ``k`` of one contender is no pair for seed ``k`` of another.

>>> low, high = mean_interval([1.0, 2.0, 3.0, 4.0, 5.0])[1:]
>>> round(low, 3), round(high, 3)
(1.037, 4.963)
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Mapping, Sequence

import numpy as np
from scipy import stats

__all__ = ["ALPHA", "mean_interval", "tied_with_best"]

ALPHA = 0.05


def _finite(values: Sequence[float]) -> np.ndarray:
    values = np.asarray(values, dtype=float)
    return values[np.isfinite(values)]


def mean_interval(
    values: Sequence[float], level: float = 0.95
) -> tuple[float, float, float]:
    """``(mean, low, high)`` of the finite values; the interval is NaN below two."""
    values = _finite(values)
    if values.size == 0:
        return math.nan, math.nan, math.nan
    mean = float(values.mean())
    if values.size < 2:
        return mean, math.nan, math.nan
    half = float(stats.t.ppf(0.5 + level / 2, values.size - 1) * values.std(ddof=1))
    half /= math.sqrt(values.size)
    return mean, mean - half, mean + half


def _same(a: np.ndarray, b: np.ndarray, alpha: float) -> bool:
    """Whether Welch's test cannot tell ``a``'s mean from ``b``'s."""
    if a.size == 0 or b.size == 0:
        return False
    if np.ptp(a) == 0 and np.ptp(b) == 0:  # no spread: the t statistic is 0/0
        return bool(a[0] == b[0])
    if a.size < 2 or b.size < 2:
        return False
    with warnings.catch_warnings():  # nearly equal samples: scipy warns, rightly
        warnings.simplefilter("ignore", RuntimeWarning)
        p_value = stats.ttest_ind(a, b, equal_var=False).pvalue
    return bool(p_value >= alpha)


def tied_with_best(
    samples: Mapping[str, Sequence[float]],
    *,
    higher_is_better: bool = True,
    alpha: float = ALPHA,
) -> dict[str, bool]:
    """For each label, whether its scores are tied with the best mean's.

    The best (highest mean, or lowest with ``higher_is_better=False``) is tied
    with itself; a label with no finite score never is.
    """
    finite = {label: _finite(values) for label, values in samples.items()}
    means = {label: v.mean() for label, v in finite.items() if v.size}
    if not means:
        return dict.fromkeys(samples, False)
    pick = max if higher_is_better else min
    best = pick(means, key=means.get)
    return {
        label: label == best or _same(finite[label], finite[best], alpha)
        for label in samples
    }
