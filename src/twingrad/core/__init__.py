"""The bottom layer: graph order and grad modes (`graph`), math that works on floats,
Fractions, arrays and engine objects alike (`numeric`), the shape and index helpers of the
rules' backward passes (`arrays`), and rounding (`rounding`).

Nothing here imports an engine: `rules`, `scalar` and the tensor engine build on it.
"""
