"""Prove that the two engines agree: `compare` reports, `check` asserts.

The tensor engine's gradients (vectorized: broadcast reductions, matmul transposes,
index scatters) are compared with those of the scalar replay (the plain chain rule, one
Value per element). With Fraction data they must be equal (``==``); in float64 they must
agree within a bound in ulps stated per op (see `twingrad.bridge.replay`), counted at each
element's error scale (`twingrad.bridge.ulps`); the result is a `twingrad.bridge.report.Report`.

>>> import twingrad
>>> from twingrad.bridge import compare
>>> w = twingrad.tensor([[1, 2], [3, 4]], dtype=twingrad.fraction, requires_grad=True)
>>> b = twingrad.tensor([1, -1], dtype=twingrad.fraction, requires_grad=True)
>>> report = compare(((w @ b) / 3 + b).sum())
>>> report.exact, report.all_equal
(True, True)
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING

import numpy as np

from twingrad.bridge.report import LeafReport, Report
from twingrad.bridge.scalar_graph import scalarize
from twingrad.bridge.ulps import error_scales, ulp_distance, ulps_bound

if TYPE_CHECKING:
    from numpy.typing import ArrayLike

    from twingrad._tensor.tensor import Tensor
    from twingrad.nn.module import Module


def compare(
    output: Tensor,
    exact: bool | None = None,
    gradient: ArrayLike | None = None,
    names: Mapping[Tensor, str] | Mapping[str, Tensor] | None = None,
    model: Module | None = None,
    ulps: float | None = None,
) -> Report:
    """Run backward in both engines from ``output`` and compare every leaf's gradient.

    ``exact`` defaults to whether the graph holds Fractions; asking for exact on float
    data is an error (there is nothing exact to compare). ``names`` (a mapping of tensors
    to names, or of names to tensors) or ``model`` (anything with ``named_parameters()``)
    labels the rows. Neither engine's ``.grad`` is touched.

    >>> import twingrad
    >>> x = twingrad.tensor([0.5, 2.0], dtype=twingrad.float64, requires_grad=True)
    >>> report = compare((x * x).sum(), names={"x": x})
    >>> [row.name for row in report.rows], report.agree
    (['output', 'x'], True)
    """
    from twingrad._tensor.functional import grad as tensor_grad
    from twingrad._tensor.tensor import Tensor

    if not isinstance(output, Tensor):
        hint = " (to pass a function, use bridge.check(fn, *inputs))" if callable(output) else ""
        raise TypeError(
            f"compare() takes the Tensor a computation produced, got {type(output).__name__}{hint}"
        )
    is_fraction = output._data.dtype == object
    if exact is None:
        exact = is_fraction
    if exact and not is_fraction:
        raise ValueError(
            "compare(exact=True) needs a graph of Fraction tensors (dtype=twingrad.fraction); "
            "this one holds floats. Use bridge.check(fn, *inputs, exact=True), which converts "
            "the inputs, or leave exact=None"
        )
    if model is not None:
        names = dict(model.named_parameters())
    s = scalarize(output, names=names)
    if not s.leaves:
        raise ValueError("nothing to compare: no tensor in this graph requires grad")
    seed = None
    if gradient is not None or output.numel() != 1:
        from twingrad._tensor.creation import ones_like, tensor

        seed = ones_like(output) if gradient is None else tensor(gradient, dtype=output.dtype)
    tensor_grads = tensor_grad(output, s.leaves, grad_outputs=seed, retain_graph=True,
                               allow_unused=True)  # fmt: skip
    s.backward(None if seed is None else seed._data)
    seeds = [1] * s.outputs.size if seed is None else seed._data.reshape(-1).tolist()
    forward_scale, grad_scale = error_scales(s.outputs, seeds)

    def scales(values: np.ndarray, table: dict) -> np.ndarray:
        return np.array([table.get(v, 0.0) for v in values.reshape(-1)]).reshape(values.shape)

    rows = [
        _row(
            "output",
            output._data,
            _data_of(s.outputs),
            scales(s.outputs, forward_scale),
            output._data.dtype,
        )  # fmt: skip
    ]
    for leaf, g in zip(s.leaves, tensor_grads):
        ours = np.zeros(leaf._data.shape, dtype=leaf._data.dtype) if g is None else g._data
        values = s.leaf_values(leaf)
        rows.append(_row(s.names[id(leaf)], ours, _grad_of(values),
                         scales(values, grad_scale), leaf._data.dtype))  # fmt: skip
    bound = ulps if ulps is not None else ulps_bound(output)
    # every Value of the graph has a forward scale: counting them needs no second walk
    return Report(rows=rows, exact=exact, ulps_bound=bound, node_count=len(forward_scale))


def _data_of(values: np.ndarray) -> np.ndarray:
    return np.vectorize(lambda v: v.data, otypes=[object])(values) if values.size else values


def _grad_of(values: np.ndarray) -> np.ndarray:
    return np.vectorize(lambda v: v.grad, otypes=[object])(values) if values.size else values


def _row(name: str, tensor_side, scalar_side, scale, dtype) -> LeafReport:
    shape = tuple(tensor_side.shape)
    if tensor_side.size == 0:
        return LeafReport(name, shape, 0.0, 0.0, 0.0, True, (), None, None)
    flat_t = tensor_side.reshape(-1)
    flat_s = scalar_side.reshape(-1)
    equal_mask = np.array([_same(a, b) for a, b in zip(flat_t.tolist(), flat_s.tolist())])
    if np.dtype(dtype).kind == "O":
        t64 = np.array([float(x) for x in flat_t.tolist()])
        s64 = np.array([float(x) for x in flat_s.tolist()])
        ulp = ulp_distance(t64, s64, scale.reshape(-1), np.float64)
    else:
        t64 = flat_t.astype(np.float64)
        s64 = np.array([float(x) for x in flat_s.tolist()])
        ulp = ulp_distance(t64, s64, scale.reshape(-1), dtype)
    with np.errstate(invalid="ignore", divide="ignore"):
        diff = np.where(equal_mask, 0.0, np.abs(t64 - s64))
        rel = diff / np.maximum(np.abs(s64), np.finfo(np.float64).tiny)
    ulp = np.where(equal_mask, 0.0, ulp)
    worst = int(np.argmax(np.where(equal_mask, -1.0, ulp))) if not equal_mask.all() else 0
    index = np.unravel_index(worst, shape) if shape else ()
    return LeafReport(
        name=name,
        shape=shape,
        max_abs=float(np.nan_to_num(diff, nan=np.inf).max()),
        max_rel=float(np.nan_to_num(rel, nan=np.inf).max()),
        max_ulps=float(ulp.max()),
        equal=bool(equal_mask.all()),
        worst_index=tuple(int(i) for i in index),
        tensor_value=_plain(flat_t[worst]),
        scalar_value=flat_s[worst],
    )


def _plain(x):
    return x.item() if isinstance(x, np.generic) else x


def _same(a, b) -> bool:
    if a == b:
        return True
    return isinstance(a, float) and a != a and isinstance(b, float) and b != b  # nan == nan


def check(
    fn: Callable[..., Tensor],
    *inputs: ArrayLike | Tensor,
    exact: bool | None = None,
    ulps: float | None = None,
    names: Mapping[Tensor, str] | Mapping[str, Tensor] | None = None,
) -> Report:
    """Build the graph ``fn(*tensors)``, compare the engines, raise if they disagree.

    Inputs are numpy arrays, nested lists or tensors; float inputs become leaves that
    require grad. ``exact=True`` converts float inputs to Fractions first, so rational
    graphs must agree with ``==``. Raises AssertionError naming the leaf, the index and
    both values of the worst element; returns the `Report` when they agree.

    >>> import numpy as np
    >>> from twingrad.bridge import check
    >>> check(lambda a, b: (a * b).sum(dim=0), np.ones((2, 3)), np.arange(3.0), exact=True).agree
    True
    """
    from twingrad._tensor.creation import tensor
    from twingrad._tensor.dtypes import fraction
    from twingrad._tensor.tensor import Tensor

    tensors = []
    for x in inputs:
        t = x if isinstance(x, Tensor) else tensor(np.asarray(x))
        if exact and t.dtype.is_floating_point and t.dtype is not fraction:
            t = tensor(t._data, dtype=fraction)
        if t.dtype.is_floating_point and t._op is None and not t.requires_grad:
            t.requires_grad_(True)
        tensors.append(t)
    out = fn(*tensors)
    report = compare(out, exact=exact, ulps=ulps, names=names)
    if not report.agree:
        w = report.worst()
        what = "are not equal" if report.exact else f"differ by {w.max_ulps:.3g} ulps"
        raise AssertionError(
            f"the engines disagree on {w.name}{list(w.worst_index)}: tensor engine "
            f"{w.tensor_value!r}, scalar replay {w.scalar_value!r} ({what}; bound "
            f"{'==' if report.exact else f'{report.ulps_bound:g} ulps'})\n{report}"
        )
    return report
