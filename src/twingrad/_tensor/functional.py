"""Autograd entry points beyond ``Tensor.backward``: ``twingrad.autograd.grad``.

>>> import twingrad
>>> x = twingrad.tensor(3.0, requires_grad=True)
>>> (g,) = twingrad.autograd.grad(x**3, x, create_graph=True)
>>> g, twingrad.autograd.grad(g, x)[0]
(tensor(27., grad_fn=<MulBackward0>), tensor(18.))
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from twingrad._tensor.base import TensorBase
from twingrad._tensor.engine import run_backward

if TYPE_CHECKING:
    from twingrad._tensor.tensor import Tensor


def grad_seed(output: Tensor, gradient: Any, create_graph: bool) -> Tensor | np.ndarray:
    """The gradient that starts a backward pass from ``output``, checked.

    >>> import twingrad
    >>> grad_seed(twingrad.ones(2, requires_grad=True).sum(), None, False)
    array(1., dtype=float32)
    """
    if not output.requires_grad:
        raise RuntimeError(
            "element 0 of tensors does not require grad and does not have a grad_fn: "
            "nothing it was computed from has requires_grad=True"
        )
    if gradient is None:
        if output.numel() != 1:
            raise RuntimeError(
                "grad can be implicitly created only for scalar outputs; this output has "
                f"shape {tuple(output.shape)}: pass backward(gradient=...) of that shape"
            )
        seed = np.ones(output._data.shape, dtype=output._data.dtype)
        if output._data.dtype == object:
            from fractions import Fraction

            seed = np.full(output._data.shape, Fraction(1), dtype=object)
    else:
        if not isinstance(gradient, TensorBase):
            from twingrad._tensor.creation import tensor

            gradient = tensor(gradient, dtype=output.dtype)
        if gradient.shape != output.shape:
            raise RuntimeError(
                f"Mismatch in shape: grad_output has shape {tuple(gradient.shape)} and "
                f"output has shape {tuple(output.shape)}"
            )
        if create_graph:
            return gradient
        seed = gradient._data.astype(output._data.dtype, copy=False)
    return output._make(seed) if create_graph else seed


def grad(
    outputs: Tensor | Sequence[Tensor],
    inputs: Tensor | Sequence[Tensor],
    grad_outputs: Tensor | Sequence[Tensor | None] | None = None,
    retain_graph: bool | None = None,
    create_graph: bool = False,
    allow_unused: bool = False,
) -> tuple[Tensor | None, ...]:
    """The gradients of ``outputs`` with respect to ``inputs``, without touching ``.grad``.

    >>> import twingrad
    >>> x = twingrad.tensor([1.0, 2.0], requires_grad=True)
    >>> grad((x * x).sum(), x), x.grad
    ((tensor([2., 4.]),), None)
    """
    outputs = [outputs] if isinstance(outputs, TensorBase) else list(outputs)
    single = isinstance(inputs, TensorBase)
    inputs = [inputs] if single else list(inputs)
    if grad_outputs is None or isinstance(grad_outputs, TensorBase):
        grad_outputs = [grad_outputs] * len(outputs)
    if retain_graph is None:
        retain_graph = create_graph
    seeds = [grad_seed(o, g, create_graph) for o, g in zip(outputs, grad_outputs)]
    results = run_backward(outputs, seeds, retain_graph, create_graph, inputs)
    out = []
    for i, x in enumerate(inputs):
        g = results.get(x)
        if g is None:
            if not allow_unused:
                raise RuntimeError(
                    f"input {i} was not used to compute the outputs; pass allow_unused=True "
                    "to get None for it"
                )
            out.append(None)
        elif isinstance(g, TensorBase):
            out.append(g)
        else:
            out.append(x._make(np.array(g, dtype=x.dtype.numpy, copy=True)))
    return tuple(out)
