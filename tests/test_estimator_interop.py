"""MLPScratchClassifier against scikit-learn's MLPClassifier as the reference.

The two share the layout of ``coefs_``/``intercepts_``, the output head (softmax
for 3+ classes, one logistic unit for 2) and Glorot-uniform initialisation, so
weights copied across must give the same probabilities, and the same seed must
give the same starting weights.
"""

import warnings

import numpy as np
import pytest
from sklearn.datasets import make_classification
from sklearn.exceptions import ConvergenceWarning
from sklearn.neural_network import MLPClassifier

from skspiral import MLPScratchClassifier

HIDDEN = (6, 4)


def _data(n_classes, labels=None):
    X, y = make_classification(
        n_samples=80,
        n_features=5,
        n_informative=4,
        n_redundant=0,
        n_classes=n_classes,
        random_state=0,
    )
    if labels is not None:
        y = np.asarray(labels)[y]
    return X, y


def _quiet_fit(est, X, y):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return est.fit(X, y)


@pytest.mark.parametrize("activation", ["relu", "tanh", "logistic", "identity"])
@pytest.mark.parametrize(
    "n_classes, labels", [(2, None), (3, None), (2, ["no", "yes"]), (4, list("dcba"))]
)
def test_weights_copied_from_mlpclassifier_give_its_predict_proba(
    activation, n_classes, labels
):
    X, y = _data(n_classes, labels)
    theirs = _quiet_fit(
        MLPClassifier(HIDDEN, activation=activation, max_iter=60, random_state=0),
        X,
        y,
    )
    ours = _quiet_fit(
        MLPScratchClassifier(HIDDEN, activation=activation, max_iter=1), X, y
    )
    assert not np.allclose(ours.predict_proba(X), theirs.predict_proba(X))

    ours.coefs_ = theirs.coefs_
    ours.intercepts_ = theirs.intercepts_

    np.testing.assert_array_equal(ours.classes_, theirs.classes_)
    np.testing.assert_allclose(
        ours.predict_proba(X), theirs.predict_proba(X), rtol=1e-10, atol=1e-12
    )
    np.testing.assert_array_equal(ours.predict(X), theirs.predict(X))


@pytest.mark.parametrize("activation", ["relu", "tanh"])
@pytest.mark.parametrize("n_classes", [2, 3])
def test_weights_copied_into_mlpclassifier_give_our_predict_proba(
    activation, n_classes
):
    X, y = _data(n_classes)
    ours = _quiet_fit(
        MLPScratchClassifier(
            HIDDEN, activation=activation, learning_rate=0.01, random_state=0
        ),
        X,
        y,
    )
    theirs = _quiet_fit(
        MLPClassifier(HIDDEN, activation=activation, max_iter=1, random_state=1),
        X,
        y,
    )
    theirs.coefs_ = [W.copy() for W in ours.coefs_]
    theirs.intercepts_ = [b.copy() for b in ours.intercepts_]

    np.testing.assert_allclose(
        theirs.predict_proba(X), ours.predict_proba(X), rtol=1e-10, atol=1e-12
    )
    np.testing.assert_array_equal(theirs.predict(X), ours.predict(X))


def test_copying_weights_of_the_wrong_shape_is_rejected():
    X, y = _data(3)
    ours = _quiet_fit(MLPScratchClassifier(HIDDEN, max_iter=1), X, y)
    before = [W.copy() for W in ours.coefs_]
    wrong = [np.zeros((5, 7)), np.zeros((7, 4)), np.zeros((4, 3))]
    with pytest.raises(ValueError, match="coefs_"):
        ours.coefs_ = wrong
    for W, W0 in zip(ours.coefs_, before):
        np.testing.assert_array_equal(W, W0)


@pytest.mark.parametrize("activation", ["relu", "tanh", "logistic"])
@pytest.mark.parametrize("n_classes", [2, 3])
@pytest.mark.parametrize("seed", [0, 7])
def test_glorot_uniform_starts_from_mlpclassifiers_initial_weights(
    activation, n_classes, seed
):
    # Honest view of the initial weights through the public API only: one
    # full-batch SGD step with a learning rate of 1e-300 leaves every weight
    # bit-identical (w - 1e-300 * g == w in float64 for any |w| > 1e-280).
    X, y = _data(n_classes)
    tiny = 1e-300
    ours = _quiet_fit(
        MLPScratchClassifier(
            HIDDEN,
            activation=activation,
            optimizer="sgd",
            learning_rate=tiny,
            batch_size=None,
            shuffle=False,
            max_iter=1,
            weight_init="glorot_uniform",
            random_state=seed,
        ),
        X,
        y,
    )
    theirs = _quiet_fit(
        MLPClassifier(
            HIDDEN,
            activation=activation,
            solver="sgd",
            learning_rate_init=tiny,
            momentum=0.0,
            batch_size=X.shape[0],
            shuffle=False,
            max_iter=1,
            random_state=seed,
        ),
        X,
        y,
    )
    assert [W.shape for W in ours.coefs_] == [W.shape for W in theirs.coefs_]
    for mine, ref in zip(
        ours.coefs_ + ours.intercepts_, theirs.coefs_ + theirs.intercepts_
    ):
        np.testing.assert_array_equal(mine, ref)
