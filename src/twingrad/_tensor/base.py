"""What every tensor is: its fields, its shape and its dtype.

`TensorBase` holds the data layout of `twingrad.Tensor` and the questions about its shape
that every op asks. The op modules (elementwise, reduce, movement, indexing...) work on
it without importing `Tensor` itself, whose methods are those modules' functions (see
`twingrad._tensor.methods`): ``isinstance(x, TensorBase)`` asks "is ``x`` a tensor?", and
``x._make(array)`` (`Tensor._make`) makes a new tensor through an existing one.

>>> import twingrad
>>> x = twingrad.zeros(2, 3)
>>> isinstance(x, TensorBase), x.shape, x.size(-1), x.dtype
(True, twingrad.Size([2, 3]), 3, twingrad.float32)
"""

from __future__ import annotations

from twingrad._tensor import devices, dtypes


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


class TensorBase:
    """The fields of a tensor and its shape; `twingrad.Tensor` is the one class built on it.

    ``_data``: the numpy array. The autograd fields: ``_op`` is the Rule that produced the
    tensor (None for a leaf), ``_prev`` its input tensors in argument order, ``_params`` the
    op's parameters, ``_versions`` each input's version when the node was recorded. The
    in-place fields: ``_version`` is shared with views of the same memory, ``[version,
    stamp of the last in-place change, stamp of the last change made through a view of a
    recorded tensor]`` (see `twingrad._tensor.inplace`); ``_seq`` is the creation stamp
    that orders the graph, ``_freed`` whether backward freed the node.
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
