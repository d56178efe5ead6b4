"""The book's chapter-10 runs against a plain re-implementation of its rules.

The reference below is written from the book's formulas (shared/book/README.md),
the way the book's code computes them: ``inputs @ W + b``, ``max(0, z)``, biases'
gradient ``sum over rows``, softmax + cross-entropy with the fused gradient, and
the four optimizers' update rules. The engine may compute the same quantities in
another order to save time (a bias summed by a matrix-vector product, say), which
moves the last bits; this test pins that the trajectories of all 11 book rows stay
within 1e-5 (relative) of the reference over 200 epochs.
"""

import numpy as np
import pytest

from skspiral.datasets import make_spiral
from skspiral.network import MLP
from skspiral.optimizers import get_optimizer
from skspiral.tools.book import BOOK_RUNS
from skspiral.training import Trainer

EPOCHS = 200
RTOL = 1e-5


def _book_start():
    """The book's data and starting weights, drawn as ``run_one`` draws them."""
    rng = np.random.RandomState(0)
    X, y = make_spiral(300, 3, shuffle=False, random_state=rng)
    network = MLP([2, 64, 3], activation="relu")
    network.initialize("book", rng)
    return X, y, network


def _reference_rule(name, hp):
    """``update(t, weights, grads, slots) -> lr``: the book's rule, in place."""
    lr0 = hp.get("learning_rate", {"rmsprop": 0.001, "adam": 0.001}.get(name, 1.0))
    decay, eps = hp.get("decay", 0.0), 1e-7

    def update(t, weights, grads, slots):
        lr = lr0 / (1 + decay * t)
        for i, (w, g) in enumerate(zip(weights, grads)):
            s = slots.setdefault(i, {"m": np.zeros_like(w), "v": np.zeros_like(w)})
            if name == "sgd" and hp.get("momentum", 0.0):
                s["m"] = hp["momentum"] * s["m"] - lr * g
                w += s["m"]
            elif name == "sgd":
                w -= lr * g
            elif name == "adagrad":
                s["v"] += g**2
                w -= lr * g / (np.sqrt(s["v"]) + eps)
            elif name == "rmsprop":
                rho = hp.get("rho", 0.9)
                s["v"] = rho * s["v"] + (1 - rho) * g**2
                w -= lr * g / (np.sqrt(s["v"]) + eps)
            else:  # adam
                s["m"] = 0.9 * s["m"] + 0.1 * g
                s["v"] = 0.999 * s["v"] + 0.001 * g**2
                m_hat = s["m"] / (1 - 0.9 ** (t + 1))
                v_hat = s["v"] / (1 - 0.999 ** (t + 1))
                w -= lr * m_hat / (np.sqrt(v_hat) + eps)
        return lr

    return update


def _reference_run(X, y, weights, update, epochs):
    """Full-batch training as the book's code does it; per-epoch losses."""
    W1, b1, W2, b2 = (w.copy() for w in weights)
    n, losses, slots = X.shape[0], [], {}
    for t in range(epochs):
        z1 = X @ W1 + b1
        a1 = np.maximum(0, z1)
        z2 = a1 @ W2 + b2
        e = np.exp(z2 - z2.max(axis=1, keepdims=True))
        p = e / e.sum(axis=1, keepdims=True)
        losses.append(np.mean(-np.log(np.clip(p[np.arange(n), y], 1e-7, 1 - 1e-7))))
        dz2 = p.copy()
        dz2[np.arange(n), y] -= 1
        dz2 /= n
        dW2, db2 = a1.T @ dz2, dz2.sum(axis=0)
        da1 = dz2 @ W2.T
        da1[z1 <= 0] = 0
        dW1, db1 = X.T @ da1, da1.sum(axis=0)
        update(t, [W1, b1, W2, b2], [dW1, db1, dW2, db2], slots)
    return np.array(losses), [W1, b1, W2, b2]


@pytest.mark.parametrize("run", BOOK_RUNS, ids=[r.label for r in BOOK_RUNS])
def test_book_trajectory_stays_within_1e_5_of_the_reference_rules(run):
    X, y, network = _book_start()
    start = [network.coefs[0], network.intercepts[0]]
    start += [network.coefs[1], network.intercepts[1]]
    ref_losses, ref_weights = _reference_run(
        X, y, start, _reference_rule(run.optimizer, run.hyperparams), EPOCHS
    )
    optimizer = get_optimizer(run.optimizer, **run.hyperparams)
    state = optimizer.init_state(network.params, network.layout)
    history, _ = Trainer(network, optimizer, state).fit(X, y, epochs=EPOCHS)
    np.testing.assert_allclose(history.loss, ref_losses, rtol=RTOL, atol=0)
    ours = [network.coefs[0], network.intercepts[0]]
    ours += [network.coefs[1], network.intercepts[1]]
    for got, want in zip(ours, ref_weights):
        scale = np.abs(want).max()
        np.testing.assert_allclose(got, want, rtol=RTOL, atol=RTOL * scale)
