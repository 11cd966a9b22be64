"""Autograd of the tensor engine against PyTorch: backward's options, .grad, grad mode,
leaves and grad_fn, higher-order gradients and autograd.grad."""

import numpy as np
import pytest
import torch

import twingrad

X0 = np.array([0.5, -1.25, 2.0])
W0 = np.array([[1.0, -2.0], [0.5, 0.25], [-1.5, 3.0]])


def both(fn):
    """``fn(lib)`` run on each library, results as numpy arrays (None stays None)."""
    out = []
    for lib in (twingrad, torch):
        r = fn(lib)
        r = r if isinstance(r, tuple) else (r,)
        out.append(tuple(None if v is None else np.asarray(v.detach().numpy()) for v in r))
    return out


def assert_both(fn, rtol=1e-12):
    ours, theirs = both(fn)
    assert len(ours) == len(theirs)
    for a, b in zip(ours, theirs):
        if b is None:
            assert a is None
        else:
            assert a.dtype == b.dtype and a.shape == b.shape
            np.testing.assert_allclose(a, b, rtol=rtol, atol=1e-14)


def leaf(lib, values=X0, **kw):
    return lib.tensor(values, dtype=lib.float64, requires_grad=True, **kw)


def test_backward_with_a_gradient_matches_torch():
    def fn(lib):
        x = leaf(lib)
        (x.exp() * x).backward(lib.tensor([1.0, -2.0, 0.5], dtype=lib.float64))
        return x.grad

    assert_both(fn)


def test_gradients_accumulate_across_backward_calls_and_within_a_graph():
    def fn(lib):
        x = leaf(lib)
        (x * x + x.sin() * x).sum().backward()  # x used four times in one graph
        first = x.grad.clone()
        (x**3).sum().backward()
        return first, x.grad

    assert_both(fn)
    x = twingrad.tensor([1.0, 2.0], requires_grad=True)
    (x * 3).sum().backward()
    kept = x.grad
    (x * 3).sum().backward()
    assert kept is x.grad and kept.tolist() == [6.0, 6.0]  # added in place, as PyTorch


def test_retain_graph_allows_a_second_backward():
    def fn(lib):
        x = leaf(lib)
        y = (x * x.tanh()).sum()
        y.backward(retain_graph=True)
        y.backward()
        return x.grad

    assert_both(fn)


def test_a_second_backward_through_a_freed_graph_is_refused():
    for lib in (twingrad, torch):
        x = leaf(lib)
        y = (x * x).sum()
        y.backward()
        with pytest.raises(RuntimeError, match="backward through the graph a second time"):
            y.backward()
    x = leaf(twingrad)
    y = (x * x).sum()
    y.backward()
    with pytest.raises(RuntimeError, match="retain_graph=True"):
        y.backward()


def test_ops_that_save_nothing_backward_twice_as_in_torch():
    def fn(lib):
        x = leaf(lib)
        y = (x + 1).sum() - x.mean() + x.reshape(3, 1).expand(3, 2).sum()
        y.backward()
        y.backward()
        return x.grad

    assert_both(fn)


def test_create_graph_makes_gradients_differentiable():
    def fn(lib):
        x = leaf(lib)
        y = (x**3 * x.sigmoid()).sum()
        y.backward(create_graph=True)
        g = x.grad
        assert g.requires_grad and g.grad_fn is not None
        x.grad = None
        (g * g).sum().backward()
        return g, x.grad

    assert_both(fn)


def test_third_derivative_matches_torch():
    def fn(lib):
        x = leaf(lib)
        y = (x.sin() * x.exp()).sum()
        (g1,) = lib.autograd.grad(y, x, create_graph=True)
        (g2,) = lib.autograd.grad(g1.sum(), x, create_graph=True)
        (g3,) = lib.autograd.grad(g2.sum(), x)
        return g1, g2, g3

    assert_both(fn)


def test_hessian_vector_product_through_matmul_matches_torch():
    def fn(lib):
        w = leaf(lib, W0)
        x = leaf(lib)
        v = lib.tensor(W0 * 0.5)
        loss = ((x @ w).tanh() ** 2).sum() + (w * w).sum() * 0.1
        (gw,) = lib.autograd.grad(loss, w, create_graph=True)
        (hv,) = lib.autograd.grad((gw * v).sum(), w)
        return hv

    assert_both(fn)


def test_autograd_grad_matches_torch_and_leaves_grad_alone():
    def fn(lib):
        x, w = leaf(lib), leaf(lib, W0)
        outputs = [(x @ w).sum(), (x * x).sum()]
        gx, gw = lib.autograd.grad(outputs, [x, w])
        assert x.grad is None and w.grad is None
        return gx, gw

    assert_both(fn)

    def with_grad_outputs(lib):
        x = leaf(lib)
        y = x * 2
        (gx,) = lib.autograd.grad(
            y, x, grad_outputs=lib.tensor([1.0, 0.5, -1.0], dtype=lib.float64)
        )
        return gx

    assert_both(with_grad_outputs)


def test_unused_inputs_need_allow_unused():
    for lib in (twingrad, torch):
        x, unused = leaf(lib), leaf(lib)
        with pytest.raises(RuntimeError, match="allow_unused=True"):
            lib.autograd.grad((x * 2).sum(), [x, unused], retain_graph=True)
        gx, gu = lib.autograd.grad((x * 2).sum(), [x, unused], allow_unused=True)
        assert gu is None and gx.tolist() == [2.0, 2.0, 2.0]


def test_backward_inputs_limits_which_leaves_get_grad():
    def fn(lib):
        x, w = leaf(lib), leaf(lib, W0)
        (x @ w).sum().backward(inputs=[w])
        return x.grad, w.grad

    assert_both(fn)


def test_retain_grad_keeps_an_intermediate_gradient():
    def fn(lib):
        x = leaf(lib)
        h = x * 3
        h.retain_grad()
        z = h.exp() * 2
        (z * z).sum().backward()
        assert h.retains_grad and not z.retains_grad and z.grad is None
        return h.grad, x.grad

    assert_both(fn)


def test_requires_grad_detach_and_leaves_match_torch():
    for lib in (twingrad, torch):
        x = lib.tensor([1.0, 2.0])
        assert not x.requires_grad and x.is_leaf and x.grad_fn is None
        assert x.requires_grad_() is x and x.requires_grad and x.is_leaf
        y = x * 2
        assert y.requires_grad and not y.is_leaf and y.grad_fn is not None
        d = y.detach()
        assert not d.requires_grad and d.is_leaf and d.grad_fn is None
        d[0] = 10.0  # shares memory, as PyTorch's detach
        assert y[0].item() == 10.0
        with pytest.raises(RuntimeError, match="leaf"):
            y.requires_grad_(False)
        x.requires_grad_(False)
        assert not (x * 2).requires_grad


def test_grad_mode_context_managers_and_decorators():
    for lib in (twingrad, torch):
        x = leaf(lib)
        with lib.no_grad():
            assert not (x * 2).requires_grad and not lib.is_grad_enabled()
            with lib.enable_grad():
                assert (x * 2).requires_grad
            assert not (x * 2).requires_grad
        assert lib.is_grad_enabled()

        @lib.no_grad()
        def off(t):
            return t * 2

        @lib.enable_grad()
        def on(t):
            return t * 2

        assert not off(x).requires_grad
        with lib.no_grad():
            assert on(x).requires_grad
        with pytest.raises(ValueError), lib.no_grad():
            raise ValueError("leaves the block")
        assert lib.is_grad_enabled()  # restored after the exception
        lib.set_grad_enabled(False)
        assert not (x * 2).requires_grad
        lib.set_grad_enabled(True)
        assert (x * 2).requires_grad


SAME_NAMES = {
    "add": lambda t, x, w: x + x,
    "sub": lambda t, x, w: x - x,
    "mul": lambda t, x, w: x * 2,
    "div": lambda t, x, w: x / 3,
    "neg": lambda t, x, w: -x,
    "pow": lambda t, x, w: x**2,
    "pow tensor": lambda t, x, w: x**x,
    "exp": lambda t, x, w: x.exp(),
    "log": lambda t, x, w: x.log(),
    "sqrt": lambda t, x, w: x.sqrt(),
    "sin": lambda t, x, w: x.sin(),
    "cos": lambda t, x, w: x.cos(),
    "tanh": lambda t, x, w: x.tanh(),
    "sigmoid": lambda t, x, w: x.sigmoid(),
    "relu": lambda t, x, w: x.relu(),
    "abs": lambda t, x, w: x.abs(),
    "sum": lambda t, x, w: x.sum(),
    "sum dim": lambda t, x, w: w.sum(0),
    "mean": lambda t, x, w: x.mean(),
    "mean dim": lambda t, x, w: w.mean(dim=1),
    "view": lambda t, x, w: x.view(3, 1),
    "reshape": lambda t, x, w: x.reshape(1, 3),
    "expand": lambda t, x, w: x.expand(2, 3),
    "permute": lambda t, x, w: w.permute(1, 0),
    "clone": lambda t, x, w: x.clone(),
    "to": lambda t, x, w: x.float(),
    "mm": lambda t, x, w: w.t() @ w,
    "dot": lambda t, x, w: x @ x,
    "mv": lambda t, x, w: w.t() @ x,
}


@pytest.mark.parametrize("op", list(SAME_NAMES))
def test_grad_fn_names_match_torch(op):
    names = []
    for lib in (twingrad, torch):
        x = lib.tensor(X0 * X0 + 0.5, requires_grad=True)
        w = lib.tensor(W0, requires_grad=True)
        names.append(SAME_NAMES[op](lib, x, w).grad_fn.name())
    assert names[0] == names[1]


def test_next_functions_match_torch():
    def shape(fn):
        """grad_fn names down the graph: (name, [children...]) with AccumulateGrad/None."""
        if fn is None:
            return None
        name = fn.name().removeprefix("torch::autograd::")
        return (name, [shape(child) for child, _ in fn.next_functions])

    graphs = []
    for lib in (twingrad, torch):
        x, w = leaf(lib, X0.reshape(1, 3)), leaf(lib, W0)
        c = lib.tensor([1.0, 2.0], dtype=lib.float64)
        y = ((x @ w) * c).exp().sum()
        graphs.append(shape(y.grad_fn))
    assert graphs[0] == graphs[1]
    x = leaf(twingrad)
    (acc, _), (none, _) = (x * twingrad.tensor(2.0, dtype=twingrad.float64)).grad_fn.next_functions
    assert acc.name() == "AccumulateGrad" and acc.variable is x and none is None


def test_gradients_take_each_leafs_dtype():
    def fn(lib):
        x = lib.tensor([1.5, 2.5], requires_grad=True)  # float32
        y = (x.double() * lib.tensor([1.0, 3.0], dtype=lib.float64)).sum()
        y.backward()
        return x.grad

    assert_both(fn)


def test_a_graph_twenty_thousand_ops_deep_needs_no_recursion():
    x = twingrad.tensor([1.0], requires_grad=True)
    y = x
    for _ in range(20_000):  # far past Python's recursion limit
        y = y * 1.0
    y.sum().backward()
    assert x.grad.tolist() == [1.0]


def test_backward_refusals_name_the_problem():
    for lib in (twingrad, torch):
        x = leaf(lib)
        with pytest.raises(RuntimeError, match="grad can be implicitly created only for scalar"):
            (x * 2).backward()
        with pytest.raises(RuntimeError, match="does not require grad"):
            lib.tensor([1.0, 2.0]).sum().backward()
        with pytest.raises(RuntimeError, match="Mismatch in shape"):
            (x * 2).backward(lib.ones(2, dtype=lib.float64))
    x = leaf(twingrad)
    with pytest.raises(RuntimeError, match=r"shape \(3,\): pass backward\(gradient=...\)"):
        (x * 2).backward()
    with pytest.raises(RuntimeError, match=r"grad_output has shape \(2,\) and output has shape"):
        (x * 2).backward(twingrad.ones(2))
