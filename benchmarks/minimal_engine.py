"""The least a scalar engine with one node per op can do: a floor for the scalar benchmark.

Not part of twingrad. It builds the same graph as `twingrad.scalar` for the two-moons step
(a node per multiply, one n-ary sum per neuron, a relu), and leaves out everything else
twingrad's `Value` does:

- the rule table: each op computes inline and backward has the derivatives written in;
- labels, exact Fractions, IEEE edge cases, operator checks, any op the step does not use;
- the helper that makes a node: each op fills a bare object's six slots itself.

It keeps what any engine needs to be correct and to free its graphs by reference counting:
parents, gradients, and a creation stamp for the topological order. What it measures is how
fast the step can be in pure Python, so that `moons-step`'s ratio can be read against it.
"""

from __future__ import annotations

import itertools
import operator
import random

_stamp = itertools.count().__next__
_by_stamp = operator.attrgetter("stamp")
_new = object.__new__
MUL, ADD, RELU, SUM = "mul", "add", "relu", "sum"


class MinimalValue:
    """A number, the op that made it and its parents (``a``, ``b``; ``a`` holds a sum's terms)."""

    __slots__ = ("data", "grad", "op", "a", "b", "stamp")

    def __init__(self, data: float) -> None:
        self.data, self.grad, self.op, self.a, self.b = data, 0.0, None, None, None
        self.stamp = _stamp()

    def __mul__(self, other):
        other = other if other.__class__ is MinimalValue else MinimalValue(other)
        node = _new(MinimalValue)
        node.data, node.grad, node.op = self.data * other.data, 0.0, MUL
        node.a, node.b, node.stamp = self, other, _stamp()
        return node

    def __add__(self, other):
        other = other if other.__class__ is MinimalValue else MinimalValue(other)
        node = _new(MinimalValue)
        node.data, node.grad, node.op = self.data + other.data, 0.0, ADD
        node.a, node.b, node.stamp = self, other, _stamp()
        return node

    __rmul__, __radd__ = __mul__, __add__

    def relu(self):
        node = _new(MinimalValue)
        node.data, node.grad, node.op = self.data if self.data > 0 else 0.0, 0.0, RELU
        node.a, node.b, node.stamp = self, None, _stamp()
        return node

    @staticmethod
    def sum(terms):
        node = _new(MinimalValue)
        node.data, node.grad, node.op = sum([t.data for t in terms]), 0.0, SUM
        node.a, node.b, node.stamp = terms, None, _stamp()
        return node

    def backward(self) -> None:
        seen, stack = {self}, [self]
        while stack:
            node = stack.pop()
            if node.op is SUM:
                for term in node.a:
                    if term not in seen:
                        seen.add(term)
                        stack.append(term)
                continue
            for parent in (node.a, node.b):
                if parent is not None and parent not in seen:
                    seen.add(parent)
                    stack.append(parent)
        self.grad = 1.0
        for node in sorted(seen, key=_by_stamp, reverse=True):
            op, grad = node.op, node.grad
            if op is MUL:
                node.a.grad += grad * node.b.data
                node.b.grad += grad * node.a.data
            elif op is SUM:
                for term in node.a:
                    term.grad += grad
            elif op is RELU:
                if node.data > 0:
                    node.a.grad += grad
            elif op is ADD:
                node.a.grad += grad
                node.b.grad += grad


class MinimalMLP:
    """twingrad's `MLP` (and micrograd's) on MinimalValues: relu on all layers but the last."""

    def __init__(self, nin: int, nouts: list[int]) -> None:
        sizes = [nin, *nouts]
        self.layers = []
        for i, nout in enumerate(nouts):
            neurons = [
                ([MinimalValue(random.uniform(-1, 1)) for _ in range(sizes[i])], MinimalValue(0.0))
                for _ in range(nout)
            ]
            self.layers.append((neurons, i != len(nouts) - 1))

    def __call__(self, x):
        for neurons, nonlin in self.layers:
            acts = [MinimalValue.sum([*map(operator.mul, w, x), b]) for w, b in neurons]
            x = [act.relu() for act in acts] if nonlin else acts
        return x[0] if len(x) == 1 else x

    def parameters(self) -> list[MinimalValue]:
        return [p for neurons, _ in self.layers for w, b in neurons for p in (*w, b)]

    def zero_grad(self) -> None:
        for p in self.parameters():
            p.grad = 0.0
