"""``twingrad.utils.data``: `twingrad.data` under PyTorch's name ``torch.utils.data``.

>>> from twingrad.utils.data import DataLoader, TensorDataset
>>> import twingrad
>>> [len(xb) for xb, in DataLoader(TensorDataset(twingrad.ones(5, 2)), batch_size=2)]
[2, 2, 1]
"""

from twingrad.data import *  # noqa: F403
from twingrad.data import __all__  # noqa: F401
