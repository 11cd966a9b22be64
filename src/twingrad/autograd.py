"""``twingrad.autograd``, as ``torch.autograd``: gradients without ``.grad``, and
``Function`` for ops with a backward written by hand."""

from twingrad._tensor.function import Function, FunctionCtx
from twingrad._tensor.functional import grad
from twingrad.core.graph import enable_grad, no_grad, set_grad_enabled

__all__ = ["Function", "FunctionCtx", "enable_grad", "grad", "no_grad", "set_grad_enabled"]
