"""twingrad: automatic differentiation to learn from and to verify.

>>> from twingrad import Value
>>> x = Value(3.0)
>>> y = x * x
>>> y.backward()
>>> x.grad
6.0
"""

from twingrad.graph import enable_grad, is_grad_enabled, no_grad, set_grad_enabled
from twingrad.scalar import Value

__version__ = "0.1.0"

__all__ = ["Value", "enable_grad", "is_grad_enabled", "no_grad", "set_grad_enabled"]
