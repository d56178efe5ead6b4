"""The network pieces against finite differences and hand-written formulas.

Every gradient is checked with central differences in float64 against a loss
written out in this file (not the package's own forward pass), so a wrong forward
pass and a wrong backward pass both show up.
"""

import pickle

import numpy as np
import pytest

from skspiral.layout import ParamLayout
from skspiral.network import (
    MLP,
    CategoricalCrossEntropy,
    Dense,
    Identity,
    Logistic,
    LogisticCrossEntropy,
    ReLU,
    Softmax,
    SoftmaxCrossEntropy,
    Tanh,
)

CLIP = 1e-7  # the book's clip of the true-class probability
TOL = 1e-6  # relative error allowed between analytic and numerical gradients


def numerical_gradient(f, x: np.ndarray, h: float = 1e-6) -> np.ndarray:
    """Central differences of the scalar ``f()`` w.r.t. every entry of ``x``.

    ``x`` is perturbed in place and restored.
    """
    grad = np.zeros_like(x, dtype=np.float64)
    flat = x.reshape(-1)
    assert np.shares_memory(flat, x)
    for i in range(flat.size):
        old = flat[i]
        flat[i] = old + h
        f_plus = f()
        flat[i] = old - h
        f_minus = f()
        flat[i] = old
        grad.flat[i] = (f_plus - f_minus) / (2 * h)
    return grad


def relative_error(analytic, numeric) -> float:
    analytic, numeric = np.asarray(analytic), np.asarray(numeric)
    scale = np.linalg.norm(analytic) + np.linalg.norm(numeric)
    assert scale > 1e-8, "the gradient is (almost) zero: the check would be vacuous"
    return float(np.linalg.norm(analytic - numeric) / scale)


# Hand-written activations and losses: the independent reference.
HAND_ACTIVATIONS = {
    "relu": lambda z: np.where(z > 0, z, 0.0),
    "tanh": lambda z: (np.exp(z) - np.exp(-z)) / (np.exp(z) + np.exp(-z)),
    "logistic": lambda z: 1.0 / (1.0 + np.exp(-z)),
    "identity": lambda z: 1.0 * z,
}
ACTIVATION_CLASSES = {
    "relu": ReLU,
    "tanh": Tanh,
    "logistic": Logistic,
    "identity": Identity,
}


def hand_softmax_nll(z, y):
    """Per-sample ``-log softmax(z)[y]`` computed without the package."""
    e = np.exp(z - z.max(axis=1, keepdims=True))
    p = e / e.sum(axis=1, keepdims=True)
    return -np.log(np.clip(p[np.arange(len(y)), y], CLIP, 1 - CLIP))


def hand_logistic_nll(z, y):
    """Per-sample binary cross-entropy of one logit column."""
    p1 = 1.0 / (1.0 + np.exp(-z[:, 0]))
    p_true = np.where(y == 1, p1, 1 - p1)
    return -np.log(np.clip(p_true, CLIP, 1 - CLIP))


def weighted_mean(per_sample, w):
    return per_sample.mean() if w is None else per_sample @ w / w.sum()


# ---------------------------------------------------------------- activations
@pytest.mark.parametrize("name", ["relu", "tanh", "logistic", "identity"])
def test_activation_forward_matches_its_formula(name):
    z = np.linspace(-4, 4, 17).reshape(1, -1)
    out = np.empty_like(z)
    result = ACTIVATION_CLASSES[name].forward(z, out=out)
    assert result is out
    np.testing.assert_allclose(out, HAND_ACTIVATIONS[name](z), rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("name", ["relu", "tanh", "logistic", "identity"])
def test_activation_backward_matches_finite_differences(name):
    rng = np.random.RandomState(0)
    z = rng.uniform(-3, 3, size=(6, 5))
    z[np.abs(z) < 0.05] = 0.5  # keep ReLU away from its kink
    upstream = rng.standard_normal(z.shape)
    act = ACTIVATION_CLASSES[name]

    a = act.forward(z.copy())
    analytic = act.backward(a, upstream.copy())
    numeric = numerical_gradient(
        lambda: float(np.sum(upstream * HAND_ACTIVATIONS[name](z))), z
    )
    assert relative_error(analytic, numeric) < TOL


@pytest.mark.parametrize("name", ["relu", "tanh", "logistic"])
def test_activation_backward_works_in_place(name):
    a = ACTIVATION_CLASSES[name].forward(np.array([[-1.0, 0.5, 2.0]]))
    grad = np.ones_like(a)
    assert ACTIVATION_CLASSES[name].backward(a, grad) is grad


def test_logistic_forward_is_finite_and_silent_at_extreme_inputs():
    z = np.array([-1e4, -800.0, 0.0, 800.0, 1e4])
    with np.errstate(over="raise", divide="raise", invalid="raise"):
        a = Logistic.forward(z)
    np.testing.assert_array_equal(a, [0.0, 0.0, 0.5, 1.0, 1.0])


# ---------------------------------------------------------------------- dense
def make_dense(rng, fan_in=4, fan_out=3):
    W = rng.standard_normal((fan_in, fan_out))
    b = rng.standard_normal(fan_out)
    return Dense(W, b, np.zeros_like(W), np.zeros_like(b))


def test_dense_forward_is_inputs_times_weights_plus_bias():
    rng = np.random.RandomState(1)
    layer = make_dense(rng)
    X = rng.standard_normal((5, 4))
    expected = [[X[i] @ layer.W[:, j] + layer.b[j] for j in range(3)] for i in range(5)]
    np.testing.assert_allclose(layer.forward(X), expected, rtol=1e-12)
    out = np.full((5, 3), np.nan)
    assert layer.forward(X, out=out) is out
    np.testing.assert_allclose(out, expected, rtol=1e-12)


def test_dense_backward_matches_finite_differences():
    rng = np.random.RandomState(2)
    layer = make_dense(rng)
    X = rng.standard_normal((5, 4))
    upstream = rng.standard_normal((5, 3))

    def loss():
        return float(np.sum(upstream * (X @ layer.W + layer.b)))

    dinputs = layer.backward(upstream.copy(), X)
    assert relative_error(layer.dW, numerical_gradient(loss, layer.W)) < TOL
    assert relative_error(layer.db, numerical_gradient(loss, layer.b)) < TOL
    assert relative_error(dinputs, numerical_gradient(loss, X)) < TOL


def test_dense_backward_can_skip_the_input_gradient_and_write_into_buffers():
    rng = np.random.RandomState(3)
    layer = make_dense(rng)
    X = rng.standard_normal((5, 4))
    upstream = rng.standard_normal((5, 3))

    assert layer.backward(upstream, X, dinputs=False) is None
    np.testing.assert_allclose(layer.dW, X.T @ upstream, rtol=1e-12)
    np.testing.assert_allclose(layer.db, upstream.sum(axis=0), rtol=1e-12)
    buffer = np.empty((5, 4))
    assert layer.backward(upstream, X, dinputs=buffer) is buffer
    np.testing.assert_allclose(buffer, upstream @ layer.W.T, rtol=1e-12)


# --------------------------------------------------------------------- losses
LOSS_CASES = [
    pytest.param(SoftmaxCrossEntropy, 2, hand_softmax_nll, id="softmax-2"),
    pytest.param(SoftmaxCrossEntropy, 4, hand_softmax_nll, id="softmax-4"),
    pytest.param(LogisticCrossEntropy, 2, hand_logistic_nll, id="logistic-2"),
]


@pytest.mark.parametrize("weighted", [False, True], ids=["unweighted", "weighted"])
@pytest.mark.parametrize(("head", "n_classes", "hand_nll"), LOSS_CASES)
def test_loss_gradient_wrt_logits_matches_finite_differences(
    head, n_classes, hand_nll, weighted
):
    rng = np.random.RandomState(4)
    n = 7
    z = rng.standard_normal((n, head.n_outputs(n_classes)))  # far from the clip
    y = np.arange(n) % n_classes
    w = rng.uniform(0.2, 3.0, n) if weighted else None

    loss, n_correct, grad = head.loss_and_grad(z.copy(), y, w)
    numeric = numerical_gradient(lambda: float(weighted_mean(hand_nll(z, y), w)), z)

    assert loss == pytest.approx(weighted_mean(hand_nll(z, y), w), rel=1e-12)
    assert relative_error(grad, numeric) < TOL
    assert n_correct == np.count_nonzero(head.decide(z) == y)


def test_softmax_gradient_is_probabilities_minus_onehot_over_n():
    z = np.array([[1.0, 2.0, 3.0], [0.0, 0.0, 0.0]])
    y = np.array([2, 0])
    e = np.exp(z)
    p = e / e.sum(axis=1, keepdims=True)
    _, _, grad = SoftmaxCrossEntropy.loss_and_grad(z.copy(), y)
    np.testing.assert_allclose(grad, (p - np.eye(3)[y]) / 2, rtol=1e-12)


def test_loss_and_grad_overwrites_the_logits_buffer_with_the_gradient():
    z = np.array([[0.3, -0.2], [1.0, 0.5]])
    _, _, grad = SoftmaxCrossEntropy.loss_and_grad(z, np.array([0, 1]))
    assert grad is z


@pytest.mark.parametrize("n_classes", [2, 3, 5])
def test_softmax_jacobian_path_equals_the_fused_gradient(n_classes):
    rng = np.random.RandomState(5)
    z = 2 * rng.standard_normal((8, n_classes))
    y = rng.randint(n_classes, size=8)

    p = Softmax.forward(z)
    e = np.exp(z)
    np.testing.assert_allclose(p, e / e.sum(axis=1, keepdims=True), rtol=1e-12)
    dp = CategoricalCrossEntropy.backward(p, y)
    separate = Softmax.backward(p, dp)
    _, _, fused = SoftmaxCrossEntropy.loss_and_grad(z.copy(), y)

    np.testing.assert_allclose(separate, fused, rtol=1e-10, atol=1e-15)
    assert CategoricalCrossEntropy.forward(p, y) == pytest.approx(
        hand_softmax_nll(z, y).mean(), rel=1e-12
    )


def test_categorical_cross_entropy_backward_is_minus_onehot_over_p_over_n():
    p = np.array([[0.2, 0.5, 0.3], [0.6, 0.1, 0.3]])
    y = np.array([1, 0])
    expected = np.array([[0, -1 / 0.5, 0], [-1 / 0.6, 0, 0]]) / 2
    np.testing.assert_allclose(CategoricalCrossEntropy.backward(p, y), expected)


LOW, HIGH = -np.log(1 - CLIP), -np.log(CLIP)  # losses at the two clip bounds


def test_softmax_loss_is_finite_and_clipped_for_logits_of_1e4():
    z = np.array([[1e4, -1e4, 0.0], [1e4, -1e4, 0.0], [-1e4, 0.0, 1e4]])
    y = np.array([0, 1, 2])  # right, badly wrong, right
    with np.errstate(over="raise", divide="raise", invalid="raise"):
        loss, n_correct, grad = SoftmaxCrossEntropy.loss_and_grad(z.copy(), y)
    assert loss == pytest.approx((LOW + HIGH + LOW) / 3, rel=1e-12)
    assert n_correct == 2
    expected = np.array([[0, 0, 0], [1, -1, 0], [0, 0, 0]]) / 3  # exact, unclipped
    np.testing.assert_allclose(grad, expected, atol=1e-300)
    log_p = SoftmaxCrossEntropy.log_proba(z)
    assert (np.isneginf(log_p) == (SoftmaxCrossEntropy.proba(z) == 0)).all()


def test_logistic_loss_is_finite_and_clipped_for_logits_of_1e4():
    z = np.array([[1e4], [-1e4], [1e4], [-1e4]])
    y = np.array([1, 0, 0, 1])  # right, right, wrong, wrong
    with np.errstate(over="raise", divide="raise", invalid="raise"):
        loss, n_correct, grad = LogisticCrossEntropy.loss_and_grad(z.copy(), y)
    assert loss == pytest.approx((2 * LOW + 2 * HIGH) / 4, rel=1e-12)
    assert n_correct == 2
    np.testing.assert_allclose(grad[:, 0], [0, 0, 0.25, -0.25], atol=1e-300)
    log_p = LogisticCrossEntropy.log_proba(z)
    assert (np.isneginf(log_p) == (LogisticCrossEntropy.proba(z) == 0)).all()


@pytest.mark.parametrize("head", [SoftmaxCrossEntropy, LogisticCrossEntropy])
def test_log_proba_is_the_log_of_proba_and_rows_sum_to_one(head):
    z = np.random.RandomState(6).standard_normal((5, head.n_outputs(3)))
    proba = head.proba(z)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0, rtol=1e-12)
    np.testing.assert_allclose(head.log_proba(z), np.log(proba), rtol=1e-12)


def test_loss_with_all_zero_weights_is_zero_with_zero_gradient():
    z = np.array([[0.3, -0.2], [1.0, 0.5]])
    loss, _, grad = SoftmaxCrossEntropy.loss_and_grad(z, np.array([0, 1]), np.zeros(2))
    assert loss == 0.0
    np.testing.assert_array_equal(grad, 0.0)


# ------------------------------------------------------------- the whole MLP
def hand_mlp_loss(flat, layout, X, y, activation, output, w, alpha):
    """The network's training loss written out from the formulas."""
    P = layout.views(flat)
    n_layers = len(layout.names) // 2
    a = X
    for i in range(n_layers):
        z = a @ P[f"{i}.W"] + P[f"{i}.b"]
        a = HAND_ACTIVATIONS[activation](z) if i < n_layers - 1 else z
    per_sample = (
        hand_softmax_nll(z, y) if output == "softmax" else hand_logistic_nll(z, y)
    )
    weight_sum = len(y) if w is None else w.sum()
    penalty = sum(np.sum(P[f"{i}.W"] ** 2) for i in range(n_layers))
    return float(weighted_mean(per_sample, w) + 0.5 * alpha * penalty / weight_sum)


@pytest.mark.parametrize("weighted", [False, True], ids=["unweighted", "weighted"])
@pytest.mark.parametrize("alpha", [0.0, 0.3])
@pytest.mark.parametrize("activation", ["relu", "tanh", "logistic", "identity"])
@pytest.mark.parametrize(
    ("output", "n_classes"), [("logistic", 2), ("softmax", 4)], ids=["2cls", "4cls"]
)
def test_mlp_gradient_with_two_hidden_layers_matches_finite_differences(
    output, n_classes, activation, alpha, weighted
):
    rng = np.random.RandomState(7)
    n_out = 1 if output == "logistic" else n_classes
    net = MLP([3, 5, 4, n_out], activation=activation, head=output)
    net.params[:] = 0.8 * rng.standard_normal(net.params.size)
    X = rng.standard_normal((9, 3))
    y = np.arange(9) % n_classes
    w = rng.uniform(0.2, 3.0, 9) if weighted else None
    reference = (net.layout, X, y, activation, output, w, alpha)

    loss, n_correct = net.loss_and_grad(X, y, w, alpha)
    analytic = net.grads.copy()
    flat = net.params.copy()
    numeric = numerical_gradient(lambda: hand_mlp_loss(flat, *reference), flat)

    assert loss == pytest.approx(hand_mlp_loss(net.params, *reference), rel=1e-10)
    assert relative_error(analytic, numeric) < TOL
    assert n_correct == np.count_nonzero(net.head.decide(net.forward(X)) == y)


def test_mlp_logits_follow_the_layer_formulas():
    rng = np.random.RandomState(8)
    net = MLP([2, 6, 3], activation="tanh")
    net.params[:] = rng.standard_normal(net.params.size)
    X = rng.standard_normal((4, 2))
    P = net.named_params()
    hidden = np.tanh(X @ P["0.W"] + P["0.b"])
    np.testing.assert_allclose(net.forward(X), hidden @ P["1.W"] + P["1.b"], rtol=1e-12)


def test_mlp_evaluate_returns_the_mean_loss_and_accuracy_of_current_weights():
    rng = np.random.RandomState(9)
    net = MLP([2, 6, 3])
    net.params[:] = rng.standard_normal(net.params.size)
    X, y = rng.standard_normal((10, 2)), rng.randint(3, size=10)
    P = net.named_params()
    z = np.maximum(X @ P["0.W"] + P["0.b"], 0) @ P["1.W"] + P["1.b"]
    loss, accuracy = net.evaluate(X, y)
    assert loss == pytest.approx(hand_softmax_nll(z, y).mean(), rel=1e-12)
    assert accuracy == pytest.approx(np.mean(z.argmax(axis=1) == y))


def test_mlp_names_every_array_and_the_names_view_the_flat_vectors():
    net = MLP([2, 5, 4, 3])
    names = ["0.W", "0.b", "1.W", "1.b", "2.W", "2.b"]
    shapes = [(2, 5), (5,), (5, 4), (4,), (4, 3), (3,)]
    assert list(net.named_params()) == names
    assert [a.shape for a in net.named_params().values()] == shapes
    assert net.params.size == sum(int(np.prod(s)) for s in shapes)

    net.named_params()["1.b"][:] = 7.0
    net.named_grads()["2.W"][:] = -1.0
    start = 2 * 5 + 5 + 5 * 4
    np.testing.assert_array_equal(net.params[start : start + 4], 7.0)
    np.testing.assert_array_equal(net.layers[1].b, 7.0)
    np.testing.assert_array_equal(net.layers[2].dW, -1.0)
    assert np.count_nonzero(net.params) == 4


def test_param_layout_rejects_a_flat_vector_of_the_wrong_size():
    layout = ParamLayout.for_dense_stack([2, 3])
    assert layout.size == 9
    with pytest.raises(ValueError, match="9"):
        layout.views(np.zeros(8))


def test_mlp_book_initialisation_is_small_normal_weights_and_zero_biases():
    net = MLP([2, 64, 3])
    net.initialize("book", np.random.RandomState(0))
    reference = np.random.RandomState(0)
    np.testing.assert_array_equal(
        net.layers[0].W, 0.01 * reference.standard_normal((2, 64))
    )
    np.testing.assert_array_equal(
        net.layers[1].W, 0.01 * reference.standard_normal((64, 3))
    )
    np.testing.assert_array_equal(net.layers[0].b, 0.0)
    np.testing.assert_array_equal(net.layers[1].b, 0.0)


def test_pickled_mlp_keeps_its_weights_and_its_views_alias_the_flat_vector():
    net = MLP([2, 4, 3])
    net.params[:] = np.arange(net.params.size, dtype=float)
    clone = pickle.loads(pickle.dumps(net))
    np.testing.assert_array_equal(clone.params, net.params)
    clone.params[:] = 0.0
    np.testing.assert_array_equal(clone.layers[0].W, 0.0)
    assert net.params.any()


def test_mlp_copy_is_independent_and_its_views_alias_its_own_vectors():
    net = MLP([2, 4, 3], activation="tanh")
    net.params[:] = np.arange(net.params.size, dtype=float)
    net.grads[:] = -np.arange(net.grads.size, dtype=float)
    twin = net.copy()
    np.testing.assert_array_equal(twin.params, net.params)
    np.testing.assert_array_equal(twin.grads, net.grads)
    assert (twin.layer_sizes, twin.activation, twin.head) == (
        net.layer_sizes,
        net.activation,
        net.head,
    )
    twin.params[:] = 0.0
    twin.grads[:] = 0.0
    np.testing.assert_array_equal(twin.layers[0].W, 0.0)
    np.testing.assert_array_equal(twin.layers[1].dW, 0.0)
    assert net.params[1:].all() and net.grads[1:].all()
    X = np.ones((5, 2))
    np.testing.assert_array_equal(net.copy().forward(X), net.forward(X))
