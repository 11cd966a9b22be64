"""Random tensor programs, to hunt for disagreements between the engines.

A program is a short chain of random ops with random compatible shapes: broadcasting
against fresh leaves, reductions with dim/keepdim, matmul, reshape/permute, indexing,
softmax. ``pick(what, options)`` makes every choice, so the same builder serves hypothesis
(``pick = lambda what, xs: data.draw(st.sampled_from(xs), label=what)``), which shrinks a
failing program to a small one, and plain seeded runs (`random_program`).

>>> import twingrad
>>> from twingrad.bridge import check
>>> fn, inputs = random_program(3)
>>> check(fn, *inputs).agree
True
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from twingrad._tensor.tensor import Tensor

Pick = Callable[[str, Sequence], object]

# unary steps kept away from kinks and domain edges (as MiniTorch's tests shift inputs)
UNARY = {
    "tanh": lambda x: x.tanh(),
    "sigmoid": lambda x: x.sigmoid(),
    "exp(tanh)": lambda x: x.tanh().exp(),
    "log(x^2+1)": lambda x: (x * x + 1).log(),
    "sqrt(x^2+1)": lambda x: (x * x + 1).sqrt(),
    "sin": lambda x: x.sin(),
    "relu(x+0.3)": lambda x: (x + 0.3).relu(),
    "abs(x+0.3)": lambda x: abs(x + 0.3),
    "square": lambda x: x**2,
    "cube/3": lambda x: x**3 / 3,
}
RATIONAL_UNARY = ("relu(x+0.3)", "abs(x+0.3)", "square", "cube/3")

BINARY = {
    "+": lambda x, y: x + y,
    "-": lambda x, y: y - x,
    "*": lambda x, y: x * y,
    "/": lambda x, y: x / (y * y + 1),
}


def _broadcast_partner(shape: tuple, pick: Pick) -> tuple:
    """A shape that broadcasts with ``shape`` (some dims 1, some leading dims dropped)."""
    drop = pick("leading dims dropped", list(range(len(shape) + 1)))
    kept = shape[drop:]
    return tuple(pick(f"dim {i} size", [n, 1]) for i, n in enumerate(kept))


def build(
    pick: Pick, exact: bool = False, max_steps: int = 5
) -> tuple[Callable[..., Tensor], list[tuple[int, ...]]]:
    """A random program: returns ``(fn, input_shapes)``; ``fn(*leaves)`` builds the graph.

    ``fn.steps`` lists the ops chosen. Always taking the first option:

    >>> fn, shapes = build(lambda what, options: options[0])
    >>> shapes, fn.steps
    ([()], [('unary', 'tanh')])
    """
    first = tuple(pick("input dim", [1, 2, 3]) for _ in range(pick("input ndim", [0, 1, 2, 3])))
    shapes = [first]
    steps = []
    shape = first
    unary_names = RATIONAL_UNARY if exact else tuple(UNARY)
    for _ in range(pick("steps", list(range(1, max_steps + 1)))):
        kinds = ["unary", "binary"]
        if len(shape) >= 1:
            kinds += ["reduce", "matmul", "permute", "index"]
            if not exact:
                kinds.append("softmax")
        if len(shape) >= 2:
            kinds.append("reshape")
        kind = pick("op kind", kinds)
        if kind == "unary":
            steps.append(("unary", pick("unary op", list(unary_names))))
        elif kind == "binary":
            partner = _broadcast_partner(shape, pick)
            steps.append(("binary", pick("binary op", list(BINARY)), len(shapes)))
            shapes.append(partner)
            shape = np.broadcast_shapes(shape, partner)
        elif kind == "reduce":
            dim = pick("reduce dim", list(range(-len(shape), len(shape))))
            keepdim = pick("keepdim", [False, True])
            op = pick("reduction", ["sum", "mean"])
            steps.append(("reduce", op, dim, keepdim))
            shape = list(shape)
            if keepdim:
                shape[dim] = 1
            else:
                del shape[dim]
            shape = tuple(shape)
        elif kind == "matmul":
            k = pick("matmul out dim", [1, 2, 3])
            steps.append(("matmul", len(shapes)))
            shapes.append((shape[-1], k))
            shape = shape[:-1] + (k,)
        elif kind == "permute":
            dims = list(range(len(shape)))
            order = []
            while dims:
                order.append(dims.pop(pick("permute pick", list(range(len(dims))))))
            steps.append(("permute", tuple(order)))
            shape = tuple(shape[i] for i in order)
        elif kind == "index":
            i = pick("index", list(range(-shape[0], shape[0])))
            steps.append(("index", i))
            shape = shape[1:]
        elif kind == "softmax":
            dim = pick("softmax dim", list(range(len(shape))))
            steps.append(("softmax", pick("softmax kind", ["softmax", "log_softmax"]), dim))
        elif kind == "reshape":
            steps.append(("reshape", shape[0] * shape[1]))
            shape = (shape[0] * shape[1],) + shape[2:]

    def fn(*leaves):
        x = leaves[0]
        for step in steps:
            if step[0] == "unary":
                x = UNARY[step[1]](x)
            elif step[0] == "binary":
                x = BINARY[step[1]](x, leaves[step[2]])
            elif step[0] == "reduce":
                x = getattr(x, step[1])(dim=step[2], keepdim=step[3])
            elif step[0] == "matmul":
                x = x @ leaves[step[1]]
            elif step[0] == "permute":
                x = x.permute(*step[1])
            elif step[0] == "index":
                x = x[step[1]]
            elif step[0] == "softmax":
                x = getattr(x, step[1])(dim=step[2])
            elif step[0] == "reshape":
                x = x.reshape(step[1], *x.shape[2:])
        return x

    fn.steps = steps
    return fn, shapes


def random_program(
    seed: int, exact: bool = False, max_steps: int = 5
) -> tuple[Callable[..., Tensor], list[np.ndarray]]:
    """A seeded random program and its inputs (numpy arrays): ``(fn, inputs)``.

    >>> fn, inputs = random_program(0)
    >>> [x.shape for x in inputs], fn.steps
    ([(2, 2, 1)], [('unary', 'tanh'), ('unary', 'sigmoid')])
    """
    rng = np.random.default_rng(seed)

    def pick(what, options):
        return options[int(rng.integers(len(options)))]

    fn, shapes = build(pick, exact=exact, max_steps=max_steps)
    return fn, [rng.standard_normal(s) for s in shapes]
