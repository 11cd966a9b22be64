"""The bridge between the engines and the checks that they are right: gradcheck."""

from twingrad.bridge.gradcheck import gradcheck

__all__ = ["gradcheck"]
