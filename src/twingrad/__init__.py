"""twingrad: automatic differentiation to learn from and to verify.

``import twingrad as torch`` runs PyTorch tutorial code wherever the feature exists.

>>> import twingrad as torch
>>> x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
>>> (x * x).sum().backward()
>>> x.grad
tensor([2., 4., 6.])
"""

from twingrad import autograd
from twingrad.graph import enable_grad, is_grad_enabled, no_grad, set_grad_enabled
from twingrad.scalar import Value
from twingrad.tensor import *  # noqa: F403  (the PyTorch-mirror surface)
from twingrad.tensor import __all__ as _tensor_all
from twingrad.tensor.dtypes import bool_ as bool  # noqa: A001  (PyTorch's name)
from twingrad.tensor.dtypes import float32 as float  # noqa: A001
from twingrad.tensor.dtypes import float64 as double
from twingrad.tensor.dtypes import int64 as long
from twingrad.tensor.elementwise import (
    abs,  # noqa: A004
    add,
    cos,
    div,
    exp,
    log,
    mul,
    neg,
    pow,  # noqa: A004
    relu,
    sigmoid,
    sin,
    sqrt,
    sub,
    tanh,
)
from twingrad.tensor.linalg import bmm, matmul, mm
from twingrad.tensor.movement import (
    expand,
    flatten,
    permute,
    reshape,
    squeeze,
    transpose,
    unsqueeze,
)
from twingrad.tensor.reduce import mean, sum  # noqa: A004

__version__ = "0.1.0"

__all__ = [
    *_tensor_all,
    "Value",
    "abs",
    "add",
    "autograd",
    "bmm",
    "bool",
    "cos",
    "div",
    "double",
    "enable_grad",
    "exp",
    "expand",
    "flatten",
    "float",
    "is_grad_enabled",
    "log",
    "long",
    "matmul",
    "mean",
    "mm",
    "mul",
    "neg",
    "no_grad",
    "permute",
    "pow",
    "relu",
    "reshape",
    "set_grad_enabled",
    "sigmoid",
    "sin",
    "sqrt",
    "squeeze",
    "sub",
    "sum",
    "tanh",
    "transpose",
    "unsqueeze",
]
