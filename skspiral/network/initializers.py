"""Weight initialisation schemes.

Weights are drawn layer by layer (``W`` then ``b`` where ``b`` is random) in float64
from one ``RandomState`` and cast to the network's dtype, so the same state gives
the same network in either precision.

- ``"book"``: ``W = 0.01 * N(0, 1)``, ``b = 0`` (book chapter 3).
- ``"he_normal"``: ``W = N(0, 1) * sqrt(2 / fan_in)``, ``b = 0`` (He et al., 2015).
- ``"glorot_uniform"``: ``W, b ~ U(-r, r)`` with ``r = sqrt(6 / (fan_in + fan_out))``
  (``sqrt(2 / ...)`` for a logistic hidden activation), drawn exactly as
  scikit-learn's MLPClassifier does, so both start from the same weights given the
  same seed.
- ``"auto"``: Glorot-uniform for every activation, MLPClassifier's default.
"""

from __future__ import annotations

import numpy as np

__all__ = ["WEIGHT_INITS", "initialize"]

WEIGHT_INITS = ("auto", "book", "he_normal", "glorot_uniform")


def initialize(coefs, intercepts, scheme: str, activation: str, rng) -> None:
    """Fill ``coefs`` and ``intercepts`` (lists of arrays) in place."""
    if scheme == "auto":
        scheme = "glorot_uniform"
    if scheme not in WEIGHT_INITS:
        raise ValueError(f"weight_init must be one of {WEIGHT_INITS}, got {scheme!r}.")
    for W, b in zip(coefs, intercepts):
        fan_in, fan_out = W.shape
        if scheme == "book":
            W[...] = 0.01 * rng.standard_normal((fan_in, fan_out))
            b[...] = 0
        elif scheme == "he_normal":
            W[...] = rng.standard_normal((fan_in, fan_out)) * np.sqrt(2.0 / fan_in)
            b[...] = 0
        else:
            factor = 2.0 if activation == "logistic" else 6.0
            bound = np.sqrt(factor / (fan_in + fan_out))
            W[...] = rng.uniform(-bound, bound, (fan_in, fan_out))
            b[...] = rng.uniform(-bound, bound, fan_out)
