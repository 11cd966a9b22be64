"""Pooling layers MaxPool1d/2d and AvgPool1d/2d, and their functions (adaptive pooling is
in `twingrad.nn.adaptive_pooling`).

Each is one op of the rule table (``max_pool``, ``avg_pool``) computed on the input's
windows (a numpy stride trick, no loop over pixels). A max pool sends each output's
gradient to the first maximum of its window (a nan counts as the maximum), as PyTorch does;
an average pool spreads it evenly over the window.

>>> import twingrad
>>> from twingrad import nn
>>> x = twingrad.arange(16.0).reshape(1, 1, 4, 4)
>>> nn.MaxPool2d(2)(x)
tensor([[[[ 5.,  7.],
          [13., 15.]]]])
>>> nn.MaxPool2d(2)
MaxPool2d(kernel_size=2, stride=2, padding=0, dilation=1, ceil_mode=False)
"""

from __future__ import annotations

import numpy as np

from twingrad._tensor.engine import apply
from twingrad._tensor.tensor import Tensor
from twingrad.kernels.pooling import max_pool_argmax, pool_geometry
from twingrad.nn.conv import batched, ntuple
from twingrad.nn.module import Module
from twingrad.rules import RULES

MAX_POOL, AVG_POOL = RULES["max_pool"], RULES["avg_pool"]


def _geometry(
    x: Tensor, op: str, nd: int, kernel_size, stride, padding, dilation, ceil_mode: bool
) -> dict:
    """The pooling parameters as tuples, checked the way PyTorch checks them."""
    k = ntuple(kernel_size, nd, "kernel_size")
    s = k if stride is None or stride == () or stride == [] else ntuple(stride, nd, "stride")
    p = ntuple(padding, nd, "padding")
    d = ntuple(dilation, nd, "dilation")
    if any(v < 1 for v in k + s + d):
        raise RuntimeError(f"{op}: kernel_size {k}, stride {s} and dilation {d} must be positive")
    for pad, kk, dd in zip(p, k, d):
        if pad < 0 or 2 * pad > dd * (kk - 1) + 1:
            raise RuntimeError(
                f"{op}: pad should be at most half of effective kernel size, but got "
                f"pad={pad}, kernel_size={kk} and dilation={dd}"
            )
    size = tuple(x.shape[2:])
    out, _ = pool_geometry(size, k, s, p, d, bool(ceil_mode))
    if any(o < 1 for o in out):
        c = x.shape[1]
        raise RuntimeError(
            f"{op}: Given input size: ({'x'.join(str(v) for v in (c, *size))}). Calculated "
            f"output size: ({'x'.join(str(v) for v in (c, *out))}). Output size is too small"
        )
    return {
        "kernel_size": k,
        "stride": s,
        "padding": p,
        "dilation": d,
        "ceil_mode": bool(ceil_mode),
    }


def _flat_indices(x: np.ndarray, geometry: dict) -> np.ndarray:
    """Where each window's maximum is, as a flat index into the input's spatial dims
    (PyTorch's ``return_indices``)."""
    k, s, p, d = (geometry[n] for n in ("kernel_size", "stride", "padding", "dilation"))
    at = max_pool_argmax(x, **geometry)
    offsets = np.unravel_index(at, k)
    size = x.shape[2:]
    flat = np.zeros(at.shape, np.int64)
    nd = len(k)
    for i in range(nd):
        position = np.arange(at.shape[2 + i]).reshape((-1,) + (1,) * (nd - 1 - i))
        coord = position * s[i] - p[i] + offsets[i] * d[i]
        flat = flat * size[i] + coord
    return flat


def _max_pool(
    input: Tensor, nd: int, kernel_size, stride, padding, dilation, ceil_mode, return_indices
):
    op = f"max_pool{nd}d"
    x, added = batched(input, nd, op)
    geometry = _geometry(x, op, nd, kernel_size, stride, padding, dilation, ceil_mode)
    out = apply(MAX_POOL, x, **geometry)
    if added:
        out = out.squeeze(0)
    if not return_indices:
        return out
    indices = Tensor._make(_flat_indices(x._data, geometry))
    return out, indices.squeeze(0) if added else indices


def max_pool1d(
    input: Tensor,
    kernel_size: int | tuple[int, ...],
    stride: int | tuple[int, ...] | None = None,
    padding: int | tuple[int, ...] = 0,
    dilation: int | tuple[int, ...] = 1,
    ceil_mode: bool = False,
    return_indices: bool = False,
) -> Tensor | tuple[Tensor, Tensor]:
    """The maximum of each window of (N, C, L) input.

    >>> import twingrad
    >>> max_pool1d(twingrad.tensor([[[1.0, 3.0, 2.0, 0.0, 5.0]]]), 2)
    tensor([[[3., 2.]]])
    """
    return _max_pool(input, 1, kernel_size, stride, padding, dilation, ceil_mode, return_indices)


def max_pool2d(
    input: Tensor,
    kernel_size: int | tuple[int, ...],
    stride: int | tuple[int, ...] | None = None,
    padding: int | tuple[int, ...] = 0,
    dilation: int | tuple[int, ...] = 1,
    ceil_mode: bool = False,
    return_indices: bool = False,
) -> Tensor | tuple[Tensor, Tensor]:
    """The maximum of each window of (N, C, H, W) input; with ``return_indices`` also where
    each maximum is, as a flat index into H * W.

    >>> import twingrad
    >>> x = twingrad.tensor([[[[1.0, 2.0], [4.0, 3.0]]]])
    >>> max_pool2d(x, 2, return_indices=True)
    (tensor([[[[4.]]]]), tensor([[[[2]]]]))
    """
    return _max_pool(input, 2, kernel_size, stride, padding, dilation, ceil_mode, return_indices)


def _avg_pool(
    input: Tensor,
    nd: int,
    kernel_size,
    stride,
    padding,
    ceil_mode,
    count_include_pad,
    divisor_override=None,
) -> Tensor:
    op = f"avg_pool{nd}d"
    if not input.dtype.is_floating_point:
        raise RuntimeError(f"{op}: expected a floating point input, got {input.dtype.name}")
    x, added = batched(input, nd, op)
    geometry = _geometry(x, op, nd, kernel_size, stride, padding, 1, ceil_mode)
    del geometry["dilation"]
    if divisor_override is not None and divisor_override == 0:
        raise RuntimeError("divisor must be not zero")
    out = apply(
        AVG_POOL,
        x,
        **geometry,
        count_include_pad=bool(count_include_pad),
        divisor_override=divisor_override,
    )
    return out.squeeze(0) if added else out


def avg_pool1d(
    input: Tensor,
    kernel_size: int | tuple[int, ...],
    stride: int | tuple[int, ...] | None = None,
    padding: int | tuple[int, ...] = 0,
    ceil_mode: bool = False,
    count_include_pad: bool = True,
) -> Tensor:
    """The mean of each window of (N, C, L) input (padding counted unless
    ``count_include_pad=False``).

    >>> import twingrad
    >>> avg_pool1d(twingrad.tensor([[[1.0, 3.0, 2.0, 0.0]]]), 2)
    tensor([[[2., 1.]]])
    """
    return _avg_pool(input, 1, kernel_size, stride, padding, ceil_mode, count_include_pad)


def avg_pool2d(
    input: Tensor,
    kernel_size: int | tuple[int, ...],
    stride: int | tuple[int, ...] | None = None,
    padding: int | tuple[int, ...] = 0,
    ceil_mode: bool = False,
    count_include_pad: bool = True,
    divisor_override: int | None = None,
) -> Tensor:
    """The mean of each window of (N, C, H, W) input.

    >>> import twingrad
    >>> avg_pool2d(twingrad.arange(16.0).reshape(1, 1, 4, 4), 2)
    tensor([[[[ 2.5000,  4.5000],
              [10.5000, 12.5000]]]])
    """
    return _avg_pool(
        input, 2, kernel_size, stride, padding, ceil_mode, count_include_pad, divisor_override
    )


class _MaxPoolNd(Module):
    _function = None

    def __init__(
        self,
        kernel_size: int | tuple[int, ...],
        stride: int | tuple[int, ...] | None = None,
        padding: int | tuple[int, ...] = 0,
        dilation: int | tuple[int, ...] = 1,
        return_indices: bool = False,
        ceil_mode: bool = False,
    ) -> None:
        super().__init__()
        self.kernel_size = kernel_size
        self.stride = stride if stride is not None else kernel_size
        self.padding, self.dilation = padding, dilation
        self.return_indices, self.ceil_mode = return_indices, ceil_mode

    def forward(self, input: Tensor) -> Tensor | tuple[Tensor, Tensor]:
        return type(self)._function(
            input,
            self.kernel_size,
            self.stride,
            self.padding,
            self.dilation,
            self.ceil_mode,
            self.return_indices,
        )

    def extra_repr(self) -> str:
        return (
            f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}, "
            f"dilation={self.dilation}, ceil_mode={self.ceil_mode}"
        )


class MaxPool1d(_MaxPoolNd):
    """Max over windows of (N, C, L) input.

    >>> import twingrad
    >>> from twingrad import nn
    >>> nn.MaxPool1d(2)(twingrad.tensor([[[1.0, 3.0, 2.0, 0.0]]]))
    tensor([[[3., 2.]]])
    """

    _function = staticmethod(max_pool1d)


class MaxPool2d(_MaxPoolNd):
    """Max over windows of (N, C, H, W) input.

    >>> import twingrad
    >>> from twingrad import nn
    >>> nn.MaxPool2d(2)(twingrad.ones(1, 3, 8, 8)).shape
    twingrad.Size([1, 3, 4, 4])
    """

    _function = staticmethod(max_pool2d)


class _AvgPoolNd(Module):
    _nd = 0
    divisor_override = None  # an option of AvgPool2d only, as in PyTorch

    def forward(self, input: Tensor) -> Tensor:
        return _avg_pool(
            input,
            self._nd,
            self.kernel_size,
            self.stride,
            self.padding,
            self.ceil_mode,
            self.count_include_pad,
            self.divisor_override,
        )

    def extra_repr(self) -> str:
        return f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}"


class AvgPool1d(_AvgPoolNd):
    """Mean over windows of (N, C, L) input.

    >>> import twingrad
    >>> from twingrad import nn
    >>> nn.AvgPool1d(2)(twingrad.tensor([[[1.0, 3.0, 2.0, 0.0]]]))
    tensor([[[2., 1.]]])
    """

    _nd = 1

    def __init__(
        self,
        kernel_size: int | tuple[int, ...],
        stride: int | tuple[int, ...] | None = None,
        padding: int | tuple[int, ...] = 0,
        ceil_mode: bool = False,
        count_include_pad: bool = True,
    ) -> None:
        super().__init__()
        # PyTorch's AvgPool1d keeps its sizes as 1-tuples; AvgPool2d keeps them as given
        self.kernel_size = ntuple(kernel_size, 1, "kernel_size")
        self.stride = ntuple(stride if stride is not None else kernel_size, 1, "stride")
        self.padding = ntuple(padding, 1, "padding")
        self.ceil_mode, self.count_include_pad = ceil_mode, count_include_pad


class AvgPool2d(_AvgPoolNd):
    """Mean over windows of (N, C, H, W) input.

    >>> import twingrad
    >>> from twingrad import nn
    >>> nn.AvgPool2d(2)(twingrad.ones(1, 3, 8, 8)).shape
    twingrad.Size([1, 3, 4, 4])
    """

    _nd = 2

    def __init__(
        self,
        kernel_size: int | tuple[int, ...],
        stride: int | tuple[int, ...] | None = None,
        padding: int | tuple[int, ...] = 0,
        ceil_mode: bool = False,
        count_include_pad: bool = True,
        divisor_override: int | None = None,
    ) -> None:
        super().__init__()
        self.kernel_size = kernel_size
        self.stride = stride if stride is not None else kernel_size
        self.padding, self.ceil_mode = padding, ceil_mode
        self.count_include_pad, self.divisor_override = count_include_pad, divisor_override
