"""The speed tricks compute exactly what the plain NumPy expression computes."""

import numpy as np
import pytest

from skspiral.network.activations import _ZEROS_CHUNK, ReLU, relu_into


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("size", [7, _ZEROS_CHUNK, 2 * _ZEROS_CHUNK + 5])
def test_relu_against_a_zeros_block_is_bit_identical_to_maximum_with_zero(dtype, size):
    z = np.random.default_rng(0).standard_normal(size).astype(dtype)
    z[::5], z[1::7], z[2::11] = -0.0, np.nan, -np.inf
    want = np.maximum(z, 0)
    got = ReLU.forward(z)
    assert np.array_equal(got.view(np.uint8), want.view(np.uint8))
    inplace = z.reshape(-1, 1).copy()
    relu_into(inplace, inplace)
    assert np.array_equal(inplace.ravel().view(np.uint8), want.view(np.uint8))


def test_relu_of_a_strided_view_falls_back_to_the_plain_maximum():
    z = np.random.default_rng(1).standard_normal((6, 8))[:, ::2]
    out = np.empty(z.shape)
    np.testing.assert_array_equal(relu_into(z, out), np.maximum(z, 0))


def _net(activation, sizes=(5, 7, 6, 3), seed=0):
    from skspiral.network import MLP

    net = MLP(list(sizes), activation=activation)
    net.initialize("glorot_uniform", np.random.RandomState(seed))
    net.params += 0.1 * np.random.RandomState(seed + 1).standard_normal(
        net.params.shape
    )  # non-zero biases, so a lost bias would show
    return net


def _plain_grads(net, X, y):
    """The gradient with the bias added and summed by NumPy (no ones column)."""
    import skspiral.network.mlp as mlp

    limit, mlp.STACKED_INPUT_LIMIT = mlp.STACKED_INPUT_LIMIT, 0
    try:
        fresh = _net(net.activation, net.layer_sizes)
        fresh.params[...] = net.params
        loss, _ = fresh.loss_and_grad(X, y)
    finally:
        mlp.STACKED_INPUT_LIMIT = limit
    return loss, fresh.grads


@pytest.mark.parametrize("activation", ["relu", "tanh", "logistic", "identity"])
def test_bias_in_the_gemm_matches_the_bias_added_apart(activation):
    rng = np.random.default_rng(0)
    X, y = rng.standard_normal((40, 5)), rng.integers(0, 3, 40)
    net = _net(activation)
    want_loss, want = _plain_grads(net, X, y)
    for _ in range(2):  # the second call reuses buffers whose ones column moved
        loss, _ = net.loss_and_grad(X, y)
        np.testing.assert_allclose(net.grads, want, rtol=1e-12, atol=1e-15)
        assert loss == pytest.approx(want_loss, rel=1e-14)


def test_data_with_ones_appended_once_gives_bit_identical_gradients():
    rng = np.random.default_rng(1)
    X, y = rng.standard_normal((30, 5)), rng.integers(0, 3, 30)
    net = _net("relu")
    net.loss_and_grad(X, y)
    copied = net.grads.copy()
    net.loss_and_grad(net.with_ones(X), y, has_ones=True)
    np.testing.assert_array_equal(net.grads, copied)


def test_sparse_inputs_add_the_first_bias_apart_and_agree():
    sp = pytest.importorskip("scipy.sparse")
    rng = np.random.default_rng(2)
    X, y = rng.standard_normal((30, 5)), rng.integers(0, 3, 30)
    X[X < 0.5] = 0
    net = _net("relu")
    net.loss_and_grad(X, y)
    dense = net.grads.copy()
    assert net.with_ones(sp.csr_matrix(X)) is None
    net.loss_and_grad(sp.csr_matrix(X), y)
    np.testing.assert_allclose(net.grads, dense, rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("sizes", [(5, 3), (5, 4, 4, 4, 3)])
def test_bias_in_the_gemm_without_or_with_several_hidden_layers(sizes):
    rng = np.random.default_rng(3)
    X, y = rng.standard_normal((25, 5)), rng.integers(0, 3, 25)
    net = _net("tanh", sizes)
    want_loss, want = _plain_grads(net, X, y)
    loss, _ = net.loss_and_grad(X, y)
    np.testing.assert_allclose(net.grads, want, rtol=1e-12, atol=1e-15)
    assert loss == pytest.approx(want_loss, rel=1e-14)
