"""scikit-learn's own estimator checks, with no expected-failure list.

At the defaults of both estimators, at the defaults of every built-in optimizer,
and in the configurations where the engine takes other paths: full batch, two
hidden layers, every activation, a stronger L2 penalty, the book's
initialisation and unshuffled batches.
"""

from sklearn.utils.estimator_checks import parametrize_with_checks

from skspiral import MLPScratchClassifier, MLPScratchRegressor
from skspiral.optimizers import available_optimizers, get_optimizer_class, is_builtin

BUILTIN_OPTIMIZERS = [name for name in available_optimizers() if is_builtin(name)]

CONFIGURATIONS = [
    {},
    *({"optimizer": name} for name in BUILTIN_OPTIMIZERS if name != "adam"),
    {"batch_size": None},
    {"hidden_layer_sizes": (8, 8)},
    *({"activation": a} for a in ("tanh", "logistic", "identity")),
    {"alpha": 1e-2},
    {"weight_init": "book"},
    {"shuffle": False},
]

ESTIMATORS = [MLPScratchClassifier(**params) for params in CONFIGURATIONS]
ESTIMATORS += [MLPScratchRegressor()]


@parametrize_with_checks(ESTIMATORS)
def test_passes_scikit_learn_estimator_checks(estimator, check):
    check(estimator)


def test_every_builtin_optimizer_is_checked():
    checked = {type(e).__name__ + ":" + str(e.optimizer) for e in ESTIMATORS}
    for name in BUILTIN_OPTIMIZERS:
        assert f"MLPScratchClassifier:{name}" in checked, get_optimizer_class(name)
