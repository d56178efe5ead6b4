"""The catalog against its reference implementations, 50 steps at a time.

Each optimizer and its reference get the same float64 weights and the same
sequence of random gradients at a constant learning rate; every step's weights
must agree to 1e-6 relative. PyTorch (and the ``schedulefree`` package) are
never dependencies: without them these tests skip.
"""

import inspect

import numpy as np
import pytest

from skspiral.layout import ParamLayout
from skspiral.optimizers import (
    SGD,
    Adadelta,
    Adamax,
    AdamW,
    AMSGrad,
    Muon,
    NAdam,
    RAdam,
    ScheduleFreeAdamW,
)

torch = pytest.importorskip("torch", reason="PyTorch is not installed")

STEPS = 50
RTOL, ATOL = 1e-6, 1e-12
# Two hidden layers, so Muon has two hidden matrices (one tall, one wide) and
# AdamW gets the biases and the output layer.
LAYOUT = ParamLayout.for_dense_stack([5, 7, 4, 3])


@pytest.fixture(autouse=True)
def torch_float64():
    """PyTorch's scalar state (NAdam's mu_product, step counts) in float64."""
    previous = torch.get_default_dtype()
    torch.set_default_dtype(torch.float64)
    yield
    torch.set_default_dtype(previous)


def problem(seed=0):
    rng = np.random.RandomState(seed)
    params = rng.standard_normal(LAYOUT.size)
    grads = [
        rng.standard_normal(LAYOUT.size) * rng.uniform(0.1, 3) for _ in range(STEPS)
    ]
    return params, grads


def run_ours(optimizer, params, grads):
    w = params.copy()
    state = optimizer.init_state(w, LAYOUT)
    path = []
    for g in grads:
        optimizer.step(w, g, state)
        path.append(w.copy())
    return np.array(path), w, state


class TorchRun:
    """The layout's arrays as torch tensors (matrices optionally transposed)."""

    def __init__(self, params, transposed=()):
        self.transposed = set(transposed)
        self.tensors = {
            name: torch.tensor(self._orient(name, view).copy(), requires_grad=True)
            for name, view in LAYOUT.views(params).items()
        }

    def _orient(self, name, array):
        return array.T if name in self.transposed else array

    def run(self, optimizers, grads):
        path = []
        for g in grads:
            for name, view in LAYOUT.views(g).items():
                self.tensors[name].grad = torch.tensor(self._orient(name, view).copy())
            for opt in optimizers:
                opt.step()
            path.append(self.flat())
        return np.array(path)

    def flat(self):
        return np.concatenate(
            [
                self._orient(name, t.detach().numpy()).ravel()
                for name, t in self.tensors.items()
            ]
        )


ELEMENTWISE = [
    pytest.param(
        SGD(learning_rate=0.05, momentum=0.9, nesterov=True),
        lambda p: torch.optim.SGD(p, lr=0.05, momentum=0.9, nesterov=True),
        id="sgd-nesterov",
    ),
    pytest.param(
        SGD(learning_rate=0.05, momentum=0.8),
        lambda p: torch.optim.SGD(p, lr=0.05, momentum=0.8),
        id="sgd-momentum",
    ),
    pytest.param(
        AdamW(),
        lambda p: torch.optim.AdamW(p, foreach=False),
        id="adamw-defaults",
    ),
    pytest.param(
        AdamW(
            learning_rate=0.02, weight_decay=0.3, beta_1=0.8, beta_2=0.9, epsilon=0.1
        ),
        lambda p: torch.optim.AdamW(
            p, lr=0.02, weight_decay=0.3, betas=(0.8, 0.9), eps=0.1, foreach=False
        ),
        id="adamw",
    ),
    pytest.param(
        NAdam(),
        lambda p: torch.optim.NAdam(p, foreach=False),
        id="nadam-defaults",
    ),
    pytest.param(
        NAdam(learning_rate=0.01, momentum_decay=0.05, beta_1=0.8, epsilon=0.01),
        lambda p: torch.optim.NAdam(
            p, lr=0.01, momentum_decay=0.05, betas=(0.8, 0.999), eps=0.01, foreach=False
        ),
        id="nadam",
    ),
    pytest.param(
        AMSGrad(learning_rate=0.01, beta_2=0.9),
        lambda p: torch.optim.Adam(
            p, lr=0.01, betas=(0.9, 0.9), amsgrad=True, foreach=False
        ),
        id="amsgrad",
    ),
    pytest.param(
        RAdam(learning_rate=0.01),  # rho_t > 5 from step 6: both branches
        lambda p: torch.optim.RAdam(p, lr=0.01, foreach=False),
        id="radam",
    ),
    pytest.param(
        RAdam(learning_rate=0.01, beta_2=0.99, epsilon=0.01),
        lambda p: torch.optim.RAdam(
            p, lr=0.01, betas=(0.9, 0.99), eps=0.01, foreach=False
        ),
        id="radam-short-memory",
    ),
    pytest.param(
        Adamax(learning_rate=0.01, beta_2=0.9),
        lambda p: torch.optim.Adamax(p, lr=0.01, betas=(0.9, 0.9), foreach=False),
        id="adamax",
    ),
    pytest.param(
        Adadelta(),
        lambda p: torch.optim.Adadelta(p, foreach=False),
        id="adadelta-defaults",
    ),
    pytest.param(
        Adadelta(learning_rate=0.5, rho=0.7, epsilon=1e-3),
        lambda p: torch.optim.Adadelta(p, lr=0.5, rho=0.7, eps=1e-3, foreach=False),
        id="adadelta",
    ),
]


@pytest.mark.parametrize(("ours", "reference"), ELEMENTWISE)
def test_fifty_steps_equal_the_pytorch_reference(ours, reference):
    params, grads = problem()
    ours_path, _, _ = run_ours(ours, params, grads)
    run = TorchRun(params)
    theirs_path = run.run([reference(list(run.tensors.values()))], grads)
    assert np.abs(ours_path[-1] - params).max() > 1e-3  # the weights did move
    np.testing.assert_allclose(ours_path, theirs_path, rtol=RTOL, atol=ATOL)


# ------------------------------------------------------------------- Muon
@pytest.fixture
def torch_muon_in_float64(monkeypatch):
    """torch.optim.Muon's Newton-Schulz with its bfloat16 cast removed, nothing else.

    PyTorch orthogonalises in bfloat16 (three significant digits), a speed
    choice; skspiral runs the same iteration in float64.
    """
    from torch.optim import _muon

    source = inspect.getsource(_muon._zeropower_via_newtonschulz)
    assert source.count("grad.bfloat16()") == 1
    namespace = dict(vars(_muon))
    exec(source.replace("grad.bfloat16()", "grad.clone()"), namespace)
    monkeypatch.setattr(
        _muon, "_zeropower_via_newtonschulz", namespace["_zeropower_via_newtonschulz"]
    )


MUON_CASES = [
    pytest.param({}, {}, {}, id="defaults"),
    pytest.param(
        {
            "learning_rate": 0.02,
            "momentum": 0.9,
            "weight_decay": 0.01,
            "adamw_lr_ratio": 0.015,
            "adjust_lr_fn": "match_rms_adamw",
            "beta_2": 0.95,
            "adamw_weight_decay": 0.0,
        },
        {
            "lr": 0.02,
            "momentum": 0.9,
            "weight_decay": 0.01,
            "adjust_lr_fn": "match_rms_adamw",
        },
        {"lr": 0.02 * 0.015, "betas": (0.9, 0.95), "weight_decay": 0.0},
        id="keller-jordan-style",
    ),
    pytest.param(
        {"nesterov": False, "ns_steps": 3},
        {"nesterov": False, "ns_steps": 3},
        {},
        id="no-nesterov",
    ),
]


@pytest.mark.parametrize(("ours_kw", "muon_kw", "adamw_kw"), MUON_CASES)
def test_muon_equals_torch_muon_on_hidden_matrices_and_adamw_elsewhere(
    torch_muon_in_float64, ours_kw, muon_kw, adamw_kw
):
    params, grads = problem(1)
    ours_path, _, _ = run_ours(Muon(**ours_kw), params, grads)
    hidden = ["0.W", "1.W"]  # "2.W" is the output layer: AdamW
    run = TorchRun(params, transposed=hidden)  # torch's (fan_out, fan_in)
    muon = torch.optim.Muon([run.tensors[n] for n in hidden], **muon_kw)
    rest = [t for n, t in run.tensors.items() if n not in hidden]
    adamw = torch.optim.AdamW(rest, foreach=False, **adamw_kw)
    theirs_path = run.run([muon, adamw], grads)
    assert np.abs(ours_path[-1] - params).max() > 1e-3
    np.testing.assert_allclose(ours_path, theirs_path, rtol=RTOL, atol=ATOL)


# ---------------------------------------------------------- schedule-free
SCHEDULE_FREE_CASES = [
    pytest.param({}, {}, id="defaults"),
    pytest.param(
        {
            "learning_rate": 0.01,
            "weight_decay": 0.1,
            "warmup_steps": 10,
            "r": 0.5,
            "weight_lr_power": 1.0,
            "beta_1": 0.8,
            "beta_2": 0.99,
        },
        {
            "lr": 0.01,
            "weight_decay": 0.1,
            "warmup_steps": 10,
            "r": 0.5,
            "weight_lr_power": 1.0,
            "betas": (0.8, 0.99),
        },
        id="warmup-decay-weighting",
    ),
]


@pytest.mark.parametrize(("ours_kw", "theirs_kw"), SCHEDULE_FREE_CASES)
def test_schedule_free_adamw_equals_the_schedulefree_package(ours_kw, theirs_kw):
    schedulefree = pytest.importorskip(
        "schedulefree", reason="the schedulefree package is not installed"
    )
    params, grads = problem(2)
    ours = ScheduleFreeAdamW(**ours_kw)
    w = params.copy()
    state = ours.init_state(w, LAYOUT)
    ours.train_mode(w, state)
    run = TorchRun(params)
    theirs = schedulefree.AdamWScheduleFree(
        list(run.tensors.values()), foreach=False, **theirs_kw
    )
    theirs.train()
    for i, g in enumerate(grads):
        ours.step(w, g, state)
        run.run([theirs], [g])
        np.testing.assert_allclose(w, run.flat(), rtol=RTOL, atol=ATOL)  # y
        if i % 10 == 9:  # evaluate (x), then resume training (y)
            ours.eval_mode(w, state)
            theirs.eval()
            np.testing.assert_allclose(w, run.flat(), rtol=RTOL, atol=ATOL)
            ours.train_mode(w, state)
            theirs.train()
    ours.eval_mode(w, state)
    theirs.eval()
    assert np.abs(w - params).max() > 1e-3
    np.testing.assert_allclose(w, run.flat(), rtol=RTOL, atol=ATOL)
