"""Walking a Module's tree: its submodules, parameters and buffers with their dotted names,
and the changes made over the whole tree (``train``/``eval``, ``requires_grad_``,
``zero_grad``, ``apply``).

`Module` inherits these from `ModuleTree`; they read only the three registries every Module
keeps (``_modules``, ``_parameters``, ``_buffers``).

>>> from twingrad import nn
>>> model = nn.Sequential(nn.Linear(2, 3), nn.Sequential(nn.ReLU(), nn.Linear(3, 1)))
>>> [name for name, _ in model.named_modules()]
['', '0', '1', '1.0', '1.1']
>>> [name for name, _ in model.named_parameters()]
['0.weight', '0.bias', '1.1.weight', '1.1.bias']
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, TypeVar

from twingrad.core.graph import no_grad

if TYPE_CHECKING:
    from twingrad._tensor.tensor import Tensor
    from twingrad.nn.parameter import Parameter

# the Module these methods are called on (Module inherits them; this file cannot import it)
M = TypeVar("M", bound="ModuleTree")


class ModuleTree:
    """The traversal and whole-tree methods of `Module` (see the module docstring)."""

    def named_modules(
        self, memo: set | None = None, prefix: str = "", remove_duplicate: bool = True
    ) -> Iterator[tuple[str, ModuleTree]]:
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

    def modules(self) -> Iterator[ModuleTree]:
        """This module and every module below it, each once.

        >>> from twingrad import nn
        >>> len(list(nn.Sequential(nn.ReLU(), nn.Tanh()).modules()))
        3
        """
        for _, module in self.named_modules():
            yield module

    def named_children(self) -> Iterator[tuple[str, ModuleTree]]:
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

    def children(self) -> Iterator[ModuleTree]:
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

    def train(self: M, mode: bool = True) -> M:
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

    def eval(self: M) -> M:
        """Set evaluation mode: the same as ``train(False)``.

        >>> from twingrad import nn
        >>> nn.Dropout().eval().training
        False
        """
        return self.train(False)

    def requires_grad_(self: M, requires_grad: bool = True) -> M:
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

    def apply(self: M, fn: Callable[[ModuleTree], None]) -> M:
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
