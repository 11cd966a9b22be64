"""The scalar engine: `Value`, one number and the op that made it.

The reference engine, to be read side by side with micrograd. Every op has the same beats:
wrap the other operand, look up the op's rule, compute the result from the rule's forward,
and remember the parents. The local derivatives live in the one rule table
(`twingrad.rules`), which `backward` reads.

>>> a = Value(2.0, label="a"); b = Value(-3.0, label="b")
>>> c = a * b + a
>>> c.backward()
>>> a.grad, b.grad
(-2.0, 2.0)
"""

from __future__ import annotations

import numbers
from collections.abc import Iterable
from fractions import Fraction
from typing import TYPE_CHECKING

from twingrad.core import graph
from twingrad.core import numeric as generic
from twingrad.core.graph import Step, Trace, new_stamp, topological_order
from twingrad.rules import RULES

if TYPE_CHECKING:
    from twingrad.rules.rule import Rule

ADD, SUB, MUL, DIV, NEG = RULES["add"], RULES["sub"], RULES["mul"], RULES["div"], RULES["neg"]
POW, POW_VAR, ABS, RELU = RULES["pow"], RULES["pow_var"], RULES["abs"], RULES["relu"]
EXP, LOG, SQRT, SIN, COS = RULES["exp"], RULES["log"], RULES["sqrt"], RULES["sin"], RULES["cos"]
TANH, SIGMOID, ADD_N = RULES["tanh"], RULES["sigmoid"], RULES["add_n"]


def _as_number(data):
    """float for every real number but Fractions, which stay exact."""
    if isinstance(data, Fraction):
        return data
    if isinstance(data, numbers.Real):
        return float(data)
    if isinstance(data, Value):
        raise TypeError("Value(...) got a Value; use the Value itself, or Value(v.data)")
    raise TypeError(f"a Value holds a real number, got {type(data).__name__}: {data!r}")


# A new node's grad is one of these two shared zeros until a backward pass adds to it, so
# `run_backward` can tell, by identity alone, the nodes whose grad it must reset.
_FLOAT_ZERO = 0.0
_FRACTION_ZERO = Fraction(0)


def _zero_like(data):
    return _FLOAT_ZERO if data.__class__ is float else _FRACTION_ZERO


_new_object = object.__new__


def _result(data, rule, a, b=None, params=None, terms=()) -> Value:
    """The Value an op returns, with parents ``a`` (and ``b``), or ``terms`` for an n-ary op.

    Ops make nearly every node of a graph, so this is the engine's hot path: it fills the
    slots of a bare object, without the checks of ``Value(...)`` and without a tuple of
    parents to build and take apart.
    """
    node = _new_object(Value)
    if data.__class__ is float:
        node.grad = _FLOAT_ZERO
    else:
        data = _as_number(data)
        node.grad = _zero_like(data)
    node.data = data
    node.label = ""
    node._op = rule
    node._a = a
    node._b = b
    node._terms = terms
    node._params = params
    node._seq = new_stamp()
    return node


class Value:
    """A scalar that remembers how it was computed, so it can be differentiated.

    ``data`` is a float, or a `fractions.Fraction` for exact arithmetic. ``grad`` holds
    d(output)/d(self) after ``output.backward()``; every node keeps it, not only leaves.
    """

    # A node's parents, in argument order, are ``_a`` and ``_b`` for ops of one or two
    # arguments (None where absent), and the tuple ``_terms`` for any other. A tuple per
    # node would double the objects that Python's cyclic garbage collector tracks and
    # scans while a graph is built: without it, building a graph takes a sixth less time.
    __slots__ = (
        "data", "grad", "label", "_op", "_a", "_b", "_terms", "_params", "_seq", "__weakref__"
    )  # fmt: skip

    def __init__(
        self,
        data: float | Fraction,
        label: str = "",
        _op: Rule | None = None,
        _prev: tuple[Value, ...] = (),
        _params: dict[str, object] | None = None,
    ) -> None:
        if data.__class__ is not float and data.__class__ is not Fraction:
            data = _as_number(data)
        self.data = data
        self.grad = _FLOAT_ZERO if data.__class__ is float else _FRACTION_ZERO
        self.label = label
        self._op = _op  # the Rule that produced this node, None for a leaf
        self._a = self._b = None
        self._terms = ()
        if _op is None or _op.variadic or not 1 <= len(_prev) <= 2:
            self._terms = tuple(_prev)
        elif len(_prev) == 2:
            self._a, self._b = _prev
        else:
            self._a = _prev[0]
        self._params = _params  # the op's keyword parameters, e.g. {"c": 2} for x ** 2
        self._seq = new_stamp()  # creation order: parents always come before children

    # -- what a node is -------------------------------------------------------------

    @property
    def op(self) -> str:
        """The name of the op that produced this Value ('' for a leaf).

        >>> Value(2.0).op, (Value(2.0) * 3).op
        ('', 'mul')
        """
        return "" if self._op is None else self._op.name

    @property
    def parents(self) -> tuple[Value, ...]:
        """The Values this one was computed from, in argument order.

        >>> a, b = Value(1.0, label="a"), Value(2.0, label="b")
        >>> [p.label for p in (a - b).parents]
        ['a', 'b']
        """
        return self._prev

    @property
    def _prev(self) -> tuple[Value, ...]:
        # the parents as `twingrad.core.graph` reads them from any engine's nodes
        if self._b is not None:
            return (self._a, self._b)
        if self._a is not None:
            return (self._a,)
        return self._terms

    @staticmethod
    def _parents_of(nodes: Iterable[Value]) -> set[Value]:
        # The parents of a whole generation at once, for `twingrad.core.graph.reachable`:
        # read from the parent slots in bulk, without a tuple per node, a graph of Values
        # takes half the time that reading each node's ``_prev`` takes.
        found = {node._a for node in nodes}
        found.update([node._b for node in nodes])
        for node in nodes:
            if node._terms:
                found.update(node._terms)
        found.discard(None)
        return found

    @property
    def is_leaf(self) -> bool:
        """True for a Value made directly, not computed by an op.

        >>> a = Value(2.0)
        >>> a.is_leaf, (a * a).is_leaf
        (True, False)
        """
        return self._op is None

    @property
    def exact(self) -> bool:
        """True when this Value holds a Fraction and computes exactly.

        >>> Value(Fraction(1, 3)).exact, Value(0.5).exact
        (True, False)
        """
        return self.data.__class__ is Fraction

    def _wrap(self, other) -> Value:
        if isinstance(other, Value):
            return other
        if self.data.__class__ is Fraction and not isinstance(other, Fraction):
            other = Fraction(other)  # a constant joins exact arithmetic exactly
        return Value(other)

    def _unary(self, rule) -> Value:
        if not rule.rational and self.data.__class__ is Fraction:
            generic._not_rational(rule.name)
        return _result(rule.forward(self.data), rule, self)

    # -- arithmetic -----------------------------------------------------------------

    def __add__(self, other: Value | float | Fraction) -> Value:
        other = other if other.__class__ is Value else self._wrap(other)
        return _result(ADD.forward(self.data, other.data), ADD, self, other)

    def __sub__(self, other: Value | float | Fraction) -> Value:
        other = other if other.__class__ is Value else self._wrap(other)
        return _result(SUB.forward(self.data, other.data), SUB, self, other)

    def __mul__(self, other: Value | float | Fraction) -> Value:
        other = other if other.__class__ is Value else self._wrap(other)
        return _result(MUL.forward(self.data, other.data), MUL, self, other)

    def __truediv__(self, other: Value | float | Fraction) -> Value:
        other = other if other.__class__ is Value else self._wrap(other)
        return _result(DIV.forward(self.data, other.data), DIV, self, other)

    def __pow__(self, other: Value | float | Fraction) -> Value:
        if isinstance(other, Value):
            if self.exact or other.exact:
                generic._not_rational("a ** b with a Value exponent")
            return _result(POW_VAR.forward(self.data, other.data), POW_VAR, self, other)
        if not isinstance(other, numbers.Real):
            raise TypeError(f"a Value can be raised to a number or a Value, not {other!r}")
        if self.exact and not (isinstance(other, numbers.Integral) or float(other).is_integer()):
            generic._not_rational(f"a non-integer power (** {other})")
        if self.exact and not isinstance(other, int):
            other = int(other)
        return _result(POW.forward(self.data, other), POW, self, params={"c": other})

    def __neg__(self) -> Value:
        return _result(NEG.forward(self.data), NEG, self)

    def __abs__(self) -> Value:
        return _result(ABS.forward(self.data), ABS, self)

    def __radd__(self, other: Value | float | Fraction) -> Value:
        return self._wrap(other) + self

    def __rsub__(self, other: Value | float | Fraction) -> Value:
        return self._wrap(other) - self

    def __rmul__(self, other: Value | float | Fraction) -> Value:
        return self._wrap(other) * self

    def __rtruediv__(self, other: Value | float | Fraction) -> Value:
        return self._wrap(other) / self

    def __rpow__(self, other: Value | float | Fraction) -> Value:
        return self._wrap(other) ** self

    @staticmethod
    def sum(values: Iterable[Value | float | Fraction]) -> Value:
        """x_1 + ... + x_n as one node (Python's ``sum`` builds a chain of n - 1 adds).

        >>> Value.sum([Value(1.0), Value(2.0), 3.0]).data
        6.0
        """
        terms = tuple(values)
        if not terms:
            raise ValueError("Value.sum() needs at least one value")
        data = [v.data for v in terms if v.__class__ is Value]
        if len(data) < len(terms):  # numbers among the terms: they become Values first
            first = terms[0] if isinstance(terms[0], Value) else Value(terms[0])
            terms = tuple(v if v.__class__ is Value else first._wrap(v) for v in terms)
            data = [v.data for v in terms]
        return _result(ADD_N.forward(*data), ADD_N, None, terms=terms)

    # -- functions ------------------------------------------------------------------

    def exp(self) -> Value:
        """e^x; d/dx = e^x.

        >>> Value(0.0).exp().data
        1.0
        """
        return self._unary(EXP)

    def log(self) -> Value:
        """ln x; d/dx = 1/x.

        >>> Value(1.0).log().data
        0.0
        """
        return self._unary(LOG)

    def sqrt(self) -> Value:
        """sqrt(x); d/dx = 1 / (2 sqrt(x)).

        >>> x = Value(4.0); y = x.sqrt(); y.backward(); (y.data, x.grad)
        (2.0, 0.25)
        """
        return self._unary(SQRT)

    def sin(self) -> Value:
        """sin x; d/dx = cos x.

        >>> Value(0.0).sin().data
        0.0
        """
        return self._unary(SIN)

    def cos(self) -> Value:
        """cos x; d/dx = -sin x.

        >>> Value(0.0).cos().data
        1.0
        """
        return self._unary(COS)

    def tanh(self) -> Value:
        """tanh x; d/dx = 1 - tanh(x)^2.

        >>> x = Value(0.0); x.tanh().backward(); x.grad
        1.0
        """
        return self._unary(TANH)

    def sigmoid(self) -> Value:
        """1 / (1 + e^-x); d/dx = s (1 - s).

        >>> x = Value(0.0); y = x.sigmoid(); y.backward(); (y.data, x.grad)
        (0.5, 0.25)
        """
        return self._unary(SIGMOID)

    def relu(self) -> Value:
        """max(x, 0); d/dx = 1 where x > 0, else 0 (0 at x = 0, as in PyTorch).

        >>> x = Value(-3.0); y = x.relu(); y.backward(); (y.data, x.grad)
        (0.0, 0.0)
        """
        return _result(RELU.forward(self.data), RELU, self)  # exact on Fractions too

    # -- backward -------------------------------------------------------------------

    def backward(self, gradient: float | Fraction | None = None) -> None:
        """Fill ``.grad`` of every node this Value depends on with d(self)/d(node).

        Leaf gradients accumulate across calls, as in PyTorch; the gradients of
        intermediate nodes are recomputed by each call. ``gradient`` seeds d(self)/d(self)
        (default 1).

        >>> x = Value(3.0); y = x * x; y.backward(); x.grad
        6.0
        >>> x.grad = 0.0; y.backward(gradient=0.5); x.grad
        3.0
        """
        run_backward(self, gradient)

    # -- conversions ----------------------------------------------------------------

    def __float__(self) -> float:
        return float(self.data)

    def __repr__(self) -> str:
        label = f", label={self.label!r}" if self.label else ""
        return f"Value(data={self.data}, grad={self.grad}{label})"


def run_backward(
    root: Value, gradient: float | Fraction | None = None, trace: Trace | None = None
) -> None:
    """`Value.backward`, with a ``trace`` that sees each chain-rule step (a `Step`).

    >>> a = Value(3.0, label="a"); steps = []
    >>> run_backward(a * a, trace=steps.append)
    >>> [(s.local, s.before, s.after) for s in steps]
    [(3.0, 0.0, 3.0), (3.0, 3.0, 6.0)]
    """
    order = topological_order(root)
    for node in order:  # intermediate gradients start again from zero; a new graph's are zero
        grad = node.grad
        if grad is not _FLOAT_ZERO and grad is not _FRACTION_ZERO and node._op is not None:
            node.grad = _zero_like(node.data)
    if gradient is None:
        gradient = 1.0 if root.data.__class__ is float else Fraction(1)
    root.grad += gradient
    graph.backward(order, chain_rule, trace)


def chain_rule(node: Value, trace: Trace | None = None) -> None:
    """Send ``node.grad`` back to each parent: ``parent.grad += node.grad * d(node)/d(parent)``,
    the local derivative from the node's rule (the scalar engine's step of `graph.backward`).

    >>> a = Value(2.0); b = Value(5.0); c = a * b; c.grad = 1.0
    >>> chain_rule(c); a.grad, b.grad
    (5.0, 2.0)
    """
    rule = node._op
    if rule is None:
        return
    if trace is not None:
        _each_parent(node, rule, trace)
        return
    # Speed paths, for the untraced pass: no loop for one or two arguments, and no call
    # where the rule declares a derivative to be an argument or a nonzero constant. Each
    # computes what `_each_parent` computes, with the same operations (the tests check it).
    grad, a, b = node.grad, node._a, node._b
    pick = rule.argument_derivatives  # d(a * b)/da is the argument b: (1, 0)
    if pick and b is not None:
        x, y = a.data, b.data
        a.grad += grad * (y if pick[0] else x)
        b.grad += grad * (y if pick[1] else x)
        return
    constant = rule.constant_derivatives  # (1, -1) for a - b, (1,) for x_1 + ... + x_n
    if constant and 0 not in constant:
        if a is not None:
            a.grad += grad * constant[0]
            if b is not None:
                b.grad += grad * constant[1]
            return
        if rule.variadic:
            share = grad * constant[0]
            for t in node._terms:
                t.grad += share
            return
    elif not constant and a is not None:
        d, out, params = rule.derivatives, node.data, node._params
        if b is None:  # f(x), e.g. relu, or x ** c with its parameter
            local = d[0](out, a.data) if params is None else d[0](out, a.data, **params)
            a.grad += grad * local
            return
        if params is None and d[0] is not None and d[1] is not None:  # e.g. a / b
            x, y = a.data, b.data
            a.grad += grad * d[0](out, x, y)
            b.grad += grad * d[1](out, x, y)
            return
    _each_parent(node, rule, None)


def _each_parent(node: Value, rule: Rule, trace: Trace | None) -> None:
    """`chain_rule` one parent at a time: ask the rule for the local derivative, multiply,
    add, and tell ``trace``."""
    a, b, grad = node._a, node._b, node.grad
    parents = node._terms if a is None else (a,) if b is None else (a, b)
    args = [p.data for p in parents]
    out, params = node.data, node._params or {}
    derivatives, constant = rule.derivatives, rule.constant_derivatives
    for i, parent in enumerate(parents):
        k = 0 if rule.variadic else i  # the rule's argument: x_i for every term of a sum
        if derivatives[k] is None:  # no gradient, e.g. to where's condition
            continue
        local = derivatives[k](out, *args[i : i + 1] if rule.variadic else args, **params)
        # a derivative the rule declares 0 (floor, sign) sends 0, even with an inf or nan grad
        contribution = _zero_like(grad) if constant and constant[k] == 0 else grad * local
        before = parent.grad
        parent.grad = before + contribution
        if trace is not None:
            trace(
                Step(node, grad, i, parent, local, contribution, contribution, before, parent.grad)
            )
