"""`Function`: an op with a forward and a backward written by hand, as
``torch.autograd.Function``.

``MyOp.apply(x, ...)`` runs ``MyOp.forward(ctx, x, ...)`` without recording its inner ops
and records one node instead, whose backward calls ``MyOp.backward(ctx, grad_output)``.
The node stands in the graph like any op of the rule table: its rule is made once per
Function class (not entered in the table, since its derivative is the user's code, not a
formula), so backward, ``grad_fn``, drawings and walkthroughs all see it. The bridge has no
scalar replay for a hand-written backward and refuses such a graph, naming the Function.

A Function returns one tensor; ``forward`` may take any arguments (tensors, numbers), and
``backward`` returns one gradient (or None) per argument of ``forward``.

>>> import twingrad
>>> class Cube(twingrad.autograd.Function):
...     @staticmethod
...     def forward(ctx, x):
...         ctx.save_for_backward(x)
...         return x**3
...
...     @staticmethod
...     def backward(ctx, grad_output):
...         (x,) = ctx.saved_tensors
...         return grad_output * 3 * x**2
>>> x = twingrad.tensor([1.0, 2.0], requires_grad=True)
>>> y = Cube.apply(x)
>>> y.grad_fn
<CubeBackward>
>>> y.sum().backward()
>>> x.grad
tensor([ 3., 12.])
"""

from __future__ import annotations

import weakref
from typing import Any

import numpy as np

from twingrad._tensor import grad_fn
from twingrad._tensor.tensor import Tensor
from twingrad.core.graph import _grad_mode, no_grad
from twingrad.rules.rule import Rule


class FunctionCtx:
    """What ``forward`` hands to ``backward``: saved tensors and any attribute set on it
    (``ctx.constant = c``), and which inputs need a gradient."""

    def __init__(self, function: type, needs_input_grad: tuple[bool, ...]) -> None:
        self.needs_input_grad = needs_input_grad
        self._function = function
        self._saved = ()
        self._output = None  # weak reference to the recorded output, set by apply
        self._non_differentiable = ()
        self._cached = None  # (grad_output, gradients): backward runs once per pass
        # set when the node is recorded: where the tensor inputs are among forward's
        # arguments, their shapes, and how many arguments forward took
        self._positions, self._shapes, self._nargs = [], [], 0

    def __repr__(self) -> str:
        return f"<ctx of {self._function.__name__}>"

    def save_for_backward(self, *tensors: Tensor | None) -> None:
        """Keep ``tensors`` (or None) for ``backward``; it reads them as ``saved_tensors``.

        >>> import twingrad
        >>> ctx = FunctionCtx(Function, (True,))
        >>> ctx.save_for_backward(twingrad.ones(2), None)
        >>> ctx.saved_tensors
        (tensor([1., 1.]), None)
        """
        for t in tensors:
            if t is not None and not isinstance(t, Tensor):
                raise TypeError(
                    f"save_for_backward can only save tensors (or None), but got "
                    f"{type(t).__name__}; keep other values as attributes: ctx.name = value"
                )
        self._saved = tuple((t, None if t is None else t._version[0]) for t in tensors)

    @property
    def saved_tensors(self) -> tuple[Tensor | None, ...]:
        """The tensors given to ``save_for_backward``, refused if they changed since.

        >>> import twingrad
        >>> ctx = FunctionCtx(Function, (True,)); x = twingrad.zeros(2)
        >>> ctx.save_for_backward(x); _ = x.add_(1); ctx.saved_tensors  # doctest: +ELLIPSIS
        Traceback (most recent call last):
        ...
        RuntimeError: one of the tensors needed for gradient computation has been modified ...
        """
        output = self._output() if self._output is not None else None
        if output is not None and output._freed:
            raise RuntimeError(
                "Trying to backward through the graph a second time (or to read "
                f"saved_tensors after they were freed): the first backward freed "
                f"{self._function.__name__}Backward. Pass retain_graph=True to the first "
                "backward() if you need to call it twice."
            )
        for i, (t, version) in enumerate(self._saved):
            if t is not None and t._version[0] != version:
                raise RuntimeError(
                    "one of the tensors needed for gradient computation has been modified "
                    f"by an in-place operation: saved tensor {i} of "
                    f"{self._function.__name__} (shape {tuple(t.shape)}) is at version "
                    f"{t._version[0]}; expected version {version} instead. Use an "
                    "out-of-place op, or save a .clone()."
                )
        return tuple(t for t, _ in self._saved)

    def mark_non_differentiable(self, *tensors: Tensor) -> None:
        """Declare outputs that get no gradient (indices, masks).

        >>> import twingrad
        >>> class Mask(Function):
        ...     @staticmethod
        ...     def forward(ctx, x):
        ...         m = (x > 0).float(); ctx.mark_non_differentiable(m); return m
        >>> Mask.apply(twingrad.tensor([-1.0, 2.0], requires_grad=True))
        tensor([0., 1.])
        """
        self._non_differentiable = tensors

    def set_materialize_grads(self, value: bool) -> None:
        """Accepted for PyTorch's sake: twingrad's Function has one output, so ``backward``
        is only called with a real gradient tensor, never a missing one.

        >>> FunctionCtx(Function, ()).set_materialize_grads(False)
        """

    def mark_dirty(self, *tensors: Tensor) -> None:
        """Refused: twingrad's ``Function`` cannot change its inputs in place.

        A forward that would call it returns a new tensor instead.

        >>> FunctionCtx(Function, ()).mark_dirty()  # doctest: +ELLIPSIS
        Traceback (most recent call last):
        ...
        RuntimeError: Function.forward changes an input in place (mark_dirty), ...
        """
        raise RuntimeError(
            f"{self._function.__name__}.forward changes an input in place (mark_dirty), which "
            "twingrad's autograd.Function does not support; return a new tensor instead"
        )


class Function:
    """Subclass it with static ``forward(ctx, *args)`` and ``backward(ctx, grad_output)``,
    then call ``YourFunction.apply(*args)``. PyTorch's other form, ``forward(*args)`` with
    ``setup_context(ctx, inputs, output)``, works too."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        raise RuntimeError(
            f"{type(self).__name__} is an autograd.Function: call {type(self).__name__}"
            ".apply(...) rather than making an instance"
        )

    @staticmethod
    def forward(ctx: Any, *args: Any, **kwargs: Any) -> Tensor:
        """Override: compute the output from the inputs (a subclass without it is refused).

        >>> import twingrad
        >>> class Double(Function):
        ...     @staticmethod
        ...     def forward(ctx, x):
        ...         return x * 2
        ...     @staticmethod
        ...     def backward(ctx, g):
        ...         return g * 2
        >>> Double.apply(twingrad.tensor([1.0, 3.0]))
        tensor([2., 6.])
        """
        raise TypeError(
            "an autograd.Function needs a forward: define "
            "`@staticmethod def forward(ctx, ...)` in your subclass"
        )

    @staticmethod
    def setup_context(ctx: FunctionCtx, inputs: tuple[Any, ...], output: Tensor) -> None:
        """Fill ``ctx`` from the inputs and output, for a ``forward`` without ``ctx``.

        >>> import twingrad
        >>> class Cube(Function):
        ...     forward = staticmethod(lambda x: x**3)
        ...     setup_context = staticmethod(lambda ctx, xs, out: ctx.save_for_backward(*xs))
        ...     backward = staticmethod(lambda ctx, g: 3 * ctx.saved_tensors[0] ** 2 * g)
        >>> x = twingrad.tensor(2.0, requires_grad=True); Cube.apply(x).backward(); x.grad
        tensor(12.)
        """

    @staticmethod
    def backward(
        ctx: FunctionCtx, *grad_outputs: Tensor
    ) -> Tensor | tuple[Tensor | None, ...] | None:
        """Override: the gradient of each input from the output's gradient ``grad_outputs``.

        >>> import twingrad
        >>> class Square(Function):
        ...     @staticmethod
        ...     def forward(ctx, x):
        ...         ctx.save_for_backward(x)
        ...         return x * x
        ...     @staticmethod
        ...     def backward(ctx, g):
        ...         (x,) = ctx.saved_tensors
        ...         return 2 * x * g
        >>> x = twingrad.tensor([3.0], requires_grad=True)
        >>> Square.apply(x).sum().backward()
        >>> x.grad
        tensor([6.])
        """
        raise TypeError(
            "an autograd.Function needs a backward to be used with backward(): define "
            "`@staticmethod def backward(ctx, grad_output)` in your subclass"
        )

    @classmethod
    def apply(cls, *args: Any, **kwargs: Any) -> Tensor:
        """Run ``forward`` and, if an input tensor requires grad, record its node.

        >>> import twingrad
        >>> class Neg(Function):
        ...     forward = staticmethod(lambda ctx, x: -x)
        ...     backward = staticmethod(lambda ctx, g: -g)
        >>> Neg.apply(twingrad.tensor([1.0], requires_grad=True))
        tensor([-1.], grad_fn=<NegBackward>)
        """
        needs = tuple(isinstance(a, Tensor) and a._requires_grad for a in args)
        ctx = FunctionCtx(cls, needs)
        separate = cls.setup_context is not Function.setup_context
        with no_grad():  # forward's inner ops are not recorded: backward is the user's
            out = cls.forward(*args, **kwargs) if separate else cls.forward(ctx, *args, **kwargs)
            if separate:
                cls.setup_context(ctx, args, out)
        if not isinstance(out, Tensor):
            kind = f"a tuple of {len(out)}" if isinstance(out, tuple) else type(out).__name__
            raise TypeError(
                f"{cls.__name__}.forward returned {kind}; twingrad's autograd.Function "
                "supports forwards that return one tensor"
            )
        positions = [i for i, a in enumerate(args) if isinstance(a, Tensor)]
        inputs = tuple(args[i] for i in positions)
        if any(out is x for x in inputs) or out._op is not None or out._requires_grad:
            out = Tensor._make(out._data)  # a node of its own, not the input's or a leaf's
        record = (
            _grad_mode.enabled
            and any(needs)
            and out._data.dtype.kind in "fO"
            and not any(t is out for t in ctx._non_differentiable)
        )
        if record:
            out._requires_grad = True
            out._op = _rule(cls)
            out._prev = inputs
            out._params = {"ctx": ctx}
            ctx._positions = positions
            ctx._shapes = [tuple(x.shape) for x in inputs]
            ctx._nargs = len(args)
            out._versions = tuple(x._version[0] for x in inputs)
            ctx._output = weakref.ref(out)
        return out


_RULES: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()  # Function class -> Rule


def _rule(cls: type) -> Rule:
    """The rule of a Function class: one vjp for every input, which calls its backward."""
    rule = _RULES.get(cls)
    if rule is None:
        name = f"{cls.__name__} (autograd.Function)"
        text = f"{cls.__name__}.backward"
        rule = _RULES[cls] = Rule(
            name, f"{cls.__name__}(x)", rf"\mathrm{{{cls.__name__}}}(x)", _refuse_forward,
            grad={"x": _function_vjp}, text={"x": text}, tex={"x": rf"\texttt{{{text}}}"},
            saves=(), rational=False, variadic=True,
        )  # fmt: skip
        grad_fn._TORCH_NAMES[name] = f"{cls.__name__}Backward"  # PyTorch's grad_fn name
    return rule


def _refuse_forward(*args, **params):
    raise TypeError("an autograd.Function runs forward through its apply(), not its rule")


def _function_vjp(grad, out, *inputs, which: int, ctx):
    """The gradient of input ``which``: the user's backward, run once per backward pass
    (the engine asks for each input in turn, with the same ``grad``). It reads neither
    the inputs nor the output, only what ``ctx`` saved, which ``saved_tensors`` checks."""
    if ctx._cached is None or ctx._cached[0] is not grad:
        arrays = isinstance(grad, np.ndarray | np.generic)
        g = Tensor._make(np.asarray(grad)) if arrays else grad
        grads = _gradients(ctx, ctx._function.backward(ctx, g), ctx._nargs)
        ctx._cached = (grad, grads, arrays)
    _, grads, arrays = ctx._cached
    position = ctx._positions[which]
    gi = grads[position]
    if gi is None:
        return None
    shape, got = ctx._shapes[which], tuple(gi.shape)
    if got != shape:
        # as PyTorch: a gradient the input broadcasts to is summed back to the input's
        # shape (the engine does that for every op); any other shape is a mistake
        try:
            compatible = np.broadcast_shapes(shape, got) == got
        except ValueError:
            compatible = False
        if not compatible:
            raise RuntimeError(
                f"Function {ctx._function.__name__}Backward returned an invalid gradient at "
                f"index {position} - got {list(got)} but expected shape compatible with "
                f"{list(shape)}"
            )
    return gi._data if arrays else gi


def _gradients(ctx, grads, nargs: int) -> tuple:
    """``backward``'s result as one gradient per argument of ``forward``, checked."""
    grads = grads if isinstance(grads, tuple) else (grads,)
    name = ctx._function.__name__
    if len(grads) < nargs or any(g is not None for g in grads[nargs:]):
        raise RuntimeError(
            f"function {name}Backward returned an incorrect number of gradients (expected "
            f"{nargs}, got {len(grads)})"
        )
    for i, g in enumerate(grads[:nargs]):
        if g is not None and not isinstance(g, Tensor):
            raise TypeError(
                f"{name}.backward returned a {type(g).__name__} as gradient {i}; return a "
                "tensor (or None for an argument without a gradient)"
            )
    return grads[:nargs]
