"""Replays of the shape and indexing rules (`twingrad.rules.shape`): the same Values,
rearranged. A reshape, expand, permute or flip moves references to the input's Values (a
broadcast reuses one Value in several places), an index picks the chosen Values, cat and
repeat join them; index_scatter (the gradient of an index) sums the Values sent to each
position and index_put writes Values into a copy. Nothing is computed, so the bound is 0
ulps, but for the sums of index_scatter.

>>> import twingrad
>>> from twingrad.bridge import scalarize
>>> x = twingrad.tensor([1.0, 2.0], requires_grad=True)
>>> s = scalarize(x.expand(2, 2))
>>> s.outputs[0, 1] is s.outputs[1, 1] is s.leaf_values(x)[1]
True
"""

from __future__ import annotations

import numpy as np

from twingrad.bridge.replay.rule import as_array, constant, first_value, replay, scatter_add
from twingrad.kernels.windows import pad_regions

replay("reshape", ulps=0)(lambda node, x, shape: x.reshape(shape))
replay("expand", ulps=0)(lambda node, x, shape: np.broadcast_to(x, shape))
replay("permute", ulps=0)(lambda node, x, dims: x.transpose(dims))
replay("clone", ulps=0)(lambda node, x: x)
replay("to_dtype", ulps=0)(lambda node, x, dtype: x)
replay("index", ulps=0)(lambda node, x, index: as_array(x[index]))
replay("flip", ulps=0)(lambda node, x, dims: np.flip(x, dims))
replay("repeat", ulps=0)(lambda node, x, repeats: np.tile(x, repeats))
replay("cat", ulps=0)(lambda node, *xs, dim: np.concatenate(xs, axis=dim))


@replay("index_scatter", ulps=lambda node: 4)
def _index_scatter(node, y, shape, index):
    size = int(np.prod(shape))
    targets = np.arange(size, dtype=np.int64).reshape(shape)[index]
    targets, y = np.broadcast_arrays(targets, y)
    return scatter_add(y, targets, size, constant(0, first_value(y))).reshape(shape)


@replay("index_put", ulps=0)
def _index_put(node, x, value, index):
    out = x.copy()
    out[index] = value
    return out


@replay("pad", ulps=0)
def _pad(node, x, pad, value):
    shape, out_key, in_key = pad_regions(x.shape, pad)
    out = np.empty(shape, dtype=object)
    out[...] = constant(value, first_value(x))
    out[out_key] = x[in_key]
    return out
