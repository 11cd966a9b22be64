"""`Optimizer`: parameter groups, per-parameter state, and the loop every optimizer shares.

An optimizer holds ``param_groups`` (a list of dicts: the parameters and their options, such
as ``lr``) and ``state`` (per parameter: momentum buffers, step counts...). Each subclass
writes one thing, ``_update``: how one parameter changes, on numpy arrays, in place. The base
class runs it over every parameter that has a gradient, for tensor parameters and for the
scalar engine's Values alike, so the micrograd-style MLP trains with the same Adam. The
pieces an update shares (state buffers, the followed gradient) are in `twingrad.optim.update`.

>>> import twingrad
>>> from twingrad.optim import SGD
>>> w = twingrad.tensor([1.0, -2.0], requires_grad=True)
>>> opt = SGD([w], lr=0.5)
>>> (w * w).sum().backward()
>>> opt.step()
>>> w
tensor([0., 0.], requires_grad=True)
"""

from __future__ import annotations

import copy
import warnings
from collections import defaultdict
from collections.abc import Callable, Iterable
from fractions import Fraction
from typing import Any

import numpy as np

from twingrad._tensor.tensor import Tensor
from twingrad.core.graph import enable_grad

# the helpers an optimizer's _update is written with are importable from here too, as they
# were before they moved to optim.update (hence the noqa: some are only re-exported)
from twingrad.optim.update import (  # noqa: F401
    cast_state,
    check_not_exact,
    followed_gradient,
    param_arrays,
    state_like,
    step_counter,
    to_fractions,
    write_back,
)
from twingrad.scalar.value import Value

StateDict = dict[str, Any]
# what an optimizer takes (PyTorch's ``ParamsT``): parameters, (name, parameter) pairs, or
# parameter groups as dicts
ParamsT = Iterable[Tensor | Value] | Iterable[tuple[str, Tensor | Value]] | Iterable[dict[str, Any]]


class _Required:
    """Marks an option a parameter group must give (PyTorch's ``optim.optimizer.required``)."""

    def __repr__(self) -> str:
        return "<required parameter>"


required = _Required()

_SET_MESSAGE = (
    "optimizer parameters need to be organized in ordered collections, but the ordering of "
    "tensors in sets will change between runs. Please use a list instead."
)


def _typename(obj) -> str:
    return type(obj).__name__


class Optimizer:
    """Base class of all optimizers, as ``torch.optim.Optimizer``.

    ``params`` is an iterable of tensors (or Values), of ``(name, tensor)`` pairs as
    ``model.named_parameters()`` gives, or of dicts that each define a parameter group with
    its own options; ``defaults`` holds the options a group does not set.
    ``differentiable=True`` (PyTorch's updates that autograd records) is refused: twingrad's
    updates change parameters in place, outside autograd.

    >>> import twingrad
    >>> from twingrad.optim import Adam
    >>> w = twingrad.tensor([1.0], requires_grad=True)
    >>> opt = Adam([w], lr=0.1)
    >>> (w * w).sum().backward()
    >>> opt.step()
    >>> round(w.item(), 4), sorted(opt.state_dict()["state"][0])
    (0.9, ['exp_avg', 'exp_avg_sq', 'step'])
    """

    def __init__(
        self, params: ParamsT, defaults: dict[str, Any], *, differentiable: bool = False
    ) -> None:
        if differentiable:
            raise ValueError(
                "differentiable=True is not available: twingrad optimizers update parameters "
                "in place, outside autograd"
            )
        self.defaults = defaults
        if isinstance(params, Tensor | Value):
            raise TypeError(
                "params argument given to the optimizer should be an iterable of Tensors or "
                f"dicts, but got a single {_typename(params)}; wrap it in a list: [param]"
            )
        if isinstance(params, set):
            # PyTorch accepts a set here; its order changes from run to run, and with it the
            # indices in state_dict(), so a saved state could land on the wrong parameters
            raise TypeError(_SET_MESSAGE)
        self.state: defaultdict[Any, dict[str, Any]] = defaultdict(dict)
        self.param_groups: list[dict[str, Any]] = []
        groups = list(params)
        if not groups:
            raise ValueError("optimizer got an empty parameter list")
        if not isinstance(groups[0], dict):
            groups = [{"params": groups}]
        for group in groups:
            self.add_param_group(group)

    def __repr__(self) -> str:
        lines = [f"{type(self).__name__} ("]
        for i, group in enumerate(self.param_groups):
            lines.append(f"Parameter Group {i}")
            for key in sorted(k for k in group if k not in ("params", "param_names")):
                lines.append(f"    {key}: {group[key]}")
        lines.append(")")
        return "\n".join(lines)

    # -- parameter groups -----------------------------------------------------------

    def add_param_group(self, param_group: dict[str, Any]) -> None:
        """Add a group of parameters with its own options (the rest come from defaults).

        >>> import twingrad
        >>> from twingrad.optim import SGD
        >>> a, b = twingrad.zeros(2, requires_grad=True), twingrad.zeros(3, requires_grad=True)
        >>> opt = SGD([a], lr=0.1)
        >>> opt.add_param_group({"params": [b], "lr": 0.01})
        >>> [g["lr"] for g in opt.param_groups]
        [0.1, 0.01]
        """
        if not isinstance(param_group, dict):
            raise TypeError(f"param_group must be a dict, but got {_typename(param_group)}")
        param_group = dict(param_group)
        params = param_group.get("params")
        if params is None:
            raise ValueError("a parameter group needs a 'params' entry: {'params': [...]}")
        if isinstance(params, Tensor | Value):
            params = [params]
        elif isinstance(params, set):
            raise TypeError(_SET_MESSAGE)
        names, tensors = [], []
        for p in params:
            if isinstance(p, tuple):
                names.append(p[0])
                tensors.append(p[1])
            else:
                tensors.append(p)
        if names and len(names) != len(tensors):
            raise ValueError(
                "all optimizer params should be with/without names. Some param names are missing"
            )
        param_group["params"] = tensors
        if names:
            param_group["param_names"] = names
        for p in tensors:
            if not isinstance(p, Tensor | Value):
                raise TypeError(
                    f"optimizer can only optimize Tensors (or Values), but one of the params "
                    f"is {_typename(p)}"
                )
            if isinstance(p, Tensor):
                if not p.is_leaf and not p.retains_grad:
                    raise ValueError(
                        "can't optimize a non-leaf Tensor (one computed from others); "
                        "optimize the leaf tensors it was computed from"
                    )
                if not p.dtype.is_floating_point:
                    raise TypeError(
                        f"can't optimize a tensor of dtype {p.dtype}: parameters must be "
                        "floating point"
                    )
        for name, default in self.defaults.items():
            if default is required and name not in param_group:
                raise ValueError(
                    "parameter group didn't specify a value of required optimization "
                    f"parameter {name}"
                )
            param_group.setdefault(name, default)
        ids = [id(p) for p in tensors]
        if len(ids) != len(set(ids)):
            warnings.warn(
                "optimizer contains a parameter group with duplicate parameters; each is "
                "updated once per appearance",
                stacklevel=3,
            )
        seen = {id(p) for group in self.param_groups for p in group["params"]}
        for group in self.param_groups:
            if ("param_names" in group) != ("param_names" in param_group):
                which = "with names" if "param_names" in param_group else "without names"
                raise ValueError(
                    "all optimizer param groups should be with/without names. cannot add "
                    f"param group {which} to the optimizer"
                )
        if not seen.isdisjoint(ids):
            raise ValueError("some parameters appear in more than one parameter group")
        self.param_groups.append(param_group)

    # -- gradients and steps --------------------------------------------------------

    def zero_grad(self, set_to_none: bool = True) -> None:
        """Forget the gradients: ``.grad = None`` (or zeros with ``set_to_none=False``).

        A Value's ``grad`` is a number that backward adds to, so it is set to 0 either way.

        >>> import twingrad
        >>> from twingrad.optim import SGD
        >>> w = twingrad.tensor([1.0], requires_grad=True)
        >>> w.grad = twingrad.tensor([2.0])
        >>> SGD([w]).zero_grad()
        >>> w.grad is None
        True
        """
        for group in self.param_groups:
            for p in group["params"]:
                if isinstance(p, Value):
                    p.grad = p.data * 0 if isinstance(p.data, Fraction) else 0.0
                elif p._grad is not None:
                    if set_to_none:
                        p._grad = None
                    else:
                        p._grad.detach_()
                        p._grad._data[...] = 0

    def step(self, closure: Callable[[], Any] | None = None) -> Any:
        """Update every parameter that has a gradient; returns ``closure()`` if given.

        The closure re-evaluates the model and returns the loss (gradients enabled).

        >>> import twingrad
        >>> from twingrad.optim import SGD
        >>> w = twingrad.tensor([1.0], requires_grad=True)
        >>> w.grad = twingrad.tensor([2.0])
        >>> SGD([w], lr=0.25).step(lambda: "loss"), w
        ('loss', tensor([0.5000], requires_grad=True))
        """
        loss = None
        if closure is not None:
            with enable_grad():
                loss = closure()
        for group in self.param_groups:
            for p in group["params"]:
                data, grad = param_arrays(p)
                if grad is None:
                    continue
                state = self.state.get(p)
                if state is None:
                    state = {}
                self._update(data, grad, state, group)
                if state:  # as in PyTorch, a parameter with nothing to keep has no entry
                    self.state[p] = state
                write_back(p, data)
        return loss

    def _update(self, param: np.ndarray, grad: np.ndarray, state: dict, group: dict) -> None:
        """Change ``param`` in place from ``grad``; ``state`` persists between steps."""
        raise TypeError(f"{type(self).__name__} does not define how to update a parameter")

    # -- saving and loading ---------------------------------------------------------

    def state_dict(self) -> StateDict:
        """The optimizer's state in PyTorch's layout, parameters replaced by indices.

        ``{'state': {index: {...}}, 'param_groups': [{..., 'params': [indices]}]}``; the
        state tensors are the live buffers, as in PyTorch (copy them to keep a snapshot).

        >>> import twingrad
        >>> from twingrad.optim import SGD
        >>> saved = SGD([twingrad.zeros(1, requires_grad=True)], lr=0.1).state_dict()
        >>> saved["state"], saved["param_groups"][0]["lr"], saved["param_groups"][0]["params"]
        ({}, 0.1, [0])
        """
        index: dict[int, int] = {}
        groups = []
        start = 0
        for group in self.param_groups:
            packed = {k: v for k, v in group.items() if k != "params"}
            for i, p in enumerate(group["params"], start):
                index.setdefault(id(p), i)
            packed["params"] = [index[id(p)] for p in group["params"]]
            start += len(packed["params"])
            groups.append(packed)
        by_id = {id(p): p for group in self.param_groups for p in group["params"]}
        state = {index[id(p)]: v for p, v in self.state.items() if id(p) in by_id}
        return {"state": state, "param_groups": groups}

    def load_state_dict(self, state_dict: StateDict) -> None:
        """Restore options and state saved by `state_dict` (copies; shapes are checked).

        Floating state tensors take each parameter's dtype; ``step`` stays as saved.

        >>> import twingrad
        >>> from twingrad.optim import SGD
        >>> saved = SGD([twingrad.zeros(1, requires_grad=True)], lr=0.1).state_dict()
        >>> opt = SGD([twingrad.zeros(1, requires_grad=True)], lr=0.5)
        >>> opt.load_state_dict(saved)
        >>> opt.param_groups[0]["lr"]
        0.1
        """
        if not isinstance(state_dict, dict) or not {"state", "param_groups"} <= state_dict.keys():
            raise ValueError(
                "an optimizer state dict has the keys 'state' and 'param_groups'; got "
                + (
                    repr(sorted(state_dict))
                    if isinstance(state_dict, dict)
                    else _typename(state_dict)
                )
            )
        groups = self.param_groups
        saved_groups = copy.deepcopy(state_dict["param_groups"])
        if len(groups) != len(saved_groups):
            raise ValueError(
                "loaded state dict has a different number of parameter groups: "
                f"{len(saved_groups)} saved, {len(groups)} in this optimizer"
            )
        for i, (g, s) in enumerate(zip(groups, saved_groups)):
            if len(g["params"]) != len(s["params"]):
                raise ValueError(
                    "loaded state dict contains a parameter group that doesn't match the size "
                    f"of optimizer's group: group {i} has {len(s['params'])} parameters saved "
                    f"and {len(g['params'])} here"
                )
        id_map = {
            saved: p
            for s, g in zip(saved_groups, groups)
            for saved, p in zip(s["params"], g["params"])
        }
        state: defaultdict[Any, dict[str, Any]] = defaultdict(dict)
        for key, value in state_dict["state"].items():
            if key not in id_map:
                raise ValueError(
                    f"loaded state dict has state for parameter {key!r}, which no parameter "
                    "group lists"
                )
            p = id_map[key]
            state[p] = {k: cast_state(p, key, k, v) for k, v in value.items()}
        for g, s in zip(groups, saved_groups):
            s["params"] = g["params"]
            if "param_names" in g and "param_names" not in s:
                s["param_names"] = g["param_names"]
        self.state = state
        self.param_groups = saved_groups


__all__ = ["Optimizer", "ParamsT", "StateDict", "required"]
