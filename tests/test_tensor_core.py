import numpy as np
import pytest

import twingrad
from torch_compare import check, check_raises

rng = np.random.default_rng(0)
A = rng.standard_normal((3, 4))
B = rng.standard_normal((4, 5))
ROW = rng.standard_normal((4,))


@pytest.mark.parametrize(
    "fn",
    [
        lambda t, a, b: a + b,
        lambda t, a, b: a - b,
        lambda t, a, b: a * b,
        lambda t, a, b: a / (b * b + 1),
        lambda t, a, b: (a * b).tanh().sum(dim=0),
        lambda t, a, b: t.exp(a).mean(),
        lambda t, a, b: (a.sigmoid() * b.relu()).sum(dim=(0, 1), keepdim=True),
    ],
)
def test_broadcast_elementwise_matches_torch(fn):
    check(fn, A, ROW)


def test_matmul_shapes_match_torch():
    check(lambda t, a, b: a @ b, A, B)
    check(lambda t, a, b: a @ b, ROW, B)
    check(lambda t, a, b: a @ b, A, ROW)
    check(lambda t, a, b: a @ b, ROW, ROW)
    check(
        lambda t, a, b: t.matmul(a, b),
        rng.standard_normal((2, 1, 3, 4)),
        rng.standard_normal((5, 4, 2)),
    )


def test_matmul_mismatch_names_both_shapes():
    with pytest.raises(RuntimeError, match=r"\(3x4 and 5x2\)"):
        twingrad.ones(3, 4) @ twingrad.ones(5, 2)
    check_raises(lambda t, a, b: a @ b, A, A)


def test_hessian_vector_product_matches_torch():
    import torch

    x0 = rng.standard_normal(5)
    v0 = rng.standard_normal(5)
    out = []
    for lib in (twingrad, torch):
        x = lib.tensor(x0, requires_grad=True)
        v = lib.tensor(v0)
        y = (x.tanh() * x * x).sum()
        (g,) = lib.autograd.grad(y, x, create_graph=True)
        (hv,) = lib.autograd.grad((g * v).sum(), x)
        out.append(np.asarray(hv.detach().numpy()))
    np.testing.assert_allclose(out[0], out[1], rtol=1e-12, atol=1e-12)
