"""Linear (fully connected) layers, and the shape helpers Identity, Flatten, Unflatten.

``linear`` is one op of the rule table (``x @ w.T + b``), so a Linear layer is one node in
the graph and one fused numpy call each way.

>>> import twingrad
>>> from twingrad import nn
>>> layer = nn.Linear(3, 2)
>>> layer(twingrad.ones(4, 3)).shape
twingrad.Size([4, 2])
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

from twingrad._tensor import dtypes
from twingrad._tensor.creation import empty
from twingrad._tensor.engine import apply
from twingrad._tensor.tensor import Tensor
from twingrad.nn import init
from twingrad.nn.module import Module
from twingrad.nn.parameter import Parameter
from twingrad.rules import RULES

if TYPE_CHECKING:
    from twingrad._tensor import devices

LINEAR = RULES["linear"]


def _shape_text(shape) -> str:
    return "x".join(str(s) for s in shape)


def check_same_dtype(op: str, input: Tensor, *others: Tensor | None) -> None:
    """PyTorch does not mix dtypes inside a layer: name the two that differ.

    >>> import twingrad
    >>> double = twingrad.ones(2, dtype=twingrad.float64)
    >>> check_same_dtype("linear", twingrad.ones(2), double)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    RuntimeError: linear: the input is float32 but the layer's parameters are float64; ...
    """
    for other in others:
        if other is not None and other.dtype is not input.dtype:
            raise RuntimeError(
                f"{op}: the input is {input.dtype.name} but the layer's parameters are "
                f"{other.dtype.name}; convert one (model.double() or x.float()) so both match"
            )


def linear(input: Tensor, weight: Tensor, bias: Tensor | None = None) -> Tensor:
    """``input @ weight.T + bias``: the input's last dimension is weight's in_features.

    >>> import twingrad
    >>> w = twingrad.tensor([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]])
    >>> linear(twingrad.tensor([1.0, 1.0]), w, twingrad.tensor([0.0, 0.0, 1.0]))
    tensor([ 3.,  7., 12.])
    """
    if weight.ndim != 2:
        raise RuntimeError(
            f"linear: weight must be 2-D (out_features, in_features), got "
            f"shape {list(weight.shape)}"
        )
    if input.ndim == 0 or input.shape[-1] != weight.shape[1]:
        rows = math.prod(input.shape[:-1]) if input.ndim else 1
        cols = input.shape[-1] if input.ndim else 1
        raise RuntimeError(
            f"mat1 and mat2 shapes cannot be multiplied ({rows}x{cols} and "
            f"{_shape_text(weight.shape[::-1])}): the input's last dimension ({cols}) must "
            f"equal in_features ({weight.shape[1]}); the input has shape {list(input.shape)}"
        )
    if bias is not None and tuple(bias.shape) != (weight.shape[0],):
        raise RuntimeError(
            f"linear: bias of shape {list(bias.shape)} does not match out_features "
            f"{weight.shape[0]}"
        )
    check_same_dtype("linear", input, weight, bias)
    if bias is None:
        return apply(LINEAR, input, weight)
    return apply(LINEAR, input, weight, bias)


class Identity(Module):
    """Returns its input unchanged (a placeholder that keeps a model's structure).

    >>> import twingrad
    >>> from twingrad import nn
    >>> nn.Identity(54, unused="ignored")(twingrad.tensor([1.0]))
    tensor([1.])
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__()

    def forward(self, input: Tensor) -> Tensor:
        return input


class Linear(Module):
    """y = x W^T + b, with W of shape (out_features, in_features).

    Initialised as PyTorch does: W and b uniform in +-1/sqrt(in_features) (kaiming_uniform_
    with a=sqrt(5) for W).

    >>> import twingrad
    >>> from twingrad import nn
    >>> nn.Linear(3, 2)(twingrad.ones(4, 3)).shape
    twingrad.Size([4, 2])
    """

    def __init__(
        self,
        in_features: int,
        out_features: int,
        bias: bool = True,
        device: str | devices.device | None = None,
        dtype: dtypes.dtype | None = None,
    ) -> None:
        super().__init__()
        self.in_features = in_features
        self.out_features = out_features
        d = dtypes.as_dtype(dtype) if dtype is not None else None
        self.weight = Parameter(empty(out_features, in_features, dtype=d))
        if bias:
            self.bias = Parameter(empty(out_features, dtype=d))
        else:
            self.register_parameter("bias", None)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        """Redraw W and b uniform in +-1/sqrt(in_features), as at construction."""
        init.kaiming_uniform_(self.weight, a=math.sqrt(5))
        if self.bias is not None:
            fan_in = self.in_features
            bound = 1 / math.sqrt(fan_in) if fan_in > 0 else 0
            init.uniform_(self.bias, -bound, bound)

    def forward(self, input: Tensor) -> Tensor:
        return linear(input, self.weight, self.bias)

    def extra_repr(self) -> str:
        return (
            f"in_features={self.in_features}, out_features={self.out_features}, "
            f"bias={self.bias is not None}"
        )


class Flatten(Module):
    """Flattens dims ``start_dim`` to ``end_dim`` into one (by default all but the batch).

    >>> import twingrad
    >>> from twingrad import nn
    >>> nn.Flatten()(twingrad.ones(2, 3, 4)).shape
    twingrad.Size([2, 12])
    """

    def __init__(self, start_dim: int = 1, end_dim: int = -1) -> None:
        super().__init__()
        self.start_dim, self.end_dim = start_dim, end_dim

    def forward(self, input: Tensor) -> Tensor:
        return input.flatten(self.start_dim, self.end_dim)

    def extra_repr(self) -> str:
        return f"start_dim={self.start_dim}, end_dim={self.end_dim}"


class Unflatten(Module):
    """Splits dim ``dim`` into ``unflattened_size``: the inverse of Flatten.

    >>> import twingrad
    >>> from twingrad import nn
    >>> nn.Unflatten(1, (3, 4))(twingrad.ones(2, 12)).shape
    twingrad.Size([2, 3, 4])
    """

    def __init__(self, dim: int, unflattened_size: tuple[int, ...]) -> None:
        super().__init__()
        self.dim, self.unflattened_size = dim, tuple(unflattened_size)

    def forward(self, input: Tensor) -> Tensor:
        d = input._dim(self.dim)
        shape = tuple(input.shape)
        return input.reshape(shape[:d] + self.unflattened_size + shape[d + 1 :])

    def extra_repr(self) -> str:
        return f"dim={self.dim}, unflattened_size={self.unflattened_size}"
