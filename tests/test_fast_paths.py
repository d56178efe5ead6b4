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


def test_shuffled_batches_past_the_copy_limit_still_carry_their_ones(monkeypatch):
    """A shuffled batch is copied anyway, so it gets the ones column at any size
    (STACKED_INPUT_LIMIT bounds only the copies made just to add it)."""
    import skspiral.network.mlp as mlp
    from skspiral.optimizers import get_optimizer
    from skspiral.training import Trainer

    rng = np.random.default_rng(4)
    X, y = rng.standard_normal((60, 5)), rng.integers(0, 3, 60)

    def train():
        net = _net("relu")
        opt = get_optimizer("adam", learning_rate=0.01)
        state = opt.init_state(net.params, net.layout)
        trainer = Trainer(
            net, opt, state, batch_size=16, shuffle=True, rng=np.random.RandomState(0)
        )
        trainer.fit(X, y, epochs=3)
        return net

    within = train()
    monkeypatch.setattr(mlp, "STACKED_INPUT_LIMIT", 0)
    past = train()
    buffer = past.input_buffer(16)
    assert buffer.shape == (16, 6) and np.all(buffer[:, -1] == 1)
    np.testing.assert_array_equal(past.params, within.params)


@pytest.mark.parametrize("sizes", [(5, 3), (5, 4, 4, 4, 3)])
def test_bias_in_the_gemm_without_or_with_several_hidden_layers(sizes):
    rng = np.random.default_rng(3)
    X, y = rng.standard_normal((25, 5)), rng.integers(0, 3, 25)
    net = _net("tanh", sizes)
    want_loss, want = _plain_grads(net, X, y)
    loss, _ = net.loss_and_grad(X, y)
    np.testing.assert_allclose(net.grads, want, rtol=1e-12, atol=1e-15)
    assert loss == pytest.approx(want_loss, rel=1e-14)


# --- thin products as GEMVs (layers.dense_matmul) ---------------------------
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize(
    "n, k, m, transpose",
    [
        (300, 65, 3, False),  # the spiral's output layer: split into columns
        (200, 65, 2, False),
        (300, 3, 64, True),  # its first layer's gradient X1.T @ dH: into rows
        (300, 2, 64, True),
        (20, 65, 3, False),  # below THIN_RANGE: one GEMM
        (1000, 65, 3, False),  # above it: one GEMM
        (300, 65, 4, False),  # four columns: one GEMM
    ],
)
def test_thin_products_equal_the_gemm_to_rounding(n, k, m, transpose, dtype):
    from skspiral.network.layers import dense_matmul

    rng = np.random.default_rng(n + k + m)
    if transpose:  # out (k x m) = A.T @ B with A (n x k), B (n x m)
        a, b = (
            rng.standard_normal((n, k)).astype(dtype).T,
            rng.standard_normal((n, m)).astype(dtype),
        )
    else:
        a, b = (
            rng.standard_normal((n, k)).astype(dtype),
            rng.standard_normal((k, m)).astype(dtype),
        )
    buf = np.full((a.shape[0], m + 1), 7.0, dtype=dtype)
    out = buf[:, :-1]  # a column slice, as the training buffers are
    got = dense_matmul(a, b, out)
    assert got is out
    want = a.astype(np.float64) @ b.astype(np.float64)
    rtol = 1e-12 if dtype == np.float64 else 1e-5
    np.testing.assert_allclose(out, want, rtol=rtol, atol=rtol * np.abs(want).max())
    assert np.all(buf[:, -1] == 7.0)  # nothing written past the slice
    again = np.empty_like(out)
    dense_matmul(a, b, again)
    assert np.array_equal(again, out)  # the same bits every time


@pytest.mark.parametrize(
    "a_shape, b_shape, transpose",
    [((300, 65), (65, 3), False), ((128, 256), (256, 2), False)]
    + [((300, 3), (300, 64), True), ((4096, 2), (4096, 8), True)],
)
def test_thin_products_give_the_same_bits_at_one_and_two_blas_threads(
    a_shape, b_shape, transpose
):
    """Weights must not depend on the thread count: a threaded GEMV may split
    its rows or columns, never one entry's sum."""
    from threadpoolctl import threadpool_limits

    from skspiral.network.layers import dense_matmul

    rng = np.random.default_rng(5)
    a = rng.standard_normal(a_shape)
    a = a.T if transpose else a
    b = rng.standard_normal(b_shape)
    outs = []
    for threads in (1, 2):
        with threadpool_limits(limits=threads, user_api="blas"):
            outs.append(dense_matmul(a, b, np.empty((a.shape[0], b.shape[1]))))
    assert np.array_equal(outs[0], outs[1])
