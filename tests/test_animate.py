"""``skspiral animate``: the GIF's frames and size, and that frames are one run."""

import numpy as np
import pytest
from sklearn.metrics import log_loss

from skspiral import MLPScratchClassifier, make_spiral
from skspiral.tools import animate

pytest.importorskip("matplotlib")
Image = pytest.importorskip("PIL.Image")


def test_frame_epochs_are_evenly_spaced_and_end_at_the_last_epoch():
    assert animate.frame_epochs(100, 4) == [25, 50, 75, 100]
    assert animate.frame_epochs(3, 10) == [1, 2, 3]  # no repeated epochs
    assert animate.frame_epochs(1000, 1) == [1000]


def test_the_gif_has_one_frame_per_epoch_shown_and_one_panel_per_optimizer(tmp_path):
    path = animate.write_animation(
        ["sgd", "adam"], tmp_path / "a.gif", epochs=12, frames=4, resolution=20
    )
    with Image.open(path) as gif:
        assert gif.format == "GIF"
        assert gif.n_frames == 4
        two_wide = gif.size
    path = animate.write_animation(
        ["sgd", "adagrad", "rmsprop", "adam"],
        tmp_path / "b.gif",
        epochs=6,
        frames=3,
        resolution=20,
    )
    with Image.open(path) as gif:
        assert gif.n_frames == 3
        # Four panels are laid out 2 x 2: as wide as two, twice as tall.
        assert gif.size[0] == two_wide[0]
        assert gif.size[1] == pytest.approx(2 * two_wide[1], rel=0.1)


def test_frames_continue_one_run_and_titles_carry_its_loss():
    X, y = make_spiral(300, 3, random_state=0)
    grid = X[:10]
    regions, losses = animate.train_frames("adam", X, y, grid, [5, 10, 20])
    one_run = MLPScratchClassifier(
        (64,),
        optimizer="adam",
        learning_rate=0.05,
        decay=5e-7,
        batch_size=None,
        shuffle=False,
        weight_init="book",
        alpha=0.0,
        max_iter=20,
        tol=0.0,
        n_iter_no_change=100,
        random_state=0,
    )
    with pytest.warns(Warning):
        one_run.fit(X, y)
    expected = log_loss(y, one_run.predict_proba(X), labels=one_run.classes_)
    assert losses[-1] == pytest.approx(expected, rel=1e-12)
    np.testing.assert_array_equal(regions[-1], one_run.predict(grid))
    assert losses[0] > losses[-1]


@pytest.mark.filterwarnings("ignore:Maximum iterations")
def test_every_optimizer_starts_from_the_same_weights():
    X, y = make_spiral(300, 3, random_state=1)
    first = {
        name: animate._model(name, seed=1).set_params(max_iter=1).fit(X, y)
        for name in ("sgd", "adam")
    }
    # One full-batch epoch's loss is measured before its update: the same
    # starting weights give the same first loss.
    assert first["sgd"].loss_curve_[0] == first["adam"].loss_curve_[0]
