"""Neural networks, as ``torch.nn``: Module, Parameter, layers, losses, ``init`` and
``functional``.

>>> import twingrad
>>> from twingrad import nn
>>> import twingrad.nn.functional as F
>>> twingrad.manual_seed(0)
>>> model = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 3))
>>> loss = F.cross_entropy(model(twingrad.randn(5, 4)), twingrad.tensor([0, 1, 2, 1, 0]))
>>> loss.backward()
>>> model[0].weight.grad.shape
twingrad.Size([8, 4])
"""

from twingrad.nn import functional, init, utils
from twingrad.nn.activation import (
    GELU,
    LeakyReLU,
    LogSoftmax,
    ReLU,
    Sigmoid,
    SiLU,
    Softmax,
    Softplus,
    Tanh,
)
from twingrad.nn.activation_extra import ELU, Hardtanh, LogSigmoid, ReLU6, Softmin
from twingrad.nn.adaptive_pooling import AdaptiveAvgPool1d, AdaptiveAvgPool2d
from twingrad.nn.classification_loss import (
    BCELoss,
    BCEWithLogitsLoss,
    CrossEntropyLoss,
    NLLLoss,
)
from twingrad.nn.container import ModuleDict, ModuleList, Sequential
from twingrad.nn.conv import Conv1d, Conv2d
from twingrad.nn.distance import CosineSimilarity
from twingrad.nn.divergence import KLDivLoss
from twingrad.nn.dropout import Dropout
from twingrad.nn.embedding import Embedding
from twingrad.nn.linear import Flatten, Identity, Linear, Unflatten
from twingrad.nn.loss import L1Loss, MSELoss
from twingrad.nn.module import Module
from twingrad.nn.normalization import BatchNorm1d, BatchNorm2d, LayerNorm
from twingrad.nn.parameter import Parameter
from twingrad.nn.pooling import (
    AvgPool1d,
    AvgPool2d,
    MaxPool1d,
    MaxPool2d,
)
from twingrad.nn.robust_loss import HuberLoss, SmoothL1Loss

# isort: split
# recurrent nets and attention (issue 14)
from twingrad.nn.multihead_attention import MultiheadAttention
from twingrad.nn.rnn import GRU, LSTM, RNN, RNNBase
from twingrad.nn.rnn_cells import GRUCell, LSTMCell, RNNCell, RNNCellBase
from twingrad.nn.transformer import Transformer, TransformerDecoder, TransformerEncoder
from twingrad.nn.transformer_layers import TransformerDecoderLayer, TransformerEncoderLayer

__all__ = [
    "ELU",
    "GELU",
    "AdaptiveAvgPool1d",
    "AdaptiveAvgPool2d",
    "AvgPool1d",
    "AvgPool2d",
    "BCELoss",
    "BCEWithLogitsLoss",
    "BatchNorm1d",
    "BatchNorm2d",
    "Conv1d",
    "Conv2d",
    "CosineSimilarity",
    "CrossEntropyLoss",
    "Dropout",
    "Embedding",
    "Flatten",
    "Hardtanh",
    "HuberLoss",
    "Identity",
    "KLDivLoss",
    "L1Loss",
    "LayerNorm",
    "LeakyReLU",
    "Linear",
    "LogSigmoid",
    "LogSoftmax",
    "MSELoss",
    "MaxPool1d",
    "MaxPool2d",
    "Module",
    "ModuleDict",
    "ModuleList",
    "NLLLoss",
    "Parameter",
    "ReLU",
    "ReLU6",
    "Sequential",
    "SiLU",
    "Sigmoid",
    "SmoothL1Loss",
    "Softmax",
    "Softmin",
    "Softplus",
    "Tanh",
    "Unflatten",
    "functional",
    "init",
    "utils",
]

# recurrent nets and attention (issue 14)
__all__ += [
    "GRU",
    "GRUCell",
    "LSTM",
    "LSTMCell",
    "MultiheadAttention",
    "RNN",
    "RNNBase",
    "RNNCell",
    "RNNCellBase",
    "Transformer",
    "TransformerDecoder",
    "TransformerDecoderLayer",
    "TransformerEncoder",
    "TransformerEncoderLayer",
]
