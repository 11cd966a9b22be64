"""``twingrad.cuda``: what ``torch.cuda`` answers on a machine without a GPU.

twingrad runs on the CPU, so the device checks of tutorial code
(``"cuda" if torch.cuda.is_available() else "cpu"``) take the CPU branch, and seeding the
(absent) GPU generators does nothing, as in PyTorch without CUDA. Anything else of
``torch.cuda`` is missing, and asking for it says so.

>>> import twingrad
>>> "cuda" if twingrad.cuda.is_available() else "cpu"
'cpu'
"""

from __future__ import annotations


def is_available() -> bool:
    """False: twingrad has no GPU back end."""
    return False


def device_count() -> int:
    """0: no GPU is usable by twingrad."""
    return 0


def manual_seed(seed: int) -> None:
    """Nothing to seed: there is no GPU generator (``twingrad.manual_seed`` seeds the CPU's)."""


def manual_seed_all(seed: int) -> None:
    """Nothing to seed: there is no GPU generator (``twingrad.manual_seed`` seeds the CPU's)."""


def __getattr__(name: str):
    raise AttributeError(
        f"twingrad.cuda has no {name!r}: twingrad runs on the CPU only "
        "(twingrad.cuda.is_available() is False)"
    )
