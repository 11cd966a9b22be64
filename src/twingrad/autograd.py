"""``twingrad.autograd``, as ``torch.autograd``: gradients without ``.grad``, and
``Function`` for ops with a backward written by hand."""

from twingrad.graph import enable_grad, no_grad, set_grad_enabled
from twingrad.tensor.function import Function, FunctionCtx
from twingrad.tensor.functional import grad

__all__ = ["Function", "FunctionCtx", "enable_grad", "grad", "no_grad", "set_grad_enabled"]
