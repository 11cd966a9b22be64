"""`Tensor`: a numpy array that remembers how it was computed.

The class is its fields and shape (`base`), its autograd state (here), and its methods,
each group in a file of its own: conversions, the Python operators, in-place updates and
their version machinery, indexing, ``new_*`` constructors, and the methods that are
twingrad's functions (``x.sum(1)`` is ``twingrad.sum(x, 1)``, listed in `methods`).

>>> import twingrad
>>> x = twingrad.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
>>> y = (x * x).sum()
>>> y.backward()
>>> x.grad
tensor([[2., 4.],
        [6., 8.]])
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

from twingrad._tensor import dtypes, engine
from twingrad._tensor.base import Size, TensorBase
from twingrad._tensor.conversions import Conversions
from twingrad._tensor.engine import GradFn, run_backward
from twingrad._tensor.functional import grad_seed
from twingrad._tensor.indexing import IndexingOps
from twingrad._tensor.inplace import InPlace
from twingrad._tensor.methods import FunctionMethods
from twingrad._tensor.new import NewTensorOps
from twingrad._tensor.operators import Operators
from twingrad._tensor.updates import Updates
from twingrad.core.graph import new_stamp

if TYPE_CHECKING:
    from numpy.typing import ArrayLike


class Tensor(
    TensorBase,
    Conversions,
    Operators,
    FunctionMethods,
    Updates,
    InPlace,
    IndexingOps,
    NewTensorOps,
):
    """An n-dimensional array with autograd, mirroring ``torch.Tensor``.

    Build one with `twingrad.tensor`; ``Tensor(data)`` makes a tensor of the default
    float dtype, and ``Tensor(2, 3)`` one of that shape (zeros here, where PyTorch leaves
    the memory uninitialized), as ``torch.Tensor`` does.

    Its methods come from its bases, one module each: `base.TensorBase` (fields, shape),
    `conversions`, `operators`, `methods` (twingrad's functions as methods: ``x.exp()``
    is ``twingrad.exp(x)``), `updates` (in-place ops) and `inplace` (their machinery),
    `indexing` (``x[i]``) and `new` (``x.new_zeros``); the autograd state is here.
    """

    __slots__ = ()  # the fields are `TensorBase`'s

    def __init__(
        self,
        *data: ArrayLike,
        dtype: dtypes.dtype | str | type | None = None,
        requires_grad: bool = False,
    ) -> None:
        from twingrad._tensor.creation import as_array

        d = dtypes.as_dtype(dtype) if dtype else dtypes.get_default_dtype()
        if data and all(isinstance(n, int | np.integer) and not isinstance(n, bool) for n in data):
            array = np.zeros(tuple(int(n) for n in data), dtype=d.numpy)  # Tensor(2, 3)
        elif len(data) <= 1:
            array = as_array(data[0] if data else (), d)
        else:
            raise TypeError(
                "Tensor() takes one sequence of values or integer sizes, got "
                f"{', '.join(type(x).__name__ for x in data)}"
            )
        self._setup(array)
        self.requires_grad = requires_grad

    @staticmethod
    def _make(array: np.ndarray) -> Tensor:
        """Wrap an array twingrad already holds (no checks, no copy) in a new `Tensor`.

        Every op result goes through here, so it sets the slots itself (see `_setup`). It
        makes a plain Tensor whatever it is called on (``x._make``, a Parameter's too), so
        an op module can make its result from an operand without importing this class.
        """
        t = _new(Tensor)
        t._data = array if type(array) is np.ndarray else np.asarray(array)
        t._requires_grad = False
        t._grad = None
        t._op = None
        t._prev = ()
        t._params = None
        t._versions = ()
        t._version = [0, -1, -1]
        t._seq = _next_stamp()
        t._freed = False
        t._retains_grad = False
        t.name = None
        return t

    def _setup(self, array: np.ndarray) -> None:
        """Set the fields of a new leaf holding ``array`` (see `TensorBase`)."""
        self._data = array
        self._requires_grad = False
        self._grad = None
        self._op = None
        self._prev = ()
        self._params = None
        self._versions = ()
        self._version = [0, -1, -1]
        self._seq = new_stamp()
        self._freed = False
        self._retains_grad = False
        self.name = None

    # -- autograd state -------------------------------------------------------------

    @property
    def requires_grad(self) -> bool:
        """Whether backward computes a gradient for this tensor (settable on leaves).

        >>> import twingrad
        >>> x = twingrad.tensor([1.0], requires_grad=True)
        >>> x.requires_grad, (x * 2).requires_grad, x.detach().requires_grad
        (True, True, False)
        """
        return self._requires_grad

    @requires_grad.setter
    def requires_grad(self, flag: bool) -> None:
        flag = bool(flag)
        if self._op is not None and not flag:
            raise RuntimeError(
                "you can only change requires_grad flags of leaf tensors; use .detach() "
                "to get a tensor that does not require grad"
            )
        if flag and not self.dtype.is_floating_point:
            raise RuntimeError(
                "only tensors of floating point dtype can require gradients, got "
                f"{self.dtype}; convert with .float() or .double() first"
            )
        self._requires_grad = flag

    def requires_grad_(self, requires_grad: bool = True) -> Tensor:
        """Set ``requires_grad`` in place and return ``self``.

        >>> import twingrad
        >>> twingrad.zeros(2).requires_grad_()
        tensor([0., 0.], requires_grad=True)
        """
        self.requires_grad = requires_grad
        return self

    @property
    def is_leaf(self) -> bool:
        """True unless an op that records gradients made this tensor.

        >>> import twingrad
        >>> x = twingrad.tensor([1.0], requires_grad=True)
        >>> x.is_leaf, (x * 2).is_leaf
        (True, False)
        """
        return self._op is None

    @property
    def grad_fn(self) -> GradFn | None:
        """The backward of the op that made this tensor (None for a leaf).

        >>> import twingrad
        >>> x = twingrad.tensor([1.0], requires_grad=True)
        >>> x.grad_fn, (x * 2).grad_fn
        (None, <MulBackward0>)
        """
        return None if self._op is None else GradFn(self)

    @property
    def grad(self) -> Tensor | None:
        """The gradient backward accumulated here (None until then); settable.

        >>> import twingrad
        >>> x = twingrad.tensor([1.0, 2.0], requires_grad=True)
        >>> (x * x).sum().backward()
        >>> x.grad
        tensor([2., 4.])
        """
        return self._grad

    @grad.setter
    def grad(self, value: Tensor | None) -> None:
        if value is not None:
            if not isinstance(value, Tensor):
                raise TypeError(f"assigned grad must be a Tensor or None, got {type(value)}")
            if value.shape != self.shape:
                raise RuntimeError(
                    f"assigned grad has shape {tuple(value.shape)} but the tensor has shape "
                    f"{tuple(self.shape)}"
                )
        self._grad = value

    def retain_grad(self) -> None:
        """Keep ``.grad`` for this non-leaf tensor after backward.

        >>> import twingrad
        >>> y = twingrad.tensor([1.0, 2.0], requires_grad=True) * 2
        >>> y.retain_grad(); y.sum().backward(); y.grad
        tensor([1., 1.])
        """
        if not self._requires_grad:
            raise RuntimeError("can't retain_grad on a tensor that has requires_grad=False")
        if self._op is not None:
            self._retains_grad = True

    @property
    def retains_grad(self) -> bool:
        """Whether ``retain_grad()`` was called on this non-leaf.

        >>> import twingrad
        >>> y = twingrad.tensor([1.0], requires_grad=True) * 2
        >>> y.retain_grad()
        >>> y.retains_grad
        True
        """
        return self._retains_grad

    def detach(self) -> Tensor:
        """A tensor with the same data (shared memory) that is outside the graph.

        >>> import twingrad
        >>> (twingrad.tensor([1.0], requires_grad=True) * 2).detach()
        tensor([2.])
        """
        t = Tensor._make(self._data)
        t._version = self._version
        return t

    def detach_(self) -> Tensor:
        """Take this tensor out of the graph in place (it becomes a leaf).

        >>> import twingrad
        >>> y = twingrad.tensor([1.0], requires_grad=True) * 2
        >>> y.detach_().is_leaf, y.requires_grad
        (True, False)
        """
        self._op, self._prev, self._params, self._versions = None, (), None, ()
        self._requires_grad = False
        return self

    @property
    def data(self) -> Tensor:
        """The values without their history (shares memory; changes are not tracked).

        >>> import twingrad
        >>> twingrad.tensor([1.0, 2.0], requires_grad=True).data
        tensor([1., 2.])
        """
        return Tensor._make(self._data)

    @data.setter
    def data(self, value: Tensor) -> None:
        self._data = value._data if isinstance(value, Tensor) else np.asarray(value)

    def backward(
        self,
        gradient: Tensor | None = None,
        retain_graph: bool | None = None,
        create_graph: bool = False,
        inputs: Tensor | Sequence[Tensor] | None = None,
    ) -> None:
        """Accumulate d(self)/d(leaf) into ``.grad`` of every leaf that requires grad.

        A scalar needs no ``gradient``; a tensor with more elements needs one of its
        shape (the vector in the vector-Jacobian product). The graph is freed afterwards
        unless ``retain_graph`` (or ``create_graph``, which also makes the gradients
        differentiable) is set.

        >>> import twingrad
        >>> x = twingrad.tensor([1.0, 2.0], requires_grad=True)
        >>> (x * x).backward(twingrad.tensor([1.0, 10.0]))
        >>> x.grad
        tensor([ 2., 40.])
        """
        if retain_graph is None:
            retain_graph = create_graph
        seed = grad_seed(self, gradient, create_graph)
        inputs = None if inputs is None else list(inputs)
        results = run_backward([self], [seed], retain_graph, create_graph, inputs)
        for node, g in results.items():
            node._accumulate_grad(g, create_graph)

    def _accumulate_grad(self, g, create_graph: bool) -> None:
        """Add ``g`` (of this tensor's shape and dtype) into ``.grad``, as PyTorch does:
        in place into an existing grad, out of place (differentiably) with create_graph."""
        if create_graph:
            self._grad = g if self._grad is None else self._grad + g
            return
        grad = self._grad
        if grad is None:
            # a copy: g may be shared with another input's gradient or the caller's seed
            self._grad = Tensor._make(g.copy() if type(g) is np.ndarray else np.array(g))
        elif grad._data.flags.writeable and grad._data.dtype == g.dtype:
            np.add(grad._data, g, out=grad._data)
            grad._version[0] += 1
        else:
            grad._data = grad._data + g


_new = object.__new__
_next_stamp = new_stamp
# Until the engine makes its results through an operand's type, its hot paths read the
# class from this module attribute.
engine.Tensor = Tensor

__all__ = ["Size", "Tensor"]
