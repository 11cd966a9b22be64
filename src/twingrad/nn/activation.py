"""Activation functions, as functions (``F.relu``) and as layers (``nn.ReLU``).

ReLU, Tanh and Sigmoid are the engine's own elementwise ops; LeakyReLU, GELU and Softplus
are rules of the table (`twingrad.rules`); Softmax and LogSoftmax are the engine's
stable softmax ops.

>>> import twingrad
>>> from twingrad import nn
>>> nn.LeakyReLU(0.1)(twingrad.tensor([-2.0, 3.0]))
tensor([-0.2000,  3.0000])
"""

from __future__ import annotations

import warnings

from twingrad._tensor import dtypes
from twingrad._tensor.engine import apply
from twingrad._tensor.tensor import Tensor
from twingrad.nn.module import Module
from twingrad.rules import RULES

# named *_RULE: the layer classes below take the plain names
LEAKY_RELU_RULE, SILU_RULE, SOFTPLUS_RULE = RULES["leaky_relu"], RULES["silu"], RULES["softplus"]
GELU_RULE, GELU_TANH_RULE = RULES["gelu"], RULES["gelu_tanh"]


def _floating(name: str, input: Tensor) -> Tensor:
    if not input.dtype.is_floating_point or input.dtype is dtypes.fraction:
        raise RuntimeError(
            f"{name}: expected a float32 or float64 tensor, got {input.dtype.name}; convert "
            "with .float() first"
        )
    return input


def _maybe_inplace(input: Tensor, result: Tensor, inplace: bool) -> Tensor:
    # an in-place activation rewrites the input as the engine's in-place ops do; ``result``
    # must be one op applied to ``input`` (the engine re-links that op to the old value)
    return input._inplace(result) if inplace else result


def relu(input: Tensor, inplace: bool = False) -> Tensor:
    """max(input, 0) elementwise.

    >>> import twingrad
    >>> relu(twingrad.tensor([-1.0, 2.0]))
    tensor([0., 2.])
    """
    return _maybe_inplace(input, input.relu(), inplace)


def leaky_relu(input: Tensor, negative_slope: float = 0.01, inplace: bool = False) -> Tensor:
    """input where positive, else negative_slope * input.

    >>> import twingrad
    >>> leaky_relu(twingrad.tensor([-1.0, 2.0]), 0.5)
    tensor([-0.5000,  2.0000])
    """
    out = apply(LEAKY_RELU_RULE, _floating("leaky_relu", input), negative_slope=negative_slope)
    return _maybe_inplace(input, out, inplace)


def gelu(input: Tensor, approximate: str = "none") -> Tensor:
    """x * Phi(x), Phi the standard normal cdf; ``approximate="tanh"`` uses PyTorch's tanh
    formula instead of erf.

    numpy has no erf, so the exact form calls C's erf once per element (about 0.1 µs each,
    several times the cost of the tanh form); the tanh form is the faster choice for big
    activations.

    >>> import twingrad
    >>> gelu(twingrad.tensor([0.0, 1.0], dtype=twingrad.float64))
    tensor([0.0000, 0.8413], dtype=twingrad.float64)
    """
    if approximate not in ("none", "tanh"):
        raise RuntimeError(f"approximate argument must be either none or tanh, got {approximate!r}")
    rule = GELU_RULE if approximate == "none" else GELU_TANH_RULE
    return apply(rule, _floating("gelu", input))


def sigmoid(input: Tensor) -> Tensor:
    """1 / (1 + exp(-input)), computed without overflow.

    >>> import twingrad
    >>> sigmoid(twingrad.tensor([0.0, 1000.0]))
    tensor([0.5000, 1.0000])
    """
    return input.sigmoid()


def tanh(input: Tensor) -> Tensor:
    """The hyperbolic tangent.

    >>> import twingrad
    >>> tanh(twingrad.tensor([0.0]))
    tensor([0.])
    """
    return input.tanh()


def softplus(input: Tensor, beta: float = 1.0, threshold: float = 20.0) -> Tensor:
    """log(1 + exp(beta * x)) / beta, and x itself where beta * x > threshold.

    >>> import twingrad
    >>> softplus(twingrad.tensor([0.0, 100.0]))
    tensor([  0.6931, 100.0000])
    """
    return apply(SOFTPLUS_RULE, _floating("softplus", input), beta=beta, threshold=threshold)


def silu(input: Tensor, inplace: bool = False) -> Tensor:
    """x * sigmoid(x) (also called swish).

    >>> import twingrad
    >>> silu(twingrad.tensor([0.0, 1.0], dtype=twingrad.float64))
    tensor([0.0000, 0.7311], dtype=twingrad.float64)
    """
    return _maybe_inplace(input, apply(SILU_RULE, _floating("silu", input)), inplace)


def _softmax_dim(name: str, ndim: int) -> int:
    warnings.warn(
        f"Implicit dimension choice for {name} has been deprecated. Change the call to "
        "include dim=X as an argument.",
        stacklevel=3,
    )
    return 0 if ndim in (0, 1, 3) else 1


def softmax(
    input: Tensor,
    dim: int | None = None,
    _stacklevel: int = 3,
    dtype: dtypes.dtype | None = None,
) -> Tensor:
    """exp(x) / sum(exp(x)) along ``dim``.

    >>> import twingrad
    >>> softmax(twingrad.tensor([0.0, 0.0]), dim=0)
    tensor([0.5000, 0.5000])
    """
    if dim is None:
        dim = _softmax_dim("softmax", input.ndim)
    return input.softmax(dim, dtype=dtype)


def log_softmax(
    input: Tensor,
    dim: int | None = None,
    _stacklevel: int = 3,
    dtype: dtypes.dtype | None = None,
) -> Tensor:
    """log(softmax(x)) along ``dim``, computed stably.

    >>> import twingrad
    >>> log_softmax(twingrad.tensor([0.0, 0.0]), dim=0)
    tensor([-0.6931, -0.6931])
    """
    if dim is None:
        dim = _softmax_dim("log_softmax", input.ndim)
    return input.log_softmax(dim, dtype=dtype)


class ReLU(Module):
    """max(x, 0) elementwise.

    >>> import twingrad
    >>> from twingrad import nn
    >>> nn.ReLU()(twingrad.tensor([-1.0, 2.0]))
    tensor([0., 2.])
    """

    def __init__(self, inplace: bool = False) -> None:
        super().__init__()
        self.inplace = inplace

    def forward(self, input: Tensor) -> Tensor:
        return relu(input, self.inplace)

    def extra_repr(self) -> str:
        return "inplace=True" if self.inplace else ""


class LeakyReLU(Module):
    """x where positive, else negative_slope * x.

    >>> import twingrad
    >>> from twingrad import nn
    >>> nn.LeakyReLU(0.5)(twingrad.tensor([-1.0, 2.0]))
    tensor([-0.5000,  2.0000])
    """

    def __init__(self, negative_slope: float = 0.01, inplace: bool = False) -> None:
        super().__init__()
        self.negative_slope, self.inplace = negative_slope, inplace

    def forward(self, input: Tensor) -> Tensor:
        return leaky_relu(input, self.negative_slope, self.inplace)

    def extra_repr(self) -> str:
        return f"negative_slope={self.negative_slope}" + (", inplace=True" if self.inplace else "")


class GELU(Module):
    """x * Phi(x) (exact, with erf) or its tanh approximation.

    >>> import twingrad
    >>> from twingrad import nn
    >>> nn.GELU(approximate="tanh")(twingrad.tensor([0.0, 1.0]))
    tensor([0.0000, 0.8412])
    """

    def __init__(self, approximate: str = "none") -> None:
        super().__init__()
        self.approximate = approximate

    def forward(self, input: Tensor) -> Tensor:
        return gelu(input, self.approximate)

    def extra_repr(self) -> str:
        return f"approximate={self.approximate!r}"


class Sigmoid(Module):
    """1 / (1 + exp(-x)).

    >>> import twingrad
    >>> from twingrad import nn
    >>> nn.Sigmoid()(twingrad.tensor([0.0]))
    tensor([0.5000])
    """

    def forward(self, input: Tensor) -> Tensor:
        return input.sigmoid()


class Tanh(Module):
    """The hyperbolic tangent.

    >>> import twingrad
    >>> from twingrad import nn
    >>> nn.Tanh()(twingrad.tensor([0.0]))
    tensor([0.])
    """

    def forward(self, input: Tensor) -> Tensor:
        return input.tanh()


class Softplus(Module):
    """log(1 + exp(beta * x)) / beta.

    >>> import twingrad
    >>> from twingrad import nn
    >>> nn.Softplus()(twingrad.tensor([0.0]))
    tensor([0.6931])
    """

    def __init__(self, beta: float = 1.0, threshold: float = 20.0) -> None:
        super().__init__()
        self.beta, self.threshold = beta, threshold

    def forward(self, input: Tensor) -> Tensor:
        return softplus(input, self.beta, self.threshold)

    def extra_repr(self) -> str:
        return f"beta={self.beta}, threshold={self.threshold}"


class SiLU(Module):
    """x * sigmoid(x).

    >>> import twingrad
    >>> from twingrad import nn
    >>> nn.SiLU()(twingrad.tensor([0.0, 1.0]))
    tensor([0.0000, 0.7311])
    """

    def __init__(self, inplace: bool = False) -> None:
        super().__init__()
        self.inplace = inplace

    def forward(self, input: Tensor) -> Tensor:
        return silu(input, self.inplace)

    def extra_repr(self) -> str:
        return "inplace=True" if self.inplace else ""


class Softmax(Module):
    """softmax along ``dim``: each slice along it sums to 1.

    >>> import twingrad
    >>> from twingrad import nn
    >>> nn.Softmax(dim=1)(twingrad.tensor([[0.0, 0.0]]))
    tensor([[0.5000, 0.5000]])
    """

    def __init__(self, dim: int | None = None) -> None:
        super().__init__()
        self.dim = dim

    def forward(self, input: Tensor) -> Tensor:
        return softmax(input, self.dim)

    def extra_repr(self) -> str:
        return f"dim={self.dim}"


class LogSoftmax(Module):
    """log of softmax along ``dim``, computed stably.

    >>> import twingrad
    >>> from twingrad import nn
    >>> nn.LogSoftmax(dim=1)(twingrad.tensor([[0.0, 0.0]]))
    tensor([[-0.6931, -0.6931]])
    """

    def __init__(self, dim: int | None = None) -> None:
        super().__init__()
        self.dim = dim

    def forward(self, input: Tensor) -> Tensor:
        return log_softmax(input, self.dim)

    def extra_repr(self) -> str:
        return f"dim={self.dim}"
