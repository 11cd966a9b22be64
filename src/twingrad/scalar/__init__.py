"""The scalar reference engine: `Value` and micrograd-style `Neuron`, `Layer`, `MLP`."""

from twingrad.scalar.nn import MLP, Layer, Module, Neuron
from twingrad.scalar.value import Value

__all__ = ["MLP", "Layer", "Module", "Neuron", "Value"]
