"""The tensor engine, one concept per module. `twingrad` re-exports what each module
lists in its ``__all__``.

The class: `base` (a tensor's fields and shape), `tensor` (`Tensor` and its autograd
state), `conversions`, `operators` (``+``, ``@``, ``<``...), `updates` (in-place ops) on
`inplace` (versions and views), `methods` (the methods that are the functions below),
`new` (``new_zeros``...). Recording and backward: `engine`, `functional`, `function`.

The functions: `promotion` (how operands meet), `elementwise`, `mathops`, `rounding`,
`reduce`, `extremes`, `comparison`, `norm`, `linalg`, `movement`, `joining`, `padding`,
`indexing`, `selection`, `sorting`; making tensors: `creation`, `ranges`, `sampling`;
and `dtypes`, `devices`, `printing`.
"""
