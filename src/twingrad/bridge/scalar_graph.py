"""Rebuild a tensor graph element by element as a graph of scalar Values.

>>> import twingrad
>>> from twingrad.bridge import scalarize
>>> w = twingrad.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
>>> x = twingrad.tensor([1.0, -1.0])
>>> s = scalarize((w @ x).sum())
>>> s.output.data, s.node_count
(-2.0, 13)
>>> root = s.backward()
>>> [[v.grad for v in row] for row in s.leaf_values(w)]
[[1.0, -1.0], [1.0, -1.0]]
"""

from __future__ import annotations

from collections.abc import Mapping
from fractions import Fraction
from typing import TYPE_CHECKING

import numpy as np

from twingrad.bridge.replay import REPLAYS, as_array, vsum
from twingrad.core.graph import reachable, topological_order
from twingrad.scalar import Value

if TYPE_CHECKING:
    from numpy.typing import ArrayLike

    from twingrad._tensor.tensor import Tensor


class UnsupportedOpError(TypeError):
    """An op of the tensor graph has no scalar replay."""


def _leaf_name(t, names: dict, k: int) -> str:
    return names.get(id(t)) or t.name or f"x{k}"


def _element_label(name: str, index: tuple) -> str:
    return f"{name}[{', '.join(map(str, index))}]" if index else name


def _leaf_values(t, name: str | None) -> np.ndarray:
    data = t._data
    out = np.empty(data.shape, dtype=object)
    for index in np.ndindex(*data.shape):
        x = data[index]
        x = x if isinstance(x, Fraction) else float(x)
        out[index] = Value(x, label=_element_label(name, index) if name else "")
    return out


class Scalarized:
    """The Value graph of a tensor computation.

    ``outputs`` holds the output's Values in its shape; ``output`` is the single Value of
    a one-element output. ``leaf_values(t)`` gives the Values standing for the elements of
    a leaf tensor ``t``; ``leaves`` lists the leaf tensors that require grad.
    """

    def __init__(
        self,
        outputs: np.ndarray,
        leaf_arrays: dict[int, np.ndarray],
        leaves: list[Tensor],
        names: dict[int, str],
    ) -> None:
        self.outputs = outputs
        self._leaf_arrays = leaf_arrays
        self.leaves = leaves
        self.names = names  # id(tensor) -> display name

    @property
    def output(self) -> Value:
        """The single Value of a one-element output (a ValueError otherwise).

        >>> import twingrad
        >>> x = twingrad.tensor([1.0, 2.0], requires_grad=True)
        >>> scalarize((x * x).sum()).output.data
        5.0
        """
        if self.outputs.size != 1:
            raise ValueError(
                f"the output has {self.outputs.size} elements; use .outputs (shape "
                f"{self.outputs.shape}) or seed backward(gradient=...)"
            )
        return self.outputs.reshape(-1)[0]

    def leaf_values(self, t: Tensor) -> np.ndarray:
        """The Values standing for the elements of leaf tensor ``t``, in its shape.

        >>> import twingrad
        >>> x = twingrad.tensor([1.0, 2.0], requires_grad=True)
        >>> s = scalarize((x * x).sum())
        >>> root = s.backward()
        >>> [v.grad for v in s.leaf_values(x)]
        [2.0, 4.0]
        """
        return self._leaf_arrays[id(t)]

    @property
    def node_count(self) -> int:
        """How many Values the scalar graph has (leaves and constants included).

        >>> import twingrad
        >>> x = twingrad.tensor([1.0, 2.0], requires_grad=True)
        >>> scalarize((x * x).sum()).node_count  # 2 leaves, 2 products, 1 sum
        5
        """
        return len(reachable(*self.outputs.reshape(-1)))

    def backward(self, gradient: ArrayLike | None = None) -> Value:
        """Back-propagate through the Values, seeding each output element with
        ``gradient`` (ones by default); returns the scalar that was differentiated.

        >>> import twingrad
        >>> w = twingrad.tensor([1.0, 2.0], requires_grad=True)
        >>> s = scalarize(w * 3); root = s.backward([1.0, 10.0])
        >>> root.data, [v.grad for v in s.leaf_values(w)]
        (63.0, [3.0, 30.0])
        """
        outs = list(self.outputs.reshape(-1))
        if gradient is None and len(outs) == 1:
            root = outs[0]
        else:
            seeds = (
                [1] * len(outs)
                if gradient is None
                else np.broadcast_to(np.asarray(gradient, dtype=object), self.outputs.shape)
                .reshape(-1)
                .tolist()
            )
            root = vsum(o * s for o, s in zip(outs, seeds))
        root.backward()
        return root


def scalarize(
    output: Tensor, names: Mapping[Tensor, str] | Mapping[str, Tensor] | None = None
) -> Scalarized:
    """Replay the graph that produced tensor ``output`` through the scalar engine.

    ``names`` maps tensors (or their ids) to display names, e.g.
    ``dict(model.named_parameters())`` inverted; unnamed leaves are called x0, x1, ...
    Raises `UnsupportedOpError` naming an op that has no scalar replay.

    >>> import twingrad
    >>> w = twingrad.tensor([1.0, 2.0], requires_grad=True)
    >>> s = scalarize((w * w).sum(), names={w: "w"})
    >>> s.leaf_values(w)[1].label, s.output.data
    ('w[1]', 5.0)
    """
    from twingrad._tensor.tensor import Tensor

    if not isinstance(output, Tensor):
        raise TypeError(
            f"scalarize() takes the Tensor a computation produced, got {type(output).__name__}"
        )
    names = _normalize_names(names)
    order = topological_order(output)
    for node in order:
        if node._op is not None and node._op.name not in REPLAYS:
            raise UnsupportedOpError(
                f"op {node._op.name!r} has no scalar replay in twingrad.bridge, so this graph "
                "cannot be scalarized"
            )
    arrays: dict[int, np.ndarray] = {}
    leaf_arrays: dict[int, np.ndarray] = {}
    leaves = []
    for node in order:
        if node._op is None:
            if node.requires_grad:
                name = _leaf_name(node, names, len(leaves))
                names.setdefault(id(node), name)
                leaves.append(node)
            else:
                name = names.get(id(node)) or node.name
            arrays[id(node)] = leaf_arrays[id(node)] = _leaf_values(node, name)
            continue
        inputs = [arrays[id(p)] for p in node._prev]
        out = REPLAYS[node._op.name].build(node, *inputs, **(node._params or {}))
        out = as_array(out)
        if out.shape != node._data.shape:
            raise AssertionError(
                f"the scalar replay of {node._op.name!r} gave shape {out.shape}, the tensor "
                f"op gave {node._data.shape}"
            )
        arrays[id(node)] = out
    return Scalarized(arrays[id(output)], leaf_arrays, leaves, names)


def _normalize_names(names) -> dict:
    out = {}
    for key, value in (names or {}).items():
        if isinstance(key, str):  # {"layer.weight": tensor}, as named_parameters() gives
            out[id(value)] = key
        else:
            out[id(key)] = value
    return out
