"""Persistence and determinism.

* A model saved with pickle or joblib and loaded in a fresh interpreter predicts
  bit-identically (the ``.npy`` bytes of ``predict_proba`` are compared).
* The same ``random_state`` gives bit-identical weights across runs and clones.
* ``predict`` from two threads at once gives the serial answers.
* ``partial_fit`` for 2000 epochs does not grow the process's memory.
"""

import gc
import io
import pickle
import subprocess
import sys
import textwrap
from concurrent.futures import ThreadPoolExecutor

import joblib
import numpy as np
import psutil
import pytest
from sklearn.base import clone

from skspiral import MLPScratchClassifier, available_optimizers, make_spiral
from skspiral.optimizers import get_optimizer_class, is_builtin

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")

# Closure optimizers (lbfgs) skip: the loop does not call minimize() yet.
OPTIMIZERS = [
    name
    for name in available_optimizers()
    if is_builtin(name) and not get_optimizer_class(name).needs_closure
]
X_SPIRAL, Y_SPIRAL = make_spiral(100, 3, random_state=0)  # 300 rows, 2 features


def npy_bytes(array: np.ndarray) -> bytes:
    buffer = io.BytesIO()
    np.save(buffer, array, allow_pickle=False)
    return buffer.getvalue()


MODELS = {
    "adam_3_classes_float64": (
        {"optimizer": "adam", "learning_rate": 0.01, "max_iter": 30},
        np.float64,
        Y_SPIRAL,
    ),
    "sgd_2_classes_float32": (
        {"optimizer": "sgd", "momentum": 0.9, "learning_rate": 0.1, "max_iter": 30},
        np.float32,
        Y_SPIRAL % 2,
    ),
    "rmsprop_string_labels_early_stopping": (
        {"optimizer": "rmsprop", "early_stopping": True, "max_iter": 30},
        np.float64,
        np.array(["low", "mid", "high"])[Y_SPIRAL],
    ),
}
FORMATS = {
    "pickle": (lambda est, path: path.write_bytes(pickle.dumps(est)), "pickle"),
    "joblib": (lambda est, path: joblib.dump(est, path), "joblib"),
}

LOADER = textwrap.dedent(
    """
    import pickle, sys
    import joblib, numpy as np

    X = np.load(sys.argv[1])
    for model_path in sys.argv[2:]:
        if model_path.endswith(".pickle"):
            with open(model_path, "rb") as f:
                est = pickle.load(f)
        else:
            est = joblib.load(model_path)
        np.save(model_path + ".proba.npy", est.predict_proba(X), allow_pickle=False)
        np.save(model_path + ".pred.npy", est.predict(X), allow_pickle=False)
    """
)


@pytest.fixture(scope="module")
def saved_models(tmp_path_factory):
    """Every model in every format, saved here and reloaded in one fresh process."""
    directory = tmp_path_factory.mktemp("models")
    np.save(directory / "X.npy", X_SPIRAL)
    expected, paths = {}, []
    for model_name, (params, dtype, y) in MODELS.items():
        est = MLPScratchClassifier((16,), random_state=0, **params)
        est.fit(X_SPIRAL.astype(dtype), y)
        for format_name, (save, suffix) in FORMATS.items():
            path = directory / f"{model_name}.{suffix}"
            save(est, path)
            paths.append(str(path))
            expected[model_name, format_name] = (
                npy_bytes(est.predict_proba(X_SPIRAL)),
                est.predict(X_SPIRAL),
                path,
            )
    subprocess.run(
        [sys.executable, "-c", LOADER, str(directory / "X.npy"), *paths],
        check=True,
        timeout=120,
        cwd=directory,  # not the repository: the installed package is loaded
    )
    return expected


@pytest.mark.parametrize("format_name", FORMATS)
@pytest.mark.parametrize("model_name", MODELS)
def test_model_loaded_in_fresh_interpreter_predicts_bit_identically(
    saved_models, model_name, format_name
):
    proba_bytes, predictions, path = saved_models[model_name, format_name]
    loaded_bytes = (path.parent / f"{path.name}.proba.npy").read_bytes()
    assert loaded_bytes == proba_bytes
    loaded_predictions = np.load(path.parent / f"{path.name}.pred.npy")
    np.testing.assert_array_equal(loaded_predictions, predictions)


@pytest.mark.parametrize("format_name", FORMATS)
def test_loaded_model_continues_training_like_the_original(tmp_path, format_name):
    est = MLPScratchClassifier((16,), learning_rate=0.01, max_iter=5, random_state=0)
    est.fit(X_SPIRAL, Y_SPIRAL)
    save, suffix = FORMATS[format_name]
    path = tmp_path / f"model.{suffix}"
    save(est, path)
    loaded = (
        joblib.load(path)
        if format_name == "joblib"
        else pickle.loads(path.read_bytes())
    )
    for model in (est, loaded):  # same optimizer state, same shuffling stream
        model.partial_fit(X_SPIRAL, Y_SPIRAL)
    assert loaded.network_.params.tobytes() == est.network_.params.tobytes()
    assert loaded.t_ == est.t_


# ---------------------------------------------------------------- determinism
DETERMINISM_CASES = [
    {"optimizer": name, "shuffle": shuffle, "batch_size": batch}
    for name in OPTIMIZERS
    for shuffle, batch in ((True, 32), (False, None))
] + [
    {"early_stopping": True, "validation_fraction": 0.2},
    {"weight_init": "book", "activation": "tanh", "alpha": 1e-3},
]


def _weights(est) -> bytes:
    return b"".join(a.tobytes() for a in est.coefs_ + est.intercepts_)


@pytest.mark.parametrize("params", DETERMINISM_CASES, ids=repr)
def test_same_random_state_gives_bit_identical_weights(params):
    def fit(est):
        return est.fit(X_SPIRAL, Y_SPIRAL)

    first = MLPScratchClassifier((12,), max_iter=15, random_state=7, **params)
    runs = [
        fit(first),
        fit(clone(first)),
        fit(MLPScratchClassifier(**first.get_params())),
    ]
    assert len({_weights(est) for est in runs}) == 1
    assert len({tuple(est.loss_curve_) for est in runs}) == 1
    # Refitting the same object starts afresh from the same seed too.
    assert _weights(fit(first)) == _weights(runs[1])
    # And the seed matters: another one gives other weights.
    other = fit(clone(first).set_params(random_state=8))
    assert _weights(other) != _weights(runs[1])


def test_random_state_instance_in_clones_gives_identical_weights():
    template = MLPScratchClassifier(
        (12,), max_iter=5, random_state=np.random.RandomState(3)
    )
    a = clone(template).fit(X_SPIRAL, Y_SPIRAL)
    b = clone(template).fit(X_SPIRAL, Y_SPIRAL)
    assert _weights(a) == _weights(b)


# ---------------------------------------------------------------- thread safety
@pytest.mark.parametrize("method", ["predict", "predict_proba", "predict_log_proba"])
def test_predict_from_two_threads_matches_serial(method):
    est = MLPScratchClassifier((32,), max_iter=20, random_state=0)
    est.fit(X_SPIRAL, Y_SPIRAL)
    rng = np.random.RandomState(1)
    chunks = [rng.randn(rng.randint(1, 300), 2) for _ in range(200)]
    predict = getattr(est, method)
    serial = [predict(chunk) for chunk in chunks]
    with ThreadPoolExecutor(max_workers=2) as pool:
        threaded = list(pool.map(predict, chunks))
    for expected, got in zip(serial, threaded):
        assert got.dtype == expected.dtype
        assert got.tobytes() == expected.tobytes()


# ---------------------------------------------------------------------- memory
def test_partial_fit_memory_does_not_grow_over_2000_epochs():
    X, y = X_SPIRAL[:64], Y_SPIRAL[:64]
    est = MLPScratchClassifier((16,), random_state=0)
    process = psutil.Process()
    for _ in range(200):  # warm-up: buffers, caches, allocator pools
        est.partial_fit(X, y, classes=[0, 1, 2])
    gc.collect()
    rss_after_warm_up = process.memory_info().rss
    for _ in range(1800):
        est.partial_fit(X, y)
    gc.collect()
    growth_mb = (process.memory_info().rss - rss_after_warm_up) / 2**20
    assert est.n_iter_ == 1 and len(est.loss_curve_) == 2000
    print(f"\nRSS growth over epochs 200-2000 of partial_fit: {growth_mb:.2f} MiB")
    assert growth_mb < 50
