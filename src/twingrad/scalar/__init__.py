"""The scalar reference engine: `Value`, micrograd-style `Neuron`, `Layer`, `MLP`, and
`formula` (a Value graph from a formula written as text)."""

from twingrad.scalar.formulas import formula
from twingrad.scalar.nn import MLP, Layer, Module, Neuron
from twingrad.scalar.value import Value

__all__ = ["MLP", "Layer", "Module", "Neuron", "Value", "formula"]
