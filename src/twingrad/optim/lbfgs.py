"""L-BFGS: a quasi-Newton method that builds an approximation of the inverse Hessian from
the last ``history_size`` steps s and gradient changes y, as ``torch.optim.LBFGS``.

Each call to ``step(closure)`` runs up to ``max_iter`` iterations; the closure re-evaluates
the model, calls ``backward`` and returns the loss. The direction is -H g, with H g
computed by the two-loop recursion over the stored (s, y) pairs; the step along it is
``lr`` (the first ever is scaled down by the gradient's size), or found by a strong Wolfe
line search (``line_search_fn="strong_wolfe"``). All parameters are handled as one flat
vector, so there is a single parameter group.

>>> import twingrad
>>> from twingrad.optim import LBFGS
>>> w = twingrad.tensor([3.0, -1.0], requires_grad=True)
>>> opt = LBFGS([w], line_search_fn="strong_wolfe")
>>> def closure():
...     opt.zero_grad()
...     loss = ((w - 1) ** 2).sum()
...     loss.backward()
...     return loss
>>> loss = opt.step(closure)
>>> [round(v, 6) for v in w.tolist()]
[1.0, 1.0]
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import numpy as np

from twingrad._tensor.tensor import Tensor
from twingrad.core.graph import enable_grad
from twingrad.optim.line_search import strong_wolfe
from twingrad.optim.optimizer import Optimizer
from twingrad.optim.update import check_not_exact

if TYPE_CHECKING:
    from twingrad.optim.optimizer import ParamsT, StateDict

# the entries of the state that hold flat vectors or lists of them (the rest are numbers)
_VECTORS = ("d", "prev_flat_grad", "old_dirs", "old_stps", "ro", "al", "H_diag")


def _scalar(x) -> Tensor:
    return Tensor._make(np.asarray(x))


class LBFGS(Optimizer):
    """Limited-memory BFGS, as ``torch.optim.LBFGS`` (see the module docstring).

    ``max_eval`` defaults to ``max_iter * 5 // 4``; iterations stop early when the
    gradient's largest entry is at most ``tolerance_grad``, or when the step or the loss
    change is below ``tolerance_change``. The state (kept under the first parameter, as in
    PyTorch) holds ``func_evals``, ``n_iter``, the direction ``d``, the step ``t``,
    ``old_dirs`` (y), ``old_stps`` (s), ``ro`` (1 / y.s), ``al``, ``H_diag``,
    ``prev_flat_grad`` and ``prev_loss``.
    """

    def __init__(
        self,
        params: ParamsT,
        lr: float = 1,
        max_iter: int = 20,
        max_eval: int | None = None,
        tolerance_grad: float = 1e-7,
        tolerance_change: float = 1e-9,
        history_size: int = 100,
        line_search_fn: str | None = None,
    ) -> None:
        if not 0.0 <= lr:
            raise ValueError(f"Invalid learning rate: {lr}")
        if max_eval is None:
            max_eval = max_iter * 5 // 4
        super().__init__(
            params,
            dict(
                lr=lr,
                max_iter=max_iter,
                max_eval=max_eval,
                tolerance_grad=tolerance_grad,
                tolerance_change=tolerance_change,
                history_size=history_size,
                line_search_fn=line_search_fn,
            ),
        )
        if len(self.param_groups) != 1:
            raise ValueError("LBFGS doesn't support per-parameter options (parameter groups)")
        self._params = self.param_groups[0]["params"]
        for p in self._params:
            if not isinstance(p, Tensor):
                raise TypeError(
                    f"LBFGS optimizes tensors as one flat vector; got a {type(p).__name__}"
                )
            check_not_exact(self, p._data)

    # -- the parameters as one flat vector ------------------------------------------

    def _gather_flat_grad(self) -> np.ndarray:
        return np.concatenate(
            [
                np.zeros(p._data.size, p._data.dtype) if p._grad is None else p._grad._data.ravel()
                for p in self._params
            ]
        )

    def _add_grad(self, step_size, update: np.ndarray) -> None:
        offset = 0
        for p in self._params:
            n = p._data.size
            p._data += (step_size * update[offset : offset + n]).reshape(p._data.shape)
            p._version[0] += 1
            offset += n

    def _clone_param(self) -> list[np.ndarray]:
        return [p._data.copy() for p in self._params]

    def _set_param(self, arrays: list[np.ndarray]) -> None:
        for p, data in zip(self._params, arrays):
            p._data[...] = data
            p._version[0] += 1

    def _directional_evaluate(self, closure, x, t, d) -> tuple[float, np.ndarray]:
        self._add_grad(t, d)
        loss = float(closure())
        flat_grad = self._gather_flat_grad()
        self._set_param(x)
        return loss, flat_grad

    # -- one step ---------------------------------------------------------------------

    def step(self, closure: Callable[[], Any]) -> Any:  # type: ignore[override]
        """Run up to ``max_iter`` iterations; returns the loss of the first evaluation.

        >>> import twingrad
        >>> w = twingrad.tensor([2.0], requires_grad=True)
        >>> opt = LBFGS([w], lr=0.5, max_iter=1)
        >>> def closure():
        ...     opt.zero_grad(); loss = (w * w).sum(); loss.backward(); return loss
        >>> opt.step(closure).item(), w.item()  # the first step is lr * min(1, 1 / sum |g|) * -g
        (4.0, 1.5)
        """
        group = self.param_groups[0]
        lr, max_iter, max_eval = group["lr"], group["max_iter"], group["max_eval"]
        tolerance_grad, tolerance_change = group["tolerance_grad"], group["tolerance_change"]
        line_search_fn, history_size = group["line_search_fn"], group["history_size"]

        def evaluate():
            with enable_grad():
                return closure()

        state = self.state[self._params[0]]
        state.setdefault("func_evals", 0)
        state.setdefault("n_iter", 0)
        orig_loss = evaluate()
        loss = float(orig_loss)
        current_evals = 1
        state["func_evals"] += 1
        flat_grad = self._gather_flat_grad()
        if np.abs(flat_grad).max() <= tolerance_grad:
            return orig_loss
        memory = _unpack(state)
        d, t = memory.get("d"), memory.get("t")
        old_dirs, old_stps, ro = memory.get("old_dirs"), memory.get("old_stps"), memory.get("ro")
        h_diag, prev_flat_grad = memory.get("H_diag"), memory.get("prev_flat_grad")
        prev_loss = memory.get("prev_loss")
        n_iter = 0
        while n_iter < max_iter:
            n_iter += 1
            state["n_iter"] += 1
            if state["n_iter"] == 1:
                d = -flat_grad
                old_dirs, old_stps, ro = [], [], []
                h_diag = 1
            else:
                y = flat_grad - prev_flat_grad
                s = d * t
                ys = y.dot(s)
                if ys > 1e-10:  # keep the pair only where the curvature is positive
                    if len(old_dirs) == history_size:
                        old_dirs.pop(0)
                        old_stps.pop(0)
                        ro.pop(0)
                    old_dirs.append(y)
                    old_stps.append(s)
                    ro.append(1.0 / ys)
                    h_diag = ys / y.dot(y)
                al = memory.setdefault("al", [None] * history_size)
                # the two-loop recursion: d = -H g
                q = -flat_grad
                for i in range(len(old_dirs) - 1, -1, -1):
                    al[i] = old_stps[i].dot(q) * ro[i]
                    q += -al[i] * old_dirs[i]
                d = r = q * h_diag
                for i in range(len(old_dirs)):
                    be_i = old_dirs[i].dot(r) * ro[i]
                    r += (al[i] - be_i) * old_stps[i]
            prev_flat_grad = flat_grad.copy()
            prev_loss = loss
            if state["n_iter"] == 1:
                t = min(1.0, 1.0 / np.abs(flat_grad).sum()) * lr
            else:
                t = lr
            gtd = flat_grad.dot(d)
            if gtd > -tolerance_change:  # not a descent direction
                break
            ls_func_evals = 0
            if line_search_fn is not None:
                if line_search_fn != "strong_wolfe":
                    raise RuntimeError("only 'strong_wolfe' is supported")
                x_init = self._clone_param()

                def obj_func(x, t, d):
                    return self._directional_evaluate(evaluate, x, t, d)

                loss, flat_grad, t, ls_func_evals = strong_wolfe(
                    obj_func, x_init, t, d, loss, flat_grad, gtd, max_ls=max_eval - current_evals
                )
                self._add_grad(t, d)
                opt_cond = np.abs(flat_grad).max() <= tolerance_grad
            else:
                self._add_grad(t, d)
                opt_cond = False
                if n_iter != max_iter:
                    loss = float(evaluate())
                    flat_grad = self._gather_flat_grad()
                    opt_cond = np.abs(flat_grad).max() <= tolerance_grad
                    ls_func_evals = 1
            current_evals += ls_func_evals
            state["func_evals"] += ls_func_evals
            if n_iter == max_iter or current_evals >= max_eval or opt_cond:
                break
            if np.abs(d * t).max() <= tolerance_change or abs(loss - prev_loss) < tolerance_change:
                break
        memory.update(
            d=d,
            t=t,
            old_dirs=old_dirs,
            old_stps=old_stps,
            ro=ro,
            H_diag=h_diag,
            prev_flat_grad=prev_flat_grad,
            prev_loss=prev_loss,
        )
        _pack(state, memory)
        return orig_loss

    def load_state_dict(self, state_dict: StateDict) -> None:
        """Restore options and state saved by ``state_dict`` (copies).

        The flat vectors of L-BFGS have no parameter's shape, so they are copied as they
        are, converted to the parameters' dtype.
        """
        saved = {k: v for k, v in state_dict.items() if k != "state"}
        super().load_state_dict({**saved, "state": {}})
        self._params = self.param_groups[0]["params"]
        dtype = self._params[0]._data.dtype
        for key, value in state_dict["state"].items():
            self.state[self._params[key]] = {k: _copy_entry(v, dtype) for k, v in value.items()}


def _copy_entry(value, dtype):
    if isinstance(value, list):
        return [_copy_entry(v, dtype) for v in value]
    if isinstance(value, Tensor):
        return Tensor._make(np.array(value._data, dtype=dtype))
    return copy.deepcopy(value)


def _unpack(state: dict) -> dict:
    """The state's tensors as the numpy arrays and scalars the iterations work on."""

    def arrays(v):
        if isinstance(v, list):
            return [arrays(x) for x in v]
        if isinstance(v, Tensor):
            return v._data if v.ndim else v._data[()]
        return v

    return {k: arrays(v) for k, v in state.items() if k in _VECTORS or k in ("t", "prev_loss")}


def _pack(state: dict, memory: dict) -> None:
    """Store the iterations' arrays back as tensors, in PyTorch's layout of the state."""

    def tensors(v):
        if isinstance(v, list):
            return [tensors(x) for x in v]
        if isinstance(v, np.ndarray | np.generic):
            return _scalar(v)
        return v

    for k, v in memory.items():
        state[k] = tensors(v) if k in _VECTORS else (float(v) if v is not None else v)


__all__ = ["LBFGS"]
