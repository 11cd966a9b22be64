"""``twingrad.accelerator``: what ``torch.accelerator`` answers on a machine without one.

Recent tutorials pick their device with
``torch.accelerator.current_accelerator().type if torch.accelerator.is_available() else
"cpu"``; twingrad runs on the CPU, so that takes the CPU branch.

>>> import twingrad
>>> twingrad.accelerator.is_available(), twingrad.accelerator.current_accelerator()
(False, None)
"""

from __future__ import annotations


def is_available() -> bool:
    """False: twingrad runs on the CPU only."""
    return False


def current_accelerator(check_available: bool = False) -> None:
    """None: there is no accelerator."""
    return None


def device_count() -> int:
    """0: no accelerator is usable by twingrad."""
    return 0


def __getattr__(name: str):
    raise AttributeError(
        f"twingrad.accelerator has no {name!r}: twingrad runs on the CPU only "
        "(twingrad.accelerator.is_available() is False)"
    )
