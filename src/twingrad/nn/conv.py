"""Convolution layers Conv1d and Conv2d, and ``F.conv1d`` / ``F.conv2d``.

A convolution is one op of the rule table (``convolution``): the input's windows are
gathered with a numpy stride trick (im2col) and multiplied by the kernels in one matmul;
the input gradient adds the windows' gradients back (col2im, a loop over kernel
positions, not over pixels). Like PyTorch it is a cross-correlation: the kernel is not
flipped.

>>> import twingrad
>>> from twingrad import nn
>>> conv = nn.Conv2d(1, 8, kernel_size=3, padding=1)
>>> conv(twingrad.ones(2, 1, 28, 28)).shape
twingrad.Size([2, 8, 28, 28])
>>> conv
Conv2d(1, 8, kernel_size=(3, 3), stride=(1, 1), padding=(1, 1))
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING

from twingrad._tensor import dtypes
from twingrad._tensor.creation import empty
from twingrad._tensor.engine import apply
from twingrad._tensor.padding import pad as _pad
from twingrad._tensor.tensor import Tensor
from twingrad.nn import init
from twingrad.nn.linear import check_same_dtype
from twingrad.nn.module import Module
from twingrad.nn.parameter import Parameter
from twingrad.rules import RULES

if TYPE_CHECKING:
    from twingrad._tensor import devices

CONVOLUTION = RULES["convolution"]


def ntuple(value: int | Sequence[int], n: int, name: str) -> tuple[int, ...]:
    """An int or a sequence of n ints as a tuple of n ints.

    >>> ntuple(3, 2, "kernel_size"), ntuple((1, 2), 2, "stride")
    ((3, 3), (1, 2))
    """
    if isinstance(value, int):
        return (value,) * n
    value = tuple(int(v) for v in value)
    if len(value) == 1:
        return value * n
    if len(value) != n:
        raise RuntimeError(
            f"expected {name} to be a single integer or a list of {n} integers, got {list(value)}"
        )
    return value


def batched(input: Tensor, nd: int, op: str) -> tuple[Tensor, bool]:
    """``input`` with a batch dim (added for an unbatched (C, *size) input), and whether
    one was added.

    >>> import twingrad
    >>> x, added = batched(twingrad.ones(3, 5), 1, "conv1d")
    >>> x.shape, added
    (twingrad.Size([1, 3, 5]), True)
    """
    if input.ndim == nd + 1:
        return input.unsqueeze(0), True
    if input.ndim != nd + 2:
        raise RuntimeError(
            f"Expected {nd + 1}D (unbatched) or {nd + 2}D (batched) input to {op}, but got "
            f"input of size: {list(input.shape)}"
        )
    return input, False


def _padding_pairs(padding, kernel, dilation, stride, nd: int) -> tuple:
    if isinstance(padding, str):
        if padding == "valid":
            return ((0, 0),) * nd
        if padding != "same":
            raise ValueError(
                f"Invalid padding string {padding!r}, should be one of {{'valid', 'same'}}"
            )
        if any(s != 1 for s in stride):
            raise ValueError("padding='same' is not supported for strided convolutions")
        # an odd total puts the extra row after, as PyTorch does
        totals = [d * (k - 1) for k, d in zip(kernel, dilation)]
        return tuple((t // 2, t - t // 2) for t in totals)
    return tuple((p, p) for p in ntuple(padding, nd, "padding"))


def _size_text(shape) -> str:
    return " x ".join(str(s) for s in shape)


def convolution(
    input: Tensor,
    weight: Tensor,
    bias: Tensor | None,
    stride: int | tuple[int, ...],
    padding: int | tuple[int, ...] | str,
    dilation: int | tuple[int, ...],
    groups: int,
    nd: int,
) -> Tensor:
    """The N-d convolution behind conv1d and conv2d, with PyTorch's checks and errors.

    >>> import twingrad
    >>> x = twingrad.ones(1, 2, 4)
    >>> convolution(x, twingrad.ones(3, 2, 2), None, 1, "same", 1, 1, 1).shape
    twingrad.Size([1, 3, 4])
    """
    op = f"conv{nd}d"
    x, added = batched(input, nd, op)
    if weight.ndim != nd + 2:
        raise RuntimeError(
            f"{op}: weight must be {nd + 2}-D (out_channels, in_channels / "
            f"groups, *kernel_size), got shape {list(weight.shape)}"
        )
    stride = ntuple(stride, nd, "stride")
    dilation = ntuple(dilation, nd, "dilation")
    kernel = tuple(weight.shape[2:])
    if groups < 1 or weight.shape[0] % groups:
        raise RuntimeError(
            f"Given groups={groups}, expected weight to be divisible by "
            f"{groups} at dimension 0, but got weight of size "
            f"{list(weight.shape)} instead"
        )
    if x.shape[1] != weight.shape[1] * groups:
        raise RuntimeError(
            f"Given groups={groups}, weight of size {list(weight.shape)}, expected "
            f"input{list(x.shape)} to have {weight.shape[1] * groups} channels, but got "
            f"{x.shape[1]} channels instead"
        )
    if bias is not None and tuple(bias.shape) != (weight.shape[0],):
        raise RuntimeError(
            f"Given weight of size {list(weight.shape)}, expected bias to be "
            f"1-dimensional with {weight.shape[0]} elements, but got bias of "
            f"size {list(bias.shape)} instead"
        )
    if any(s < 1 for s in stride) or any(d < 1 for d in dilation):
        raise RuntimeError(f"{op}: stride {stride} and dilation {dilation} must be positive")
    pairs = _padding_pairs(padding, kernel, dilation, stride, nd)
    padded = tuple(n + lo + hi for n, (lo, hi) in zip(x.shape[2:], pairs))
    extent = tuple(d * (k - 1) + 1 for k, d in zip(kernel, dilation))
    if any(p < e for p, e in zip(padded, extent)):
        raise RuntimeError(
            f"Calculated padded input size per channel: ({_size_text(padded)}). Kernel size: "
            f"({_size_text(extent)}). Kernel size can't be greater than actual input size"
        )
    check_same_dtype(op, x, weight, bias)
    params = {"stride": stride, "padding": pairs, "dilation": dilation, "groups": groups}
    args = (x, weight) if bias is None else (x, weight, bias)
    out = apply(CONVOLUTION, *args, **params)
    return out.squeeze(0) if added else out


def conv1d(
    input: Tensor,
    weight: Tensor,
    bias: Tensor | None = None,
    stride: int | tuple[int, ...] = 1,
    padding: int | tuple[int, ...] | str = 0,
    dilation: int | tuple[int, ...] = 1,
    groups: int = 1,
) -> Tensor:
    """1-D convolution of (N, C_in, L) by weight (C_out, C_in / groups, k).

    >>> import twingrad
    >>> x = twingrad.tensor([[[1.0, 2.0, 3.0, 4.0]]])
    >>> conv1d(x, twingrad.tensor([[[1.0, -1.0]]]))
    tensor([[[-1., -1., -1.]]])
    """
    return convolution(input, weight, bias, stride, padding, dilation, groups, 1)


def conv2d(
    input: Tensor,
    weight: Tensor,
    bias: Tensor | None = None,
    stride: int | tuple[int, ...] = 1,
    padding: int | tuple[int, ...] | str = 0,
    dilation: int | tuple[int, ...] = 1,
    groups: int = 1,
) -> Tensor:
    """2-D convolution of (N, C_in, H, W) by weight (C_out, C_in / groups, kh, kw).

    >>> import twingrad
    >>> x = twingrad.arange(9.0).reshape(1, 1, 3, 3)
    >>> conv2d(x, twingrad.ones(1, 1, 2, 2), stride=1)
    tensor([[[[ 8., 12.],
              [20., 24.]]]])
    """
    return convolution(input, weight, bias, stride, padding, dilation, groups, 2)


_PADDING_MODES = ("zeros", "reflect", "replicate", "circular")


class _ConvNd(Module):
    _nd = 0

    def __init__(
        self,
        in_channels: int,
        out_channels: int,
        kernel_size: int | tuple[int, ...],
        stride: int | tuple[int, ...] = 1,
        padding: int | tuple[int, ...] | str = 0,
        dilation: int | tuple[int, ...] = 1,
        groups: int = 1,
        bias: bool = True,
        padding_mode: str = "zeros",
        device: str | devices.device | None = None,
        dtype: dtypes.dtype | None = None,
    ) -> None:
        super().__init__()
        nd = self._nd
        if groups <= 0:
            raise ValueError("groups must be a positive integer")
        if in_channels % groups:
            raise ValueError("in_channels must be divisible by groups")
        if out_channels % groups:
            raise ValueError("out_channels must be divisible by groups")
        if padding_mode not in _PADDING_MODES:
            raise ValueError(
                f"padding_mode must be one of {list(_PADDING_MODES)}, but got "
                f"padding_mode='{padding_mode}'"
            )
        self.in_channels, self.out_channels = in_channels, out_channels
        self.kernel_size = ntuple(kernel_size, nd, "kernel_size")
        self.stride = ntuple(stride, nd, "stride")
        self.dilation = ntuple(dilation, nd, "dilation")
        if isinstance(padding, str):
            _padding_pairs(padding, self.kernel_size, self.dilation, self.stride, nd)
            self.padding = padding
        else:
            self.padding = ntuple(padding, nd, "padding")
        self.groups, self.padding_mode = groups, padding_mode
        d = dtypes.as_dtype(dtype) if dtype is not None else None
        self.weight = Parameter(
            empty(out_channels, in_channels // groups, *self.kernel_size, dtype=d)
        )
        if bias:
            self.bias = Parameter(empty(out_channels, dtype=d))
        else:
            self.register_parameter("bias", None)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        init.kaiming_uniform_(self.weight, a=math.sqrt(5))
        if self.bias is not None:
            fan_in = self.weight.shape[1] * math.prod(self.kernel_size)
            if fan_in:
                bound = 1 / math.sqrt(fan_in)
                init.uniform_(self.bias, -bound, bound)

    def forward(self, input: Tensor) -> Tensor:
        if self.padding_mode == "zeros":
            return convolution(
                input,
                self.weight,
                self.bias,
                self.stride,
                self.padding,
                self.dilation,
                self.groups,
                self._nd,
            )
        pairs = _padding_pairs(self.padding, self.kernel_size, self.dilation, self.stride, self._nd)
        widths = tuple(w for pair in reversed(pairs) for w in pair)  # F.pad: last dim first
        padded = _pad(input, widths, mode=self.padding_mode)
        return convolution(
            padded, self.weight, self.bias, self.stride, 0, self.dilation, self.groups, self._nd
        )

    def extra_repr(self) -> str:
        nd = self._nd
        text = (
            f"{self.in_channels}, {self.out_channels}, kernel_size={self.kernel_size}, "
            f"stride={self.stride}"
        )
        if self.padding != (0,) * nd:
            text += f", padding={self.padding}"
        if self.dilation != (1,) * nd:
            text += f", dilation={self.dilation}"
        if self.groups != 1:
            text += f", groups={self.groups}"
        if self.bias is None:
            text += ", bias=False"
        if self.padding_mode != "zeros":
            text += f", padding_mode={self.padding_mode}"
        return text


class Conv1d(_ConvNd):
    """1-D convolution over (N, C_in, L) input; weight (C_out, C_in / groups, k).

    >>> import twingrad
    >>> from twingrad import nn
    >>> conv = nn.Conv1d(2, 4, kernel_size=3, padding=1)
    >>> conv(twingrad.ones(5, 2, 10)).shape
    twingrad.Size([5, 4, 10])
    """

    _nd = 1


class Conv2d(_ConvNd):
    """2-D convolution over (N, C_in, H, W) input; weight (C_out, C_in / groups, kh, kw).

    >>> import twingrad
    >>> from twingrad import nn
    >>> conv = nn.Conv2d(3, 8, kernel_size=3, stride=2)
    >>> conv(twingrad.ones(1, 3, 9, 9)).shape
    twingrad.Size([1, 8, 4, 4])
    """

    _nd = 2
