"""Training: the loop, its callbacks, and the per-epoch history (no scikit-learn)."""

from .callbacks import (
    Callback,
    DivergenceError,
    DivergenceGuard,
    EarlyStopping,
    LossPlateauStopping,
    PlateauScheduleDriver,
    VerbosePrinter,
)
from .history import History
from .loop import Trainer

__all__ = [
    "Callback",
    "DivergenceError",
    "DivergenceGuard",
    "EarlyStopping",
    "History",
    "LossPlateauStopping",
    "PlateauScheduleDriver",
    "Trainer",
    "VerbosePrinter",
]
