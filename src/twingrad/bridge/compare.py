"""Prove that the two engines agree: `compare` reports, `check` asserts.

The tensor engine's gradients (vectorized: broadcast reductions, matmul transposes,
index scatters) are compared with those of the scalar replay (the plain chain rule, one
Value per element). With Fraction data they must be equal (``==``); in float64 they must
agree within a bound in ulps stated per op (see `twingrad.bridge.replay`).

>>> import twingrad
>>> from twingrad.bridge import compare
>>> w = twingrad.tensor([[1, 2], [3, 4]], dtype=twingrad.fraction, requires_grad=True)
>>> b = twingrad.tensor([1, -1], dtype=twingrad.fraction, requires_grad=True)
>>> report = compare(((w @ b) / 3 + b).sum())
>>> report.exact, report.all_equal
(True, True)
"""

from __future__ import annotations

import html
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from twingrad.bridge.replay import REPLAYS
from twingrad.bridge.scalarize import scalarize
from twingrad.core.graph import topological_order

if TYPE_CHECKING:
    from numpy.typing import ArrayLike, DTypeLike

    from twingrad._tensor.tensor import Tensor
    from twingrad.nn.module import Module
    from twingrad.scalar import Value


@dataclass
class LeafReport:
    """How one leaf's gradient compares between the engines."""

    name: str
    shape: tuple
    max_abs: float
    max_rel: float
    max_ulps: float
    equal: bool  # every element exactly ==
    worst_index: tuple
    tensor_value: object  # the tensor engine's gradient at the worst element
    scalar_value: object  # the scalar replay's gradient there


@dataclass
class Report:
    """The result of `compare`: one row per leaf, plus the forward output."""

    rows: list
    exact: bool
    ulps_bound: float
    node_count: int

    @property
    def all_equal(self) -> bool:
        """Whether every row (the output and each leaf's gradient) is exactly equal.

        >>> import twingrad
        >>> x = twingrad.tensor([1, 2], dtype=twingrad.fraction, requires_grad=True)
        >>> compare((x * x).sum()).all_equal
        True
        """
        return all(r.equal for r in self.rows)

    @property
    def max_ulps(self) -> float:
        """The largest difference of any row, in units in the last place (0 when all are equal).

        >>> import twingrad
        >>> x = twingrad.tensor([0.5, 2.0], dtype=twingrad.float64, requires_grad=True)
        >>> compare((x * 3).sum()).max_ulps
        0.0
        """
        return max((r.max_ulps for r in self.rows), default=0.0)

    @property
    def agree(self) -> bool:
        """Equal (exact mode) or within the ulps bound (float).

        >>> import twingrad
        >>> x = twingrad.tensor([0.5, 2.0], dtype=twingrad.float64, requires_grad=True)
        >>> compare((x * 3).sum()).agree
        True
        """
        return self.all_equal if self.exact else self.max_ulps <= self.ulps_bound

    def worst(self) -> LeafReport:
        """The row that disagrees most (the first row when all agree exactly).

        >>> import twingrad
        >>> x = twingrad.tensor([1, 2], dtype=twingrad.fraction, requires_grad=True)
        >>> compare((x * x).sum(), names={x: "x"}).worst().name
        'output'
        """
        key = (lambda r: not r.equal) if self.exact else (lambda r: r.max_ulps)
        return max(self.rows, key=key)

    def _table(self) -> tuple[list, list]:
        head = ["", "shape", "max |diff|", "max rel", "max ulps", "exact =="]
        body = [
            [
                r.name,
                "x".join(map(str, r.shape)) or "scalar",
                f"{r.max_abs:.3g}",
                f"{r.max_rel:.3g}",
                f"{r.max_ulps:.3g}",
                "yes" if r.equal else "no",
            ]
            for r in self.rows
        ]
        return head, body

    def _summary(self) -> str:
        mode = "exact (Fraction)" if self.exact else f"float, bound {self.ulps_bound:g} ulps"
        verdict = "AGREE" if self.agree else "DISAGREE"
        return f"engines {verdict}: {mode}, {self.node_count} scalar nodes"

    def __str__(self) -> str:
        head, body = self._table()
        widths = [max(len(row[i]) for row in [head, *body]) for i in range(len(head))]
        lines = ["  ".join(c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in
                           enumerate(zip(row, widths))) for row in [head, *body]]  # fmt: skip
        return "\n".join([self._summary(), *lines])

    __repr__ = __str__

    def _repr_html_(self) -> str:
        head, body = self._table()
        cells = "".join(f"<th>{html.escape(h)}</th>" for h in head)
        rows = "".join(
            "<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in row) + "</tr>" for row in body
        )
        return (
            f"<p><b>{html.escape(self._summary())}</b></p>"
            f"<table><thead><tr>{cells}</tr></thead><tbody>{rows}</tbody></table>"
        )


def ulps_bound(output: Tensor) -> float:
    """The default float64 bound for a graph: the sum of its ops' own bounds.

    >>> import twingrad
    >>> x = twingrad.tensor([0.5, 2.0], dtype=twingrad.float64, requires_grad=True)
    >>> ulps_bound((x * 3).exp().sum())
    11.0
    """
    total = 0.0
    for node in topological_order(output):
        if node._op is not None and node._op.name in REPLAYS:
            total += REPLAYS[node._op.name].ulps(node)
    return max(total, 1.0)


def error_scales(
    outputs: np.ndarray, seeds: list[float]
) -> tuple[dict[Value, float], dict[Value, float]]:
    """Condition-aware magnitudes for the forward values and the gradients of a Value graph.

    Rounding errors propagate like first-order perturbations, so the error a float engine
    may make in a quantity is a few ulps of the magnitudes it was built from, not of the
    (possibly cancelled) quantity itself. Forward: ``S(v) = |v| + sum_i |d_i| S(parent_i)``.
    Backward: a gradient collects, from each use, ``S(upstream) * |d_i|`` plus the error of
    the local derivative itself, ``|upstream| * |d_i| * k``, where ``k`` is the relative
    error scale of the values ``d_i`` is computed from (``S(v) / |v|``, capped at 2**20).
    These are the units in which `compare` counts ulps.

    >>> from twingrad import Value
    >>> a = Value(2.0); b = a * 3  # S(b) = |6| + |3| S(a) + |2| S(3)
    >>> forward, backward = error_scales(np.array([b], dtype=object), [1.0])
    >>> forward[b], backward[a]
    (18.0, 3.0)
    """
    order = topological_order(*outputs.reshape(-1))
    forward: dict = {}
    for node in order:
        scale = abs(float(node.data))
        if node._op is not None:
            for p, d in _local_derivatives(node):
                if d != 0.0:  # exp(-inf) = 0 of a masked score: 0 * inf would be nan
                    scale += abs(d) * forward[p]
        forward[node] = scale
    backward: dict = {node: 0.0 for node in order}
    for out, seed in zip(outputs.reshape(-1), seeds):
        backward[out] += abs(float(seed))
    for node in reversed(order):
        if node._op is None or backward[node] == 0.0:
            continue
        upstream = abs(float(node.grad))
        kappa = max(_relative_scale(q, forward) for q in (node, *node._prev))
        for p, d in _local_derivatives(node):
            own = 0.0 if abs(d) in (0.0, 1.0) else upstream * abs(d) * kappa
            backward[p] += backward[node] * abs(d) + own
    return forward, backward


def _relative_scale(v, forward: dict) -> float:
    magnitude = abs(float(v.data))
    if magnitude in (0.0, float("inf")) or magnitude != magnitude:
        return 1.0
    return min(forward[v] / magnitude, 2.0**20)


def _local_derivatives(node):
    rule, params = node._op, node._params or {}
    prev = node._prev
    args = [p.data for p in prev]
    with np.errstate(all="ignore"):
        for i, p in enumerate(prev):
            if rule.variadic:
                d = rule.derivatives[0](node.data, args[i], **params)
            else:
                fn = rule.derivatives[i]
                if fn is None:
                    continue
                d = fn(node.data, *args, **params)
            d = float(d)
            yield p, (d if d == d else 0.0)


def ulp_distance(a: np.ndarray, b: np.ndarray, scale: np.ndarray, dtype: DTypeLike) -> np.ndarray:
    """|a - b| in units in the last place of ``dtype`` at each element's error ``scale``.

    >>> ulp_distance(np.array([1.0]), np.array([1.0 + 2**-51]), np.array([0.0]), np.float64)
    array([2.])
    """
    a = a.astype(np.float64)
    b = b.astype(np.float64)
    both_nan = np.isnan(a) & np.isnan(b)
    same_inf = np.isinf(a) & (a == b)
    magnitude = np.maximum(np.maximum(np.abs(np.nan_to_num(a)), np.abs(np.nan_to_num(b))), scale)
    unit = np.spacing(magnitude.astype(dtype)).astype(np.float64)
    unit = np.where(unit > 0, unit, np.finfo(dtype).tiny)
    with np.errstate(invalid="ignore"):
        d = np.abs(a - b) / unit
    d = np.where(both_nan | same_inf, 0.0, d)
    return np.where(np.isnan(d), np.inf, d)


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
