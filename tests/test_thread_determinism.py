"""Same random_state, same weights, whatever the number of BLAS threads.

The training path's sums over rows (weight and bias gradients) are GEMMs, so
this relies on BLAS computing each output the same way at any thread count.
OpenBLAS 0.3.31 does for these shapes; it does not for every shape: with a full
batch of 200000 rows and 10 features, ``X.T @ dH`` (10 x 64 outputs, K = 200000)
differs in the last bits between 1 and 2 threads, a property of BLAS that the
engine cannot change (docs/performance.md).
"""

import warnings

import numpy as np
import pytest
from sklearn.datasets import make_classification
from threadpoolctl import threadpool_limits

from skspiral import MLPScratchClassifier, make_spiral

CASES = {
    "spiral": make_spiral(300, 3, random_state=0),
    "5000x50": make_classification(
        5000, 50, n_informative=20, n_classes=4, random_state=0
    ),
}


@pytest.mark.parametrize("batch_size", [None, 256])
@pytest.mark.parametrize("case", list(CASES))
def test_weights_are_bit_identical_at_one_and_two_blas_threads(case, batch_size):
    X, y = CASES[case]
    weights = []
    for threads in (1, 2):
        with threadpool_limits(threads, user_api="blas"), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            clf = MLPScratchClassifier(
                (64,), batch_size=batch_size, max_iter=3, random_state=0
            ).fit(X, y)
        weights.append(clf.network_.params.copy())
    np.testing.assert_array_equal(weights[0], weights[1])
