"""Toy data: the spiral from chapter 3 of "Neural Networks from Scratch"."""

from __future__ import annotations

import numbers

import numpy as np
from sklearn.utils import check_random_state

__all__ = ["make_spiral"]


def make_spiral(
    n_samples: int = 300,
    n_classes: int = 3,
    *,
    noise: float = 0.2,
    shuffle: bool = True,
    random_state=None,
) -> tuple[np.ndarray, np.ndarray]:
    """Draw the book's interleaved spiral arms, one arm per class.

    For class ``c`` with ``n_c`` points the radius is ``r = linspace(0, 1, n_c)`` and
    the angle ``t = linspace(4c, 4(c + 1), n_c) + noise * N(0, 1)``; the point is
    ``(r sin(2.5 t), r cos(2.5 t))``. The normal draws are taken class by class, in
    order, from one generator, so ``make_spiral(300, 3, shuffle=False,
    random_state=0)`` equals the book's ``spiral_data(100, 3)`` after
    ``np.random.seed(0)``. With ``shuffle=True`` (the default, as in
    :func:`sklearn.datasets.make_moons`) the same points come back in an order
    drawn from the generator after the data, so an unshuffled ``KFold`` does not
    cut the arms into bands.

    Parameters
    ----------
    n_samples : int, default=300
        Total number of points, split evenly across classes; the remainder goes to
        the first classes.
    n_classes : int, default=3
        Number of spiral arms (classes).
    noise : float, default=0.2
        Standard deviation of the angular noise.
    shuffle : bool, default=True
        Permute the rows (a permutation drawn after the points). False keeps the
        book's order: the classes in consecutive blocks.
    random_state : int, RandomState instance or None, default=None
        Source of the noise and the permutation. Pass the same ``RandomState``
        (with ``shuffle=False``) on to :class:`~skspiral.MLPScratchClassifier` to
        reproduce the book's run, where the weights are drawn after the data from
        one stream.

    Returns
    -------
    X : ndarray of shape (n_samples, 2), float64
    y : ndarray of shape (n_samples,), int64
        Class of each point, ``0 .. n_classes - 1`` (in blocks with
        ``shuffle=False``).

    Examples
    --------
    >>> from skspiral.datasets import make_spiral
    >>> X, y = make_spiral(300, 3, random_state=0)
    >>> X.shape, y.shape, [int(n) for n in np.bincount(y)]
    ((300, 2), (300,), [100, 100, 100])
    >>> make_spiral(6, 3, shuffle=False, random_state=0)[1].tolist()
    [0, 0, 1, 1, 2, 2]
    """
    _check_count("n_classes", n_classes, minimum=1)
    _check_count("n_samples", n_samples, minimum=n_classes, also="n_classes")
    if not isinstance(noise, numbers.Real) or not noise >= 0:
        raise ValueError(f"noise must be a non-negative number, got {noise!r}.")
    if not isinstance(shuffle, (bool, np.bool_)):
        raise ValueError(f"shuffle must be True or False, got {shuffle!r}.")
    rng = check_random_state(random_state)

    per_class = np.full(n_classes, n_samples // n_classes)
    per_class[: n_samples % n_classes] += 1
    X = np.empty((n_samples, 2))
    y = np.empty(n_samples, dtype=np.int64)
    start = 0
    for c, n_c in enumerate(per_class):
        rows = slice(start, start + n_c)
        r = np.linspace(0.0, 1.0, n_c)
        t = np.linspace(4.0 * c, 4.0 * (c + 1), n_c) + rng.standard_normal(n_c) * noise
        X[rows, 0] = r * np.sin(2.5 * t)
        X[rows, 1] = r * np.cos(2.5 * t)
        y[rows] = c
        start += n_c
    if shuffle:
        order = rng.permutation(n_samples)  # after the data: they stay the book's
        X, y = X[order], y[order]
    return X, y


def _check_count(name: str, value, *, minimum: int, also: str | None = None) -> None:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise ValueError(f"{name} must be an integer, got {value!r}.")
    if value < minimum:
        bound = f"{also} ({minimum})" if also else str(minimum)
        raise ValueError(f"{name} must be at least {bound}, got {value}.")
