"""How each tensor op is rebuilt from scalar Values: one replay per rule of the table.

A replay receives the node being replayed and, for each of its inputs, a numpy object array
of Values with the input's shape; it returns the object array of Values of the output. It
uses only the scalar engine's ops: a matmul becomes sums of products, a broadcast reuses one
Value in several places, a reduction becomes an n-ary sum, a softmax becomes exps, a sum and
divisions, an index becomes references to the chosen Values. The scalar engine's backward
then applies the plain chain rule to that graph.

Each replay also states how far, in float64 ulps, the tensor engine may differ from it:
elementwise ops run the same rule on the same numbers (a few ulps for numpy's vectorized
transcendental functions); a reduction or a product over ``n`` terms may round differently
in each of its ``n`` additions (numpy sums pairwise, the replay in order).

>>> from twingrad.bridge.replay import REPLAYS
>>> REPLAYS["matmul"].ulps is not None and "sum" in REPLAYS
True
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from fractions import Fraction
from typing import TYPE_CHECKING

import numpy as np

from twingrad.scalar import Value

if TYPE_CHECKING:
    from twingrad._tensor.tensor import Tensor


@dataclass(frozen=True)
class Replay:
    """How to rebuild one op from Values, and its float64 agreement bound in ulps."""

    build: Callable  # (node, *value_arrays, **params) -> value array
    ulps: Callable  # (node) -> the op's own bound in ulps


REPLAYS: dict[str, Replay] = {}


def replay(
    *names: str, ulps: Callable[[Tensor], float] | float = lambda node: 4
) -> Callable[[Callable[..., np.ndarray]], Callable[..., np.ndarray]]:
    """Register ``fn`` as the replay of the rules ``names``.

    >>> @replay("twice_example", ulps=0)
    ... def twice(node, x):
    ...     return x * 2
    >>> REPLAYS.pop("twice_example").ulps(None)
    0
    """

    def register(fn):
        for name in names:
            if name in REPLAYS:
                raise ValueError(f"a replay for {name!r} is already registered")
            REPLAYS[name] = Replay(fn, ulps if callable(ulps) else (lambda node, u=ulps: u))
        return fn

    return register


def values(shape: tuple[int, ...], fill: Callable[[tuple[int, ...]], Value]) -> np.ndarray:
    """An object array of ``shape`` filled by ``fill(index)``.

    >>> [v.data for v in values((3,), lambda i: Value(float(i[0])))]
    [0.0, 1.0, 2.0]
    """
    out = np.empty(shape, dtype=object)
    for index in np.ndindex(*shape):
        out[index] = fill(index)
    return out


def as_array(x: np.ndarray | Value) -> np.ndarray:
    """Make sure a numpy object op result is an array (0-d results come back bare).

    >>> as_array(Value(1.0)).shape
    ()
    """
    if isinstance(x, np.ndarray):
        return x
    out = np.empty((), dtype=object)
    out[()] = x
    return out


def constant(x: float | Fraction, like: Value | None = None) -> Value:
    """A Value for a number that is not differentiated (exact when ``like`` is exact).

    >>> constant(0.5).data, constant(0.5, like=Value(Fraction(1))).data
    (0.5, Fraction(1, 2))
    """
    if isinstance(like, Value) and like.exact and not isinstance(x, Fraction):
        x = Fraction(x)
    return Value(x)


def vsum(items: Iterable[Value]) -> Value:
    """One n-ary sum node (a single term is used as it is).

    >>> a = Value(1.0)
    >>> vsum([a, Value(2.0)]).op, vsum([a]) is a
    ('add_n', True)
    """
    items = list(items)
    return items[0] if len(items) == 1 else Value.sum(items)


def reduce_last(array: np.ndarray, fn: Callable[[list[Value]], Value]) -> np.ndarray:
    """Apply ``fn`` (a list of Values -> Value) along the last axis.

    >>> a = values((2, 3), lambda i: Value(float(3 * i[0] + i[1])))
    >>> [v.data for v in reduce_last(a, vsum)]
    [3.0, 12.0]
    """
    out = np.empty(array.shape[:-1], dtype=object)
    for index in np.ndindex(*out.shape):
        out[index] = fn(list(array[index]))
    return out


def reduce_dims(
    array: np.ndarray,
    dim: tuple[int, ...] | None,
    keepdim: bool,
    fn: Callable[[list[Value]], Value],
) -> np.ndarray:
    """Apply ``fn`` over the axes ``dim`` (None: all), keeping them as size 1 if asked.

    >>> a = values((2, 3), lambda i: Value(float(3 * i[0] + i[1])))
    >>> out = reduce_dims(a, (0,), True, vsum)
    >>> out.shape, [v.data for v in out[0]]
    ((1, 3), [3.0, 5.0, 7.0])
    """
    axes = tuple(range(array.ndim)) if dim is None else tuple(dim)
    rest = [a for a in range(array.ndim) if a not in axes]
    moved = array.transpose(rest + list(axes))
    flat = moved.reshape(moved.shape[: len(rest)] + (-1,))
    out = reduce_last(flat, fn)
    if keepdim:
        shape = [1 if a in axes else n for a, n in enumerate(array.shape)]
        out = out.reshape(shape)
    return out


def _reduction_length(node) -> int:
    x = node._prev[0]
    dim = node._params.get("dim")
    if dim is None:
        return max(x.numel(), 1)
    return int(np.prod([x.shape[d] for d in dim])) or 1


# -- elementwise: the same rule per element --------------------------------------------


def elementwise(node: Tensor, *inputs: np.ndarray, **params: object) -> np.ndarray:
    """One Value per element, made by the node's own rule from the broadcast inputs.

    The forward values come from the rule's forward run by numpy on the inputs' values, so
    a transcendental function rounds exactly as in the tensor engine; the backward is the
    scalar engine's, through the rule's local derivatives, element by element.

    >>> import twingrad
    >>> y = twingrad.tensor([1.0, 2.0], requires_grad=True) * 3
    >>> out = elementwise(y, values((2,), lambda i: Value(i[0] + 1.0)), as_array(Value(3.0)))
    >>> [v.data for v in out], out[0].op
    ([3.0, 6.0], 'mul')
    """
    rule = node._op
    arrays = np.broadcast_arrays(*inputs)
    exact = any(v.exact for a in arrays for v in a.reshape(-1)[:1])
    data = [_data_array(a, exact) for a in arrays]
    with np.errstate(all="ignore"):
        out = np.asarray(rule.forward(*data, **params))
    result = np.empty(out.shape, dtype=object)
    for index in np.ndindex(*out.shape):
        parents = tuple(a[index] for a in arrays)
        result[index] = Value(_number(out[index]), "", rule, parents, params or None)
    return result


def _data_array(values: np.ndarray, exact: bool) -> np.ndarray:
    if exact:
        return np.vectorize(lambda v: v.data, otypes=[object])(values)
    return np.vectorize(lambda v: v.data, otypes=[np.float64])(values)


def _number(x):
    return x if isinstance(x, Fraction) else float(x)


for _name in ("add", "sub", "mul", "div", "neg", "abs", "pow", "pow_var", "exp", "log", "sqrt",
              "sin", "cos", "tanh", "sigmoid", "relu"):  # fmt: skip
    replay(_name)(elementwise)


@replay("add_n", ulps=lambda node: len(node._prev) + 1)
def _add_n(node, *xs):
    xs = np.broadcast_arrays(*xs)
    return as_array(np.frompyfunc(lambda *vs: Value.sum(vs), len(xs), 1)(*xs))


# -- structure: the same Values, rearranged --------------------------------------------


replay("reshape", ulps=0)(lambda node, x, shape: x.reshape(shape))
replay("expand", ulps=0)(lambda node, x, shape: np.broadcast_to(x, shape))
replay("permute", ulps=0)(lambda node, x, dims: x.transpose(dims))
replay("clone", ulps=0)(lambda node, x: x)
replay("to_dtype", ulps=0)(lambda node, x, dtype: x)


# -- reductions: n-ary sums -------------------------------------------------------------


@replay("sum", ulps=lambda node: _reduction_length(node) + 1)
def _sum(node, x, dim=None, keepdim=False):
    return reduce_dims(x, dim, keepdim, vsum)


@replay("mean", ulps=lambda node: _reduction_length(node) + 2)
def _mean(node, x, dim=None, keepdim=False):
    n = _reduction_length(node)
    return reduce_dims(x, dim, keepdim, lambda vs: vsum(vs) / n)


# -- matmul: sums of products -----------------------------------------------------------


@replay("matmul", ulps=lambda node: node._prev[0].numel() + node._prev[1].numel() + 2)
def _matmul(node, a, b):
    a2 = a.reshape((1, a.shape[0])) if a.ndim == 1 else a
    b2 = b.reshape((b.shape[0], 1)) if b.ndim == 1 else b
    # (..., n, k, 1) * (..., 1, k, m) -> products over k, then one sum per (n, m)
    products = a2[..., :, :, None] * b2[..., None, :, :]
    out = reduce_last(np.moveaxis(products, -2, -1), vsum)
    if a.ndim == 1:
        out = out[..., 0, :]
    if b.ndim == 1:
        out = out[..., 0]
    return as_array(out)


# -- more reductions: products, extremes, statistics, softmax ----------------------------


def _product(vs):
    out = vs[0]
    for v in vs[1:]:
        out = out * v
    return out


replay("prod", ulps=lambda node: 2 * _reduction_length(node) + 1)(
    lambda node, x, dim=None, keepdim=False: reduce_dims(x, dim, keepdim, _product)
)


def _is_nan(v: Value) -> bool:
    return v.data != v.data


def _tied_extremes(vs, largest: bool):
    """The Values equal to the max (min) of ``vs``; the nan ones if there are any."""
    nans = [v for v in vs if _is_nan(v)]
    if nans:
        return nans
    best = max(v.data for v in vs) if largest else min(v.data for v in vs)
    return [v for v in vs if v.data == best]


def _share(ties):
    # each tied element gets an equal share of the gradient, as PyTorch's amax/amin
    return ties[0] if len(ties) == 1 else vsum(ties) / len(ties)


replay("amax", ulps=lambda node: _reduction_length(node) + 2)(
    lambda node, x, dim=None, keepdim=False: reduce_dims(
        x, dim, keepdim, lambda vs: _share(_tied_extremes(vs, True))
    )
)
replay("amin", ulps=lambda node: _reduction_length(node) + 2)(
    lambda node, x, dim=None, keepdim=False: reduce_dims(
        x, dim, keepdim, lambda vs: _share(_tied_extremes(vs, False))
    )
)


def _first_extreme(vs, largest: bool):
    """The first maximum (minimum) of ``vs``, a nan counting as the extreme (numpy, PyTorch)."""
    return _tied_extremes(vs, largest)[0]


def _pick_along(x, dim, keepdim, largest):
    if x.ndim == 0:
        return x
    return reduce_dims(x, (dim,), keepdim, lambda vs: _first_extreme(vs, largest))


replay("max_dim", ulps=0)(
    lambda node, x, dim, keepdim=False: _pick_along(x, dim, keepdim, largest=True)
)
replay("min_dim", ulps=0)(
    lambda node, x, dim, keepdim=False: _pick_along(x, dim, keepdim, largest=False)
)


def _variance(vs, correction):
    n = len(vs)
    mean = vsum(vs) / n
    deviations = [v - mean for v in vs]
    return vsum(d * d for d in deviations) / max(n - correction, 0)


replay("var", ulps=lambda node: 3 * _reduction_length(node) + 4)(
    lambda node, x, dim=None, correction=1, keepdim=False: reduce_dims(
        x, dim, keepdim, lambda vs: _variance(vs, correction)
    )
)
replay("std", ulps=lambda node: 3 * _reduction_length(node) + 6)(
    lambda node, x, dim=None, correction=1, keepdim=False: reduce_dims(
        x, dim, keepdim, lambda vs: _variance(vs, correction).sqrt()
    )
)


def _shift(vs):
    """A constant to subtract before exponentiating (the max; 0 if that is infinite)."""
    m = max(v.data for v in vs)
    return constant(0.0 if m in (float("inf"), float("-inf")) else m)


def _logsumexp_of(vs):
    m = _shift(vs)
    return vsum((v - m).exp() for v in vs).log() + m


replay("logsumexp", ulps=lambda node: _reduction_length(node) + 8)(
    lambda node, x, dim=None, keepdim=False: reduce_dims(x, dim, keepdim, _logsumexp_of)
)


def along(array: np.ndarray, dim: int, fn: Callable[[list[Value]], list[Value]]) -> np.ndarray:
    """Apply ``fn`` (a list of Values -> a list of Values) to every line along ``dim``.

    >>> a = values((2, 2), lambda i: Value(float(2 * i[0] + i[1])))
    >>> [[v.data for v in row] for row in along(a, 0, lambda vs: vs[::-1])]
    [[2.0, 3.0], [0.0, 1.0]]
    """
    if array.ndim == 0:
        return as_array(fn([array[()]])[0])
    moved = np.moveaxis(array, dim, -1)
    out = np.empty(moved.shape, dtype=object)
    for index in np.ndindex(*moved.shape[:-1]):
        out[index] = fn(list(moved[index]))
    return np.moveaxis(out, -1, dim)


def _softmax_of(vs):
    m = _shift(vs)
    exps = [(v - m).exp() for v in vs]
    total = vsum(exps)
    return [e / total for e in exps]


def _log_softmax_of(vs):
    m = _shift(vs)
    shifted = [v - m for v in vs]
    log_total = vsum(s.exp() for s in shifted).log()
    return [s - log_total for s in shifted]


def _line_length(node) -> int:
    x = node._prev[0]
    return x.shape[node._params["dim"]] if x.ndim else 1


def _running(vs, combine):
    out = [vs[0]] if vs else []
    for v in vs[1:]:
        out.append(combine(out[-1], v))
    return out


# a chain of n - 1 adds (products) per line, in order, as numpy accumulates
replay("cumsum", ulps=lambda node: _line_length(node) + 1)(
    lambda node, x, dim: along(x, dim, lambda vs: _running(vs, lambda a, b: a + b))
)
replay("cumprod", ulps=lambda node: 2 * _line_length(node) + 1)(
    lambda node, x, dim: along(x, dim, lambda vs: _running(vs, lambda a, b: a * b))
)

replay("softmax", ulps=lambda node: _line_length(node) + 8)(
    lambda node, x, dim: along(x, dim, _softmax_of)
)
replay("log_softmax", ulps=lambda node: _line_length(node) + 8)(
    lambda node, x, dim: along(x, dim, _log_softmax_of)
)

for _name in ("clamp", "maximum", "minimum"):
    replay(_name)(elementwise)

# rounding and integer division: the same numpy forward and the same (constant or
# quotient) derivative in both engines, so no rounding error between them
for _name in ("floor", "ceil", "trunc", "round", "frac", "sign", "remainder", "fmod",
              "floor_divide"):  # fmt: skip
    replay(_name, ulps=0)(elementwise)


@replay("where", ulps=0)
def _where(node, condition, x, y):
    condition, x, y = np.broadcast_arrays(condition, x, y)
    out = np.empty(x.shape, dtype=object)
    for index in np.ndindex(*x.shape):
        out[index] = x[index] if condition[index].data else y[index]
    return out


# -- indexing and joining: references to the chosen Values ------------------------------


replay("index", ulps=0)(lambda node, x, index: as_array(x[index]))
replay("flip", ulps=0)(lambda node, x, dims: np.flip(x, dims))
replay("repeat", ulps=0)(lambda node, x, repeats: np.tile(x, repeats))
replay("cat", ulps=0)(lambda node, *xs, dim: np.concatenate(xs, axis=dim))


def scatter_add(values: np.ndarray, positions: np.ndarray, size: int, zero: Value) -> np.ndarray:
    """A flat array of ``size`` Values: at each position, the sum of ``values`` sent there.

    >>> from twingrad.scalar import Value
    >>> sent = np.array([Value(1.0), Value(2.0), Value(3.0)], dtype=object)
    >>> [v.data for v in scatter_add(sent, np.array([1, 1, -1]), 3, Value(0.0))]
    [0.0, 3.0, 0.0]
    """
    sums: dict[int, list] = {}
    for p, v in zip(positions.reshape(-1).tolist(), values.reshape(-1)):
        if p >= 0:
            sums.setdefault(p, []).append(v)
    out = np.empty(size, dtype=object)
    out[:] = [vsum(sums[i]) if i in sums else zero for i in range(size)]
    return out


@replay("index_scatter", ulps=lambda node: 4)
def _index_scatter(node, y, shape, index):
    size = int(np.prod(shape))
    targets = np.arange(size, dtype=np.int64).reshape(shape)[index]
    targets, y = np.broadcast_arrays(targets, y)
    zero = constant(0, y.reshape(-1)[0] if y.size else None)
    return scatter_add(y, targets, size, zero).reshape(shape)


@replay("index_put", ulps=0)
def _index_put(node, x, value, index):
    out = x.copy()
    out[index] = value
    return out


@replay("pad", ulps=0)
def _pad(node, x, pad, value):
    from twingrad.kernels.windows import pad_regions

    shape, out_key, in_key = pad_regions(x.shape, pad)
    like = x.reshape(-1)[0] if x.size else None
    out = np.empty(shape, dtype=object)
    out[...] = constant(value, like)
    out[out_key] = x[in_key]
    return out
