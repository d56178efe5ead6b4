"""Per-epoch records of a training run, by metric name."""

from __future__ import annotations

__all__ = ["History"]


class History:
    """Named per-epoch records: ``loss``, the head's metric, ``learning_rate``...

    Each name maps to a list with one float per epoch. The loop records ``loss``,
    the head's metric (``"accuracy"``, ``"r2"``), ``learning_rate`` (the rate of
    the epoch's first update) and, with a validation set, ``val_loss`` and
    ``val_<metric>``. The estimators map these to their public attributes.

    >>> h = History()
    >>> h.append({"loss": 0.5, "accuracy": 0.75})
    >>> h["loss"], len(h)
    ([0.5], 1)
    """

    def __init__(self, records: dict[str, list[float]] | None = None):
        self.records = {k: list(v) for k, v in (records or {}).items()}

    def append(self, logs: dict[str, float]) -> None:
        """Add one epoch's values."""
        records = self.records
        for name, value in logs.items():
            column = records.get(name)  # (setdefault would build a list each time)
            if column is None:
                records[name] = [value]
            else:
                column.append(value)

    def __getitem__(self, name: str) -> list[float]:
        return self.records[name]

    def __getattr__(self, name: str) -> list[float]:
        """``history.loss`` is ``history["loss"]``."""
        records = self.__dict__.get("records", {})
        if name in records:
            return records[name]
        raise AttributeError(f"History has no records named {name!r}.")

    def __contains__(self, name: str) -> bool:
        return name in self.records

    def __len__(self) -> int:
        return len(self.records.get("loss", ()))

    def as_dict(self) -> dict[str, list[float]]:
        """Copies of the records (safe to hand to users)."""
        return {k: list(v) for k, v in self.records.items()}

    def copy(self) -> History:
        """An independent copy; the entries are floats, so list copies suffice.

        (``copy.deepcopy`` visits every float: it made ``partial_fit`` quadratic
        in the number of epochs recorded.)
        """
        return History(self.records)
