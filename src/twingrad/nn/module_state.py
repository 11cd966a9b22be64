"""A Module's values: dtype conversion (``to``, ``double``, ``float``) and the state_dict,
the parameters and persistent buffers by dotted name, saved and loaded.

`Module` inherits these from `ModuleState`. ``load_state_dict`` reads PyTorch's key names
and accepts numpy arrays or PyTorch tensors as values, so weights trained in PyTorch load
into the same twingrad model.

>>> from twingrad import nn
>>> a, b = nn.Linear(2, 1), nn.Linear(2, 1)
>>> list(a.state_dict())
['weight', 'bias']
>>> b.load_state_dict(a.state_dict())
<All keys matched successfully>
"""

from __future__ import annotations

from collections import OrderedDict, namedtuple
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

import numpy as np

from twingrad._tensor import devices, dtypes
from twingrad._tensor.tensor import Tensor
from twingrad.core.graph import no_grad
from twingrad.nn.parameter import Parameter

# the Module these methods are called on (Module inherits them; this file cannot import it)
M = TypeVar("M", bound="ModuleState")


class _IncompatibleKeys(namedtuple("IncompatibleKeys", ["missing_keys", "unexpected_keys"])):
    def __repr__(self) -> str:
        if not self.missing_keys and not self.unexpected_keys:
            return "<All keys matched successfully>"
        return super().__repr__()


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


class ModuleState:
    """The conversion and state_dict methods of `Module` (see the module docstring)."""

    def _convert(self: M, fn: Callable[[Tensor], Tensor]) -> M:
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

    def to(self: M, *args: Any, **kwargs: Any) -> M:
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

    def double(self: M) -> M:
        """Convert floating parameters and buffers to float64; returns self.

        >>> from twingrad import nn
        >>> nn.Linear(2, 1).double().weight.dtype
        twingrad.float64
        """
        return self.to(dtypes.float64)

    def float(self: M) -> M:
        """Convert floating parameters and buffers to float32; returns self.

        >>> from twingrad import nn
        >>> nn.Linear(2, 1).double().float().weight.dtype
        twingrad.float32
        """
        return self.to(dtypes.float32)

    def cpu(self: M) -> M:
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
