"""More activations, composed from the engine's ops: ELU, Hardtanh, ReLU6, LogSigmoid and
Softmin, as functions (``F.elu``) and as layers (``nn.ELU``).

None has a rule of its own, so the bridge replays each through the rules it is made of.
Two compositions are chosen for PyTorch's numbers rather than for brevity:

- ELU's ``exp(x) - 1`` for -1 <= x <= 0 is written ``2 t / (1 - t)`` with
  ``t = tanh(x / 2)``: the same function (and derivative, ``exp(x)``), without the
  cancellation that costs ``exp(x) - 1`` its relative precision near 0. Below -1 it is
  ``exp(x) - 1`` itself, which cancels nothing there and whose gradient is ``exp(x)`` to
  the last bit, where the chain rule through ``tanh`` (``t`` rounds to -1) loses it. Each
  branch sees a value of its own range in place of the inputs it does not take, so it
  never overflows (or meets a NaN) into an inf * 0 gradient.
- Hardtanh (and ReLU6) pass no gradient at or beyond the bounds (min_val, max_val), as
  PyTorch's hardtanh does, where ``clamp`` passes it at the bounds.

>>> import twingrad
>>> from twingrad import nn
>>> nn.ReLU6()(twingrad.tensor([-1.0, 3.0, 9.0]))
tensor([0., 3., 6.])
"""

from __future__ import annotations

import warnings

from twingrad._tensor import dtypes
from twingrad._tensor.elementwise import where
from twingrad._tensor.tensor import Tensor
from twingrad.nn.activation import _floating, _maybe_inplace, _softmax_dim, softplus
from twingrad.nn.module import Module


def elu(input: Tensor, alpha: float = 1.0, inplace: bool = False) -> Tensor:
    """x where x > 0, else ``alpha * (exp(x) - 1)``.

    >>> import twingrad
    >>> elu(twingrad.tensor([-1.0, 2.0], dtype=twingrad.float64))
    tensor([-0.6321,  2.0000], dtype=twingrad.float64)
    """
    x = _floating("elu", input)
    # x <= 0, not x > 0, picks the branch: NaN takes the identity's gradient, as in PyTorch
    negative = x <= 0
    far = x < -1.0
    t = (where(negative & ~far, x, 0.0) * 0.5).tanh()
    exp_minus_one = where(far, where(far, x, -1.0).exp() - 1, 2 * t / (1 - t))
    return _maybe_inplace(input, where(negative, exp_minus_one * alpha, x), inplace)


def hardtanh(
    input: Tensor, min_val: float = -1.0, max_val: float = 1.0, inplace: bool = False
) -> Tensor:
    """``input`` limited to [min_val, max_val]; the gradient is 1 strictly inside, else 0.

    >>> import twingrad
    >>> hardtanh(twingrad.tensor([-2.0, 0.5, 2.0]))
    tensor([-1.0000,  0.5000,  1.0000])
    """
    if min_val > max_val:
        raise ValueError("min_val cannot be greater than max_val")
    if not input.dtype.is_floating_point:
        out = input.clamp(min_val, max_val).to(input.dtype)
    else:
        # written as "outside" so that NaN passes its gradient, as in PyTorch
        outside = (input <= min_val) | (input >= max_val)
        out = where(outside, input.detach().clamp(min_val, max_val), input)
    return _maybe_inplace(input, out, inplace)


def relu6(input: Tensor, inplace: bool = False) -> Tensor:
    """``min(max(input, 0), 6)``: `hardtanh` between 0 and 6.

    >>> import twingrad
    >>> relu6(twingrad.tensor([-1, 3, 9]))
    tensor([0, 3, 6])
    """
    return hardtanh(input, 0.0, 6.0, inplace)


def logsigmoid(input: Tensor) -> Tensor:
    """``log(sigmoid(x)) = -softplus(-x)``, finite for every finite x.

    >>> import twingrad
    >>> logsigmoid(twingrad.tensor([0.0, -1000.0]))
    tensor([-6.9315e-01, -1.0000e+03])
    """
    return -softplus(-_floating("log_sigmoid", input), 1.0, float("inf"))


def softmin(
    input: Tensor,
    dim: int | None = None,
    _stacklevel: int = 3,
    dtype: dtypes.dtype | None = None,
) -> Tensor:
    """``softmax(-input)`` along ``dim``: the smallest entries get the most weight.

    >>> import twingrad
    >>> softmin(twingrad.tensor([0.0, 0.0]), dim=0)
    tensor([0.5000, 0.5000])
    """
    if dim is None:
        dim = _softmax_dim("softmin", input.ndim)
    if dtype is not None:
        input = input.to(dtype)
    return (-input).softmax(dim)


class ELU(Module):
    """x where positive, else ``alpha * (exp(x) - 1)`` (see `elu`).

    >>> import twingrad
    >>> from twingrad import nn
    >>> nn.ELU(alpha=0.5)
    ELU(alpha=0.5)
    """

    def __init__(self, alpha: float = 1.0, inplace: bool = False) -> None:
        super().__init__()
        self.alpha, self.inplace = alpha, inplace

    def forward(self, input: Tensor) -> Tensor:
        return elu(input, self.alpha, self.inplace)

    def extra_repr(self) -> str:
        return f"alpha={self.alpha}" + (", inplace=True" if self.inplace else "")


class Hardtanh(Module):
    """``input`` limited to [min_val, max_val] (see `hardtanh`); ``min_value`` and
    ``max_value`` are PyTorch's deprecated names for the bounds.

    >>> import twingrad
    >>> from twingrad import nn
    >>> nn.Hardtanh(-2, 2)(twingrad.tensor([-3.0, 1.0]))
    tensor([-2.,  1.])
    """

    def __init__(
        self,
        min_val: float = -1.0,
        max_val: float = 1.0,
        inplace: bool = False,
        min_value: float | None = None,
        max_value: float | None = None,
    ) -> None:
        super().__init__()
        if min_value is not None or max_value is not None:
            warnings.warn(
                "keyword arguments `min_value` and `max_value` are deprecated and will be "
                "removed in the future. Use `min_val` and `max_val` instead.",
                FutureWarning,
                stacklevel=2,
            )
            min_val = min_val if min_value is None else min_value
            max_val = max_val if max_value is None else max_value
        if max_val <= min_val:
            raise ValueError(f"max_val ({max_val}) must be greater than min_val ({min_val})")
        self.min_val, self.max_val, self.inplace = min_val, max_val, inplace

    def forward(self, input: Tensor) -> Tensor:
        return hardtanh(input, self.min_val, self.max_val, self.inplace)

    def extra_repr(self) -> str:
        inplace = ", inplace=True" if self.inplace else ""
        return f"min_val={self.min_val}, max_val={self.max_val}{inplace}"


class ReLU6(Hardtanh):
    """``min(max(x, 0), 6)`` (see `relu6`).

    >>> import twingrad
    >>> from twingrad import nn
    >>> nn.ReLU6()(twingrad.tensor([-1.0, 7.0]))
    tensor([0., 6.])
    """

    def __init__(self, inplace: bool = False) -> None:
        super().__init__(0.0, 6.0, inplace)

    def extra_repr(self) -> str:
        return "inplace=True" if self.inplace else ""


class LogSigmoid(Module):
    """``log(sigmoid(x))``, computed stably (see `logsigmoid`).

    >>> import twingrad
    >>> from twingrad import nn
    >>> nn.LogSigmoid()(twingrad.tensor([0.0]))
    tensor([-0.6931])
    """

    def forward(self, input: Tensor) -> Tensor:
        return logsigmoid(input)


class Softmin(Module):
    """``softmax(-x)`` along ``dim`` (see `softmin`).

    >>> import twingrad
    >>> from twingrad import nn
    >>> nn.Softmin(dim=1)(twingrad.tensor([[0.0, 0.0]]))
    tensor([[0.5000, 0.5000]])
    """

    def __init__(self, dim: int | None = None) -> None:
        super().__init__()
        self.dim = dim

    def forward(self, input: Tensor) -> Tensor:
        return softmin(input, self.dim)

    def extra_repr(self) -> str:
        return f"dim={self.dim}"
