"""``twingrad.nn.functional``: the layers' operations as functions, with PyTorch's names.

``import twingrad.nn.functional as F`` and ``F.relu``, ``F.cross_entropy``, ``F.conv2d``...
work as in PyTorch. Each function lives next to the layer that uses it; this module
gathers them.

>>> import twingrad
>>> import twingrad.nn.functional as F
>>> F.relu(twingrad.tensor([-1.0, 1.0]))
tensor([0., 1.])
"""

from twingrad._tensor.padding import pad
from twingrad.nn.activation import (
    gelu,
    leaky_relu,
    log_softmax,
    relu,
    sigmoid,
    silu,
    softmax,
    softplus,
    tanh,
)
from twingrad.nn.activation_extra import elu, hardtanh, logsigmoid, relu6, softmin
from twingrad.nn.adaptive_pooling import adaptive_avg_pool1d, adaptive_avg_pool2d
from twingrad.nn.attention import scaled_dot_product_attention
from twingrad.nn.classification_loss import (
    binary_cross_entropy,
    binary_cross_entropy_with_logits,
    cross_entropy,
    nll_loss,
)
from twingrad.nn.conv import conv1d, conv2d
from twingrad.nn.distance import cosine_similarity, normalize
from twingrad.nn.divergence import kl_div
from twingrad.nn.dropout import dropout
from twingrad.nn.embedding import embedding, one_hot
from twingrad.nn.linear import linear
from twingrad.nn.loss import l1_loss, mse_loss
from twingrad.nn.normalization import batch_norm, layer_norm
from twingrad.nn.pooling import (
    avg_pool1d,
    avg_pool2d,
    max_pool1d,
    max_pool2d,
)
from twingrad.nn.robust_loss import huber_loss, smooth_l1_loss

__all__ = [
    "adaptive_avg_pool1d",
    "adaptive_avg_pool2d",
    "avg_pool1d",
    "avg_pool2d",
    "batch_norm",
    "binary_cross_entropy",
    "binary_cross_entropy_with_logits",
    "conv1d",
    "conv2d",
    "cosine_similarity",
    "cross_entropy",
    "dropout",
    "elu",
    "embedding",
    "gelu",
    "hardtanh",
    "huber_loss",
    "kl_div",
    "l1_loss",
    "layer_norm",
    "leaky_relu",
    "linear",
    "log_softmax",
    "logsigmoid",
    "max_pool1d",
    "max_pool2d",
    "mse_loss",
    "nll_loss",
    "normalize",
    "one_hot",
    "pad",
    "relu",
    "relu6",
    "scaled_dot_product_attention",
    "sigmoid",
    "silu",
    "smooth_l1_loss",
    "softmax",
    "softmin",
    "softplus",
    "tanh",
]
