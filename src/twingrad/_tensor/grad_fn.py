"""``grad_fn``: what a tensor's backward is called and what it links to, as PyTorch shows it.

`GradFn` wraps a recorded node of the tensor engine (`twingrad._tensor.engine`) and gives
it PyTorch's name (``MulBackward0``), its ``next_functions`` and what it saved;
`AccumulateGrad` ends each path at a leaf.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from twingrad._tensor.tensor import Tensor


# PyTorch's names for the backward of the same op where they differ from the rule's name
_TORCH_NAMES = {
    "pow_var": "PowBackward1",
    "to_dtype": "ToCopyBackward0",
    "reshape": "ViewBackward0",
}
_MATMUL_NAMES = {(1, 1): "DotBackward0", (2, 1): "MvBackward0", (2, 2): "MmBackward0"}


class GradFn:
    """What PyTorch calls a tensor's ``grad_fn``: the backward of the op that made it.

    >>> import twingrad
    >>> x = twingrad.tensor([1.0, 2.0], requires_grad=True)
    >>> (x * x).sum().grad_fn
    <SumBackward0>
    """

    __slots__ = ("_node",)

    def __init__(self, node: Tensor) -> None:
        self._node = node

    def name(self) -> str:
        """PyTorch's name for this backward (``MulBackward0``, ``SumBackward1``...).

        >>> import twingrad
        >>> (twingrad.ones(2, requires_grad=True) * 2).grad_fn.name()
        'MulBackward0'
        """
        node = self._node
        op = node._op.name
        if op in _TORCH_NAMES:
            return _TORCH_NAMES[op]
        if op == "matmul":
            ranks = tuple(p._data.ndim for p in node._prev)
            return _MATMUL_NAMES.get(ranks, "MatmulBackward0")
        if op in ("sum", "mean") and (node._params or {}).get("dim") is not None:
            return op.capitalize() + "Backward1"  # PyTorch's overload with a dim argument
        if op == "round" and node._params:
            return "RoundBackward1"  # round(x, decimals=...)
        return "".join(part.capitalize() for part in op.split("_")) + "Backward0"

    @property
    def next_functions(self) -> tuple[tuple[GradFn | None, int], ...]:
        """The grad_fn of each input (None for inputs without a gradient).

        >>> import twingrad
        >>> (twingrad.ones(2, requires_grad=True) * 2).grad_fn.next_functions
        ((<AccumulateGrad>, 0), (None, 0))
        """
        out = []
        for p in self._node._prev:
            if p._op is not None:
                out.append((GradFn(p), 0))
            elif p._requires_grad:
                out.append((AccumulateGrad(p), 0))
            else:
                out.append((None, 0))
        return tuple(out)

    @property
    def saved(self) -> dict[str, Any]:
        """What the backward reads: the inputs, the output and the op's parameters.

        >>> import twingrad
        >>> sorted((twingrad.ones(2, requires_grad=True) * 2).grad_fn.saved)
        ['a', 'b', 'result']
        """
        saved = {name: p for name, p in zip(self._node._op.args, self._node._prev)}
        saved["result"] = self._node
        saved.update(self._node._params or {})
        return saved

    def __eq__(self, other: object) -> bool:
        return type(other) is type(self) and other._node is self._node

    def __hash__(self) -> int:
        return id(self._node)

    def __repr__(self) -> str:
        return f"<{self.name()}>"


class AccumulateGrad(GradFn):
    """The end of a backward path: adds the gradient into a leaf's ``.grad``."""

    def name(self) -> str:
        """Always ``AccumulateGrad``, as PyTorch names it.

        >>> import twingrad
        >>> AccumulateGrad(twingrad.ones(1, requires_grad=True)).name()
        'AccumulateGrad'
        """
        return "AccumulateGrad"

    @property
    def next_functions(self) -> tuple[tuple[GradFn | None, int], ...]:
        """Empty: a leaf is where the backward pass ends.

        >>> import twingrad
        >>> AccumulateGrad(twingrad.ones(1, requires_grad=True)).next_functions
        ()
        """
        return ()

    @property
    def variable(self) -> Tensor:
        """The leaf tensor whose ``.grad`` this adds to.

        >>> import twingrad
        >>> AccumulateGrad(twingrad.ones(1, requires_grad=True)).variable
        tensor([1.], requires_grad=True)
        """
        return self._node
