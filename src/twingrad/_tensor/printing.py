"""How a tensor prints: PyTorch's format, character for character.

PyTorch picks one format for all the elements of a tensor: whole numbers as ``2.``, else a
fixed 4 decimals, or scientific notation when the magnitudes span more than 1000x or leave
[1e-4, 1e8]. It pads every element to one width, wraps lines at 80 characters, and past
1000 elements shows only the first and last three along each dimension. twingrad follows
the same rules, so a notebook shows the same text whichever library made the tensor.

>>> import twingrad
>>> twingrad.tensor([[1.0, -2.5], [1e-5, 3.0]])
tensor([[ 1.0000e+00, -2.5000e+00],
        [ 1.0000e-05,  3.0000e+00]])
>>> twingrad.tensor([True, False]), twingrad.tensor([], dtype=twingrad.int64)
(tensor([ True, False]), tensor([], dtype=twingrad.int64))
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from fractions import Fraction
from typing import TYPE_CHECKING

import numpy as np

from twingrad._tensor import dtypes

if TYPE_CHECKING:
    from twingrad._tensor.tensor import Tensor


__all__ = ["set_printoptions"]


@dataclass
class _PrintOptions:
    precision: int = 4
    threshold: float = 1000
    edgeitems: int = 3
    linewidth: int = 80
    sci_mode: bool | None = None  # None: chosen per tensor from its values


OPTIONS = _PrintOptions()


def set_printoptions(
    precision: int | None = None,
    threshold: float | None = None,
    edgeitems: int | None = None,
    linewidth: int | None = None,
    profile: str | None = None,
    sci_mode: bool | None = None,
) -> None:
    """Change how tensors print, as ``torch.set_printoptions`` does.

    >>> import twingrad
    >>> twingrad.set_printoptions(precision=2)
    >>> twingrad.tensor([1.12345])
    tensor([1.12])
    >>> twingrad.set_printoptions(profile="default")
    """
    if profile is not None:
        presets = {
            "default": _PrintOptions(),
            "short": _PrintOptions(precision=2, edgeitems=2),
            "full": _PrintOptions(threshold=float("inf")),
        }
        if profile not in presets:
            raise ValueError(f"profile must be one of {sorted(presets)}, got {profile!r}")
        for key, value in asdict(presets[profile]).items():
            setattr(OPTIONS, key, value)
    for key, value in (
        ("precision", precision),
        ("threshold", threshold),
        ("edgeitems", edgeitems),
        ("linewidth", linewidth),
    ):
        if value is not None:
            setattr(OPTIONS, key, value)
    OPTIONS.sci_mode = sci_mode


class _Formatter:
    """One format for every element of a tensor, chosen from all of them (as PyTorch)."""

    def __init__(self, values: np.ndarray):
        self.floating = values.dtype.kind == "f"
        self.int_mode = True
        self.sci_mode = False
        self.width = 1
        if not self.floating:
            for v in values.ravel().tolist():
                self.width = max(self.width, len(_text(v)))
            return
        finite = values[np.isfinite(values) & (values != 0)]
        if finite.size == 0:
            return
        magnitudes = np.abs(finite).astype(np.float64)
        smallest, largest = magnitudes.min(), magnitudes.max()
        self.int_mode = bool(np.all(finite == np.ceil(finite)))
        if OPTIONS.sci_mode is None:
            self.sci_mode = bool(largest / smallest > 1000.0 or largest > 1e8 or smallest < 1e-4)
        else:
            self.sci_mode = OPTIONS.sci_mode
        for v in finite.tolist():
            self.width = max(self.width, len(self._unpadded(v)))

    def _unpadded(self, v) -> str:
        if not self.floating:
            return _text(v)
        if self.sci_mode:
            return f"{v:.{OPTIONS.precision}e}"
        if self.int_mode:
            return f"{v:.0f}" if v != v or v in (np.inf, -np.inf) else f"{v:.0f}."
        return f"{v:.{OPTIONS.precision}f}"

    def __call__(self, v) -> str:
        return self._unpadded(v).rjust(self.width)


def _text(v) -> str:
    return str(Fraction(v)) if isinstance(v, Fraction) else str(v)


def _summarized(d: np.ndarray) -> np.ndarray:
    """The elements that a summarized print shows: first and last few along each axis."""
    edge = OPTIONS.edgeitems
    for axis, n in enumerate(d.shape):
        if n > 2 * edge:
            keep = list(range(edge)) + list(range(n - edge, n))
            d = d.take(keep, axis=axis)
    return d


def _body(d: np.ndarray, indent: int, summarize: bool, fmt: _Formatter) -> str:
    edge = OPTIONS.edgeitems
    if d.ndim == 0:
        return fmt(d.item())
    n = d.shape[0]
    if d.ndim == 1:
        per_line = max(1, (OPTIONS.linewidth - indent) // (fmt.width + 2))
        if summarize and not edge:
            items = ["..."]
        elif summarize and n > 2 * edge:
            items = [fmt(v) for v in d[:edge].tolist()] + [" ..."]
            items += [fmt(v) for v in d[n - edge :].tolist()]
        else:
            items = [fmt(v) for v in d.tolist()]
        lines = [", ".join(items[i : i + per_line]) for i in range(0, len(items), per_line)]
        return "[" + (",\n" + " " * (indent + 1)).join(lines) + "]"
    if summarize and n > 2 * edge:
        rows = [_body(d[i], indent + 1, summarize, fmt) for i in range(edge)] + ["..."]
        rows += [_body(d[i], indent + 1, summarize, fmt) for i in range(n - edge, n)]
    else:
        rows = [_body(d[i], indent + 1, summarize, fmt) for i in range(n)]
    return "[" + ("," + "\n" * (d.ndim - 1) + " " * (indent + 1)).join(rows) + "]"


def tensor_repr(t: Tensor, grad_fn_name: str | None) -> str:
    """``tensor(...)`` as PyTorch prints it, with ``twingrad.`` where it says ``torch.``.

    >>> import twingrad
    >>> tensor_repr(twingrad.tensor([1.0, 2.5], dtype=twingrad.float64), None)
    'tensor([1.0000, 2.5000], dtype=twingrad.float64)'
    """
    d = t._data
    prefix = "tensor("
    indent = len(prefix)
    dtype = dtypes.of_array(d)
    default = dtypes.get_default_dtype()
    suffixes = []
    if d.size == 0:
        if d.ndim != 1:
            suffixes.append(f"size={tuple(d.shape)}")
        if dtype is not default:  # no element shows whether it is an integer
            suffixes.append(f"dtype={dtype!r}")
        body = "[]"
    else:
        if dtype not in (default, dtypes.int64, dtypes.bool_):
            suffixes.append(f"dtype={dtype!r}")
        summarize = d.size > OPTIONS.threshold
        fmt = _Formatter(_summarized(d) if summarize else d)
        body = _body(d, indent, summarize, fmt)
    if grad_fn_name is not None:
        suffixes.append(f"grad_fn=<{grad_fn_name}>")
    elif t._requires_grad:
        suffixes.append("requires_grad=True")
    return _with_suffixes(prefix + body, suffixes, indent)


def _with_suffixes(text: str, suffixes: list, indent: int) -> str:
    parts = [text]
    last_line = len(text) - text.rfind("\n") + 1
    for suffix in suffixes:
        # measured as PyTorch measures its "torch." names, so lines break where its do
        n = len(suffix) - suffix.count("twingrad.") * (len("twingrad.") - len("torch."))
        if last_line + n + 2 > OPTIONS.linewidth:
            parts.append(",\n" + " " * indent + suffix)
            last_line = indent + n
        else:
            parts.append(", " + suffix)
            last_line += n + 2
    return "".join(parts) + ")"
