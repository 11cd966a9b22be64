"""`Module`: the base of every layer and model (`Parameter` is in `twingrad.nn.parameter`,
the containers Sequential, ModuleList and ModuleDict in `twingrad.nn.container`).

A Module registers what is assigned to it: a `Parameter` becomes a parameter, a Module a
submodule, and `register_buffer` adds state that is saved but not trained (BatchNorm's
running statistics). Everything else follows from those three dictionaries: traversal and
``train``/``eval`` (`twingrad.nn.module_tree`), conversion and the state_dict
(`twingrad.nn.module_state`), and the ``repr`` here.

>>> import twingrad
>>> from twingrad import nn
>>> model = nn.Sequential(nn.Linear(2, 16), nn.ReLU(), nn.Linear(16, 1))
>>> [name for name, _ in model.named_parameters()]
['0.weight', '0.bias', '2.weight', '2.bias']
>>> model
Sequential(
  (0): Linear(in_features=2, out_features=16, bias=True)
  (1): ReLU()
  (2): Linear(in_features=16, out_features=1, bias=True)
)
"""

from __future__ import annotations

import itertools
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

from twingrad._tensor.tensor import Tensor
from twingrad.nn.module_state import ModuleState
from twingrad.nn.module_tree import ModuleTree

# _rebuild_parameter is imported here as well because pickles made before Parameter had its
# own module name it under twingrad.nn.module
from twingrad.nn.parameter import Parameter, _rebuild_parameter  # noqa: F401


class RemovableHandle:
    """Returned by the ``register_*_hook`` methods; ``remove()`` takes the hook out again.

    >>> import twingrad
    >>> from twingrad import nn
    >>> layer = nn.ReLU()
    >>> with layer.register_forward_hook(lambda m, args, out: out * 2):
    ...     layer(twingrad.tensor([1.0]))
    tensor([2.])
    >>> layer(twingrad.tensor([1.0]))
    tensor([1.])
    """

    def __init__(self, hooks: dict[int, Callable[..., Any]], key: int) -> None:
        self._hooks, self._key = hooks, key

    def remove(self) -> None:
        """Take the hook out (a second call does nothing)."""
        self._hooks.pop(self._key, None)

    def __enter__(self) -> RemovableHandle:
        return self

    def __exit__(self, *exc: object) -> None:
        self.remove()


_hook_ids = itertools.count()


def _addindent(text: str, spaces: int) -> str:
    lines = text.split("\n")
    if len(lines) == 1:
        return text
    return lines[0] + "\n" + "\n".join(" " * spaces + line for line in lines[1:])


class Module(ModuleTree, ModuleState):
    """The base class of every layer and model, mirroring ``torch.nn.Module``.

    Subclasses call ``super().__init__()`` first, assign their parameters and submodules
    as attributes, and define ``forward``; calling the module runs ``forward``.

    >>> import twingrad
    >>> from twingrad import nn
    >>> class Affine(nn.Module):
    ...     def __init__(self):
    ...         super().__init__()
    ...         self.scale = nn.Parameter(twingrad.ones(3))
    ...     def forward(self, x):
    ...         return x * self.scale
    >>> Affine()(twingrad.ones(3)).sum()
    tensor(3., grad_fn=<SumBackward0>)
    """

    training: bool

    def __init__(self) -> None:
        object.__setattr__(self, "training", True)
        object.__setattr__(self, "_parameters", OrderedDict())
        object.__setattr__(self, "_buffers", OrderedDict())
        object.__setattr__(self, "_non_persistent_buffers", set())
        object.__setattr__(self, "_modules", OrderedDict())
        object.__setattr__(self, "_forward_pre_hooks", OrderedDict())
        object.__setattr__(self, "_forward_hooks", OrderedDict())

    def forward(self, *args: Any, **kwargs: Any) -> Any:
        """The computation; every subclass defines it (see the class example)."""
        # the base class has no forward of its own; a TypeError (not PyTorch's
        # NotImplementedError) because the mistake is in the user's class, not in twingrad
        raise TypeError(
            f'Module [{type(self).__name__}] is missing the required "forward" function: '
            "define forward(self, ...) in the class"
        )

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        for hook in tuple(self._forward_pre_hooks.values()):
            result = hook(self, args)
            if result is not None:
                args = result if isinstance(result, tuple) else (result,)
        out = self.forward(*args, **kwargs)
        for hook in tuple(self._forward_hooks.values()):
            result = hook(self, args, out)
            if result is not None:
                out = result
        return out

    def register_forward_pre_hook(self, hook: Callable) -> RemovableHandle:
        """Call ``hook(module, args)`` before each forward; a non-None result replaces args.

        >>> import twingrad
        >>> from twingrad import nn
        >>> layer = nn.ReLU()
        >>> _ = layer.register_forward_pre_hook(lambda m, args: -args[0])
        >>> layer(twingrad.tensor([-1.0, 2.0]))
        tensor([1., 0.])
        """
        key = next(_hook_ids)
        self._forward_pre_hooks[key] = hook
        return RemovableHandle(self._forward_pre_hooks, key)

    def register_forward_hook(self, hook: Callable) -> RemovableHandle:
        """Call ``hook(module, args, output)`` after each forward; a non-None result
        replaces the output.

        >>> import twingrad
        >>> from twingrad import nn
        >>> layer = nn.ReLU()
        >>> _ = layer.register_forward_hook(lambda m, args, out: out + 1)
        >>> layer(twingrad.tensor([-1.0]))
        tensor([1.])
        """
        key = next(_hook_ids)
        self._forward_hooks[key] = hook
        return RemovableHandle(self._forward_hooks, key)

    # -- registration ---------------------------------------------------------------

    def _check_ready(self, what: str) -> None:
        if "_parameters" not in self.__dict__:
            raise AttributeError(
                f"cannot assign {what} before Module.__init__() call: call "
                "super().__init__() first in your module's __init__"
            )

    def __setattr__(self, name: str, value: Any) -> None:
        params = self.__dict__.get("_parameters")
        if isinstance(value, Parameter):
            self._check_ready("parameters")
            self._forget(name)
            params[name] = value
        elif params is not None and name in params:
            if value is not None:
                raise TypeError(
                    f"cannot assign '{type(value).__name__}' as parameter '{name}' "
                    "(nn.Parameter or None expected)"
                )
            params[name] = None
        elif isinstance(value, Module):
            self._check_ready("child modules")
            self._forget(name)
            self._modules[name] = value
        elif params is not None and name in self._modules:
            if value is not None:
                raise TypeError(
                    f"cannot assign '{type(value).__name__}' as child module '{name}' "
                    "(nn.Module or None expected)"
                )
            self._modules[name] = None
        elif params is not None and name in self._buffers:
            if value is not None and not isinstance(value, Tensor):
                raise TypeError(
                    f"cannot assign '{type(value).__name__}' as buffer '{name}' "
                    "(Tensor or None expected)"
                )
            self._buffers[name] = value
        else:
            object.__setattr__(self, name, value)

    def _forget(self, name: str) -> None:
        """Remove ``name`` wherever it was registered, before registering it anew."""
        self.__dict__.pop(name, None)
        for registry in (self._parameters, self._buffers, self._modules):
            registry.pop(name, None)
        self._non_persistent_buffers.discard(name)

    def __getattr__(self, name: str) -> Any:
        # only called when normal lookup fails: the registered names live in the dicts
        d = self.__dict__
        for registry in ("_parameters", "_buffers", "_modules"):
            if registry in d and name in d[registry]:
                return d[registry][name]
        raise AttributeError(f"'{type(self).__name__}' object has no attribute '{name}'")

    def __delattr__(self, name: str) -> None:
        for registry in (self._parameters, self._buffers, self._modules):
            if name in registry:
                del registry[name]
                self._non_persistent_buffers.discard(name)
                return
        object.__delattr__(self, name)

    def __dir__(self) -> list[str]:
        return sorted(
            set(super().__dir__()) | set(self._parameters) | set(self._buffers) | set(self._modules)
        )

    @staticmethod
    def _check_name(name, kind: str) -> None:
        if not isinstance(name, str):
            raise TypeError(f"{kind} name should be a string, got {type(name).__name__}")
        if "." in name or name == "":
            raise KeyError(f"{kind} name can't contain \".\" and can't be empty, got {name!r}")

    def register_parameter(self, name: str, param: Parameter | None) -> None:
        """Add a parameter (or None: a declared but absent parameter, like a missing bias).

        >>> import twingrad
        >>> from twingrad import nn
        >>> m = nn.Module()
        >>> m.register_parameter("scale", nn.Parameter(twingrad.ones(2)))
        >>> [name for name, _ in m.named_parameters()]
        ['scale']
        """
        self._check_ready("parameters")
        self._check_name(name, "parameter")
        if param is not None and not isinstance(param, Parameter):
            raise TypeError(
                f"cannot assign '{type(param).__name__}' object to parameter '{name}' "
                "(nn.Parameter or None required)"
            )
        self._forget(name)
        self._parameters[name] = param

    def register_buffer(self, name: str, tensor: Tensor | None, persistent: bool = True) -> None:
        """Add state that is not trained; ``persistent`` buffers are in the state_dict.

        >>> import twingrad
        >>> from twingrad import nn
        >>> m = nn.Module()
        >>> m.register_buffer("count", twingrad.zeros(1))
        >>> list(m.state_dict()), list(m.parameters())
        (['count'], [])
        """
        self._check_ready("buffers")
        self._check_name(name, "buffer")
        if tensor is not None and not isinstance(tensor, Tensor):
            raise TypeError(
                f"cannot assign '{type(tensor).__name__}' object to buffer '{name}' "
                "(Tensor or None required)"
            )
        self._forget(name)
        self._buffers[name] = tensor
        if not persistent:
            self._non_persistent_buffers.add(name)

    def add_module(self, name: str, module: Module | None) -> None:
        """Add a child module under ``name``.

        >>> from twingrad import nn
        >>> m = nn.Module()
        >>> m.add_module("act", nn.ReLU())
        >>> m
        Module(
          (act): ReLU()
        )
        """
        self._check_ready("child modules")
        self._check_name(name, "module")
        if module is not None and not isinstance(module, Module):
            raise TypeError(f"{type(module).__name__} is not a Module subclass")
        self._forget(name)
        self._modules[name] = module

    register_module = add_module

    def get_submodule(self, target: str) -> Module:
        """The submodule at a dotted path such as ``"encoder.0"`` (``""`` is self).

        >>> from twingrad import nn
        >>> model = nn.Sequential(nn.Sequential(nn.Linear(2, 2), nn.ReLU()))
        >>> model.get_submodule("0.1")
        ReLU()
        """
        module = self
        for part in target.split(".") if target else ():
            if part not in module._modules:
                raise AttributeError(f"{type(module).__name__} has no submodule `{part}`")
            module = module._modules[part]
        return module

    # -- printing -------------------------------------------------------------------

    def extra_repr(self) -> str:
        """The text inside the parentheses of this module's repr, e.g. its sizes.

        >>> from twingrad import nn
        >>> nn.Linear(3, 2).extra_repr()
        'in_features=3, out_features=2, bias=True'
        """
        return ""

    def _get_name(self) -> str:
        return type(self).__name__

    def __repr__(self) -> str:
        extra = self.extra_repr()
        extra_lines = extra.split("\n") if extra else []
        child_lines = [
            f"({name}): " + _addindent(repr(module), 2) for name, module in self._modules.items()
        ]
        lines = extra_lines + child_lines
        text = self._get_name() + "("
        if lines:
            if len(extra_lines) == 1 and not child_lines:
                text += extra_lines[0]
            else:
                text += "\n  " + "\n  ".join(lines) + "\n"
        return text + ")"
