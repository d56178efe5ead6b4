"""Full-batch L-BFGS through SciPy, as MLPClassifier's ``solver="lbfgs"``."""

from __future__ import annotations

import numpy as np

from .._checks import check_int
from .base import Optimizer
from .registry import register_optimizer

__all__ = ["LBFGS"]


def _silent_options() -> dict:
    # scikit-learn passes iprint=-1 (verbose=False) to SciPy < 1.15 only; SciPy
    # 1.15 deprecated it and is silent by default.
    import scipy

    major_minor = tuple(int(part) for part in scipy.__version__.split(".")[:2])
    return {} if major_minor >= (1, 15) else {"iprint": -1}


@register_optimizer("lbfgs")
class LBFGS(Optimizer):
    r"""L-BFGS-B on the whole objective, ``scipy.optimize.minimize``.

    A closure optimizer (``needs_closure = True``): the training loop calls
    :meth:`minimize` with the full-batch objective (penalty included) instead of
    :meth:`~Optimizer.step`. The call is scikit-learn's ``MLPClassifier._fit_lbfgs``::

        scipy.optimize.minimize(objective, w0, method="L-BFGS-B", jac=True,
                                options={"maxfun": max_fun, "maxiter": max_iter,
                                         "gtol": tol})

    Parameters
    ----------
    max_fun : int >= 1, default=15000
        Most objective evaluations (MLPClassifier's ``max_fun``). ``max_iter``
        and ``tol`` are the estimator's.

    Notes
    -----
    No learning rate, decay or schedule: the line search picks each step.
    PyTorch's ``torch.optim.LBFGS`` is a different algorithm (no bounds,
    its own line search, ``history_size=100``); SciPy keeps 10 corrections.

    References
    ----------
    Byrd, Lu, Nocedal & Zhu, "A Limited Memory Algorithm for Bound Constrained
    Optimization", SIAM J. Sci. Comput. 16(5), 1995.
    """

    needs_closure = True

    def __init__(self, max_fun: int = 15000):
        super().__init__()
        self.max_fun = check_int("max_fun", max_fun, 1)

    def step(self, params, grads, state):
        """Refused: L-BFGS needs the whole objective (see :meth:`minimize`)."""
        raise TypeError(
            "LBFGS needs the whole objective, not one gradient at a time: call "
            "minimize(objective, params, state, ...) instead of step()."
        )

    def minimize(self, objective, params, state, *, max_iter, tol, callback=None):
        """Run L-BFGS-B from ``params``; write the result into ``params``.

        See :meth:`Optimizer.minimize`. ``state.t`` grows by the iterations
        taken (``min(nit, max_iter)``, as scikit-learn counts ``n_iter_``);
        SciPy's status, message and counts are kept in ``state.info["lbfgs"]``
        for the caller's ``ConvergenceWarning``.
        """
        from scipy.optimize import minimize

        def each_iteration(intermediate_result):
            if callback is not None and callback(float(intermediate_result.fun)):
                raise StopIteration  # SciPy stops and returns the current point

        result = minimize(
            objective,
            np.array(params, dtype=np.float64),
            method="L-BFGS-B",
            jac=True,
            options={
                "maxfun": self.max_fun,
                "maxiter": max_iter,
                "gtol": tol,
                **_silent_options(),
            },
            callback=each_iteration,
        )
        params[...] = result.x
        n_iter = min(int(result.nit), max_iter)
        state.t += n_iter
        state.info["lbfgs"] = {
            "status": int(result.status),
            "message": str(result.message),
            "nit": n_iter,
            "nfev": int(result.nfev),
            "fun": float(result.fun),
        }
        return self._reason(result)

    @staticmethod
    def _reason(result) -> str:
        if result.status in (0, 99):  # 99: our callback asked to stop
            return "converged"
        if "EVALUATIONS" in str(result.message):  # SciPy's "F,G EVALUATIONS" limit
            return "max_fun"
        return "max_iter"  # the iteration limit, or SciPy gave up (see message)
