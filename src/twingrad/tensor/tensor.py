"""`Tensor`: a numpy array that remembers how it was computed.

The class is assembled from one mixin per op group (elementwise, reductions, movement and
indexing, linear algebra), each in its own file; this file holds what every tensor is:
its data, dtype and shape, its autograd state, conversions, and in-place updates.

>>> import twingrad
>>> x = twingrad.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
>>> y = (x * x).sum()
>>> y.backward()
>>> x.grad
tensor([[2., 4.],
        [6., 8.]])
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np

from twingrad.graph import is_grad_enabled, new_stamp
from twingrad.rules import RULES
from twingrad.tensor import dtypes
from twingrad.tensor.autograd import AccumulateGrad, GradFn, apply, run_backward
from twingrad.tensor.elementwise import ElementwiseOps
from twingrad.tensor.indexing import IndexingOps
from twingrad.tensor.linalg import LinalgOps
from twingrad.tensor.movement import MovementOps
from twingrad.tensor.reduce import ReductionOps


class Size(tuple):
    """A tensor's shape: a tuple that prints like PyTorch's ``torch.Size``."""

    def numel(self) -> int:
        n = 1
        for d in self:
            n *= d
        return n

    def __repr__(self) -> str:
        return f"twingrad.Size({list(self)})"


class Tensor(ElementwiseOps, ReductionOps, MovementOps, IndexingOps, LinalgOps):
    """An n-dimensional array with autograd, mirroring ``torch.Tensor``.

    Build one with `twingrad.tensor`; ``Tensor(data)`` makes a tensor of the default
    float dtype, as ``torch.Tensor(data)`` does.
    """

    __slots__ = (
        "_data",
        "_requires_grad",
        "_grad",
        "_op",
        "_prev",
        "_params",
        "_versions",
        "_version",
        "_seq",
        "_freed",
        "_retains_grad",
        "name",
        "__weakref__",
    )
    __array_priority__ = 1000  # numpy defers to Tensor's reflected operators

    def __init__(self, data=(), *, dtype=None, requires_grad: bool = False):
        from twingrad.tensor.creation import as_array

        array = as_array(data, dtypes.as_dtype(dtype) if dtype else dtypes.get_default_dtype())
        self._setup(array)
        self.requires_grad = requires_grad

    @classmethod
    def _make(cls, array: np.ndarray) -> Tensor:
        """Wrap an array twingrad already holds (no checks, no copy)."""
        t = cls.__new__(cls)
        t._setup(array if isinstance(array, np.ndarray) else np.asarray(array))
        return t

    def _setup(self, array: np.ndarray) -> None:
        self._data = array
        self._requires_grad = False
        self._grad = None
        self._op = None  # the Rule that produced this tensor; None for a leaf
        self._prev = ()  # input tensors, in argument order
        self._params = None
        self._versions = ()  # each input's version when this node was recorded
        self._version = [0]  # shared with views of the same memory
        self._seq = new_stamp()
        self._freed = False
        self._retains_grad = False
        self.name = None

    # -- what a tensor is -----------------------------------------------------------

    @property
    def dtype(self) -> dtypes.dtype:
        return dtypes.of_array(self._data)

    @property
    def shape(self) -> Size:
        return Size(self._data.shape)

    def size(self, dim: int | None = None):
        """The shape, or the length of dimension ``dim``."""
        if dim is None:
            return self.shape
        return self._data.shape[self._dim(dim)]

    @property
    def ndim(self) -> int:
        return self._data.ndim

    def dim(self) -> int:
        return self._data.ndim

    def numel(self) -> int:
        return int(self._data.size)

    @property
    def device(self) -> str:
        return "cpu"

    def is_floating_point(self) -> bool:
        return self.dtype.is_floating_point

    def __len__(self) -> int:
        if self._data.ndim == 0:
            raise TypeError("len() of a 0-d tensor")
        return self._data.shape[0]

    def _dim(self, dim: int) -> int:
        """A dimension index made non-negative, or an IndexError naming the valid range."""
        n = max(self._data.ndim, 1)
        if not -n <= dim < n:
            raise IndexError(
                f"Dimension out of range (expected to be in range of [{-n}, {n - 1}], "
                f"but got {dim})"
            )
        return dim % n

    # -- autograd state -------------------------------------------------------------

    @property
    def requires_grad(self) -> bool:
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
        self.requires_grad = requires_grad
        return self

    @property
    def is_leaf(self) -> bool:
        return self._op is None

    @property
    def grad_fn(self):
        """The backward of the op that made this tensor (None for a leaf)."""
        return None if self._op is None else GradFn(self)

    @property
    def grad(self):
        return self._grad

    @grad.setter
    def grad(self, value) -> None:
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
        """Keep ``.grad`` for this non-leaf tensor after backward."""
        if not self._requires_grad:
            raise RuntimeError("can't retain_grad on a tensor that has requires_grad=False")
        if self._op is not None:
            self._retains_grad = True

    @property
    def retains_grad(self) -> bool:
        return self._retains_grad

    def detach(self) -> Tensor:
        """A tensor with the same data (shared memory) that is outside the graph."""
        t = Tensor._make(self._data)
        t._version = self._version
        return t

    def detach_(self) -> Tensor:
        self._op, self._prev, self._params, self._versions = None, (), None, ()
        self._requires_grad = False
        return self

    @property
    def data(self) -> Tensor:
        """The values without their history (shares memory; changes are not tracked)."""
        return Tensor._make(self._data)

    @data.setter
    def data(self, value: Tensor) -> None:
        self._data = value._data if isinstance(value, Tensor) else np.asarray(value)

    def backward(
        self,
        gradient: Tensor | None = None,
        retain_graph: bool | None = None,
        create_graph: bool = False,
        inputs=None,
    ) -> None:
        """Accumulate d(self)/d(leaf) into ``.grad`` of every leaf that requires grad.

        A scalar needs no ``gradient``; a tensor with more elements needs one of its
        shape (the vector in the vector-Jacobian product). The graph is freed afterwards
        unless ``retain_graph`` (or ``create_graph``, which also makes the gradients
        differentiable) is set.
        """
        from twingrad.tensor.functional import grad_seed

        if retain_graph is None:
            retain_graph = create_graph
        seed = grad_seed(self, gradient, create_graph)
        inputs = None if inputs is None else list(inputs)
        results = run_backward([self], [seed], retain_graph, create_graph, inputs)
        for node, g in results.items():
            node._accumulate_grad(g, create_graph)

    def _accumulate_grad(self, g, create_graph: bool) -> None:
        if create_graph:
            self._grad = g if self._grad is None else self._grad + g
        elif self._grad is None:
            data = np.array(g, dtype=self.dtype.numpy, copy=True).reshape(self._data.shape)
            self._grad = Tensor._make(data)
        else:
            self._grad._data = self._grad._data + g

    # -- in-place updates -----------------------------------------------------------

    def _inplace(self, result: Tensor) -> Tensor:
        """Make ``self`` hold ``result`` (computed from ``self``) as an in-place op does.

        The graph stays correct: the old value moves into a fresh node that the new one
        depends on, and the version bump makes any other node that read the old value
        refuse to run backward.
        """
        if self._requires_grad and self._op is None and is_grad_enabled():
            raise RuntimeError(
                "a leaf tensor that requires grad is being used in an in-place operation; "
                "wrap the update in `with twingrad.no_grad():` or use an out-of-place op"
            )
        if result._data.shape != self._data.shape:
            raise RuntimeError(
                f"output with shape {tuple(self.shape)} doesn't match the broadcast shape "
                f"{tuple(result.shape)} of the in-place operation"
            )
        if result.dtype is not self.dtype:
            if not np.can_cast(result._data.dtype, self._data.dtype, casting="same_kind"):
                raise RuntimeError(
                    f"result type {result.dtype.name} can't be cast to the desired output "
                    f"type {self.dtype.name} of an in-place operation"
                )
        if result._op is not None:
            old = Tensor._make(self._data.copy())
            old._requires_grad = self._requires_grad
            old._op, old._prev, old._params = self._op, self._prev, self._params
            old._versions, old._seq, old._freed = self._versions, self._seq, self._freed
            self._op = result._op
            self._prev = tuple(old if p is self else p for p in result._prev)
            self._params = result._params
            self._versions = tuple(
                0 if p is self else v for p, v in zip(result._prev, result._versions)
            )
            self._requires_grad = True
            self._freed = False
            self._seq = new_stamp()
        elif self._op is not None:
            # the new value does not depend on the old one: the history no longer applies
            self._op, self._prev, self._params, self._versions = None, (), None, ()
            self._requires_grad = False
        self._data[...] = result._data
        self._version[0] += 1
        return self

    # -- conversions ----------------------------------------------------------------

    def item(self):
        """The value of a one-element tensor as a Python number."""
        if self._data.size != 1:
            raise RuntimeError(
                f"a Tensor with {self._data.size} elements cannot be converted to a Python "
                "number; item() needs exactly one element"
            )
        v = self._data.reshape(()).item()
        return v

    def tolist(self):
        return self._data.tolist()

    def numpy(self) -> np.ndarray:
        """The data as a numpy array (shared memory)."""
        if self._requires_grad:
            raise RuntimeError(
                "can't call numpy() on a tensor that requires grad; use "
                "tensor.detach().numpy() instead"
            )
        return self._data

    def __array__(self, dtype=None, copy=None):
        return self._data if dtype is None else self._data.astype(dtype)

    def __float__(self) -> float:
        return float(self.item())

    def __int__(self) -> int:
        return int(self.item())

    def __index__(self) -> int:
        if self.dtype is not dtypes.int64 or self._data.size != 1:
            raise TypeError("only integer tensors of a single element can be used as an index")
        return int(self.item())

    def __bool__(self) -> bool:
        if self._data.size != 1:
            raise RuntimeError(
                f"Boolean value of a tensor with {self._data.size} elements is ambiguous"
            )
        return bool(self._data.reshape(()))

    def __iter__(self):
        if self._data.ndim == 0:
            raise TypeError("iteration over a 0-d tensor")
        return (self[i] for i in range(self._data.shape[0]))

    __hash__ = object.__hash__

    def to(self, dtype=None, *args, **kwargs) -> Tensor:
        """A copy converted to ``dtype`` (differentiable between floating dtypes).

        Device arguments ("cpu") are accepted and ignored; twingrad runs on the CPU.
        """
        if isinstance(dtype, str) and dtype in ("cpu",):
            dtype = kwargs.get("dtype")
        if isinstance(dtype, Tensor):
            dtype = dtype.dtype
        if dtype is None:
            return self
        d = dtypes.as_dtype(dtype)
        if d is self.dtype:
            return self
        return apply(RULES["to_dtype"], self, dtype=d.numpy)

    def type_as(self, other: Tensor) -> Tensor:
        return self.to(other.dtype)

    def float(self) -> Tensor:
        return self.to(dtypes.float32)

    def double(self) -> Tensor:
        return self.to(dtypes.float64)

    def long(self) -> Tensor:
        return self.to(dtypes.int64)

    def bool(self) -> Tensor:
        return self.to(dtypes.bool_)

    def cpu(self) -> Tensor:
        return self

    def clone(self) -> Tensor:
        """A copy that stays in the graph (gradients flow back to ``self``)."""
        return apply(RULES["clone"], self)

    def __repr__(self) -> str:
        d = self._data
        if d.dtype == object:
            body = np.array2string(
                d, separator=", ", prefix="tensor(", formatter={"all": _fraction_str}
            )
        else:
            body = np.array2string(d, separator=", ", prefix="tensor(", **_float_style(d))
        extras = []
        if self.dtype not in (dtypes.get_default_dtype(), dtypes.int64, dtypes.bool_):
            extras.append(f"dtype={self.dtype}")
        if d.size == 0:
            extras.append(f"size={tuple(d.shape)}")
        if self._op is not None:
            extras.append(f"grad_fn=<{GradFn(self).name()}>")
        elif self._requires_grad:
            extras.append("requires_grad=True")
        return "tensor(" + ", ".join([body, *extras]) + ")"


def _float_style(d: np.ndarray) -> dict:
    """PyTorch's print style: ``2.`` for whole numbers, else 4 decimals or scientific."""
    if d.dtype.kind != "f" or d.size == 0:
        return {}
    finite = np.abs(d[np.isfinite(d)])
    if finite.size == 0 or np.all(finite == np.round(finite)) and finite.max() < 1e8:
        return {"precision": 4, "floatmode": "maxprec_equal"}
    nonzero = finite[finite > 0]
    if finite.max() >= 1e8 or (nonzero.size and nonzero.min() < 1e-4):
        return {"formatter": {"float_kind": lambda v: f"{v:.4e}"}}
    return {"precision": 4, "floatmode": "fixed", "suppress_small": True}


def _fraction_str(x) -> str:
    return str(Fraction(x))


__all__ = ["AccumulateGrad", "Size", "Tensor"]
