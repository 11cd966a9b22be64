"""micrograd-style neural networks on Values: Neuron, Layer, MLP.

>>> import random; random.seed(0)
>>> model = MLP(2, [4, 1])
>>> len(model.parameters())
17
>>> out = model([Value(1.0), Value(-2.0)])
>>> isinstance(out, Value)
True
"""

from __future__ import annotations

import operator
import random
from collections.abc import Sequence

from twingrad.scalar.value import Value


class Module:
    """Anything with parameters: ``parameters()`` and ``zero_grad()``."""

    def parameters(self) -> list[Value]:
        """The Values an optimizer updates; none for a bare Module.

        >>> Module().parameters()
        []
        """
        return []

    def zero_grad(self) -> None:
        """Reset every parameter's ``grad`` to 0 (backward adds to it).

        >>> n = Neuron(2); n.w[0].grad = 5.0; n.zero_grad(); n.w[0].grad
        0.0
        """
        for p in self.parameters():
            p.grad = 0.0 if p.data.__class__ is float else p.grad * 0


class Neuron(Module):
    """w . x + b, followed by relu unless ``nonlin=False``."""

    def __init__(self, nin: int, nonlin: bool = True) -> None:
        self.w = [Value(random.uniform(-1, 1), label="w") for _ in range(nin)]
        self.b = Value(0.0, label="b")
        self.nonlin = nonlin

    def __call__(self, x: Sequence[Value | float]) -> Value:
        # w_i * x_i for each i, then one n-ary sum node rather than a chain of n adds: the
        # same math, half the graph.
        act = Value.sum([*map(operator.mul, self.w, x), self.b])
        return act.relu() if self.nonlin else act

    def parameters(self) -> list[Value]:
        """The weights, then the bias.

        >>> len(Neuron(3).parameters())
        4
        """
        return self.w + [self.b]

    def __repr__(self) -> str:
        return f"{'ReLU' if self.nonlin else 'Linear'}Neuron({len(self.w)})"


class Layer(Module):
    """``nout`` neurons that all see the same inputs."""

    def __init__(self, nin: int, nout: int, **kwargs: bool) -> None:
        self.neurons = [Neuron(nin, **kwargs) for _ in range(nout)]

    def __call__(self, x: Sequence[Value | float]) -> Value | list[Value]:
        out = [n(x) for n in self.neurons]
        return out[0] if len(out) == 1 else out

    def parameters(self) -> list[Value]:
        """Every neuron's parameters, neuron by neuron.

        >>> len(Layer(3, 2).parameters())
        8
        """
        return [p for n in self.neurons for p in n.parameters()]

    def __repr__(self) -> str:
        return f"Layer of [{', '.join(str(n) for n in self.neurons)}]"


class MLP(Module):
    """Layers of neurons; relu on every layer but the last, which is linear."""

    def __init__(self, nin: int, nouts: list[int]) -> None:
        sizes = [nin, *nouts]
        self.layers = [
            Layer(sizes[i], sizes[i + 1], nonlin=i != len(nouts) - 1) for i in range(len(nouts))
        ]

    def __call__(self, x: Sequence[Value | float]) -> Value | list[Value]:
        for layer in self.layers:
            x = layer(x)
        return x

    def parameters(self) -> list[Value]:
        """Every layer's parameters, layer by layer.

        >>> len(MLP(3, [4, 1]).parameters())
        21
        """
        return [p for layer in self.layers for p in layer.parameters()]

    def __repr__(self) -> str:
        return f"MLP of [{', '.join(str(layer) for layer in self.layers)}]"
