"""`device`: where a tensor lives, as ``torch.device``. twingrad runs on the CPU.

Tutorial code names devices before it makes a tensor (``device = torch.device("cpu")``,
``"cuda" if torch.cuda.is_available() else "cpu"``), so any device PyTorch knows can be
named here; only moving a tensor or a model to one other than the CPU is refused, with an
error that says so.

>>> import twingrad
>>> twingrad.device("cpu"), twingrad.zeros(2).device
(device(type='cpu'), device(type='cpu'))
>>> twingrad.device("cuda:1").index
1
"""

from __future__ import annotations

# the device types torch.device accepts
_TYPES = (
    "cpu", "cuda", "ipu", "xpu", "mkldnn", "opengl", "opencl", "ideep", "hip", "ve", "fpga",
    "maia", "xla", "lazy", "vulkan", "mps", "meta", "hpu", "mtia", "privateuseone",
)  # fmt: skip

__all__ = ["device"]


class device:  # noqa: N801  (PyTorch's name)
    """A device type and optional index: ``device("cpu")``, ``device("cuda", 0)``,
    ``device("cuda:0")``. Prints as PyTorch's does; compares equal to devices only."""

    __slots__ = ("type", "index")

    def __init__(self, type: str | device, index: int | None = None):  # noqa: A002
        if isinstance(type, device):
            type, index = type.type, type.index if index is None else index
        if not isinstance(type, str):
            raise TypeError(f"device() expects a string such as 'cpu', got {type!r}")
        name, colon, number = type.partition(":")
        if name not in _TYPES:
            raise RuntimeError(
                f"Expected one of {', '.join(_TYPES)} device type at start of device string: {type}"
            )
        if colon:
            if index is not None or not number.isdigit():
                raise RuntimeError(f"Invalid device string: '{type}'")
            index = int(number)
        self.type = name
        self.index = index

    def __str__(self) -> str:
        return self.type if self.index is None else f"{self.type}:{self.index}"

    def __repr__(self) -> str:
        index = "" if self.index is None else f", index={self.index}"
        return f"device(type='{self.type}'{index})"

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, device):
            return NotImplemented
        return (self.type, self.index) == (other.type, other.index)

    def __hash__(self) -> int:
        return hash((self.type, self.index))


CPU = device("cpu")


def check_cpu(where: str | device | None, what: str = "a tensor") -> None:
    """Refuse to move ``what`` to a device (a name or a `device`) other than the CPU.

    >>> check_cpu("cuda")
    Traceback (most recent call last):
    ...
    RuntimeError: twingrad runs on the CPU only; can't move a tensor to cuda
    """
    if where is not None and device(where).type != "cpu":
        raise RuntimeError(f"twingrad runs on the CPU only; can't move {what} to {where}")
