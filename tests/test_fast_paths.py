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
