"""User-registered optimizer names travel inside the estimator's pickle.

Cluster workers unpickle the estimator without running the user's script. These
tests stand in for such a worker with a fresh interpreter (``subprocess``), not
with Dask's LocalCluster, whose workers can import the test module and so hide a
name that did not travel. Optimizers defined inside a function are pickled by
value by cloudpickle, exactly like classes defined in a user's ``__main__``.
"""

from __future__ import annotations

import json
import os
import pickle
import subprocess
import sys
import threading
import warnings

import cloudpickle
import numpy as np
import pytest
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import GridSearchCV

from skspiral import MLPScratchClassifier, make_spiral
from skspiral.optimizers import SGD, Adam, Optimizer, _portable, registry

TRAINED = 0.4  # accuracy clearly above chance (1/3: three balanced spiral arms)

# Loads the pickle given as argv[1] afresh for each optimizer name in argv[2:],
# sets the name with set_params (as GridSearchCV does on a worker) and fits.
FRESH_FIT = """
import json, pickle, sys, warnings

with open(sys.argv[1], "rb") as f:
    blob = f.read()
pickle.loads(blob)  # before importing skspiral: the pickle alone must suffice
from skspiral import available_optimizers, make_spiral

warnings.simplefilter("ignore")
X, y = make_spiral(300, 3, random_state=0)
report = {"registered": available_optimizers()}
for name in sys.argv[2:]:
    est = pickle.loads(blob)
    try:
        est.set_params(optimizer=name).fit(X, y)
    except ValueError as exc:
        report[name] = {"error": str(exc), "trained": hasattr(est, "n_iter_")}
    else:
        cls = type(est.optimizer_)
        report[name] = {
            "class": f"{cls.__module__}.{cls.__qualname__}",
            "score": est.score(X, y),
        }
print(json.dumps(report))
"""

USER_MODULE = "skspiral_test_user_optimizers"
USER_MODULE_SOURCE = '''
from skspiral.optimizers import SGD


class ModuleSGD(SGD):
    """SGD from an importable user module: cloudpickle ships it by reference."""
'''


class TestModuleSGD(SGD):
    """Defined at test-module level: loky workers import it by reference."""

    __test__ = False  # not a pytest test class


def by_value_optimizers():
    """Optimizer classes pickled by value (defined in a function, as in __main__).

    Each call defines new classes, as re-running an edited notebook cell does.
    """

    class SignSGD(Optimizer):
        r"""``w <- w - lr_t * sign(g)``."""

        def __init__(self, learning_rate: float = 0.01, decay: float = 0.0):
            super().__init__(learning_rate, decay)

        def _update(self, params, grads, state, lr):
            params -= lr * np.sign(grads)

    class LockedSGD(SGD):
        lock = threading.Lock()  # cloudpickle cannot serialize this class

    return SignSGD, LockedSGD


@pytest.fixture(autouse=True)
def isolated_registry(monkeypatch):
    """Names registered or adopted in a test vanish after it."""
    monkeypatch.setattr(registry, "_REGISTRY", dict(registry._REGISTRY))
    monkeypatch.setattr(_portable, "_ADOPTED", dict(_portable._ADOPTED))


@pytest.fixture
def user_module(tmp_path_factory, monkeypatch):
    """An importable module holding ``ModuleSGD``; returns its directory."""
    folder = tmp_path_factory.mktemp("user_module")
    (folder / f"{USER_MODULE}.py").write_text(USER_MODULE_SOURCE)
    monkeypatch.syspath_prepend(str(folder))
    module = __import__(USER_MODULE)
    yield folder, module
    sys.modules.pop(USER_MODULE, None)


def fit_in_fresh_interpreter(tmp_path, blob: bytes, names, *, pythonpath=None):
    """Run FRESH_FIT on ``blob`` in a new interpreter; return its JSON report."""
    path = tmp_path / "estimator.pkl"
    path.write_bytes(blob)
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    if pythonpath is not None:
        env["PYTHONPATH"] = str(pythonpath)
    done = subprocess.run(
        [sys.executable, "-c", FRESH_FIT, str(path), *names],
        cwd=tmp_path,  # neither the tests folder nor a user module on sys.path
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.splitlines()[-1])


def small_estimator(**params):
    """300 epochs at learning rate 0.02 (no early stop): every optimizer here trains."""
    defaults = dict(
        hidden_layer_sizes=(64,),
        learning_rate=0.02,
        max_iter=300,
        n_iter_no_change=300,
        random_state=0,
    )
    return MLPScratchClassifier(**{**defaults, **params})


@pytest.mark.timeout(120)
def test_user_names_registered_here_train_in_a_fresh_interpreter(tmp_path):
    sign_sgd, _ = by_value_optimizers()
    registry.register_optimizer("my_sign_sgd", sign_sgd)
    registry.register_optimizer("grid_adam", Adam)  # a user alias, used via the grid
    blob = cloudpickle.dumps(small_estimator(optimizer="my_sign_sgd"))

    report = fit_in_fresh_interpreter(tmp_path, blob, ["my_sign_sgd", "grid_adam"])

    assert {"my_sign_sgd", "grid_adam"} <= set(report["registered"])
    assert report["my_sign_sgd"]["class"] == f"{__name__}.SignSGD"  # by value
    assert report["grid_adam"]["class"] == "skspiral.optimizers.adaptive.Adam"
    for name in ("my_sign_sgd", "grid_adam"):
        assert report[name]["score"] > TRAINED, name


@pytest.mark.timeout(120)
def test_unknown_or_unrestorable_names_fail_fast_in_a_fresh_interpreter(
    tmp_path, user_module
):
    sign_sgd, locked_sgd = by_value_optimizers()
    registry.register_optimizer("my_sign_sgd", sign_sgd)
    registry.register_optimizer("locked_sgd", locked_sgd)  # cannot be pickled
    registry.register_optimizer("module_sgd", user_module[1].ModuleSGD)  # by ref
    blob = cloudpickle.dumps(small_estimator(optimizer="my_sign_sgd"))

    names = ["never_registered", "locked_sgd", "module_sgd", "my_sign_sgd"]
    report = fit_in_fresh_interpreter(tmp_path, blob, names)  # module not on path

    for name in names[:3]:
        assert name not in report["registered"]
        message = report[name]["error"]
        assert f"unknown optimizer {name!r}" in message
        assert "pass the class itself" in message
        assert not report[name]["trained"]
    assert report["my_sign_sgd"]["score"] > TRAINED  # the others still travel


@pytest.mark.timeout(120)
def test_plain_pickle_carries_an_optimizer_from_an_importable_module(
    tmp_path, user_module
):
    folder, module = user_module
    registry.register_optimizer("module_sgd", module.ModuleSGD)
    blob = pickle.dumps(small_estimator(optimizer="adam"))

    report = fit_in_fresh_interpreter(tmp_path, blob, ["module_sgd"], pythonpath=folder)

    assert report["module_sgd"]["class"] == f"{USER_MODULE}.ModuleSGD"
    assert report["module_sgd"]["score"] > TRAINED


def test_builtin_names_stay_plain_names_and_user_aliases_travel():
    assert _portable._KEY not in small_estimator().__getstate__()
    registry.register_optimizer("my_adam", Adam)
    carried = small_estimator().__getstate__()[_portable._KEY]
    assert list(carried) == ["my_adam"]


def forget(name):
    """Make this process look like a worker that never heard of ``name``."""
    registry._REGISTRY.pop(name, None)
    _portable._ADOPTED.pop(name, None)


def test_a_name_adopted_from_a_pickle_follows_the_sender_when_re_registered():
    old, new = by_value_optimizers()[0], by_value_optimizers()[0]
    registry.register_optimizer("evolving", old)
    first = pickle.dumps(small_estimator())
    registry.register_optimizer("evolving", new, replace=True)
    second = pickle.dumps(small_estimator())

    forget("evolving")
    pickle.loads(first)
    assert registry.get_optimizer_class("evolving") is old
    pickle.loads(second)  # a long-lived worker sees the edited class
    assert registry.get_optimizer_class("evolving") is new


def test_a_name_the_receiver_registered_itself_is_kept():
    sign_sgd, _ = by_value_optimizers()
    registry.register_optimizer("mine", sign_sgd)
    blob = pickle.dumps(small_estimator())

    forget("mine")
    registry.register_optimizer("mine", TestModuleSGD)  # the receiver's own code
    pickle.loads(blob)
    assert registry.get_optimizer_class("mine") is TestModuleSGD


def test_a_builtin_name_the_sender_replaced_takes_the_senders_class():
    sign_sgd, _ = by_value_optimizers()
    registry.register_optimizer("adam", sign_sgd, replace=True)
    blob = pickle.dumps(small_estimator())

    registry.register_optimizer("adam", Adam, replace=True)  # the receiver's default
    pickle.loads(blob)
    assert registry.get_optimizer_class("adam") is sign_sgd


@pytest.mark.timeout(120)
def test_loky_grid_search_runs_a_name_registered_in_the_test_module():
    registry.register_optimizer("test_module_sgd", TestModuleSGD)
    X, y = make_spiral(150, 3, random_state=0)
    rates = [0.05, 0.5]
    grid = [
        {"optimizer": ["test_module_sgd", "adam"], "learning_rate": rates},
        {
            "optimizer": [TestModuleSGD(momentum=0.5, learning_rate=r) for r in rates],
            "learning_rate": [None],  # the instance holds its own
        },
    ]
    est = small_estimator(hidden_layer_sizes=(16,), max_iter=30)

    scores = []
    for n_jobs in (1, 2):
        search = GridSearchCV(est, grid, cv=2, n_jobs=n_jobs, error_score="raise")
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            search.fit(X, y)
        scores.append(search.cv_results_["mean_test_score"])

    np.testing.assert_array_equal(scores[1], scores[0])  # error_score="raise": no NaN
