"""Gradient checking: backward's gradients against central finite differences.

A backward pass and a finite difference are two independent ways to get a derivative: one
reads the rule table, the other only calls the function. When they agree to within the
truncation and rounding error of the difference, the rules (and the engine running them) are
right at that point.

>>> from twingrad.bridge import gradcheck
>>> gradcheck(lambda x: x.tanh() * x, 0.7)
True

With tensors (or numpy arrays) as inputs it checks the tensor engine, element by element:

>>> import numpy as np
>>> gradcheck(lambda w, x: (x @ w).tanh(), np.ones((3, 2)) / 4, np.arange(6.0).reshape(2, 3))
True
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np

from twingrad.scalar import Value

if TYPE_CHECKING:
    from twingrad._tensor.tensor import Tensor


def gradcheck(
    fn: Callable,
    *inputs: float | Value | np.ndarray | Tensor,
    eps: float = 1e-6,
    atol: float = 1e-5,
    rtol: float = 1e-4,
) -> bool:
    """Check ``fn``'s gradient with respect to each input against central differences.

    Each input (a number or a Value) becomes a fresh leaf Value holding its value as a
    float; the Values passed in are read, never changed. ``fn(*leaves)`` must return one
    Value, on which ``backward()`` gives the analytic gradient d(out)/d(input i). The
    numeric gradient is ``(f(x_i + eps) - f(x_i - eps)) / (2 * eps)``, computed in float64
    with the other inputs held fixed. The two must satisfy
    ``|analytic - numeric| <= atol + rtol * |numeric|`` for every input.

    Returns True when they do. Otherwise raises AssertionError naming the input whose
    gradient is furthest out of tolerance and both of its values.

    With eps = 1e-6 the difference is accurate to about 1e-9 relative for a well-scaled
    function, so the default rtol = 1e-4 passes correct rules and rejects a derivative that
    is 0.1% off (where it exceeds atol, i.e. for derivatives larger than about 0.01).

    >>> gradcheck(lambda a, b: a * b.sin(), 0.5, 2.0)
    True

    ``x - x.data`` is worth exactly 0 but has derivative 1, so this output is exp(x) with a
    derivative 1% too large:

    >>> gradcheck(lambda x: x.exp() + 0.01 * (x - x.data), 0.0)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    AssertionError: gradcheck: the gradient of input 0 is wrong: backward gives 1.01 but ...
    """
    if not inputs:
        raise ValueError("gradcheck needs at least one input to differentiate with respect to")
    if not eps > 0:
        raise ValueError(f"gradcheck needs a positive step eps, got {eps!r}")
    if any(_is_array_like(x) for x in inputs):
        return _gradcheck_tensors(fn, inputs, eps, atol, rtol)
    point = [_as_float(x, i) for i, x in enumerate(inputs)]
    analytic = _backward_gradients(fn, point)
    numeric = [_central_difference(fn, point, i, eps) for i in range(len(point))]

    misses = [_miss(a, n, atol, rtol) for a, n in zip(analytic, numeric)]
    worst = max(range(len(misses)), key=misses.__getitem__)
    if misses[worst] > 1.0:
        a, n = analytic[worst], numeric[worst]
        raise AssertionError(
            f"gradcheck: the gradient of input {worst} is wrong: backward gives {a!r} "
            f"but the central difference gives {n!r} (|difference| {abs(a - n):.3g} > "
            f"atol + rtol * |numeric| = {atol + rtol * abs(n):.3g}; "
            f"inputs {tuple(point)}, eps={eps})"
        )
    return True


def _as_float(x, i: int) -> float:
    if isinstance(x, Value):
        return float(x.data)
    if isinstance(x, numbers.Real):
        return float(x)
    raise TypeError(
        f"gradcheck: input {i} is a {type(x).__name__} ({x!r}); the inputs are numbers or Values"
    )


def _evaluate(fn: Callable, point: list[float]) -> tuple[list[Value], Value]:
    leaves = [Value(x) for x in point]
    out = fn(*leaves)
    if not isinstance(out, Value):
        raise TypeError(
            f"gradcheck: fn must return one Value (the output to differentiate), "
            f"got {type(out).__name__}: {out!r}"
        )
    return leaves, out


def _backward_gradients(fn: Callable, point: list[float]) -> list[float]:
    leaves, out = _evaluate(fn, point)
    out.backward()
    return [float(leaf.grad) for leaf in leaves]


def _central_difference(fn: Callable, point: list[float], i: int, eps: float) -> float:
    up, down = list(point), list(point)
    up[i] += eps
    down[i] -= eps
    f_up = float(_evaluate(fn, up)[1].data)
    f_down = float(_evaluate(fn, down)[1].data)
    return (f_up - f_down) / (2.0 * eps)


def _miss(analytic: float, numeric: float, atol: float, rtol: float) -> float:
    """|analytic - numeric| in units of the tolerance: above 1 fails; inf for a nan."""
    if analytic == numeric:  # also equal infinities, whose difference is nan
        return 0.0
    diff = abs(analytic - numeric)
    if math.isnan(diff):
        return math.inf
    tolerance = atol + rtol * abs(numeric)
    return diff / tolerance if tolerance > 0 else math.inf


def _is_array_like(x) -> bool:
    from twingrad._tensor.tensor import Tensor

    return isinstance(x, Tensor | np.ndarray | list | tuple)


def _gradcheck_tensors(fn: Callable, inputs, eps: float, atol: float, rtol: float) -> bool:
    """gradcheck for the tensor engine: every element of every float input.

    The inputs become float64 leaf tensors (copies). A non-scalar output is reduced to
    the scalar ``sum(out * v)`` with a fixed random ``v``, the vector of a vector-Jacobian
    product, so every output element takes part.
    """
    from twingrad._tensor.creation import tensor
    from twingrad._tensor.dtypes import float64
    from twingrad._tensor.tensor import Tensor
    from twingrad.core.graph import no_grad

    point = [np.array(x.detach()._data if isinstance(x, Tensor) else x, dtype=np.float64)
             for x in inputs]  # fmt: skip
    leaves = [tensor(x, dtype=float64, requires_grad=True) for x in point]
    out = fn(*leaves)
    if not isinstance(out, Tensor):
        raise TypeError(f"gradcheck: fn must return a Tensor, got {type(out).__name__}")
    weights = np.random.default_rng(0).standard_normal(tuple(out.shape))

    def scalar(arrays) -> float:
        with no_grad():
            y = fn(*[tensor(a, dtype=float64) for a in arrays])
        return float(np.sum(y._data.astype(np.float64) * weights))

    (out * tensor(weights)).sum().backward()
    worst = (0.0, None)
    for i, leaf in enumerate(leaves):
        analytic = leaf.grad._data if leaf.grad is not None else np.zeros_like(point[i])
        for index in np.ndindex(*point[i].shape):
            up = [a.copy() for a in point]
            down = [a.copy() for a in point]
            up[i][index] += eps
            down[i][index] -= eps
            numeric = (scalar(up) - scalar(down)) / (2.0 * eps)
            miss = _miss(float(analytic[index]), numeric, atol, rtol)
            if miss > worst[0]:
                worst = (miss, (i, index, float(analytic[index]), numeric))
    if worst[0] > 1.0:
        i, index, a, n = worst[1]
        raise AssertionError(
            f"gradcheck: the gradient of input {i} at {list(index)} is wrong: backward gives "
            f"{a!r} but the central difference gives {n!r} (|difference| {abs(a - n):.3g} > "
            f"atol + rtol * |numeric| = {atol + rtol * abs(n):.3g}; eps={eps})"
        )
    return True
