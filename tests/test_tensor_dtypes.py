"""PyTorch's type promotion: every pairing of operand kinds, for every binary operator.

An operand is a tensor with dimensions, a 0-d tensor or a Python number; tensors with
dimensions decide the result's dtype first, 0-d tensors only when they bring a higher
category (bool < integer < float), Python numbers last (a float gives the default dtype).
"""

import itertools
import operator

import numpy as np
import pytest
import torch

import twingrad

DTYPES = ["bool", "int64", "float32", "float64"]
VALUES = {"bool": [True, False, True], "int64": [1, 2, 3], "float32": [0.5, 2.0, -3.25]}
VALUES["float64"] = [0.1, 2.0, -1.5]
OPERANDS = (
    [("tensor", d) for d in DTYPES]
    + [("0-d", d) for d in DTYPES]
    + [("number", v) for v in (True, 3, 2.5)]
)


def make(lib, operand):
    kind, what = operand
    if kind == "number":
        return what
    values = VALUES[what] if kind == "tensor" else VALUES[what][1]
    return lib.tensor(values, dtype=getattr(lib, what))


def ident(operand) -> str:
    kind, what = operand
    return f"{kind}:{what}"


PAIRS = [
    (a, b) for a, b in itertools.product(OPERANDS, OPERANDS) if "number" not in (a[0], b[0])
] + [
    pair
    for a in OPERANDS
    if a[0] != "number"
    for b in OPERANDS
    if b[0] == "number"
    for pair in ((a, b), (b, a))
]
OPS = {
    "+": operator.add,
    "-": operator.sub,
    "*": operator.mul,
    "/": operator.truediv,
    "**": operator.pow,
    "==": operator.eq,
    "<": operator.lt,
    ">=": operator.ge,
    "&": operator.and_,
    "|": operator.or_,
    "^": operator.xor,
}


def result(lib, op, a, b):
    try:
        return op(make(lib, a), make(lib, b))
    except (RuntimeError, TypeError):  # refusals: bool - bool, float & float, ...
        return None


@pytest.mark.parametrize("a, b", PAIRS, ids=lambda p: ident(p))
def test_binary_operators_promote_as_torch(a, b):
    for symbol, op in OPS.items():
        what = f"{ident(a)} {symbol} {ident(b)}"
        theirs = result(torch, op, a, b)
        ours = result(twingrad, op, a, b)
        if theirs is None:
            assert ours is None, f"torch refuses {what}; we gave {ours!r}"
            continue
        assert ours is not None, f"torch computes {what}; we refused"
        assert str(ours.dtype) == str(theirs.dtype).replace("torch.", "twingrad."), what
        assert tuple(ours.shape) == tuple(theirs.shape), what
        expected = theirs.numpy()
        if expected.dtype.kind == "f":
            np.testing.assert_allclose(ours.numpy(), expected, rtol=1e-6, err_msg=what)
        else:
            np.testing.assert_array_equal(ours.numpy(), expected, err_msg=what)


@pytest.mark.parametrize(
    "fn",
    [
        lambda t, x: x.exp(),
        lambda t, x: x.sqrt(),
        lambda t, x: x.sigmoid(),
        lambda t, x: -x,
        lambda t, x: x.abs(),
        lambda t, x: x.relu(),
        lambda t, x: x.sum(),
        lambda t, x: x.sum(dtype=t.float64),
        lambda t, x: x.float(),
        lambda t, x: x.double(),
        lambda t, x: x.long(),
        lambda t, x: x.bool(),
        lambda t, x: x.to(t.float64),
        lambda t, x: ~x,
    ],
)
@pytest.mark.parametrize("dtype", DTYPES)
def test_unary_ops_give_torch_dtypes(fn, dtype):
    outs = []
    for lib in (twingrad, torch):
        try:
            outs.append(fn(lib, lib.tensor(VALUES[dtype], dtype=getattr(lib, dtype))))
        except (RuntimeError, TypeError):
            outs.append(None)
    ours, theirs = outs
    if theirs is None:
        assert ours is None
        return
    assert str(ours.dtype) == str(theirs.dtype).replace("torch.", "twingrad.")
    np.testing.assert_allclose(
        ours.numpy().astype(np.float64), theirs.numpy().astype(np.float64), rtol=1e-6
    )


def test_the_stated_examples():
    i, f32 = twingrad.tensor([1, 2]), twingrad.tensor([1.0, 2.0])
    assert (i + 1.5).dtype is twingrad.float32  # int tensor + float number
    assert (i / i).dtype is twingrad.float32  # true division of integers
    assert (f32 + twingrad.tensor(1.0, dtype=twingrad.float64)).dtype is twingrad.float32
    assert (f32 + twingrad.tensor([1.0], dtype=twingrad.float64)).dtype is twingrad.float64
    assert (twingrad.tensor([True]) + 1).dtype is twingrad.int64
    assert (i + twingrad.tensor(2.5, dtype=twingrad.float64)).dtype is twingrad.float64
    assert (twingrad.tensor([True, False]) + twingrad.tensor([True, True])).tolist() == [
        True,
        True,
    ]


def test_requires_grad_needs_a_floating_dtype():
    for lib in (twingrad, torch):
        with pytest.raises(RuntimeError, match="floating point"):
            lib.tensor([1, 2], requires_grad=True)
    x = twingrad.tensor([1.5], requires_grad=True)
    assert not x.long().requires_grad  # an integer result carries no gradient, as in torch
    assert x.double().requires_grad
