"""Making tensors: `tensor`, `from_numpy`, `zeros`, `ones`, `full`, `eye`... as in PyTorch;
and the generator that the random ones (`sampling`) draw from. Ranges are in `ranges`.

>>> import twingrad
>>> twingrad.zeros(2, 3).shape, twingrad.arange(5)
(twingrad.Size([2, 3]), tensor([0, 1, 2, 3, 4]))
"""

from __future__ import annotations

import numbers
from collections.abc import Sequence
from fractions import Fraction
from typing import TYPE_CHECKING

import numpy as np

from twingrad._tensor import dtypes
from twingrad._tensor.devices import check_cpu
from twingrad._tensor.tensor import Tensor

if TYPE_CHECKING:
    from numpy.typing import ArrayLike

    from twingrad._tensor.devices import device as Device

    DType = dtypes.dtype | str | type  # a twingrad dtype, a name or a Python type
    Number = bool | int | float | Fraction

__all__ = [
    "empty",
    "empty_like",
    "eye",
    "from_numpy",
    "full",
    "full_like",
    "generator",
    "manual_seed",
    "ones",
    "ones_like",
    "tensor",
    "zeros",
    "zeros_like",
]

_rng = [np.random.default_rng()]


def manual_seed(seed: int) -> None:
    """Seed the generator behind rand, randn, randint, dropout and shuffling.

    >>> import twingrad
    >>> manual_seed(0); a = twingrad.rand(3); manual_seed(0)
    >>> bool((twingrad.rand(3) == a).all())
    True
    """
    _rng[0] = np.random.default_rng(seed)


def generator() -> np.random.Generator:
    """The numpy generator that twingrad's random functions draw from.

    >>> isinstance(generator(), np.random.Generator)
    True
    """
    return _rng[0]


def _infer_dtype(data) -> dtypes.dtype:
    """The dtype PyTorch would give a nested list of Python numbers."""
    kinds = set()
    stack = [data]
    while stack:
        x = stack.pop()
        if isinstance(x, list | tuple):
            stack.extend(reversed(x))  # first elements first: an error names the first bad one
        elif isinstance(x, Tensor):
            kinds.add(x.dtype.category + (10 if x.dtype is dtypes.fraction else 0))
        elif isinstance(x, bool | np.bool_):
            kinds.add(0)
        elif isinstance(x, Fraction):
            kinds.add(12)
        elif isinstance(x, numbers.Integral):
            kinds.add(1)
        elif isinstance(x, numbers.Real):
            kinds.add(2)
        else:
            raise TypeError(
                f"can't make a tensor from an element of type {type(x).__name__}: {x!r}"
            )
    if 12 in kinds:
        return dtypes.fraction
    if 2 in kinds:
        return dtypes.get_default_dtype()
    if 1 in kinds:
        return dtypes.int64
    if 0 in kinds:
        return dtypes.bool_
    return dtypes.get_default_dtype()


def as_array(data: ArrayLike | Tensor, dtype: dtypes.dtype | None = None) -> np.ndarray:
    """A fresh numpy array for ``data`` in a dtype twingrad supports.

    >>> as_array([1, 2]), as_array([1, 2], dtypes.float64)
    (array([1, 2]), array([1., 2.]))
    """
    if isinstance(data, Tensor):
        array = data._data
        target = dtype or data.dtype
    elif isinstance(data, np.ndarray | np.generic):
        array = np.asarray(data)
        if dtype is None:
            target = dtypes.as_dtype(array.dtype)
        else:
            target = dtype
    else:
        target = dtype or _infer_dtype(data)
        if isinstance(data, list | tuple):
            data = [x._data if isinstance(x, Tensor) else x for x in data] if data else data
            _check_rectangular(data)
        array = np.array(data, dtype=object if target is dtypes.fraction else None)
    if target is dtypes.fraction:
        return _to_fractions(array)
    if array.dtype == object:
        array = np.vectorize(float, otypes=[target.numpy])(array) if array.size else array
    return np.array(array, dtype=target.numpy, copy=True)


def _to_fractions(array: np.ndarray) -> np.ndarray:
    out = np.empty(array.shape, dtype=object)
    flat = out.reshape(-1)
    for i, v in enumerate(array.reshape(-1).tolist()):
        flat[i] = Fraction(v)
    return out


def _check_rectangular(data, path="") -> tuple:
    """The shape of a nested list, or a ValueError naming where it is ragged."""
    if not isinstance(data, list | tuple):
        return ()
    shapes = [_check_rectangular(x, f"{path}[{i}]") for i, x in enumerate(data)]
    if shapes and any(s != shapes[0] for s in shapes):
        i = next(i for i, s in enumerate(shapes) if s != shapes[0])
        raise ValueError(
            f"expected a rectangular (non-ragged) nested list: element {path}[0] has shape "
            f"{list(shapes[0])} but element {path}[{i}] has shape {list(shapes[i])}"
        )
    return (len(data), *(shapes[0] if shapes else ()))


def tensor(
    data: ArrayLike | Tensor,
    dtype: DType | None = None,
    device: Device | str | None = None,
    requires_grad: bool = False,
) -> Tensor:
    """A new tensor holding a copy of ``data`` (a number, nested list, array or tensor).

    >>> import twingrad
    >>> twingrad.tensor([[1, 2], [3, 4]]).dtype
    twingrad.int64
    >>> twingrad.tensor(2.5, requires_grad=True)
    tensor(2.5000, requires_grad=True)
    """
    check_cpu(device, "a new tensor")
    t = Tensor._make(as_array(data, dtypes.as_dtype(dtype) if dtype is not None else None))
    t.requires_grad = requires_grad
    return t


def from_numpy(ndarray: np.ndarray) -> Tensor:
    """A tensor that shares memory with ``ndarray``: a change to one shows in the other.

    The array's dtype is kept, so it must be one twingrad holds (bool, int64, float32,
    float64); convert other arrays first, e.g. ``array.astype(np.int64)``.

    >>> import numpy as np
    >>> import twingrad
    >>> a = np.ones(3)
    >>> t = twingrad.from_numpy(a)
    >>> a[0] = 5
    >>> t
    tensor([5., 1., 1.], dtype=twingrad.float64)
    """
    if not isinstance(ndarray, np.ndarray):
        raise TypeError(f"expected np.ndarray (got {type(ndarray).__name__})")
    if ndarray.dtype not in (d.numpy for d in dtypes.ALL if d is not dtypes.fraction):
        raise TypeError(
            f"can't share the memory of a numpy array of dtype {ndarray.dtype}: twingrad "
            "holds bool, int64, float32 and float64; convert it first "
            "(array.astype(np.int64) or array.astype(np.float32)), or copy it with "
            "twingrad.tensor(array)"
        )
    return Tensor._make(ndarray)


def _shape(size) -> tuple:
    if len(size) == 1 and isinstance(size[0], list | tuple):
        size = tuple(size[0])
    for n in size:
        if not isinstance(n, numbers.Integral) or n < 0:
            raise ValueError(f"a size must be non-negative integers, got {tuple(size)}")
    return tuple(int(n) for n in size)


def _filled(fill, size, dtype, requires_grad) -> Tensor:
    d = dtypes.as_dtype(dtype) if dtype is not None else dtypes.get_default_dtype()
    if d is dtypes.fraction:
        array = np.full(_shape(size), Fraction(fill), dtype=object)
    else:
        array = np.full(_shape(size), fill, dtype=d.numpy)
    t = Tensor._make(array)
    t.requires_grad = requires_grad
    return t


def zeros(
    *size: int | Sequence[int],
    dtype: DType | None = None,
    device: Device | str | None = None,
    requires_grad: bool = False,
) -> Tensor:
    """A tensor of the given size filled with 0 (``torch.zeros``).

    >>> import twingrad
    >>> twingrad.zeros(2, 3).shape
    twingrad.Size([2, 3])
    >>> twingrad.zeros(2, dtype=twingrad.int64)
    tensor([0, 0])
    """
    check_cpu(device, "a new tensor")
    return _filled(0, size, dtype, requires_grad)


def ones(
    *size: int | Sequence[int],
    dtype: DType | None = None,
    device: Device | str | None = None,
    requires_grad: bool = False,
) -> Tensor:
    """A tensor of the given size filled with 1 (``torch.ones``).

    >>> import twingrad
    >>> twingrad.ones((2,), requires_grad=True)
    tensor([1., 1.], requires_grad=True)
    """
    check_cpu(device, "a new tensor")
    return _filled(1, size, dtype, requires_grad)


def empty(
    *size: int | Sequence[int],
    dtype: DType | None = None,
    device: Device | str | None = None,
    requires_grad: bool = False,
) -> Tensor:
    """Like PyTorch's ``empty``; twingrad fills it with zeros so nothing is undefined.

    >>> import twingrad
    >>> twingrad.empty(2)
    tensor([0., 0.])
    """
    check_cpu(device, "a new tensor")
    return _filled(0, size, dtype, requires_grad)


def full(
    size: Sequence[int],
    fill_value: Number,
    dtype: DType | None = None,
    device: Device | str | None = None,
    requires_grad: bool = False,
) -> Tensor:
    """A tensor of shape ``size`` filled with ``fill_value``, whose type sets the dtype.

    >>> import twingrad
    >>> twingrad.full((2,), 7), twingrad.full((2,), 0.5)
    (tensor([7, 7]), tensor([0.5000, 0.5000]))
    """
    check_cpu(device, "a new tensor")
    if dtype is None:
        dtype = _infer_dtype(fill_value)
    return _filled(fill_value, (tuple(size),), dtype, requires_grad)


def zeros_like(input: Tensor, dtype: DType | None = None, requires_grad: bool = False) -> Tensor:
    """Zeros in the shape (and, unless ``dtype`` is given, the dtype) of ``input``.

    >>> import twingrad
    >>> twingrad.zeros_like(twingrad.tensor([[1, 2, 3]]))
    tensor([[0, 0, 0]])
    """
    return zeros(*input.shape, dtype=dtype or input.dtype, requires_grad=requires_grad)


def ones_like(input: Tensor, dtype: DType | None = None, requires_grad: bool = False) -> Tensor:
    """Ones in the shape (and, unless ``dtype`` is given, the dtype) of ``input``.

    >>> import twingrad
    >>> twingrad.ones_like(twingrad.tensor([2.5, 3.5]))
    tensor([1., 1.])
    """
    return ones(*input.shape, dtype=dtype or input.dtype, requires_grad=requires_grad)


def empty_like(input: Tensor, dtype: DType | None = None, requires_grad: bool = False) -> Tensor:
    """Like PyTorch's ``empty_like``, filled with zeros so that nothing is undefined.

    >>> import twingrad
    >>> twingrad.empty_like(twingrad.tensor([1, 2]))
    tensor([0, 0])
    """
    return zeros_like(input, dtype=dtype, requires_grad=requires_grad)


def full_like(
    input: Tensor, fill_value: Number, dtype: DType | None = None, requires_grad: bool = False
) -> Tensor:
    """``fill_value`` in the shape (and, unless ``dtype`` is given, the dtype) of ``input``.

    >>> import twingrad
    >>> twingrad.full_like(twingrad.tensor([1.0, 2.0]), 3)
    tensor([3., 3.])
    """
    return full(input.shape, fill_value, dtype=dtype or input.dtype, requires_grad=requires_grad)


def eye(
    n: int,
    m: int | None = None,
    dtype: DType | None = None,
    device: Device | str | None = None,
    requires_grad: bool = False,
) -> Tensor:
    """The ``n`` x ``m`` identity matrix (``m`` defaults to ``n``).

    >>> import twingrad
    >>> twingrad.eye(2, 3)
    tensor([[1., 0., 0.],
            [0., 1., 0.]])
    """
    check_cpu(device, "a new tensor")
    d = dtypes.as_dtype(dtype) if dtype is not None else dtypes.get_default_dtype()
    t = Tensor._make(np.eye(n, m, dtype=d.numpy))
    t.requires_grad = requires_grad
    return t
