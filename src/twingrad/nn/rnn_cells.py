"""One time step of a recurrent net: the Elman RNN, LSTM and GRU cells, as ``torch.nn``.

Each step is composed of `linear`, ``sigmoid``, ``tanh`` and elementwise products, so its
gradients come from those ops' rules and the bridge replays it element by element. Weights
are laid out as PyTorch's, the gates stacked along dim 0 in PyTorch's order:

    RNN   h' = tanh(x W_ih^T + b_ih + h W_hh^T + b_hh)                  (or relu)
    LSTM  i, f, g, o = chunks of (x W_ih^T + b_ih + h W_hh^T + b_hh)
          c' = sigmoid(f) c + sigmoid(i) tanh(g);  h' = sigmoid(o) tanh(c')
    GRU   r, z, n: chunks of x W_ih^T + b_ih and of h W_hh^T + b_hh
          r = sigmoid(r_x + r_h); z = sigmoid(z_x + z_h); n = tanh(n_x + r n_h)
          h' = (1 - z) n + z h

>>> import twingrad
>>> from twingrad import nn
>>> cell = nn.LSTMCell(3, 2)
>>> h, c = cell(twingrad.ones(4, 3))
>>> h.shape, c.shape
(twingrad.Size([4, 2]), twingrad.Size([4, 2]))
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from twingrad._tensor import dtypes
from twingrad._tensor.creation import empty, zeros
from twingrad._tensor.tensor import Tensor
from twingrad.nn import init
from twingrad.nn.linear import linear
from twingrad.nn.module import Module
from twingrad.nn.parameter import Parameter

if TYPE_CHECKING:
    from twingrad._tensor import devices

GATES = {"RNN_TANH": 1, "RNN_RELU": 1, "LSTM": 4, "GRU": 3}


def rnn_step(x: Tensor, h: Tensor, w_hh: Tensor, b_hh: Tensor | None, relu: bool) -> Tensor:
    """One Elman step from the projected input ``x = input W_ih^T + b_ih``.

    >>> import twingrad
    >>> x, h = twingrad.tensor([[1.0]]), twingrad.tensor([[2.0]])
    >>> rnn_step(x, h, twingrad.ones(1, 1), None, relu=True)
    tensor([[3.]])
    """
    pre = x + linear(h, w_hh, b_hh)
    return pre.relu() if relu else pre.tanh()


def lstm_step(
    x: Tensor,
    state: tuple[Tensor, Tensor],
    w_hh: Tensor,
    b_hh: Tensor | None,
    w_hr: Tensor | None = None,
) -> tuple[Tensor, Tensor]:
    """One LSTM step from the projected input; returns (h', c'). ``w_hr`` projects h'
    (PyTorch's ``proj_size``).

    >>> import twingrad
    >>> zero = twingrad.zeros(1, 1)
    >>> lstm_step(twingrad.zeros(1, 4), (zero, zero), twingrad.zeros(4, 1), None)
    (tensor([[0.]]), tensor([[0.]]))
    """
    h, c = state
    i, f, g, o = (x + linear(h, w_hh, b_hh)).chunk(4, 1)
    c = f.sigmoid() * c + i.sigmoid() * g.tanh()
    h = o.sigmoid() * c.tanh()
    if w_hr is not None:
        h = linear(h, w_hr)
    return h, c


def gru_step(x: Tensor, h: Tensor, w_hh: Tensor, b_hh: Tensor | None) -> Tensor:
    """One GRU step from the projected input ``x = input W_ih^T + b_ih``.

    >>> import twingrad
    >>> gru_step(twingrad.zeros(1, 3), twingrad.ones(1, 1), twingrad.zeros(3, 1), None)
    tensor([[0.5000]])
    """
    r_x, z_x, n_x = x.chunk(3, 1)
    r_h, z_h, n_h = linear(h, w_hh, b_hh).chunk(3, 1)
    r = (r_x + r_h).sigmoid()
    z = (z_x + z_h).sigmoid()
    n = (n_x + r * n_h).tanh()
    return (1 - z) * n + z * h


def check_hidden(what: str, h: Tensor, batch: int, size: int) -> None:
    """A cell's state must be (batch, size), in PyTorch's words when it is not."""
    if h.shape[0] != batch:
        raise RuntimeError(f"Input batch size {batch} doesn't match {what} batch size {h.shape[0]}")
    if h.shape[-1] != size:
        raise RuntimeError(
            f"{what} has inconsistent hidden_size: got {h.shape[-1]}, expected {size}"
        )


class RNNCellBase(Module):
    """The parameters every cell has: ``weight_ih`` (G*hidden, input), ``weight_hh``
    (G*hidden, hidden), ``bias_ih`` and ``bias_hh`` (G*hidden), all uniform in
    +-1/sqrt(hidden_size), as in PyTorch (G gates: 1, 4 for LSTM, 3 for GRU)."""

    def __init__(
        self,
        input_size: int,
        hidden_size: int,
        bias: bool,
        num_chunks: int,
        device: str | devices.device | None = None,
        dtype: dtypes.dtype | None = None,
    ) -> None:
        super().__init__()
        self.input_size, self.hidden_size, self.bias = input_size, hidden_size, bias
        d = dtypes.as_dtype(dtype) if dtype is not None else None
        self.weight_ih = Parameter(empty(num_chunks * hidden_size, input_size, dtype=d))
        self.weight_hh = Parameter(empty(num_chunks * hidden_size, hidden_size, dtype=d))
        if bias:
            self.bias_ih = Parameter(empty(num_chunks * hidden_size, dtype=d))
            self.bias_hh = Parameter(empty(num_chunks * hidden_size, dtype=d))
        else:
            self.register_parameter("bias_ih", None)
            self.register_parameter("bias_hh", None)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        """Redraw every parameter uniform in +-1/sqrt(hidden_size), as at construction."""
        bound = 1.0 / math.sqrt(self.hidden_size) if self.hidden_size > 0 else 0
        for weight in self.parameters():
            init.uniform_(weight, -bound, bound)

    def extra_repr(self) -> str:
        text = f"{self.input_size}, {self.hidden_size}"
        if not self.bias:
            text += ", bias=False"
        if getattr(self, "nonlinearity", "tanh") != "tanh":
            text += f", nonlinearity={self.nonlinearity}"
        return text

    def _batched(self, input: Tensor) -> tuple[Tensor, bool]:
        """The input as (batch, input_size), and whether it came unbatched."""
        if input.ndim not in (1, 2):
            raise ValueError(
                f"{type(self).__name__}: Expected input to be 1D or 2D, got {input.ndim}D instead"
            )
        if input.shape[-1] != self.input_size:
            raise RuntimeError(
                f"input has inconsistent input_size: got {input.shape[-1]} expected "
                f"{self.input_size}"
            )
        if input.dtype is not self.weight_ih.dtype:
            raise RuntimeError(
                f"{type(self).__name__}: the input is {input.dtype.name} but the cell's "
                f"parameters are {self.weight_ih.dtype.name}; convert one so both match"
            )
        return (input, False) if input.ndim == 2 else (input.unsqueeze(0), True)

    def _state(self, hx: Tensor | None, input: Tensor, unbatched: bool, what: str) -> Tensor:
        if hx is None:
            return zeros(input.shape[0], self.hidden_size, dtype=input.dtype)
        if hx.ndim != (1 if unbatched else 2):
            raise RuntimeError(
                f"{type(self).__name__}: Expected {what} to be {1 if unbatched else 2}D, got "
                f"{hx.ndim}D instead"
            )
        hx = hx.unsqueeze(0) if unbatched else hx
        check_hidden(what, hx, input.shape[0], self.hidden_size)
        return hx

    def _project(self, input: Tensor) -> Tensor:
        return linear(input, self.weight_ih, self.bias_ih)


class RNNCell(RNNCellBase):
    """An Elman RNN cell, as ``torch.nn.RNNCell``: h' = tanh (or relu) of
    x W_ih^T + b_ih + h W_hh^T + b_hh. Input (batch, input_size) or (input_size); ``hx``
    defaults to zeros.

    >>> import twingrad
    >>> from twingrad import nn
    >>> nn.RNNCell(3, 2, nonlinearity="relu")(twingrad.ones(3)).shape
    twingrad.Size([2])
    """

    def __init__(
        self,
        input_size: int,
        hidden_size: int,
        bias: bool = True,
        nonlinearity: str = "tanh",
        device: str | devices.device | None = None,
        dtype: dtypes.dtype | None = None,
    ) -> None:
        if nonlinearity not in ("tanh", "relu"):
            raise ValueError(f"Invalid nonlinearity selected for RNN: {nonlinearity}")
        self.nonlinearity = nonlinearity
        super().__init__(input_size, hidden_size, bias, 1, device, dtype)

    def forward(self, input: Tensor, hx: Tensor | None = None) -> Tensor:
        x, unbatched = self._batched(input)
        h = self._state(hx, x, unbatched, "hidden0")
        h = rnn_step(self._project(x), h, self.weight_hh, self.bias_hh, self.nonlinearity == "relu")
        return h.squeeze(0) if unbatched else h


class LSTMCell(RNNCellBase):
    """A long short-term memory cell, as ``torch.nn.LSTMCell``; returns (h', c').
    ``hx`` is a pair (h, c), zeros by default.

    >>> import twingrad
    >>> from twingrad import nn
    >>> [t.shape for t in nn.LSTMCell(3, 2)(twingrad.ones(5, 3))]
    [twingrad.Size([5, 2]), twingrad.Size([5, 2])]
    """

    def __init__(
        self,
        input_size: int,
        hidden_size: int,
        bias: bool = True,
        device: str | devices.device | None = None,
        dtype: dtypes.dtype | None = None,
    ) -> None:
        super().__init__(input_size, hidden_size, bias, 4, device, dtype)

    def forward(
        self, input: Tensor, hx: tuple[Tensor, Tensor] | None = None
    ) -> tuple[Tensor, Tensor]:
        x, unbatched = self._batched(input)
        h0, c0 = (None, None) if hx is None else hx
        h = self._state(h0, x, unbatched, "hidden0")
        c = self._state(c0, x, unbatched, "hidden1")
        h, c = lstm_step(self._project(x), (h, c), self.weight_hh, self.bias_hh)
        return (h.squeeze(0), c.squeeze(0)) if unbatched else (h, c)


class GRUCell(RNNCellBase):
    """A gated recurrent unit cell, as ``torch.nn.GRUCell`` (gates r, z, n).

    >>> import twingrad
    >>> from twingrad import nn
    >>> nn.GRUCell(3, 2)(twingrad.ones(5, 3), twingrad.zeros(5, 2)).shape
    twingrad.Size([5, 2])
    """

    def __init__(
        self,
        input_size: int,
        hidden_size: int,
        bias: bool = True,
        device: str | devices.device | None = None,
        dtype: dtypes.dtype | None = None,
    ) -> None:
        super().__init__(input_size, hidden_size, bias, 3, device, dtype)

    def forward(self, input: Tensor, hx: Tensor | None = None) -> Tensor:
        x, unbatched = self._batched(input)
        h = self._state(hx, x, unbatched, "hidden0")
        h = gru_step(self._project(x), h, self.weight_hh, self.bias_hh)
        return h.squeeze(0) if unbatched else h


__all__ = ["GRUCell", "LSTMCell", "RNNCell", "RNNCellBase"]
