"""Datasets generated locally: two moons, and more to come."""

from twingrad.data.datasets import make_moons

__all__ = ["make_moons"]
