"""Normalization layers: LayerNorm, BatchNorm1d and BatchNorm2d.

Both compute (x - mean) / sqrt(var + eps) * weight + bias with the statistics of the
input (the biased variance): one op of the rule table each (``batch_norm``,
``layer_norm``), whose backward is the closed-form gradient through the mean and variance
rather than a dozen elementwise steps. BatchNorm in eval mode uses its running statistics:
x * scale + shift.

>>> import twingrad
>>> from twingrad import nn
>>> bn = nn.BatchNorm1d(2)
>>> y = bn(twingrad.tensor([[1.0, 10.0], [3.0, 30.0]]))
>>> bn.running_mean
tensor([0.2000, 2.0000])
>>> bn
BatchNorm1d(2, eps=1e-05, momentum=0.1, affine=True, bias=True, track_running_stats=True)
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from twingrad._tensor import dtypes
from twingrad._tensor.creation import empty, ones, tensor, zeros
from twingrad._tensor.engine import apply
from twingrad._tensor.tensor import Tensor
from twingrad.core.graph import no_grad
from twingrad.nn import init
from twingrad.nn.linear import check_same_dtype
from twingrad.nn.module import Module
from twingrad.nn.parameter import Parameter
from twingrad.rules import RULES

if TYPE_CHECKING:
    from twingrad._tensor import devices

BATCH_NORM, LAYER_NORM = RULES["batch_norm"], RULES["layer_norm"]


def _normalized(rule, input: Tensor, weight, bias, dims: tuple, eps: float) -> Tensor:
    if weight is None and bias is not None:  # a shift without a scale: not the rule's form
        return apply(rule, input, dims=dims, eps=eps) + bias
    args = [t for t in (input, weight, bias) if t is not None]
    return apply(rule, *args, dims=dims, eps=eps)


def layer_norm(
    input: Tensor,
    normalized_shape: int | Sequence[int],
    weight: Tensor | None = None,
    bias: Tensor | None = None,
    eps: float = 1e-5,
) -> Tensor:
    """Normalise over the last ``len(normalized_shape)`` dims, then scale and shift.

    >>> import twingrad
    >>> layer_norm(twingrad.tensor([[1.0, 3.0]]), (2,))
    tensor([[-1.0000,  1.0000]])
    """
    shape = (normalized_shape,) if isinstance(normalized_shape, int) else tuple(normalized_shape)
    k = len(shape)
    if k == 0 or tuple(input.shape[input.ndim - k :]) != shape or input.ndim < k:
        raise RuntimeError(
            f"Given normalized_shape={list(shape)}, expected input with shape "
            f"[*, {', '.join(str(s) for s in shape)}], but got input of size {list(input.shape)}"
        )
    check_same_dtype("layer_norm", input, weight, bias)
    if not input.dtype.is_floating_point or input.dtype is dtypes.fraction:
        raise RuntimeError(f"layer_norm: expected a float32 or float64 input, got {input.dtype}")
    dims = tuple(range(input.ndim - k, input.ndim))
    return _normalized(LAYER_NORM, input, weight, bias, dims, eps)


def batch_norm(
    input: Tensor,
    running_mean: Tensor | None,
    running_var: Tensor | None,
    weight: Tensor | None = None,
    bias: Tensor | None = None,
    training: bool = False,
    momentum: float = 0.1,
    eps: float = 1e-5,
) -> Tensor:
    """Normalise each channel (dim 1) over the batch and spatial dims.

    Training uses the batch's statistics and moves the running ones toward them
    (``running = (1 - momentum) * running + momentum * batch``, the variance unbiased);
    evaluation uses the running statistics.

    >>> import twingrad
    >>> x = twingrad.tensor([[1.0], [3.0]])
    >>> batch_norm(x, None, None, training=True)
    tensor([[-1.0000],
            [ 1.0000]])
    """
    if input.ndim < 2:
        raise ValueError(
            f"batch_norm: expected an input of at least 2D (N, C, ...), got "
            f"shape {list(input.shape)}"
        )
    c = input.shape[1]
    for name, t in (
        ("running_mean", running_mean),
        ("running_var", running_var),
        ("weight", weight),
        ("bias", bias),
    ):
        if t is not None and t.numel() != c:
            raise RuntimeError(
                f"{name} should contain {c} elements not {t.numel()}: the input has {c} "
                f"channels (dim 1 of shape {list(input.shape)}), the layer {t.numel()}"
            )
    check_same_dtype("batch_norm", input, weight, bias)
    dims = (0, *range(2, input.ndim))
    shape = (1, c) + (1,) * (input.ndim - 2)
    if training:
        n = input.numel() // c
        if n <= 1:
            raise ValueError(
                "Expected more than 1 value per channel when training, got input size "
                f"{list(input.shape)}"
            )
        if running_mean is not None and running_var is not None:
            data = input._data
            mean = data.mean(axis=dims)
            var = data.var(axis=dims) * (n / (n - 1))  # the running variance is unbiased
            with no_grad():
                running_mean.copy_(running_mean * (1 - momentum) + Tensor._make(mean) * momentum)
                running_var.copy_(running_var * (1 - momentum) + Tensor._make(var) * momentum)
        return _normalized(
            BATCH_NORM, input, None if weight is None else weight.reshape(shape),
            None if bias is None else bias.reshape(shape), dims, eps,
        )  # fmt: skip
    if running_mean is None or running_var is None:
        raise RuntimeError("running_mean and running_var must be defined in evaluation mode")
    # two passes over the input: the per-channel scale and shift are folded first
    scale = 1 / (running_var + eps).sqrt()
    if weight is not None:
        scale = scale * weight
    shift = -running_mean * scale
    if bias is not None:
        shift = shift + bias
    return input * scale.reshape(shape) + shift.reshape(shape)


class LayerNorm(Module):
    """Normalises over the last dims given by ``normalized_shape``; weight ones, bias zeros.

    >>> import twingrad
    >>> from twingrad import nn
    >>> nn.LayerNorm(2)(twingrad.tensor([[1.0, 3.0]]))
    tensor([[-1.0000,  1.0000]], grad_fn=<LayerNormBackward0>)
    """

    def __init__(
        self,
        normalized_shape: int | Sequence[int],
        eps: float = 1e-5,
        elementwise_affine: bool = True,
        bias: bool = True,
        device: str | devices.device | None = None,
        dtype: dtypes.dtype | None = None,
    ) -> None:
        super().__init__()
        if isinstance(normalized_shape, int):
            normalized_shape = (normalized_shape,)
        self.normalized_shape = tuple(normalized_shape)
        self.eps, self.elementwise_affine = eps, elementwise_affine
        d = dtypes.as_dtype(dtype) if dtype is not None else None
        if elementwise_affine:
            self.weight = Parameter(ones(*self.normalized_shape, dtype=d))
            if bias:
                self.bias = Parameter(zeros(*self.normalized_shape, dtype=d))
            else:
                self.register_parameter("bias", None)
        else:
            self.register_parameter("weight", None)
            self.register_parameter("bias", None)

    def reset_parameters(self) -> None:
        """Weight back to ones and bias to zeros."""
        if self.weight is not None:
            init.ones_(self.weight)
        if self.bias is not None:
            init.zeros_(self.bias)

    def forward(self, input: Tensor) -> Tensor:
        return layer_norm(input, self.normalized_shape, self.weight, self.bias, self.eps)

    def extra_repr(self) -> str:
        return (
            f"{self.normalized_shape}, eps={self.eps}, "
            f"elementwise_affine={self.elementwise_affine}, bias={self.bias is not None}"
        )


class _BatchNorm(Module):
    _expected_dims: tuple[int, ...] = ()

    def __init__(
        self,
        num_features: int,
        eps: float = 1e-5,
        momentum: float | None = 0.1,
        affine: bool = True,
        track_running_stats: bool = True,
        device: str | devices.device | None = None,
        dtype: dtypes.dtype | None = None,
        *,
        bias: bool = True,
    ) -> None:
        super().__init__()
        self.num_features, self.eps, self.momentum = num_features, eps, momentum
        self.affine, self.track_running_stats = affine, track_running_stats
        d = dtypes.as_dtype(dtype) if dtype is not None else None
        if affine:
            self.weight = Parameter(empty(num_features, dtype=d))
            if bias:
                self.bias = Parameter(empty(num_features, dtype=d))
            else:
                self.register_parameter("bias", None)
        else:
            self.register_parameter("weight", None)
            self.register_parameter("bias", None)
        if track_running_stats:
            self.register_buffer("running_mean", zeros(num_features, dtype=d))
            self.register_buffer("running_var", ones(num_features, dtype=d))
            self.register_buffer("num_batches_tracked", tensor(0, dtype=dtypes.int64))
        else:
            self.register_buffer("running_mean", None)
            self.register_buffer("running_var", None)
            self.register_buffer("num_batches_tracked", None)
        self.reset_parameters()

    def reset_running_stats(self) -> None:
        """Running mean back to zeros, running variance to ones, the batch count to 0."""
        if self.track_running_stats:
            init.zeros_(self.running_mean)
            init.ones_(self.running_var)
            with no_grad():
                self.num_batches_tracked.zero_()

    def reset_parameters(self) -> None:
        """`reset_running_stats`, and weight back to ones and bias to zeros."""
        self.reset_running_stats()
        if self.affine:
            init.ones_(self.weight)
            if self.bias is not None:
                init.zeros_(self.bias)

    def forward(self, input: Tensor) -> Tensor:
        if input.ndim not in self._expected_dims:
            dims = " or ".join(f"{d}D" for d in self._expected_dims)
            raise ValueError(f"expected {dims} input (got {input.ndim}D input)")
        factor = 0.0 if self.momentum is None else self.momentum
        if self.training and self.track_running_stats:
            with no_grad():
                self.num_batches_tracked.add_(1)
            if self.momentum is None:  # a cumulative average over all batches so far
                factor = 1.0 / float(self.num_batches_tracked.item())
        use_batch_stats = self.training or (self.running_mean is None and self.running_var is None)
        keep_stats = not self.training or self.track_running_stats
        return batch_norm(
            input,
            self.running_mean if keep_stats else None,
            self.running_var if keep_stats else None,
            self.weight,
            self.bias,
            use_batch_stats,
            factor,
            self.eps,
        )

    def extra_repr(self) -> str:
        return (
            f"{self.num_features}, eps={self.eps}, momentum={self.momentum}, "
            f"affine={self.affine}, bias={self.bias is not None}, "
            f"track_running_stats={self.track_running_stats}"
        )


class BatchNorm1d(_BatchNorm):
    """Batch normalization of (N, C) or (N, C, L) input, per channel C.

    >>> import twingrad
    >>> from twingrad import nn
    >>> nn.BatchNorm1d(2)(twingrad.tensor([[1.0, 2.0], [3.0, 6.0]]))
    tensor([[-1.0000, -1.0000],
            [ 1.0000,  1.0000]], grad_fn=<BatchNormBackward0>)
    """

    _expected_dims = (2, 3)


class BatchNorm2d(_BatchNorm):
    """Batch normalization of (N, C, H, W) input, per channel C.

    >>> import twingrad
    >>> from twingrad import nn
    >>> bn = nn.BatchNorm2d(3)
    >>> bn(twingrad.ones(4, 3, 5, 5)).shape, bn.running_mean
    (twingrad.Size([4, 3, 5, 5]), tensor([0.1000, 0.1000, 0.1000]))
    """

    _expected_dims = (4,)
