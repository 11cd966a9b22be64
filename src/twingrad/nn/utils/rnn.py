"""Variable-length sequences for recurrent nets, as ``torch.nn.utils.rnn``.

A batch of sequences of different lengths is either *padded* into one (T, B, *) tensor, or
*packed*: a `PackedSequence` keeps only the real time steps, time step by time step, with
the sequences sorted longest first (``batch_sizes[t]`` sequences are still running at step
t). An RNN given a PackedSequence runs each sequence for its own length and returns a
PackedSequence. Packing and unpacking are index selections, so gradients flow through them.

>>> import twingrad
>>> from twingrad.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence, pad_sequence
>>> padded = pad_sequence([twingrad.tensor([1.0, 2.0, 3.0]), twingrad.tensor([4.0])])
>>> packed = pack_padded_sequence(padded, [3, 1])
>>> packed.data, packed.batch_sizes
(tensor([1., 4., 2., 3.]), tensor([2, 1, 1]))
>>> pad_packed_sequence(packed)[0]
tensor([[1., 4.],
        [2., 0.],
        [3., 0.]])
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, NamedTuple

import numpy as np

from twingrad._tensor.creation import full
from twingrad._tensor.joining import cat, stack
from twingrad._tensor.padding import pad
from twingrad._tensor.tensor import Tensor


def _int_tensor(values) -> Tensor:
    return Tensor._make(np.asarray(values, dtype=np.int64))


class PackedSequence(NamedTuple):
    """Sequences packed time step by time step (see the module docstring), as PyTorch's.

    ``data`` is (sum of lengths, *); ``batch_sizes`` (int64) says how many rows of ``data``
    each time step has; ``sorted_indices`` maps sorted position to the original batch
    position (None when the input was already sorted), ``unsorted_indices`` is its inverse.

    >>> import twingrad
    >>> p = pack_sequence([twingrad.tensor([1.0]), twingrad.tensor([2.0, 3.0])], False)
    >>> p.sorted_indices, p.unsorted_indices
    (tensor([1, 0]), tensor([1, 0]))
    """

    data: Tensor
    batch_sizes: Tensor
    sorted_indices: Tensor | None = None
    unsorted_indices: Tensor | None = None

    def to(self, *args: Any, **kwargs: Any) -> PackedSequence:
        """The same packing with ``data.to(*args, **kwargs)`` (dtype or device).

        >>> import twingrad
        >>> p = pack_sequence([twingrad.tensor([1.0])])
        >>> p.to(twingrad.float64).data.dtype
        twingrad.float64
        """
        return self._replace(data=self.data.to(*args, **kwargs))

    def double(self) -> PackedSequence:
        """The same packing with float64 data."""
        return self._replace(data=self.data.double())

    def float(self) -> PackedSequence:
        """The same packing with float32 data."""
        return self._replace(data=self.data.float())

    def cpu(self) -> PackedSequence:
        """Itself: twingrad's tensors live on the CPU."""
        return self

    @property
    def is_cuda(self) -> bool:
        """False: twingrad's tensors live on the CPU."""
        return False


def invert_permutation(permutation: Tensor | None) -> Tensor | None:
    """The permutation that undoes ``permutation`` (None stays None).

    >>> import twingrad
    >>> invert_permutation(twingrad.tensor([2, 0, 1]))
    tensor([1, 2, 0])
    """
    if permutation is None:
        return None
    inverse = np.empty(permutation.shape[0], dtype=np.int64)
    inverse[permutation._data] = np.arange(permutation.shape[0])
    return _int_tensor(inverse)


def _lengths(lengths) -> np.ndarray:
    if isinstance(lengths, Tensor):
        return np.asarray(lengths._data, dtype=np.int64).reshape(-1)
    return np.asarray(list(lengths), dtype=np.int64).reshape(-1)


def pack_padded_sequence(
    input: Tensor,
    lengths: Tensor | Sequence[int],
    batch_first: bool = False,
    enforce_sorted: bool = True,
) -> PackedSequence:
    """Pack a padded batch (T, B, *) (or (B, T, *) with ``batch_first``) of sequences of
    the given ``lengths``. With ``enforce_sorted`` the lengths must be in decreasing order;
    otherwise the batch is sorted first and the permutation kept in the result.

    >>> import twingrad
    >>> padded = twingrad.tensor([[1.0, 2.0], [0.0, 3.0]])  # (T=2, B=2)
    >>> pack_padded_sequence(padded, [1, 2], enforce_sorted=False).data
    tensor([2., 1., 3.])
    """
    lengths = _lengths(lengths)
    if input.ndim < 2:
        raise ValueError(
            f"pack_padded_sequence: the input must be at least 2-D (T, B, *), got shape "
            f"{list(input.shape)}"
        )
    batch_dim = 0 if batch_first else 1
    if lengths.shape[0] != input.shape[batch_dim]:
        raise RuntimeError(
            f"Expected `len(lengths)` to be equal to batch_size, but got {lengths.shape[0]} "
            f"(batch_size={input.shape[batch_dim]})"
        )
    if enforce_sorted:
        if np.any(np.diff(lengths) > 0):
            raise RuntimeError(
                "`lengths` array must be sorted in decreasing order when `enforce_sorted` is "
                "True. You can pass `enforce_sorted=False` to pack_padded_sequence and/or "
                "pack_sequence to sidestep this requirement if you do not need ONNX "
                "exportability."
            )
        sorted_indices = None
        order = np.arange(lengths.shape[0])
    else:
        order = np.argsort(-lengths, kind="stable")
        sorted_indices = _int_tensor(order)
    if lengths.size and lengths.min() <= 0:
        raise RuntimeError(
            "Length of all samples has to be greater than 0, but found an element in "
            "'lengths' that is <= 0"
        )
    steps = input.shape[1 - batch_dim]
    if lengths.size and lengths.max() > steps:
        raise RuntimeError(
            f"pack_padded_sequence: a length of {lengths.max()} is longer than the input's "
            f"{steps} time steps"
        )
    sorted_lengths = lengths[order]
    batch_sizes = [int((sorted_lengths > t).sum()) for t in range(int(lengths.max(initial=0)))]
    times = np.concatenate([np.full(b, t) for t, b in enumerate(batch_sizes)]).astype(np.int64)
    batches = np.concatenate([order[:b] for b in batch_sizes]).astype(np.int64)
    key = (batches, times) if batch_first else (times, batches)
    return PackedSequence(
        input[key], _int_tensor(batch_sizes), sorted_indices, invert_permutation(sorted_indices)
    )


def pad_packed_sequence(
    sequence: PackedSequence,
    batch_first: bool = False,
    padding_value: float = 0.0,
    total_length: int | None = None,
) -> tuple[Tensor, Tensor]:
    """Undo `pack_padded_sequence`: the padded batch (T, B, *) in the original order and
    the lengths (int64). ``total_length`` pads T further (to the length the batch had).

    >>> import twingrad
    >>> p = pack_sequence([twingrad.tensor([1.0, 2.0]), twingrad.tensor([3.0])])
    >>> pad_packed_sequence(p, batch_first=True, padding_value=-1.0)
    (tensor([[ 1.,  2.],
            [ 3., -1.]]), tensor([2, 1]))
    """
    data, batch_sizes = sequence.data, np.asarray(sequence.batch_sizes._data, dtype=np.int64)
    steps, batch = len(batch_sizes), int(batch_sizes[0]) if len(batch_sizes) else 0
    if total_length is not None:
        if total_length < steps:
            raise ValueError(
                "Expected total_length to be at least the length of the longest sequence in "
                f"input, but got total_length={total_length} and max sequence length being "
                f"{steps}"
            )
        steps = total_length
    # every padded position names its row of data, or the extra padding row at the end
    rows = np.full((steps, batch), data.shape[0], dtype=np.int64)
    offset = 0
    for t, b in enumerate(batch_sizes):
        rows[t, :b] = np.arange(offset, offset + b)
        offset += b
    filler = full((1, *data.shape[1:]), padding_value, dtype=data.dtype)
    padded = cat([data, filler])[rows]
    lengths = (np.arange(batch)[None, :] < batch_sizes[:, None]).sum(0).astype(np.int64)
    if sequence.unsorted_indices is not None:
        padded = padded.index_select(1, sequence.unsorted_indices)
        lengths = lengths[sequence.unsorted_indices._data]
    if batch_first:
        padded = padded.transpose(0, 1)
    return padded, _int_tensor(lengths)


def pad_sequence(
    sequences: Tensor | Sequence[Tensor],
    batch_first: bool = False,
    padding_value: float = 0.0,
    padding_side: str = "right",
) -> Tensor:
    """Stack sequences (L_i, *) of different lengths into (T, B, *) (or (B, T, *)),
    padded with ``padding_value`` on the ``padding_side`` ("right" or "left").

    >>> import twingrad
    >>> pad_sequence([twingrad.tensor([1, 2]), twingrad.tensor([3])], batch_first=True)
    tensor([[1, 2],
            [3, 0]])
    """
    if padding_side not in ("left", "right"):
        raise ValueError(
            f"Expected padding_side to be one of left or right, but got {padding_side}."
        )
    sequences = list(sequences)
    if not sequences:
        raise RuntimeError("received an empty list of sequences")
    trailing = tuple(sequences[0].shape[1:])
    for i, s in enumerate(sequences):
        if s.ndim == 0 or tuple(s.shape[1:]) != trailing:
            raise RuntimeError(
                f"pad_sequence: every sequence must have shape (L, {', '.join(map(str, trailing))})"
                f" with only L differing; sequence {i} has shape {list(s.shape)}"
            )
    longest = max(s.shape[0] for s in sequences)
    padded = []
    for s in sequences:
        extra = longest - s.shape[0]
        side = (extra, 0) if padding_side == "left" else (0, extra)
        padded.append(pad(s, (0, 0) * len(trailing) + side, value=padding_value))
    return stack(padded, 0 if batch_first else 1)


def unpad_sequence(
    padded_sequences: Tensor, lengths: Tensor | Sequence[int], batch_first: bool = False
) -> list[Tensor]:
    """Undo `pad_sequence`: the list of sequences, each cut to its length.

    >>> import twingrad
    >>> unpad_sequence(twingrad.tensor([[1, 3], [2, 0]]), [2, 1])
    [tensor([1, 2]), tensor([3])]
    """
    if not batch_first:
        padded_sequences = padded_sequences.transpose(0, 1)
    return [padded_sequences[i, :n] for i, n in enumerate(_lengths(lengths).tolist())]


def pack_sequence(sequences: Sequence[Tensor], enforce_sorted: bool = True) -> PackedSequence:
    """Pack a list of sequences (L_i, *) directly (`pad_sequence`, then pack).

    >>> import twingrad
    >>> pack_sequence([twingrad.tensor([1.0, 2.0]), twingrad.tensor([3.0])]).data
    tensor([1., 3., 2.])
    """
    lengths = [s.shape[0] for s in sequences]
    return pack_padded_sequence(pad_sequence(sequences), lengths, enforce_sorted=enforce_sorted)


def unpack_sequence(packed_sequences: PackedSequence) -> list[Tensor]:
    """Undo `pack_sequence`: the list of sequences in their original order.

    >>> import twingrad
    >>> unpack_sequence(pack_sequence([twingrad.tensor([1.0]), twingrad.tensor([2.0, 3.0])], False))
    [tensor([1.]), tensor([2., 3.])]
    """
    padded, lengths = pad_packed_sequence(packed_sequences, batch_first=True)
    return unpad_sequence(padded, lengths, batch_first=True)


__all__ = [
    "PackedSequence",
    "invert_permutation",
    "pack_padded_sequence",
    "pack_sequence",
    "pad_packed_sequence",
    "pad_sequence",
    "unpack_sequence",
    "unpad_sequence",
]
