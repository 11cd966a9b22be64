"""Replays of matmul and linear (`twingrad.rules.linalg`): sums of products. A matmul of
(n, k) by (k, m) becomes one n-ary sum of ``k`` products per output element.

linear is a fused tensor-only rule (``x @ w.T + b`` in one node): the replay writes it out
as one sum of the products and the bias per output element, so the tensor engine's
one-node derivative is checked against the chain rule through that sum.

>>> import twingrad
>>> from twingrad.bridge import scalarize
>>> a = twingrad.tensor([[1.0, 2.0]], requires_grad=True)
>>> b = twingrad.tensor([[3.0], [4.0]])
>>> s = scalarize(a @ b)
>>> s.outputs[0, 0].data, s.outputs[0, 0].op
(11.0, 'add_n')
"""

from __future__ import annotations

import numpy as np

from twingrad.bridge.replay.rule import as_array, reduce_last, replay, vsum


@replay("matmul", ulps=lambda node: node._prev[0].numel() + node._prev[1].numel() + 2)
def _matmul(node, a, b):
    a2 = a.reshape((1, a.shape[0])) if a.ndim == 1 else a
    b2 = b.reshape((b.shape[0], 1)) if b.ndim == 1 else b
    # (..., n, k, 1) * (..., 1, k, m) -> products over k, then one sum per (n, m)
    products = a2[..., :, :, None] * b2[..., None, :, :]
    out = reduce_last(np.moveaxis(products, -2, -1), vsum)
    if a.ndim == 1:
        out = out[..., 0, :]
    if b.ndim == 1:
        out = out[..., 0]
    return as_array(out)


def _linear_ulps(node):
    return 2 * node._prev[1].shape[-1] + 4


@replay("linear", ulps=_linear_ulps, fused=True)
def _linear(node, x, w, b=None):
    products = x[..., None, :] * w  # (..., out, in)
    if b is None:
        return as_array(reduce_last(products, vsum))
    out = np.empty(products.shape[:-1], dtype=object)
    for index in np.ndindex(*out.shape):
        out[index] = vsum([*products[index], b[index[-1]]])
    return out
