"""make_spiral: the book's generator, its shapes, balance, shuffling, determinism and
errors."""

# The reference is the book's own code, which draws from NumPy's global stream.
# ruff: noqa: NPY002

import numpy as np
import pytest

from skspiral.datasets import make_spiral


@pytest.fixture
def global_seed_restored():
    """The book's generator uses NumPy's global stream: put it back afterwards."""
    saved = np.random.get_state()
    yield
    np.random.set_state(saved)


def book_spiral_data(samples, classes):
    """``spiral_data`` as printed in the book (chapter 3 / nnfs), in float64."""
    X = np.zeros((samples * classes, 2))
    y = np.zeros(samples * classes, dtype="uint8")
    for class_number in range(classes):
        ix = range(samples * class_number, samples * (class_number + 1))
        r = np.linspace(0.0, 1, samples)
        t = (
            np.linspace(class_number * 4, (class_number + 1) * 4, samples)
            + np.random.randn(samples) * 0.2
        )
        X[ix] = np.c_[r * np.sin(t * 2.5), r * np.cos(t * 2.5)]
        y[ix] = class_number
    return X, y


@pytest.mark.parametrize(("samples", "classes"), [(100, 3), (50, 4), (7, 1)])
def test_equals_the_books_spiral_data_after_seeding_the_global_stream(
    global_seed_restored, samples, classes
):
    np.random.seed(0)
    X_book, y_book = book_spiral_data(samples, classes)
    X, y = make_spiral(samples * classes, classes, shuffle=False, random_state=0)
    np.testing.assert_array_equal(X, X_book)
    np.testing.assert_array_equal(y, y_book)


def test_shuffle_permutes_the_books_rows_with_a_permutation_drawn_after_them():
    X_book, y_book = make_spiral(90, 3, shuffle=False, random_state=4)
    X, y = make_spiral(90, 3, random_state=4)
    rng = np.random.RandomState(4)
    rng.standard_normal(90)  # the noise: 30 draws per class, in class order
    order = rng.permutation(90)
    assert not np.array_equal(order, np.arange(90))
    np.testing.assert_array_equal(X, X_book[order])
    np.testing.assert_array_equal(y, y_book[order])


def test_shuffled_spiral_gives_every_unshuffled_fold_every_class():
    from sklearn.model_selection import KFold

    _, y_book = make_spiral(300, 3, shuffle=False, random_state=0)
    _, y = make_spiral(300, 3, random_state=0)
    for _, test in KFold(3).split(y):
        assert set(y[test].tolist()) == {0, 1, 2}
    # What shuffle=True is for: unshuffled folds cut the book's order in bands.
    assert [set(y_book[test].tolist()) for _, test in KFold(3).split(y_book)] == [
        {0},
        {1},
        {2},
    ]


@pytest.mark.parametrize("shuffle", [True, np.True_])
def test_shuffle_accepts_numpy_booleans(shuffle):
    X, _ = make_spiral(30, 3, shuffle=shuffle, random_state=0)
    np.testing.assert_array_equal(X, make_spiral(30, 3, random_state=0)[0])


def test_leaves_numpys_global_stream_alone(global_seed_restored):
    np.random.seed(5)
    expected = np.random.rand()
    np.random.seed(5)
    make_spiral(30, 3, random_state=1)
    assert np.random.rand() == expected


@pytest.mark.parametrize(("n_samples", "n_classes"), [(300, 3), (10, 2), (1, 1)])
def test_shapes_and_dtypes(n_samples, n_classes):
    X, y = make_spiral(n_samples, n_classes, random_state=0)
    assert X.shape == (n_samples, 2)
    assert y.shape == (n_samples,)
    assert X.dtype == np.float64
    assert np.issubdtype(y.dtype, np.integer)


@pytest.mark.parametrize(
    ("n_samples", "n_classes", "counts"),
    [
        (300, 3, [100, 100, 100]),
        (10, 3, [4, 3, 3]),
        (11, 3, [4, 4, 3]),
        (14, 5, [3, 3, 3, 3, 2]),
        (5, 5, [1, 1, 1, 1, 1]),
        (7, 1, [7]),
    ],
)
def test_classes_are_balanced_with_the_remainder_going_to_the_first_classes(
    n_samples, n_classes, counts
):
    _, y = make_spiral(n_samples, n_classes, shuffle=False, random_state=0)
    assert np.bincount(y, minlength=n_classes).tolist() == counts
    assert np.all(np.diff(y) >= 0), "classes come in consecutive blocks"
    _, y_shuffled = make_spiral(n_samples, n_classes, random_state=0)
    assert np.bincount(y_shuffled, minlength=n_classes).tolist() == counts


def test_default_is_the_books_300_points_in_3_classes():
    X, y = make_spiral(random_state=0)
    assert X.shape == (300, 2)
    assert np.bincount(y).tolist() == [100, 100, 100]


def test_every_arm_starts_at_the_origin_and_ends_on_the_unit_circle():
    X, y = make_spiral(40, 4, shuffle=False, random_state=3)
    radius = np.hypot(X[:, 0], X[:, 1])
    for c in range(4):
        arm = radius[y == c]
        np.testing.assert_allclose(arm, np.linspace(0, 1, 10), atol=1e-15)


def test_same_seed_gives_the_same_data_and_other_seeds_differ():
    X1, y1 = make_spiral(60, 3, random_state=42)
    X2, y2 = make_spiral(60, 3, random_state=42)
    X3, _ = make_spiral(60, 3, random_state=43)
    np.testing.assert_array_equal(X1, X2)
    np.testing.assert_array_equal(y1, y2)
    assert not np.array_equal(X1, X3)


def test_a_random_state_instance_is_drawn_from_and_advanced():
    rng = np.random.RandomState(7)
    first, _ = make_spiral(60, 3, random_state=rng)
    second, _ = make_spiral(60, 3, random_state=rng)
    assert not np.array_equal(first, second)
    np.testing.assert_array_equal(first, make_spiral(60, 3, random_state=7)[0])
    # n_samples normal draws, class by class, then one permutation, each time
    check = np.random.RandomState(7)
    for _ in range(2):
        for _ in range(3):
            check.standard_normal(20)
        check.permutation(60)
    assert rng.standard_normal(5).tolist() == check.standard_normal(5).tolist()


def test_noise_is_angular_with_the_given_scale():
    noisy, _ = make_spiral(30, 3, noise=0.5, shuffle=False, random_state=0)
    clean, _ = make_spiral(30, 3, noise=0.0, shuffle=False, random_state=0)
    rng = np.random.RandomState(0)
    for c in range(3):
        rows = slice(10 * c, 10 * (c + 1))
        t = np.linspace(4 * c, 4 * (c + 1), 10) + 0.5 * rng.standard_normal(10)
        r = np.linspace(0, 1, 10)
        np.testing.assert_allclose(noisy[rows, 0], r * np.sin(2.5 * t), atol=1e-15)
        np.testing.assert_allclose(noisy[rows, 1], r * np.cos(2.5 * t), atol=1e-15)
        t0 = np.linspace(4 * c, 4 * (c + 1), 10)
        np.testing.assert_allclose(clean[rows, 0], r * np.sin(2.5 * t0), atol=1e-15)


@pytest.mark.parametrize(
    ("kwargs", "name"),
    [
        ({"n_classes": 0}, "n_classes"),
        ({"n_classes": -2}, "n_classes"),
        ({"n_classes": 2.5}, "n_classes"),
        ({"n_samples": 2, "n_classes": 3}, "n_samples"),
        ({"n_samples": 0, "n_classes": 1}, "n_samples"),
        ({"n_samples": 10.0}, "n_samples"),
        ({"noise": -0.1}, "noise"),
        ({"noise": float("nan")}, "noise"),
        ({"shuffle": "yes"}, "shuffle"),
        ({"shuffle": 1}, "shuffle"),
    ],
)
def test_bad_arguments_raise_value_error_naming_the_argument(kwargs, name):
    with pytest.raises(ValueError, match=name):
        make_spiral(**kwargs, random_state=0)
