"""twingrad: automatic differentiation to learn from and to verify.

``import twingrad as torch`` runs PyTorch tutorial code wherever the feature exists.

>>> import twingrad as torch
>>> x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
>>> (x * x).sum().backward()
>>> x.grad
tensor([2., 4., 6.])
"""

import importlib as _importlib
from types import ModuleType as _ModuleType

# the tensor engine's functions, classes and dtypes: what each module lists in __all__
from twingrad._tensor.comparison import *  # noqa: F403
from twingrad._tensor.creation import *  # noqa: F403
from twingrad._tensor.devices import *  # noqa: F403
from twingrad._tensor.dtypes import *  # noqa: F403
from twingrad._tensor.dtypes import bool_ as bool  # noqa: A001, F401  (PyTorch's names)
from twingrad._tensor.dtypes import float32 as float  # noqa: A001, F401
from twingrad._tensor.dtypes import float64 as double  # noqa: F401
from twingrad._tensor.dtypes import int64 as long  # noqa: F401
from twingrad._tensor.elementwise import *  # noqa: F403
from twingrad._tensor.extremes import *  # noqa: F403
from twingrad._tensor.indexing import *  # noqa: F403
from twingrad._tensor.joining import *  # noqa: F403
from twingrad._tensor.linalg import *  # noqa: F403
from twingrad._tensor.mathops import *  # noqa: F403
from twingrad._tensor.movement import *  # noqa: F403
from twingrad._tensor.new import *  # noqa: F403
from twingrad._tensor.norm import *  # noqa: F403
from twingrad._tensor.printing import *  # noqa: F403
from twingrad._tensor.ranges import *  # noqa: F403
from twingrad._tensor.reduce import *  # noqa: F403
from twingrad._tensor.rounding import *  # noqa: F403
from twingrad._tensor.sampling import *  # noqa: F403
from twingrad._tensor.selection import *  # noqa: F403
from twingrad._tensor.sorting import *  # noqa: F403
from twingrad._tensor.tensor import *  # noqa: F403

# the rest of the public face (F401: these are in __all__, built below)
from twingrad.checkpoint import load, save  # noqa: F401
from twingrad.core.graph import (  # noqa: F401
    enable_grad,
    is_grad_enabled,
    no_grad,
    set_grad_enabled,
)
from twingrad.scalar import Value  # noqa: F401
from twingrad.visualize import draw, walkthrough  # noqa: F401

# the subpackages named after torch's: twingrad.nn, twingrad.optim...
_SUBPACKAGES = ("accelerator", "autograd", "cuda", "data", "nn", "optim", "utils")
for _name in _SUBPACKAGES:
    _importlib.import_module(f"{__name__}.{_name}")

__version__ = "0.1.0"

# Every public name bound above, each written once: not the modules imported on the way
# (twingrad.core, twingrad.rules...), only the torch-named subpackages.
__all__ = sorted(
    _key
    for _key, _value in globals().items()
    if not _key.startswith("_") and (not isinstance(_value, _ModuleType) or _key in _SUBPACKAGES)
)
