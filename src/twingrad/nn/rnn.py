"""Recurrent nets over whole sequences, as ``torch.nn``: `RNN`, `LSTM` and `GRU`.

Layers are stacked (``num_layers``), each optionally run in both directions
(``bidirectional``, the two outputs joined along the feature dim), with dropout between
layers. The input is (L, N, input_size), (N, L, input_size) with ``batch_first``,
(L, input_size) unbatched, or a `PackedSequence`; the output has the same form, with
D * hidden_size features (D = 2 if bidirectional), and the final states are
(D * num_layers, N, hidden_size). Parameters carry PyTorch's names (``weight_ih_l0``,
``bias_hh_l1_reverse``, ``weight_hr_l0`` for an LSTM's ``proj_size``...) and layouts, so
state dicts load both ways.

Each time step is a cell of `twingrad.nn.rnn_cells`; the input-to-hidden products of a
whole layer are one `linear` over every time step at once.

>>> import twingrad
>>> from twingrad import nn
>>> lstm = nn.LSTM(input_size=3, hidden_size=4, num_layers=2, bidirectional=True)
>>> output, (h, c) = lstm(twingrad.randn(5, 2, 3))
>>> output.shape, h.shape, c.shape
(twingrad.Size([5, 2, 8]), twingrad.Size([4, 2, 4]), twingrad.Size([4, 2, 4]))
"""

from __future__ import annotations

import math
import numbers
import warnings
from typing import TYPE_CHECKING, Any

import numpy as np

from twingrad._tensor import dtypes
from twingrad._tensor.creation import empty, zeros
from twingrad._tensor.joining import cat, stack
from twingrad._tensor.tensor import Tensor
from twingrad.nn import init
from twingrad.nn.dropout import dropout
from twingrad.nn.linear import linear
from twingrad.nn.module import Module
from twingrad.nn.parameter import Parameter
from twingrad.nn.rnn_cells import GATES, gru_step, lstm_step, rnn_step
from twingrad.nn.utils.rnn import PackedSequence

if TYPE_CHECKING:
    from twingrad._tensor import devices

State = Tensor | tuple[Tensor, Tensor]


class RNNBase(Module):
    """What RNN, LSTM and GRU share: the parameters of every layer and direction, the
    checks on input and states, and the loop over time (see the module docstring)."""

    def __init__(
        self,
        mode: str,
        input_size: int,
        hidden_size: int,
        num_layers: int = 1,
        bias: bool = True,
        batch_first: bool = False,
        dropout: float = 0.0,
        bidirectional: bool = False,
        proj_size: int = 0,
        device: str | devices.device | None = None,
        dtype: dtypes.dtype | None = None,
    ) -> None:
        super().__init__()
        if (
            not isinstance(dropout, numbers.Number)
            or isinstance(dropout, bool)
            or not 0 <= dropout <= 1
        ):
            raise ValueError(
                "dropout should be a number in range [0, 1] representing the probability of "
                "an element being zeroed"
            )
        if dropout > 0 and num_layers == 1:
            warnings.warn(
                "dropout option adds dropout after all but last recurrent layer, so non-zero "
                "dropout expects num_layers greater than 1, but got dropout="
                f"{dropout} and num_layers={num_layers}",
                stacklevel=3,
            )
        if not isinstance(hidden_size, int) or isinstance(hidden_size, bool):
            raise TypeError(f"hidden_size should be of type int, got: {type(hidden_size).__name__}")
        if hidden_size <= 0:
            raise ValueError("hidden_size must be greater than zero")
        if num_layers <= 0:
            raise ValueError("num_layers must be greater than zero")
        if proj_size < 0:
            raise ValueError(
                "proj_size should be a positive integer or zero to disable projections"
            )
        if proj_size >= hidden_size:
            raise ValueError("proj_size has to be smaller than hidden_size")
        if proj_size and mode != "LSTM":
            raise ValueError("proj_size argument is only supported for LSTM, not RNN or GRU")
        self.mode, self.input_size, self.hidden_size = mode, input_size, hidden_size
        self.num_layers, self.bias, self.batch_first = num_layers, bias, batch_first
        self.dropout, self.bidirectional, self.proj_size = float(dropout), bidirectional, proj_size
        d = dtypes.as_dtype(dtype) if dtype is not None else None
        gate_size = GATES[mode] * hidden_size
        real_hidden = proj_size or hidden_size
        self._flat_weights_names: list[str] = []
        for layer in range(num_layers):
            for suffix in ("", "_reverse") if bidirectional else ("",):
                layer_input = input_size if layer == 0 else real_hidden * self._directions
                shapes = {
                    "weight_ih": (gate_size, layer_input),
                    "weight_hh": (gate_size, real_hidden),
                }
                if bias:
                    shapes.update(bias_ih=(gate_size,), bias_hh=(gate_size,))
                if proj_size:
                    shapes["weight_hr"] = (proj_size, hidden_size)
                for kind, shape in shapes.items():
                    name = f"{kind}_l{layer}{suffix}"
                    setattr(self, name, Parameter(empty(*shape, dtype=d)))
                    self._flat_weights_names.append(name)
        self.reset_parameters()

    @property
    def _directions(self) -> int:
        return 2 if self.bidirectional else 1

    @property
    def _flat_weights(self) -> list[Parameter]:
        return [getattr(self, name) for name in self._flat_weights_names]

    @property
    def all_weights(self) -> list[list[Parameter]]:
        """The parameters of each layer and direction, in PyTorch's order."""
        per = len(self._flat_weights_names) // (self.num_layers * self._directions)
        flat = self._flat_weights
        return [flat[i : i + per] for i in range(0, len(flat), per)]

    def flatten_parameters(self) -> None:
        """Nothing to do: PyTorch packs cuDNN's weight buffer here; twingrad has none."""

    def reset_parameters(self) -> None:
        """Redraw every parameter uniform in +-1/sqrt(hidden_size), as at construction."""
        bound = 1.0 / math.sqrt(self.hidden_size)
        for weight in self.parameters():
            init.uniform_(weight, -bound, bound)

    def extra_repr(self) -> str:
        text = f"{self.input_size}, {self.hidden_size}"
        if self.proj_size:
            text += f", proj_size={self.proj_size}"
        if self.num_layers != 1:
            text += f", num_layers={self.num_layers}"
        if not self.bias:
            text += ", bias=False"
        if self.batch_first:
            text += ", batch_first=True"
        if self.dropout:
            text += f", dropout={self.dropout}"
        if self.bidirectional:
            text += ", bidirectional=True"
        return text

    # -- the checks PyTorch makes ---------------------------------------------------

    def _check_input(self, input: Tensor, packed: bool) -> None:
        expected = 2 if packed else (2, 3)
        if not packed and input.ndim not in expected:
            raise ValueError(
                f"{type(self).__name__}: Expected input to be 2D or 3D, got {input.ndim}D instead"
            )
        if input.shape[-1] != self.input_size:
            raise RuntimeError(
                f"input.size(-1) must be equal to input_size. Expected {self.input_size}, "
                f"got {input.shape[-1]}"
            )
        weight = self.weight_ih_l0
        if input.dtype is not weight.dtype:
            raise ValueError(
                f"RNN input dtype (twingrad.{input.dtype.name}) does not match weight dtype "
                f"(twingrad.{weight.dtype.name}). Convert input: input.to(twingrad."
                f"{weight.dtype.name}), or convert model: model.to(twingrad.{input.dtype.name})"
            )

    def _check_state(self, hx: Tensor, batch: int, size: int, which: str = "") -> None:
        expected = (self.num_layers * self._directions, batch, size)
        if tuple(hx.shape) != expected:
            raise RuntimeError(f"Expected hidden{which} size {expected}, got {list(hx.shape)}")

    # -- the loop over time ---------------------------------------------------------

    def _step(self, x: Tensor, state: State, weights: dict[str, Tensor]) -> State:
        w_hh, b_hh = weights["weight_hh"], weights.get("bias_hh")
        if self.mode == "LSTM":
            return lstm_step(x, state, w_hh, b_hh, weights.get("weight_hr"))
        if self.mode == "GRU":
            return gru_step(x, state, w_hh, b_hh)
        return rnn_step(x, state, w_hh, b_hh, self.mode == "RNN_RELU")

    def _direction(
        self, data: Tensor, batch_sizes: list[int], state: State, layer: int, reverse: bool
    ) -> tuple[list[Tensor], State]:
        """Run one layer in one direction over packed ``data`` (rows time step by time
        step); returns each step's output (in time order) and the final state."""
        suffix = "_reverse" if reverse else ""
        weights = {
            name: getattr(self, f"{name}_l{layer}{suffix}")
            for name in ("weight_ih", "weight_hh", "bias_ih", "bias_hh", "weight_hr")
            if f"{name}_l{layer}{suffix}" in self._flat_weights_names
        }
        projected = linear(data, weights["weight_ih"], weights.get("bias_ih"))
        starts = np.concatenate([[0], np.cumsum(batch_sizes)]).tolist()
        states = state if isinstance(state, tuple) else (state,)
        steps = range(len(batch_sizes) - 1, -1, -1) if reverse else range(len(batch_sizes))
        outputs: list[Tensor] = [None] * len(batch_sizes)  # type: ignore[list-item]
        finished: list[tuple[Tensor, ...]] = []
        # the sequences running at the first step taken (all of them, going forward)
        active = tuple(s[: batch_sizes[steps[0]]] for s in states) if steps else states
        for t in steps:
            size = batch_sizes[t]
            if size < active[0].shape[0]:  # the shorter sequences ended: keep their state
                finished.append(tuple(s[size:] for s in active))
                active = tuple(s[:size] for s in active)
            elif size > active[0].shape[0]:  # reversed: shorter sequences start here
                begun = active[0].shape[0]
                active = tuple(cat([a, s[begun:size]]) for a, s in zip(active, states))
            step = self._step(projected[starts[t] : starts[t] + size], _unpack(active), weights)
            active = step if isinstance(step, tuple) else (step,)
            outputs[t] = active[0]
        for rest in reversed(finished):
            active = tuple(cat([a, r]) for a, r in zip(active, rest))
        return outputs, _unpack(active)

    def forward(self, input: Tensor | PackedSequence, hx: State | None = None) -> Any:
        packed = isinstance(input, PackedSequence)
        if packed:
            data, batch_sizes = input.data, input.batch_sizes._data.tolist()
            self._check_input(data, packed=True)
            batch, unbatched = batch_sizes[0], False
        else:
            self._check_input(input, packed=False)
            unbatched = input.ndim == 2
            x = input.unsqueeze(1) if unbatched else input
            x = x.transpose(0, 1) if self.batch_first and not unbatched else x
            steps, batch = x.shape[0], x.shape[1]
            batch_sizes = [batch] * steps
            data = x.reshape(steps * batch, self.input_size)
        states = self._initial_states(hx, batch, unbatched, data.dtype)
        if packed and input.sorted_indices is not None:
            states = [s.index_select(1, input.sorted_indices) for s in states]
        finals: list[list[Tensor]] = [[] for _ in states]
        for layer in range(self.num_layers):
            pieces = []
            for direction in range(self._directions):
                k = layer * self._directions + direction
                state = _unpack(tuple(s[k] for s in states))
                outputs, final = self._direction(data, batch_sizes, state, layer, direction == 1)
                pieces.append(outputs)
                for store, f in zip(finals, final if isinstance(final, tuple) else (final,)):
                    store.append(f)
            steps_out = [cat(list(step), 1) if len(step) > 1 else step[0] for step in zip(*pieces)]
            data = cat(steps_out, 0) if steps_out else data[:0]
            if self.dropout and self.training and layer < self.num_layers - 1:
                data = dropout(data, self.dropout, training=True)
        hidden = [stack(f, 0) for f in finals]
        if packed:
            if input.unsorted_indices is not None:
                hidden = [h.index_select(1, input.unsorted_indices) for h in hidden]
            output = PackedSequence(
                data, input.batch_sizes, input.sorted_indices, input.unsorted_indices
            )
        else:
            output = data.reshape(len(batch_sizes), batch, data.shape[-1])
            if unbatched:
                output, hidden = output.squeeze(1), [h.squeeze(1) for h in hidden]
            elif self.batch_first:
                output = output.transpose(0, 1)
        return output, _unpack(tuple(hidden))

    def _initial_states(self, hx, batch: int, unbatched: bool, dtype) -> list[Tensor]:
        """The states each layer starts from, as (D * num_layers, batch, size) tensors."""
        real_hidden = self.proj_size or self.hidden_size
        sizes = [real_hidden, self.hidden_size] if self.mode == "LSTM" else [real_hidden]
        layers = self.num_layers * self._directions
        if hx is None:
            return [zeros(layers, batch, size, dtype=dtype) for size in sizes]
        if self.mode == "LSTM":
            if not isinstance(hx, tuple | list) or len(hx) != 2:
                raise RuntimeError("LSTM: hx must be a tuple (h_0, c_0) of two tensors")
            given = list(hx)
        else:
            if not isinstance(hx, Tensor):
                raise RuntimeError(
                    f"{type(self).__name__}: hx must be a tensor, got {type(hx).__name__}"
                )
            given = [hx]
        want = 2 if unbatched else 3
        if any(h.ndim != want for h in given):
            kind = "unbatched 2-D" if unbatched else "batched 3-D"
            got = ", ".join(f"{h.ndim}-D" for h in given)
            names = "hx and cx" if len(given) == 2 else "hx"
            noun = f"({got}) tensors" if len(given) == 2 else f"{got} tensor"
            raise RuntimeError(f"For {kind} input, {names} should also be {want}-D but got {noun}")
        if unbatched:
            given = [h.unsqueeze(1) for h in given]
        for i, (h, size) in enumerate(zip(given, sizes)):
            self._check_state(h, batch, size, f"[{i}]" if len(given) == 2 else "")
        return given


def _unpack(states: tuple[Tensor, ...]) -> State:
    return states if len(states) > 1 else states[0]


class RNN(RNNBase):
    """A multi-layer Elman RNN, as ``torch.nn.RNN``: h_t = tanh (or relu) of
    x_t W_ih^T + b_ih + h_(t-1) W_hh^T + b_hh; returns (output, h_n).

    >>> import twingrad
    >>> from twingrad import nn
    >>> rnn = nn.RNN(3, 4, nonlinearity="relu", batch_first=True)
    >>> output, h = rnn(twingrad.randn(2, 5, 3))
    >>> output.shape, h.shape
    (twingrad.Size([2, 5, 4]), twingrad.Size([1, 2, 4]))
    """

    def __init__(self, *args: Any, nonlinearity: str = "tanh", **kwargs: Any) -> None:
        if len(args) > 3:  # PyTorch's positional order puts nonlinearity fourth
            nonlinearity, args = args[3], args[:3] + args[4:]
        if nonlinearity not in ("tanh", "relu"):
            raise ValueError(
                f"Unknown nonlinearity '{nonlinearity}'. Select from 'tanh' or 'relu'."
            )
        self.nonlinearity = nonlinearity
        super().__init__("RNN_TANH" if nonlinearity == "tanh" else "RNN_RELU", *args, **kwargs)


class LSTM(RNNBase):
    """A multi-layer long short-term memory net, as ``torch.nn.LSTM``; returns
    (output, (h_n, c_n)). ``proj_size`` > 0 projects each h to that size (``weight_hr``).

    >>> import twingrad
    >>> from twingrad import nn
    >>> output, (h, c) = nn.LSTM(3, 4, proj_size=2)(twingrad.randn(5, 3))
    >>> output.shape, h.shape, c.shape
    (twingrad.Size([5, 2]), twingrad.Size([1, 2]), twingrad.Size([1, 4]))
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__("LSTM", *args, **kwargs)


class GRU(RNNBase):
    """A multi-layer gated recurrent unit net, as ``torch.nn.GRU``; returns (output, h_n).

    >>> import twingrad
    >>> from twingrad import nn
    >>> output, h = nn.GRU(3, 4, num_layers=2)(twingrad.randn(5, 2, 3))
    >>> output.shape, h.shape
    (twingrad.Size([5, 2, 4]), twingrad.Size([2, 2, 4]))
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__("GRU", *args, **kwargs)


__all__ = ["GRU", "LSTM", "RNN", "RNNBase"]
