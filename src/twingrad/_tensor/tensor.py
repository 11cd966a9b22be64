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

from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from twingrad._tensor import devices, dtypes, engine
from twingrad._tensor.elementwise import ElementwiseOps
from twingrad._tensor.engine import AccumulateGrad, GradFn, apply, run_backward
from twingrad._tensor.functional import grad_seed
from twingrad._tensor.indexing import IndexingOps
from twingrad._tensor.linalg import LinalgOps
from twingrad._tensor.mathops import MathOps
from twingrad._tensor.matrix import MatrixOps
from twingrad._tensor.movement import MovementOps
from twingrad._tensor.new import NewTensorOps
from twingrad._tensor.norm import NormOps
from twingrad._tensor.printing import tensor_repr
from twingrad._tensor.reduce import ReductionOps
from twingrad._tensor.rounding import RoundingOps
from twingrad._tensor.scan import ScanOps
from twingrad._tensor.sorting import SortingOps
from twingrad.core import graph
from twingrad.core.graph import _grad_mode, new_stamp
from twingrad.rules import RULES

if TYPE_CHECKING:
    from fractions import Fraction

    from numpy.typing import ArrayLike, DTypeLike


class Size(tuple):
    """A tensor's shape: a tuple that prints like PyTorch's ``torch.Size``."""

    def numel(self) -> int:
        """The number of elements: the product of the sizes.

        >>> import twingrad
        >>> twingrad.zeros(2, 3, 4).shape.numel()
        24
        """
        n = 1
        for d in self:
            n *= d
        return n

    def __repr__(self) -> str:
        return f"twingrad.Size({list(self)})"


class Tensor(
    ElementwiseOps,
    ReductionOps,
    MovementOps,
    IndexingOps,
    LinalgOps,
    MathOps,
    SortingOps,
    RoundingOps,
    ScanOps,
    MatrixOps,
    NormOps,
    NewTensorOps,
):
    """An n-dimensional array with autograd, mirroring ``torch.Tensor``.

    Build one with `twingrad.tensor`; ``Tensor(data)`` makes a tensor of the default
    float dtype, and ``Tensor(2, 3)`` one of that shape (zeros here, where PyTorch leaves
    the memory uninitialized), as ``torch.Tensor`` does.
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

    @classmethod
    def _make(cls, array: np.ndarray) -> Tensor:
        """Wrap an array twingrad already holds (no checks, no copy).

        Every op result goes through here, so it sets the slots itself (see `_setup`).
        """
        t = _new(cls)
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
        self._data = array
        self._requires_grad = False
        self._grad = None
        self._op = None  # the Rule that produced this tensor; None for a leaf
        self._prev = ()  # input tensors, in argument order
        self._params = None
        self._versions = ()  # each input's version when this node was recorded
        # shared with views of the same memory: [version, stamp of the last in-place
        # change, stamp of the last change made through a view of a recorded tensor]
        self._version = [0, -1, -1]
        self._seq = new_stamp()
        self._freed = False
        self._retains_grad = False
        self.name = None

    # -- what a tensor is -----------------------------------------------------------

    @property
    def dtype(self) -> dtypes.dtype:
        """The element type, e.g. ``twingrad.float32``.

        >>> import twingrad
        >>> twingrad.tensor([1, 2]).dtype
        twingrad.int64
        """
        return dtypes.of_array(self._data)

    @property
    def shape(self) -> Size:
        """The sizes of the dimensions, as a `Size`.

        >>> import twingrad
        >>> twingrad.zeros(2, 3).shape
        twingrad.Size([2, 3])
        """
        return Size(self._data.shape)

    def size(self, dim: int | None = None) -> Size | int:
        """The shape, or the length of dimension ``dim``.

        >>> import twingrad
        >>> twingrad.zeros(2, 3).size(), twingrad.zeros(2, 3).size(-1)
        (twingrad.Size([2, 3]), 3)
        """
        if dim is None:
            return self.shape
        return self._data.shape[self._dim(dim)]

    @property
    def ndim(self) -> int:
        """The number of dimensions.

        >>> import twingrad
        >>> twingrad.zeros(2, 3).ndim
        2
        """
        return self._data.ndim

    def dim(self) -> int:
        """The number of dimensions (PyTorch's method form of ``ndim``).

        >>> import twingrad
        >>> twingrad.tensor(5.0).dim()
        0
        """
        return self._data.ndim

    def numel(self) -> int:
        """The number of elements.

        >>> import twingrad
        >>> twingrad.zeros(2, 3).numel()
        6
        """
        return int(self._data.size)

    @property
    def device(self) -> devices.device:
        """Always the CPU: twingrad computes with numpy.

        >>> import twingrad
        >>> twingrad.zeros(1).device
        device(type='cpu')
        """
        return devices.CPU

    def is_floating_point(self) -> bool:
        """Whether the dtype is a floating (or Fraction) type.

        >>> import twingrad
        >>> twingrad.tensor([1.0]).is_floating_point(), twingrad.tensor([1]).is_floating_point()
        (True, False)
        """
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

    # -- in-place updates -----------------------------------------------------------

    def _inplace(self, result: Tensor) -> Tensor:
        """Make ``self`` hold ``result`` (computed from ``self``) as an in-place op does.

        Everything is checked before anything changes, so a refused update leaves the
        tensor as it was. When the update is recorded, the old value moves into a fresh
        node (a copy) that the new one depends on, and the nodes of ``result`` that read
        ``self`` are pointed at it; any other node that read the old value sees the
        version bump and refuses to run backward. Under no_grad only the values change and
        the history stays, as in PyTorch.

        Through an indexed view of a recorded tensor (``x[0].add_(1)``), the viewed tensor
        is rebuilt as ``x`` with the new view put at its index (PyTorch's CopySlices).
        Through other views its history is kept, and backward refuses it.
        """
        recording = _grad_mode.enabled
        data = self._data
        if recording and self._requires_grad and self._op is None:
            raise RuntimeError(
                "a leaf tensor that requires grad is being used in an in-place operation; "
                "wrap the update in `with twingrad.no_grad():` or use an out-of-place op"
            )
        if result._data.shape != data.shape:
            raise RuntimeError(
                f"output with shape {list(data.shape)} doesn't match the broadcast shape "
                f"{list(result._data.shape)} of the in-place operation"
            )
        if result._data.dtype != data.dtype and not np.can_cast(
            result._data.dtype, data.dtype, casting="same_kind"
        ):
            raise RuntimeError(
                f"result type {result.dtype.name} can't be cast to the desired output "
                f"type {self.dtype.name} of an in-place operation"
            )
        base = _viewed_base(self) if recording else self
        if base is not self and base._requires_grad and base._op is None:
            raise RuntimeError(
                "a view of a leaf Variable that requires grad is being used in an in-place "
                "operation; wrap the update in `with twingrad.no_grad():`"
            )
        if recording:
            if self._op is not None and (result._op is None or not _readers(result, self)):
                # The new value does not depend on the old one (fill_, zero_, copy_), yet
                # PyTorch keeps the tensor in the graph, with a zero gradient to its past.
                # x ** 0 is exactly 1, even at inf and nan, so value * x ** 0 does that.
                value = result if result._data.dtype == data.dtype else result.to(self.dtype)
                result = apply(RULES["mul"], value, apply(RULES["pow"], self, c=0))
        through_view = base is not self and base._requires_grad
        chain = _index_chain(self, base) if through_view else None  # before the write
        if recording and result._op is not None:
            self._rebase(result)
        else:
            data[...] = result._data
        self._count_change()
        if through_view and chain is None:
            # The viewed tensor keeps its history, which no longer holds for the elements
            # changed here: backward refuses it rather than let the gradient bypass them.
            self._version[2] = self._version[1]
        if recording and result._op is not None:
            self._seq = new_stamp()  # the new node comes after everything it depends on
        if chain:
            child = self
            for viewed, old, index in chain:
                viewed._put_view(old, child, index)
                child = viewed
        return self

    def _put_view(self, old: Tensor, view: Tensor, index) -> None:
        """Become ``old`` with ``view`` (``old[index]``, just changed) put back in place."""
        for node in _readers(view, self):  # the view's own history read self: now old
            node._prev = tuple(old if p is self else p for p in node._prev)
        self._op, self._prev = _INDEX_PUT, (old, view)
        self._params = {"index": index}
        self._versions = (old._version[0], view._version[0])
        self._requires_grad, self._freed = True, False
        self._seq = new_stamp()

    def _count_change(self) -> None:
        """Count an in-place change of the memory (shared with views), which backward
        checks: the version, and the stamp of the change (see `engine._check`)."""
        self._version[0] += 1
        self._version[1] = new_stamp()

    def _rebase(self, result: Tensor) -> None:
        """Take over ``result``'s node, the old value moving into a node of its own."""
        readers = _readers(result, self)
        if readers:
            old = _moved_history(self)
            current = self._version[0]
            for node in readers:
                node._versions = tuple(
                    (0 if v == current else -1) if p is self else v
                    for p, v in zip(node._prev, node._versions)
                )
                node._prev = tuple(old if p is self else p for p in node._prev)
        self._data[...] = result._data
        self._op, self._prev, self._params = result._op, result._prev, result._params
        self._versions = result._versions
        self._requires_grad = True
        self._freed = False

    # -- conversions ----------------------------------------------------------------

    def item(self) -> bool | int | float | Fraction:
        """The value of a one-element tensor as a Python number.

        >>> import twingrad
        >>> twingrad.tensor([2.5]).item(), twingrad.tensor(3).item()
        (2.5, 3)
        """
        if self._data.size != 1:
            raise RuntimeError(
                f"a Tensor with {self._data.size} elements cannot be converted to a Python "
                "number; item() needs exactly one element"
            )
        v = self._data.reshape(()).item()
        return v

    def tolist(self) -> Any:
        """The data as (nested) Python lists of numbers.

        >>> import twingrad
        >>> twingrad.tensor([[1, 2], [3, 4]]).tolist()
        [[1, 2], [3, 4]]
        """
        return self._data.tolist()

    def numpy(self) -> np.ndarray:
        """The data as a numpy array (shared memory).

        >>> import twingrad
        >>> twingrad.tensor([1, 2]).numpy()
        array([1, 2])
        """
        if self._requires_grad:
            raise RuntimeError(
                "can't call numpy() on a tensor that requires grad; use "
                "tensor.detach().numpy() instead"
            )
        return self._data

    def __array__(self, dtype: DTypeLike = None, copy: bool | None = None) -> np.ndarray:
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

    def __iter__(self) -> Iterator[Tensor]:
        if self._data.ndim == 0:
            raise TypeError("iteration over a 0-d tensor")
        return (self[i] for i in range(self._data.shape[0]))

    __hash__ = object.__hash__

    def to(
        self,
        *args: Any,
        dtype: dtypes.dtype | str | type | None = None,
        device: devices.device | str | None = None,
        copy: bool = False,
        **kwargs: Any,
    ) -> Tensor:
        """This tensor converted to ``dtype`` (differentiable between floating dtypes);
        ``self`` when nothing changes and ``copy`` is not set.

        Takes PyTorch's forms: ``to(dtype)``, ``to(device, dtype)``, ``to(other)`` and
        keywords. The device must be the CPU ("cpu"), where twingrad runs.

        >>> import twingrad
        >>> twingrad.tensor([1, 2]).to("cpu", twingrad.float64)
        tensor([1., 2.], dtype=twingrad.float64)
        """
        for a in args:
            if isinstance(a, Tensor):
                dtype = a.dtype
            elif isinstance(a, devices.device | str):
                device = a
            elif a is not None and not isinstance(a, bool):
                dtype = a
        devices.check_cpu(device)
        if dtype is None or dtypes.as_dtype(dtype) is self.dtype:
            return self.clone() if copy else self
        return apply(RULES["to_dtype"], self, dtype=dtypes.as_dtype(dtype).numpy)

    def type_as(self, other: Tensor) -> Tensor:
        """This tensor converted to ``other``'s dtype.

        >>> import twingrad
        >>> twingrad.tensor([1, 2]).type_as(twingrad.tensor([0.5]))
        tensor([1., 2.])
        """
        return self.to(other.dtype)

    def float(self) -> Tensor:
        """This tensor as float32.

        >>> import twingrad
        >>> twingrad.tensor([1, 2]).float()
        tensor([1., 2.])
        """
        return self.to(dtypes.float32)

    def double(self) -> Tensor:
        """This tensor as float64.

        >>> import twingrad
        >>> twingrad.tensor([1, 2]).double().dtype
        twingrad.float64
        """
        return self.to(dtypes.float64)

    def long(self) -> Tensor:
        """This tensor as int64 (rounded toward zero).

        >>> import twingrad
        >>> twingrad.tensor([1.7, -1.7]).long()
        tensor([ 1, -1])
        """
        return self.to(dtypes.int64)

    def bool(self) -> Tensor:
        """This tensor as bool (nonzero is True).

        >>> import twingrad
        >>> twingrad.tensor([0.0, 2.0]).bool()
        tensor([False,  True])
        """
        return self.to(dtypes.bool_)

    def cpu(self) -> Tensor:
        """``self``: twingrad tensors always live on the CPU.

        >>> import twingrad
        >>> x = twingrad.zeros(1)
        >>> x.cpu() is x
        True
        """
        return self

    def clone(self) -> Tensor:
        """A copy that stays in the graph (gradients flow back to ``self``).

        >>> import twingrad
        >>> twingrad.tensor([1.0, 2.0], requires_grad=True).clone()
        tensor([1., 2.], grad_fn=<CloneBackward0>)
        """
        return apply(RULES["clone"], self)

    def is_contiguous(self) -> bool:
        """Whether the elements lie in memory in row-major order without gaps.

        >>> import twingrad
        >>> twingrad.zeros(2, 3).is_contiguous(), twingrad.zeros(2, 3).t().is_contiguous()
        (True, False)
        """
        return self._data.flags.c_contiguous

    def contiguous(self) -> Tensor:
        """``self`` if contiguous, else a row-major copy that stays in the graph.

        >>> import twingrad
        >>> twingrad.zeros(2, 3).t().contiguous().is_contiguous()
        True
        """
        return self if self._data.flags.c_contiguous else apply(RULES["clone"], self)

    def __repr__(self) -> str:
        return tensor_repr(self, None if self._op is None else GradFn(self).name())


def _moved_history(t: Tensor) -> Tensor:
    """A new node with ``t``'s current value (a copy) and history, to stand for the value
    ``t`` had before an in-place change."""
    old = Tensor._make(t._data.copy())
    old._requires_grad = t._requires_grad
    old._op, old._prev, old._params = t._op, t._prev, t._params
    old._versions, old._seq, old._freed = t._versions, t._seq, t._freed
    old._version = [0, t._version[1], t._version[2]]  # still stale if changed since
    return old


def _index_chain(view: Tensor, base: Tensor) -> list | None:
    """For a view made by indexing alone (``x[0]``, ``x[0][1:]``): each tensor it views,
    nearest first, with a copy of its history and the index that took the next view from
    it. None for a view made otherwise (reshape, permute...)."""
    links = []
    t = view
    while t is not base:
        if t._op is not _INDEX:
            return None
        links.append((t._prev[0], t._params["index"]))
        t = t._prev[0]
    return [(viewed, _moved_history(viewed), index) for viewed, index in links]


def _viewed_base(t: Tensor) -> Tensor:
    """The tensor whose memory the recorded view ``t`` shows (``t`` itself if none): views
    (index, reshape, permute...) share their input's version counter."""
    base = t
    while base._op is not None and base._prev and base._prev[0]._version is base._version:
        base = base._prev[0]
    return base


def _readers(result: Tensor, x: Tensor) -> list:
    """The nodes of ``result``'s graph that read ``x``. Each was recorded after ``x``, so
    only younger nodes are searched: usually just ``result`` itself."""
    readers, seen, stack = [], {result}, [result]
    while stack:
        node = stack.pop()
        if any(p is x for p in node._prev):
            readers.append(node)
        for p in node._prev:
            if p._seq > x._seq and p._op is not None and p not in seen:
                seen.add(p)
                stack.append(p)
    return readers


_new = object.__new__
_INDEX, _INDEX_PUT = RULES["index"], RULES["index_put"]
_next_stamp = graph.new_stamp
engine.Tensor = Tensor  # the engine's hot paths make tensors without importing this module

__all__ = ["AccumulateGrad", "Size", "Tensor"]
