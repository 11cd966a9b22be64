"""`Module` and `Parameter`: the base of every layer and model (the containers Sequential,
ModuleList and ModuleDict are in `twingrad.nn.container`).

A Module registers what is assigned to it: a `Parameter` becomes a parameter, a Module a
submodule, and `register_buffer` adds state that is saved but not trained (BatchNorm's
running statistics). Everything else follows from those three dictionaries: parameter
listing, ``state_dict`` keys, ``train``/``eval``, ``repr``.

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
from collections import OrderedDict, namedtuple
from collections.abc import Callable, Iterator, Mapping
from typing import Any

import numpy as np

from twingrad._tensor import devices, dtypes
from twingrad._tensor.tensor import Tensor
from twingrad.core.graph import no_grad


class Parameter(Tensor):
    """A tensor that a Module trains: assigning one to a Module attribute registers it.

    It shares memory with the tensor it wraps and requires grad by default.

    >>> import twingrad
    >>> from twingrad import nn
    >>> nn.Parameter(twingrad.ones(2))
    Parameter containing:
    tensor([1., 1.], requires_grad=True)
    """

    def __init__(self, data: Tensor | None = None, requires_grad: bool = True) -> None:
        if data is None:
            data = Tensor._make(np.empty(0, dtype=dtypes.get_default_dtype().numpy))
        if not isinstance(data, Tensor):
            raise TypeError(
                f"Parameter expects a Tensor, got {type(data).__name__}; wrap the values with "
                "twingrad.tensor(...) first"
            )
        self._setup(data._data)
        self.requires_grad = requires_grad

    @classmethod
    def _make(cls, array: np.ndarray) -> Tensor:
        # what an op on a Parameter gives (the engine makes results through its operand's
        # class): a plain Tensor, as in PyTorch
        return Tensor._make(array)

    def __repr__(self) -> str:
        return "Parameter containing:\n" + super().__repr__()

    def __deepcopy__(self, memo: dict[int, Any]) -> Parameter:
        if id(self) in memo:
            return memo[id(self)]
        p = Parameter(Tensor._make(self._data.copy()), self.requires_grad)
        if self._grad is not None:
            p._grad = Tensor._make(self._grad._data.copy())
        memo[id(self)] = p
        return p

    def __reduce_ex__(self, protocol: int) -> tuple[Callable[..., Parameter], tuple[Any, ...]]:
        return (_rebuild_parameter, (self._data, self.requires_grad))


def _rebuild_parameter(data: np.ndarray, requires_grad: bool) -> Parameter:
    return Parameter(Tensor._make(data), requires_grad)


class _IncompatibleKeys(namedtuple("IncompatibleKeys", ["missing_keys", "unexpected_keys"])):
    def __repr__(self) -> str:
        if not self.missing_keys and not self.unexpected_keys:
            return "<All keys matched successfully>"
        return super().__repr__()


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


def _as_array(value, key: str) -> np.ndarray:
    """A state_dict value (a Tensor, a numpy array, or anything numpy can read, such as a
    PyTorch tensor) as a numpy array."""
    if isinstance(value, Tensor):
        return value._data
    try:
        return np.asarray(value)
    except Exception as e:  # noqa: BLE001  (report the key that could not be read)
        raise TypeError(
            f"state_dict value for {key!r} is a {type(value).__name__}, which is not a tensor "
            "or an array"
        ) from e


class Module:
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

    # -- traversal ------------------------------------------------------------------

    def named_modules(
        self, memo: set | None = None, prefix: str = "", remove_duplicate: bool = True
    ) -> Iterator[tuple[str, Module]]:
        """This module and all below it, each once, with its dotted name.

        >>> from twingrad import nn
        >>> model = nn.Sequential(nn.Linear(2, 2), nn.ReLU())
        >>> [name for name, _ in model.named_modules()]
        ['', '0', '1']
        """
        if memo is None:
            memo = set()
        if remove_duplicate:
            if id(self) in memo:
                return
            memo.add(id(self))
        yield prefix, self
        for name, module in self._modules.items():
            if module is None:
                continue
            sub = prefix + ("." if prefix else "") + name
            yield from module.named_modules(memo, sub, remove_duplicate)

    def modules(self) -> Iterator[Module]:
        """This module and every module below it, each once.

        >>> from twingrad import nn
        >>> len(list(nn.Sequential(nn.ReLU(), nn.Tanh()).modules()))
        3
        """
        for _, module in self.named_modules():
            yield module

    def named_children(self) -> Iterator[tuple[str, Module]]:
        """The direct submodules with their names, each once.

        >>> from twingrad import nn
        >>> [name for name, _ in nn.Sequential(nn.ReLU(), nn.Tanh()).named_children()]
        ['0', '1']
        """
        seen = set()
        for name, module in self._modules.items():
            if module is not None and id(module) not in seen:
                seen.add(id(module))
                yield name, module

    def children(self) -> Iterator[Module]:
        """The direct submodules, each once.

        >>> from twingrad import nn
        >>> list(nn.Sequential(nn.ReLU(), nn.Tanh()).children())
        [ReLU(), Tanh()]
        """
        for _, module in self.named_children():
            yield module

    def _named_members(
        self, registry: str, prefix: str, recurse: bool, remove_duplicate: bool = True
    ):
        seen = set()
        modules = self.named_modules(prefix=prefix) if recurse else [(prefix, self)]
        for module_prefix, module in modules:
            for name, value in getattr(module, registry).items():
                if value is None or (remove_duplicate and id(value) in seen):
                    continue
                seen.add(id(value))
                yield module_prefix + ("." if module_prefix else "") + name, value

    def named_parameters(
        self, prefix: str = "", recurse: bool = True, remove_duplicate: bool = True
    ) -> Iterator[tuple[str, Parameter]]:
        """Every parameter with its dotted name (a shared parameter once).

        >>> from twingrad import nn
        >>> [name for name, _ in nn.Sequential(nn.Linear(2, 2)).named_parameters()]
        ['0.weight', '0.bias']
        """
        return self._named_members("_parameters", prefix, recurse, remove_duplicate)

    def parameters(self, recurse: bool = True) -> Iterator[Parameter]:
        """Every parameter, for an optimizer: ``optim.SGD(model.parameters(), lr=0.1)``.

        >>> from twingrad import nn
        >>> [tuple(p.shape) for p in nn.Linear(3, 2).parameters()]
        [(2, 3), (2,)]
        """
        for _, p in self.named_parameters(recurse=recurse):
            yield p

    def named_buffers(
        self, prefix: str = "", recurse: bool = True, remove_duplicate: bool = True
    ) -> Iterator[tuple[str, Tensor]]:
        """Every buffer with its dotted name (a shared buffer once).

        >>> from twingrad import nn
        >>> [name for name, _ in nn.Sequential(nn.BatchNorm1d(2)).named_buffers()]
        ['0.running_mean', '0.running_var', '0.num_batches_tracked']
        """
        return self._named_members("_buffers", prefix, recurse, remove_duplicate)

    def buffers(self, recurse: bool = True) -> Iterator[Tensor]:
        """Every buffer (state that is not trained, such as running statistics).

        >>> from twingrad import nn
        >>> [tuple(b.shape) for b in nn.BatchNorm1d(3).buffers()]
        [(3,), (3,), ()]
        """
        for _, b in self.named_buffers(recurse=recurse):
            yield b

    # -- modes and bulk changes -----------------------------------------------------

    def train(self, mode: bool = True) -> Module:
        """Set training mode (Dropout drops, BatchNorm uses batch statistics) here and below.

        >>> from twingrad import nn
        >>> model = nn.Sequential(nn.Dropout())
        >>> model.train(False)[0].training
        False
        """
        if not isinstance(mode, bool):
            raise ValueError("training mode is expected to be boolean")
        for module in self.modules():
            object.__setattr__(module, "training", mode)
        return self

    def eval(self) -> Module:
        """Set evaluation mode: the same as ``train(False)``.

        >>> from twingrad import nn
        >>> nn.Dropout().eval().training
        False
        """
        return self.train(False)

    def requires_grad_(self, requires_grad: bool = True) -> Module:
        """Set ``requires_grad`` on every parameter (False freezes the module); returns self.

        >>> from twingrad import nn
        >>> [p.requires_grad for p in nn.Linear(2, 1).requires_grad_(False).parameters()]
        [False, False]
        """
        for p in self.parameters():
            p.requires_grad_(requires_grad)
        return self

    def zero_grad(self, set_to_none: bool = True) -> None:
        """Clear the gradients of all parameters (to None, or to zeros).

        >>> import twingrad
        >>> from twingrad import nn
        >>> layer = nn.Linear(2, 1)
        >>> layer(twingrad.ones(1, 2)).sum().backward()
        >>> layer.zero_grad()
        >>> layer.weight.grad is None
        True
        """
        for p in self.parameters():
            if p.grad is None:
                continue
            if set_to_none:
                p.grad = None
            else:
                p.grad = p.grad.detach()
                with no_grad():
                    p.grad.zero_()

    def apply(self, fn: Callable[[Module], None]) -> Module:
        """Call ``fn`` on every submodule and then on self (e.g. to initialise weights).

        >>> from twingrad import nn
        >>> names = []
        >>> _ = nn.Sequential(nn.ReLU(), nn.Tanh()).apply(lambda m: names.append(type(m).__name__))
        >>> names
        ['ReLU', 'Tanh', 'Sequential']
        """
        for module in self.children():
            module.apply(fn)
        fn(self)
        return self

    def _convert(self, fn: Callable[[Tensor], Tensor]) -> Module:
        """Replace the values of every floating parameter and buffer, keeping the objects
        (an optimizer built before ``model.double()`` still holds the same parameters)."""
        for module in self.modules():
            for p in module._parameters.values():
                if p is not None and p.is_floating_point():
                    p.data = fn(p.data)
                    if p.grad is not None:
                        p.grad = fn(p.grad)
            for name, b in module._buffers.items():
                if b is not None and b.is_floating_point():
                    module._buffers[name] = fn(b)
        return self

    def to(self, *args: Any, **kwargs: Any) -> Module:
        """Convert floating parameters and buffers to a dtype: ``model.to(twingrad.float64)``.

        The CPU (``"cpu"``, ``twingrad.device("cpu")``) is accepted and changes nothing;
        another device is refused: twingrad runs on the CPU.

        >>> import twingrad
        >>> from twingrad import nn
        >>> nn.Linear(2, 1).to(twingrad.float64).weight.dtype
        twingrad.float64
        """
        dtype = kwargs.get("dtype")
        devices.check_cpu(kwargs.get("device"), "a model")
        for a in args:
            if isinstance(a, Tensor):
                dtype = a.dtype
            elif isinstance(a, devices.device | str):
                devices.check_cpu(a, "a model")
            elif a is not None:
                dtype = a
        if dtype is None:
            return self
        d = dtypes.as_dtype(dtype)
        if not d.is_floating_point:
            raise TypeError(
                f"nn.Module.to only accepts floating point dtypes, but got desired dtype={d}"
            )
        return self._convert(lambda t: t.detach().to(d))

    def double(self) -> Module:
        """Convert floating parameters and buffers to float64; returns self.

        >>> from twingrad import nn
        >>> nn.Linear(2, 1).double().weight.dtype
        twingrad.float64
        """
        return self.to(dtypes.float64)

    def float(self) -> Module:
        """Convert floating parameters and buffers to float32; returns self.

        >>> from twingrad import nn
        >>> nn.Linear(2, 1).double().float().weight.dtype
        twingrad.float32
        """
        return self.to(dtypes.float32)

    def cpu(self) -> Module:
        """Returns self: twingrad runs on the CPU only.

        >>> from twingrad import nn
        >>> nn.ReLU().cpu()
        ReLU()
        """
        return self

    # -- state_dict -----------------------------------------------------------------

    def state_dict(
        self,
        destination: OrderedDict[str, Tensor] | None = None,
        prefix: str = "",
        keep_vars: bool = False,
    ) -> OrderedDict[str, Tensor]:
        """Parameters and persistent buffers by dotted name, as tensors sharing memory.

        >>> from twingrad import nn
        >>> nn.Linear(3, 2).state_dict()["weight"].shape
        twingrad.Size([2, 3])
        """
        if destination is None:
            destination = OrderedDict()
        for name, p in self._parameters.items():
            if p is not None:
                destination[prefix + name] = p if keep_vars else p.detach()
        for name, b in self._buffers.items():
            if b is not None and name not in self._non_persistent_buffers:
                destination[prefix + name] = b if keep_vars else b.detach()
        for name, module in self._modules.items():
            if module is not None:
                module.state_dict(destination, prefix + name + ".", keep_vars)
        return destination

    def load_state_dict(
        self, state_dict: Mapping, strict: bool = True, assign: bool = False
    ) -> _IncompatibleKeys:
        """Copy parameters and buffers from ``state_dict`` (ours, or numpy arrays / PyTorch
        tensors under PyTorch's key names) into this module.

        Values are converted to each parameter's dtype. A shape mismatch is always an
        error; missing and unexpected keys are errors when ``strict``, and are returned.

        >>> from twingrad import nn
        >>> a, b = nn.Linear(2, 1), nn.Linear(2, 1)
        >>> b.load_state_dict(a.state_dict())
        <All keys matched successfully>
        >>> bool((a.weight == b.weight).all())
        True
        """
        if not isinstance(state_dict, Mapping):
            raise TypeError(f"Expected state_dict to be dict-like, got {type(state_dict)}.")
        own = {}
        for prefix, module in self.named_modules():
            dot = prefix + "." if prefix else ""
            for name, p in module._parameters.items():
                if p is not None:
                    own[dot + name] = (module, "_parameters", name)
            for name, b in module._buffers.items():
                if b is not None and name not in module._non_persistent_buffers:
                    own[dot + name] = (module, "_buffers", name)
        missing = [k for k in own if k not in state_dict]
        unexpected = [k for k in state_dict if k not in own]
        errors = []
        loads = []
        for key, (module, registry, name) in own.items():
            if key not in state_dict:
                continue
            target = getattr(module, registry)[name]
            array = _as_array(state_dict[key], key)
            if tuple(array.shape) != tuple(target.shape):
                errors.append(
                    f"size mismatch for {key}: copying a param with shape "
                    f"{list(array.shape)} from checkpoint, the shape in current model is "
                    f"{list(target.shape)}."
                )
                continue
            loads.append((target, array, module, registry, name))
        if strict:
            if unexpected:
                keys = ", ".join(f'"{k}"' for k in unexpected)
                errors.insert(0, f"Unexpected key(s) in state_dict: {keys}. ")
            if missing:
                keys = ", ".join(f'"{k}"' for k in missing)
                errors.insert(0, f"Missing key(s) in state_dict: {keys}. ")
        if errors:
            raise RuntimeError(
                f"Error(s) in loading state_dict for {type(self).__name__}:\n\t"
                + "\n\t".join(errors)
            )
        for target, array, module, registry, name in loads:
            value = np.array(array, dtype=target.dtype.numpy, copy=True)
            if assign and registry == "_parameters":
                module._parameters[name] = Parameter(Tensor._make(value), target.requires_grad)
            else:
                with no_grad():
                    target.copy_(Tensor._make(value))
        return _IncompatibleKeys(missing, unexpected)

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
