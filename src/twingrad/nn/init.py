"""Weight initialisation, as ``torch.nn.init``: each function fills a tensor in place.

Random values come from twingrad's seeded generator (`twingrad.manual_seed`), so a seed
reproduces an initialisation; they are not the numbers PyTorch's generator would draw.

>>> import twingrad
>>> from twingrad import nn
>>> w = twingrad.empty(256, 64)
>>> _ = nn.init.kaiming_uniform_(w, nonlinearity="relu")
>>> bound = (6 / 64) ** 0.5
>>> bool(w.abs().max() <= bound) and bool(w.abs().max() > 0.99 * bound)
True
"""

from __future__ import annotations

import math
import warnings

import numpy as np

from twingrad._tensor.creation import generator as _default_generator
from twingrad._tensor.tensor import Tensor
from twingrad.core.graph import no_grad
from twingrad.nn.init_structured import dirac_, eye_, orthogonal_

_LINEAR_LIKE = (
    "linear",
    "conv1d",
    "conv2d",
    "conv3d",
    "conv_transpose1d",
    "conv_transpose2d",
    "conv_transpose3d",
    "sigmoid",
)


def calculate_gain(nonlinearity: str, param: float | None = None) -> float:
    """The factor that keeps activations' variance steady through ``nonlinearity``.

    >>> calculate_gain("relu"), calculate_gain("tanh"), calculate_gain("leaky_relu", 0.2)
    (1.4142135623730951, 1.6666666666666667, 1.3867504905630728)
    """
    if nonlinearity in _LINEAR_LIKE:
        return 1.0
    if nonlinearity == "tanh":
        return 5.0 / 3
    if nonlinearity == "relu":
        return math.sqrt(2.0)
    if nonlinearity == "leaky_relu":
        if param is None:
            slope = 0.01
        elif isinstance(param, int | float) and not isinstance(param, bool):
            slope = param
        else:
            raise ValueError(f"negative_slope {param} not a valid number")
        return math.sqrt(2.0 / (1 + slope**2))
    if nonlinearity == "selu":
        return 3.0 / 4
    raise ValueError(f"Unsupported nonlinearity {nonlinearity}")


def _fill(tensor: Tensor, values: np.ndarray) -> Tensor:
    with no_grad():
        tensor.copy_(Tensor._make(np.asarray(values, dtype=tensor.dtype.numpy)))
    return tensor


def _rng(generator: np.random.Generator | None) -> np.random.Generator:
    return _default_generator() if generator is None else generator


def uniform_(
    tensor: Tensor, a: float = 0.0, b: float = 1.0, generator: np.random.Generator | None = None
) -> Tensor:
    """Fill with samples from U(a, b).

    >>> import twingrad
    >>> w = uniform_(twingrad.empty(1000), -1.0, 1.0)
    >>> -1.0 <= w.min().item() and w.max().item() < 1.0
    True
    """
    return _fill(tensor, _rng(generator).uniform(a, b, tuple(tensor.shape)))


def normal_(
    tensor: Tensor,
    mean: float = 0.0,
    std: float = 1.0,
    generator: np.random.Generator | None = None,
) -> Tensor:
    """Fill with samples from N(mean, std^2).

    >>> import twingrad
    >>> round(normal_(twingrad.empty(100000), 2.0, 0.5).mean().item(), 1)
    2.0
    """
    return _fill(tensor, _rng(generator).normal(mean, std, tuple(tensor.shape)))


def constant_(tensor: Tensor, val: float) -> Tensor:
    """Fill with ``val``.

    >>> import twingrad
    >>> constant_(twingrad.empty(2), 0.5)
    tensor([0.5000, 0.5000])
    """
    return _fill(tensor, np.full(tuple(tensor.shape), val))


def zeros_(tensor: Tensor) -> Tensor:
    """Fill with zeros.

    >>> import twingrad
    >>> zeros_(twingrad.ones(2))
    tensor([0., 0.])
    """
    return constant_(tensor, 0.0)


def ones_(tensor: Tensor) -> Tensor:
    """Fill with ones.

    >>> import twingrad
    >>> ones_(twingrad.zeros(2))
    tensor([1., 1.])
    """
    return constant_(tensor, 1.0)


def _calculate_fan_in_and_fan_out(tensor: Tensor) -> tuple[int, int]:
    """(fan_in, fan_out): inputs and outputs per unit, counting a conv kernel's positions."""
    if tensor.dim() < 2:
        raise ValueError(
            "Fan in and fan out can not be computed for tensor with fewer than 2 dimensions "
            f"(got shape {list(tensor.shape)})"
        )
    receptive = math.prod(tensor.shape[2:])
    return tensor.shape[1] * receptive, tensor.shape[0] * receptive


def _calculate_correct_fan(tensor: Tensor, mode: str) -> int:
    if mode not in ("fan_in", "fan_out"):
        raise ValueError(f"Mode {mode} not supported, please use one of fan_in, fan_out")
    fan_in, fan_out = _calculate_fan_in_and_fan_out(tensor)
    return fan_in if mode == "fan_in" else fan_out


def _empty(tensor: Tensor) -> bool:
    if tensor.numel() == 0:
        warnings.warn("Initializing zero-element tensors is a no-op", stacklevel=3)
        return True
    return False


def xavier_uniform_(
    tensor: Tensor, gain: float = 1.0, generator: np.random.Generator | None = None
) -> Tensor:
    """Glorot uniform: U(-a, a) with a = gain * sqrt(6 / (fan_in + fan_out)).

    >>> import twingrad
    >>> w = xavier_uniform_(twingrad.empty(30, 20))
    >>> w.abs().max().item() <= (6 / 50) ** 0.5
    True
    """
    fan_in, fan_out = _calculate_fan_in_and_fan_out(tensor)
    a = gain * math.sqrt(6.0 / (fan_in + fan_out))
    return uniform_(tensor, -a, a, generator)


def xavier_normal_(
    tensor: Tensor, gain: float = 1.0, generator: np.random.Generator | None = None
) -> Tensor:
    """Glorot normal: N(0, std^2) with std = gain * sqrt(2 / (fan_in + fan_out)).

    >>> import twingrad
    >>> xavier_normal_(twingrad.empty(30, 20)).shape
    twingrad.Size([30, 20])
    """
    fan_in, fan_out = _calculate_fan_in_and_fan_out(tensor)
    return normal_(tensor, 0.0, gain * math.sqrt(2.0 / (fan_in + fan_out)), generator)


def kaiming_uniform_(
    tensor: Tensor,
    a: float = 0,
    mode: str = "fan_in",
    nonlinearity: str = "leaky_relu",
    generator: np.random.Generator | None = None,
) -> Tensor:
    """He uniform: U(-b, b) with b = gain * sqrt(3 / fan). PyTorch's Linear and Conv use it
    with ``a=sqrt(5)``, which makes b = 1 / sqrt(fan_in).

    >>> import math, twingrad
    >>> w = kaiming_uniform_(twingrad.empty(64, 25), a=math.sqrt(5))
    >>> w.abs().max().item() <= 1 / 5
    True
    """
    if _empty(tensor):
        return tensor
    fan = _calculate_correct_fan(tensor, mode)
    bound = math.sqrt(3.0) * calculate_gain(nonlinearity, a) / math.sqrt(fan)
    return uniform_(tensor, -bound, bound, generator)


def kaiming_normal_(
    tensor: Tensor,
    a: float = 0,
    mode: str = "fan_in",
    nonlinearity: str = "leaky_relu",
    generator: np.random.Generator | None = None,
) -> Tensor:
    """He normal: N(0, std^2) with std = gain / sqrt(fan).

    >>> import twingrad
    >>> kaiming_normal_(twingrad.empty(8, 3, 3, 3), nonlinearity="relu").shape
    twingrad.Size([8, 3, 3, 3])
    """
    if _empty(tensor):
        return tensor
    fan = _calculate_correct_fan(tensor, mode)
    return normal_(tensor, 0.0, calculate_gain(nonlinearity, a) / math.sqrt(fan), generator)


__all__ = [
    "calculate_gain",
    "constant_",
    "dirac_",
    "eye_",
    "kaiming_normal_",
    "kaiming_uniform_",
    "normal_",
    "ones_",
    "orthogonal_",
    "uniform_",
    "xavier_normal_",
    "xavier_uniform_",
    "zeros_",
]
