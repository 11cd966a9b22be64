"""What to call the nodes of a graph: parameter names from a model, labels, positions.

Drawings and walkthroughs name a node, in order of preference, by its parameter name in the
model (``layers.0.weight``), by its own ``label`` (Value) or ``name`` (Tensor), and else by
its topological position (``n7``), which is the same in the picture and in the table.

>>> from twingrad import Value
>>> a = Value(2.0, label="a"); b = a * 3.0
>>> namer = Namer(b)
>>> namer.name(a), namer.name(b)
('a', 'n2')
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from typing import TYPE_CHECKING

from twingrad.core.graph import topological_order
from twingrad.visualize.labels import short

if TYPE_CHECKING:
    from twingrad._tensor.tensor import Tensor
    from twingrad.nn.module import Module
    from twingrad.scalar import Value
    from twingrad.scalar import nn as scalar_nn

    Node = Value | Tensor
    Params = Mapping[str, Node] | Iterable[tuple[str, Node]]


def parameter_names(
    model: Module | scalar_nn.Module | None = None, params: Params | None = None
) -> tuple[dict[int, str], dict[str, str]]:
    """``({id(parameter): name}, {module path: class name})`` from a model and/or a mapping.

    ``model`` is anything with ``named_parameters()`` (a ``twingrad.nn.Module``; its
    ``named_modules()``, when it has one, gives the class names), or a micrograd-style
    model with only ``parameters()`` (``twingrad.scalar.MLP``), whose attributes are walked
    for names such as ``layers.0.neurons.3.w.1``. ``params`` maps names to parameters, as
    ``dict(model.named_parameters())`` does; its names win over the model's.

    >>> import random; random.seed(0)
    >>> from twingrad.scalar import MLP
    >>> model = MLP(2, [1])
    >>> names, modules = parameter_names(model)
    >>> sorted(names.values())
    ['layers.0.neurons.0.b', 'layers.0.neurons.0.w.0', 'layers.0.neurons.0.w.1']
    >>> modules["layers.0.neurons.0"]
    'Neuron'
    """
    names: dict[int, str] = {}
    modules: dict[str, str] = {}
    if model is not None:
        if hasattr(model, "named_parameters"):
            for name, p in model.named_parameters():
                names.setdefault(id(p), name)
            if hasattr(model, "named_modules"):
                for path, module in model.named_modules():
                    modules[path] = type(module).__name__
        elif hasattr(model, "parameters"):
            _walk(model, "", names, modules)
        else:
            raise TypeError(
                f"model= needs a model with named_parameters() or parameters(), got "
                f"{type(model).__name__}; or pass params={{'name': tensor, ...}}"
            )
    if params is not None:
        items = params.items() if isinstance(params, Mapping) else params
        for name, p in items:
            names[id(p)] = str(name)
    return names, modules


def _walk(obj, prefix: str, names: dict, modules: dict) -> None:
    """Name the parameters of a model that only has ``parameters()``, from its attributes."""
    owned = {id(p) for p in obj.parameters()}
    modules[prefix] = type(obj).__name__
    stack = [(prefix, value) for prefix, value in _children(obj, prefix)]
    stack.reverse()
    while stack:
        path, value = stack.pop()
        if id(value) in owned:
            names.setdefault(id(value), path)
        elif isinstance(value, list | tuple):
            stack.extend(reversed([(f"{path}.{i}", v) for i, v in enumerate(value)]))
        elif callable(getattr(value, "parameters", None)) and hasattr(value, "__dict__"):
            modules[path] = type(value).__name__
            stack.extend(reversed(list(_children(value, path))))


def _children(obj, prefix: str):
    for key, value in vars(obj).items():
        yield (f"{prefix}.{key}" if prefix else key), value


def module_of(name: str, modules: Collection[str] = ()) -> str | None:
    """The innermost module holding parameter ``name``, short of the model itself.

    Without a list of ``modules`` it is the name less its last part.

    >>> module_of("layers.0.weight")
    'layers.0'
    >>> module_of("layers.0.neurons.3.w.1", {"", "layers.0", "layers.0.neurons.3"})
    'layers.0.neurons.3'
    """
    head, _, _ = name.rpartition(".")
    if modules:
        while head and head not in modules:
            head, _, _ = head.rpartition(".")
    return head or None


class Namer:
    """Names and topological positions of the nodes of one graph."""

    def __init__(
        self,
        root: Node,
        model: Module | scalar_nn.Module | None = None,
        params: Params | None = None,
        order: list[Node] | None = None,
    ) -> None:
        self.order = order if order is not None else topological_order(root)
        self.position = {id(n): i for i, n in enumerate(self.order)}
        self.parameters, self.modules = parameter_names(model, params)

    def parameter(self, node: Node) -> str | None:
        """The parameter name of ``node`` (from the model or ``params``), or None.

        >>> from twingrad import Value
        >>> w = Value(1.0)
        >>> Namer(w * 2, params={"w": w}).parameter(w)
        'w'
        """
        return self.parameters.get(id(node))

    def given(self, node: Node) -> str | None:
        """The name the user gave: parameter name, else label (Value) or name (Tensor).

        >>> from twingrad import Value
        >>> w = Value(1.0); y = w * 2; namer = Namer(y, params={"w": w})
        >>> namer.given(w), namer.given(y)
        ('w', None)
        """
        name = self.parameters.get(id(node))
        if name:
            return name
        return getattr(node, "label", None) or getattr(node, "name", None) or None

    def name(self, node: Node) -> str:
        """The name the user gave ``node``, else a short id from its position in the graph.

        >>> from twingrad import Value
        >>> a = Value(1.0, label="a")
        >>> Namer(a * 2).name(a)
        'a'
        """
        return self.given(node) or self.id(node)

    def operand(self, node: Node) -> str:
        """The name to use inside a formula: an unnamed constant reads as its value.

        >>> import twingrad
        >>> y = twingrad.tensor([1.0, 2.0], requires_grad=True) * 3
        >>> [Namer(y).operand(p) for p in y._prev]
        ['n0', '3']
        """
        given = self.given(node)
        if given:
            return given
        data = getattr(node, "_data", None)
        if node._op is None and data is not None and data.ndim == 0 and not node.requires_grad:
            return short(data.item())
        return self.id(node)

    def id(self, node: Node) -> str:
        """The node's DOT id and fallback name: ``n`` and its topological position.

        >>> from twingrad import Value
        >>> a = Value(1.0, label="a"); b = a * 2
        >>> Namer(b).id(a), Namer(b).id(b)
        ('n0', 'n2')
        """
        return f"n{self.position[id(node)]}"
