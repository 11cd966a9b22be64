"""`Replay`, the registry `REPLAYS`, and the pieces replays are built from.

A replay receives the node being replayed and, for each of its inputs, a numpy object array
of Values with the input's shape; it returns the object array of Values of the output. It
uses only the scalar engine's ops, so the scalar engine's backward applies the plain chain
rule to what it built. Elementwise rules need no replay of their own: `elementwise` runs the
node's rule once per element, and both engines use the same derivative.

Each replay also states how far, in float64 ulps, the tensor engine may differ from it, and
whether its rule is a fused tensor op (one rule of the table for what the scalar engine can
only build from several of its ops, such as a convolution or a softmax).

>>> from twingrad.scalar import Value
>>> x = values((2, 3), lambda i: Value(float(3 * i[0] + i[1])))
>>> [v.data for v in reduce_last(x, vsum)]
[3.0, 12.0]
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from fractions import Fraction
from typing import TYPE_CHECKING

import numpy as np

from twingrad.scalar import Value

if TYPE_CHECKING:
    from twingrad._tensor.tensor import Tensor
    from twingrad.rules.rule import Rule


@dataclass(frozen=True)
class Replay:
    """How to rebuild one op from Values and its float64 agreement bound in ulps; whether
    the Values it builds are nodes of the op's own rule (``shared``: both engines then use
    the rule's derivative), and whether the rule is a fused tensor op that the scalar
    engine has no single op for."""

    build: Callable  # (node, *value_arrays, **params) -> value array
    ulps: Callable  # (node) -> the op's own bound in ulps
    shared: bool = False
    fused: bool = False


REPLAYS: dict[str, Replay] = {}


def replay(
    *names: str,
    ulps: Callable[[Tensor], float] | float = lambda node: 4,
    shared: bool | None = None,
    fused: bool = False,
) -> Callable[[Callable[..., np.ndarray]], Callable[..., np.ndarray]]:
    """Register ``fn`` as the replay of the rules ``names``; ``shared`` defaults to whether
    ``fn`` is `elementwise`.

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
            bound = ulps if callable(ulps) else (lambda node, u=ulps: u)
            same_rule = fn is elementwise if shared is None else shared
            REPLAYS[name] = Replay(fn, bound, same_rule, fused)
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


def first_value(values: np.ndarray) -> Value | None:
    """The first Value of an array (None if it is empty), to make constants exact like it.

    >>> first_value(values((2,), lambda i: Value(float(i[0])))).data
    0.0
    """
    return values.reshape(-1)[0] if values.size else None


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


def line_length(node: Tensor) -> int:
    """The length of the lines along ``dim`` that a scan or a softmax node runs over.

    >>> import twingrad
    >>> line_length(twingrad.ones(2, 3, requires_grad=True).softmax(1))
    3
    """
    x = node._prev[0]
    return x.shape[node._params["dim"]] if x.ndim else 1


def exp_shift(vs: list[Value]) -> Value:
    """A constant to subtract before exponentiating (the max; 0 if that is infinite).

    >>> exp_shift([Value(1.0), Value(3.0)]).data, exp_shift([Value(float("inf"))]).data
    (3.0, 0.0)
    """
    m = max(v.data for v in vs)
    return constant(0.0 if m in (float("inf"), float("-inf")) else m)


def scatter_add(values: np.ndarray, positions: np.ndarray, size: int, zero: Value) -> np.ndarray:
    """A flat array of ``size`` Values: at each position, the sum of ``values`` sent there.

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


def replay_elementwise_rules(rules: Mapping[str, Rule], ulps: float = 8) -> list[str]:
    """Register `elementwise` as the replay of every elementwise rule that has none yet, with
    a bound of ``ulps``; return their names. An elementwise op needs no replay of its own:
    the family files list one only to state a tighter bound.

    >>> from twingrad.rules import RULES
    >>> saved = REPLAYS.pop("tanh")
    >>> replay_elementwise_rules(RULES), REPLAYS["tanh"].shared, REPLAYS["tanh"].ulps(None)
    (['tanh'], True, 8)
    >>> REPLAYS["tanh"] = saved
    """
    names = [n for n, rule in rules.items() if rule.elementwise and n not in REPLAYS]
    replay(*names, ulps=ulps)(elementwise)
    return names


def _data_array(values: np.ndarray, exact: bool) -> np.ndarray:
    if exact:
        return np.vectorize(lambda v: v.data, otypes=[object])(values)
    return np.vectorize(lambda v: v.data, otypes=[np.float64])(values)


def _number(x):
    return x if isinstance(x, Fraction) else float(x)
