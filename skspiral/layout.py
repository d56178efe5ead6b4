"""Named parameters stored in one contiguous vector.

Every trainable array has a stable name (``"0.W"``, ``"0.b"``, ``"1.W"``, ...) and is
a view into a single flat buffer. Optimizers update the whole buffer with a handful
of vectorised operations, yet anything keyed by name (weights, gradients, optimizer
state) can still be read one array at a time.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

__all__ = ["ParamLayout"]


@dataclass(frozen=True)
class ParamLayout:
    """Names, shapes and offsets of arrays packed into one flat vector."""

    names: tuple[str, ...]
    shapes: tuple[tuple[int, ...], ...]

    @classmethod
    def for_dense_stack(cls, layer_sizes: Sequence[int]) -> ParamLayout:
        """Layout of a stack of dense layers: ``"i.W"`` then ``"i.b"`` per layer."""
        names, shapes = [], []
        for i, (fan_in, fan_out) in enumerate(zip(layer_sizes[:-1], layer_sizes[1:])):
            names += [f"{i}.W", f"{i}.b"]
            shapes += [(fan_in, fan_out), (fan_out,)]
        return cls(tuple(names), tuple(shapes))

    @property
    def sizes(self) -> list[int]:
        return [int(np.prod(shape)) for shape in self.shapes]

    @property
    def size(self) -> int:
        return sum(self.sizes)

    def zeros(self, dtype=np.float64) -> np.ndarray:
        """A fresh flat buffer of the layout's size."""
        return np.zeros(self.size, dtype=dtype)

    def views(self, flat: np.ndarray) -> dict[str, np.ndarray]:
        """Named, shaped views into ``flat`` (writing to a view writes to ``flat``)."""
        if flat.shape != (self.size,):
            raise ValueError(
                f"expected a flat array of size {self.size}, got {flat.shape}"
            )
        out, start = {}, 0
        for name, shape, size in zip(self.names, self.shapes, self.sizes):
            out[name] = flat[start : start + size].reshape(shape)
            start += size
        return out
