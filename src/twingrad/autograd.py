"""``twingrad.autograd``: gradients without ``.grad`` (as ``torch.autograd``)."""

from twingrad.graph import enable_grad, no_grad, set_grad_enabled
from twingrad.tensor.functional import grad

__all__ = ["enable_grad", "grad", "no_grad", "set_grad_enabled"]
