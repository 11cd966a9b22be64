"""Padding: ``twingrad.nn.functional.pad``, constant, reflect, replicate or circular.

A constant pad is one rule of the table (``pad``); the other modes index the input with
an integer array that names, for each output position, the entry it copies, so the
gradient of an entry copied several times adds up.

>>> import twingrad
>>> x = twingrad.tensor([[1.0, 2.0, 3.0]])
>>> pad(x, (2, 1), mode="reflect"), pad(x, (1, 1), mode="circular")
(tensor([[3., 2., 1., 2., 3., 2.]]), tensor([[3., 1., 2., 3., 1.]]))
"""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction
from typing import TYPE_CHECKING

import numpy as np

from twingrad._tensor.engine import apply
from twingrad._tensor.indexing import take
from twingrad.rules import RULES

if TYPE_CHECKING:
    from twingrad._tensor.tensor import Tensor

_PAD_MODES = ("constant", "reflect", "replicate", "circular")


def pad(
    input: Tensor, pad: Sequence[int], mode: str = "constant", value: float | None = None
) -> Tensor:
    """``input`` padded by ``pad = (left, right, top, bottom, ...)``: the last dimension
    first, as in ``torch.nn.functional.pad``. Negative pads crop. ``mode`` is
    "constant" (filled with ``value``, default 0), "reflect", "replicate" or "circular".

    >>> import twingrad
    >>> pad(twingrad.tensor([[1, 2]]), (1, 0, 0, 1))
    tensor([[0, 1, 2],
            [0, 0, 0]])
    """
    pad = tuple(int(p) for p in pad)
    if len(pad) % 2:
        raise RuntimeError(f"Padding length must be divisible by 2, got pad={list(pad)}")
    k = len(pad) // 2
    if k > input.ndim:
        raise RuntimeError(
            "Padding length should be less than or equal to two times the input dimension but "
            f"got padding length {len(pad)} and input of dimension {input.ndim}"
        )
    if mode not in _PAD_MODES:
        raise ValueError(f"Unrecognised padding mode {mode!r}; expected one of {_PAD_MODES}")
    shape = tuple(input.shape)
    for j in range(k):
        d = input.ndim - 1 - j
        if shape[d] + pad[2 * j] + pad[2 * j + 1] < 0:
            raise RuntimeError(
                f"pad {pad[2 * j : 2 * j + 2]} crops more than the {shape[d]} entries of "
                f"dimension {d} of the input of shape {list(shape)}"
            )
    if mode == "constant":
        fill = input._data.dtype.type(0 if value is None else value)
        if input._data.dtype == object:
            fill = Fraction(0 if value is None else value)
        return apply(RULES["pad"], input, pad=pad, value=fill)
    if value is not None:
        raise ValueError(f"padding mode {mode!r} doesn't take in value argument")
    return _pad_by_index(input, pad, mode)


def _pad_by_index(input, pad: tuple, mode: str):
    """reflect / replicate / circular padding: each padded dim is an integer index that
    names, for every output position, the input entry it copies (so gradients add up
    where an entry is copied several times)."""
    k = len(pad) // 2
    if k == 0 or k > 3 or input.ndim not in (k + 1, k + 2):
        raise RuntimeError(
            f"Padding size {len(pad)} is not supported for {input.ndim}D input tensor: "
            f"{mode} padding of the last 1, 2 or 3 dims needs a (batch and) channel dim "
            "in front"
        )
    shape = tuple(input.shape)
    first = 1 if input.ndim == k + 2 else 0  # the batch dim may be empty, no other
    if any(n == 0 for n in shape[first:]):
        raise RuntimeError(
            f"Expected {k + 1}D or {k + 2}D (batch mode) tensor with possibly 0 batch size "
            f"and other non-zero dimensions for input, but got: {list(shape)}"
        )
    out = input
    for j in range(k):
        d = input.ndim - 1 - j
        before, after, n = pad[2 * j], pad[2 * j + 1], shape[d]
        if mode == "reflect" and (before >= n or after >= n):
            raise RuntimeError(
                f"Padding size should be less than the corresponding input dimension, but "
                f"got: padding ({before}, {after}) at dimension {d} of input {list(shape)}"
            )
        if mode == "circular" and (before > n or after > n):
            raise RuntimeError(
                f"Padding value causes wrapping around more than once: padding "
                f"({before}, {after}) at dimension {d} of input {list(shape)}"
            )
        source = np.arange(-before, n + after)
        if mode == "reflect":
            source = np.abs(source)
            source = np.where(source >= n, 2 * (n - 1) - source, source)
        elif mode == "replicate":
            source = np.clip(source, 0, n - 1)
        else:  # PyTorch crops first, then wraps around what is left
            core = np.arange(max(-before, 0), n - max(-after, 0))
            if max(before, after) > core.size:
                raise RuntimeError(
                    f"Padding value causes wrapping around more than once: padding "
                    f"({before}, {after}) of the {core.size} entries left at dimension {d}"
                )
            source = core[
                (np.arange(core.size + max(before, 0) + max(after, 0)) - max(before, 0)) % core.size
            ]
        out = take(out, (slice(None),) * d + (source, Ellipsis), basic=False)
    return out
