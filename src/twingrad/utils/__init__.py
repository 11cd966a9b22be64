"""``twingrad.utils``, as ``torch.utils``: ``twingrad.utils.data`` is `twingrad.data`.

>>> import twingrad
>>> twingrad.utils.data.DataLoader is twingrad.data.DataLoader
True
"""

from twingrad.utils import data

__all__ = ["data"]
