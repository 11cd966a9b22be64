"""twingrad: automatic differentiation to learn from and to verify.

``import twingrad as torch`` runs PyTorch tutorial code wherever the feature exists.

>>> import twingrad as torch
>>> x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
>>> (x * x).sum().backward()
>>> x.grad
tensor([2., 4., 6.])
"""

from twingrad import accelerator, autograd, cuda, data, nn, optim, utils
from twingrad._tensor import *  # noqa: F403  (the PyTorch-mirror surface)
from twingrad._tensor import __all__ as _tensor_all
from twingrad._tensor.creation import from_numpy
from twingrad._tensor.devices import device
from twingrad._tensor.dtypes import bool_ as bool  # noqa: A001  (PyTorch's name)
from twingrad._tensor.dtypes import float32 as float  # noqa: A001
from twingrad._tensor.dtypes import float64 as double
from twingrad._tensor.dtypes import int64 as long
from twingrad._tensor.elementwise import (
    abs,  # noqa: A004
    add,
    clamp,
    clip,
    cos,
    div,
    exp,
    log,
    maximum,
    minimum,
    mul,
    neg,
    pow,  # noqa: A004
    relu,
    sigmoid,
    sin,
    sqrt,
    sub,
    tanh,
    where,
)
from twingrad._tensor.indexing import gather, index_select, masked_fill, tril, triu
from twingrad._tensor.linalg import bmm, matmul, mm
from twingrad._tensor.mathops import isfinite, isinf, isnan, reciprocal, rsqrt, square
from twingrad._tensor.matrix import diag, diagonal, dot, mv, outer, trace
from twingrad._tensor.movement import (
    cat,
    chunk,
    concat,
    concatenate,
    expand,
    flatten,
    flip,
    permute,
    reshape,
    split,
    squeeze,
    stack,
    transpose,
    unsqueeze,
)
from twingrad._tensor.new import as_tensor, is_tensor, numel
from twingrad._tensor.norm import norm
from twingrad._tensor.reduce import (
    all,  # noqa: A004
    allclose,
    amax,
    amin,
    any,  # noqa: A004
    argmax,
    argmin,
    equal,
    isclose,
    log_softmax,
    logsumexp,
    max,  # noqa: A004
    mean,
    min,  # noqa: A004
    prod,
    softmax,
    std,
    sum,  # noqa: A004
    var,
)
from twingrad._tensor.rounding import (
    ceil,
    fix,
    floor,
    floor_divide,
    fmod,
    frac,
    remainder,
    round,  # noqa: A004
    sign,
    trunc,
)
from twingrad._tensor.sampling import multinomial
from twingrad._tensor.scan import cumprod, cumsum
from twingrad._tensor.sorting import argsort, sort, topk
from twingrad.checkpoint import load, save
from twingrad.core.graph import enable_grad, is_grad_enabled, no_grad, set_grad_enabled
from twingrad.scalar import Value
from twingrad.visualize import draw, walkthrough

__version__ = "0.1.0"

__all__ = [
    *_tensor_all,
    "Value",
    "abs",
    "accelerator",
    "add",
    "all",
    "allclose",
    "amax",
    "amin",
    "any",
    "argmax",
    "argmin",
    "argsort",
    "as_tensor",
    "autograd",
    "bmm",
    "bool",
    "cat",
    "ceil",
    "chunk",
    "clamp",
    "clip",
    "concat",
    "concatenate",
    "cos",
    "cuda",
    "cumprod",
    "cumsum",
    "data",
    "device",
    "diag",
    "diagonal",
    "div",
    "dot",
    "double",
    "draw",
    "enable_grad",
    "equal",
    "exp",
    "expand",
    "fix",
    "flatten",
    "flip",
    "float",
    "floor",
    "floor_divide",
    "fmod",
    "frac",
    "from_numpy",
    "gather",
    "index_select",
    "is_grad_enabled",
    "is_tensor",
    "isclose",
    "isfinite",
    "isinf",
    "isnan",
    "load",
    "log",
    "log_softmax",
    "logsumexp",
    "long",
    "masked_fill",
    "matmul",
    "max",
    "maximum",
    "mean",
    "min",
    "minimum",
    "mm",
    "mul",
    "multinomial",
    "mv",
    "neg",
    "nn",
    "no_grad",
    "norm",
    "numel",
    "optim",
    "outer",
    "permute",
    "pow",
    "prod",
    "reciprocal",
    "relu",
    "remainder",
    "reshape",
    "round",
    "rsqrt",
    "save",
    "set_grad_enabled",
    "sigmoid",
    "sign",
    "sin",
    "softmax",
    "sort",
    "split",
    "sqrt",
    "square",
    "squeeze",
    "stack",
    "std",
    "sub",
    "sum",
    "tanh",
    "topk",
    "trace",
    "transpose",
    "tril",
    "triu",
    "trunc",
    "unsqueeze",
    "utils",
    "var",
    "walkthrough",
    "where",
]
