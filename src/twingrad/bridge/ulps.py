"""How far the engines may differ in float64, and how far they do: the bound a graph's ops
state (`ulps_bound`), the magnitudes each value and gradient was computed from
(`error_scales`), and differences counted in ulps at those magnitudes (`ulp_distance`).

>>> import numpy as np
>>> ulp_distance(np.array([3.0]), np.array([3.0 + 2**-51]), np.array([0.0]), np.float64)
array([1.])
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from twingrad.bridge.replay import REPLAYS
from twingrad.core.graph import topological_order

if TYPE_CHECKING:
    from numpy.typing import DTypeLike

    from twingrad._tensor.tensor import Tensor
    from twingrad.scalar import Value


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
