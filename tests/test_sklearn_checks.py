"""scikit-learn's own estimator checks at default parameters, no expected failures."""

from sklearn.utils.estimator_checks import parametrize_with_checks

from skspiral import MLPScratchClassifier


@parametrize_with_checks([MLPScratchClassifier()])
def test_passes_scikit_learn_estimator_checks(estimator, check):
    check(estimator)
