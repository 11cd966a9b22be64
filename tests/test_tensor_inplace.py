"""In-place updates against PyTorch: values, gradients through them, the version checks
that refuse a backward whose saved values changed, and refusals that change nothing."""

import numpy as np
import pytest
import torch

import twingrad

rng = np.random.default_rng(0)
A = rng.standard_normal((3, 4))
ROW = rng.standard_normal(4)


def run_both(fn):
    """Run ``fn(lib, *leaves)`` with leaves made from A and ROW; return outputs and grads."""
    results = []
    for lib in (twingrad, torch):
        a = lib.tensor(A, requires_grad=True)
        r = lib.tensor(ROW, requires_grad=True)
        out = fn(lib, a, r)
        if out.requires_grad:
            (
                out * lib.tensor(np.arange(out.numel(), dtype=np.float64).reshape(out.shape))
            ).sum().backward()
        grads = [None if t.grad is None else t.grad.numpy() for t in (a, r)]
        results.append((out.detach().numpy(), grads, out.requires_grad))
    (ours, our_grads, our_rg), (theirs, their_grads, their_rg) = results
    np.testing.assert_allclose(ours, theirs, rtol=1e-12, atol=1e-12)
    assert our_rg == their_rg
    for g, h in zip(our_grads, their_grads):
        assert (g is None) == (h is None)
        if h is not None:
            np.testing.assert_allclose(g, h, rtol=1e-12, atol=1e-12)


def _update(op):
    def fn(lib, a, r):
        h = a * 1.5  # a non-leaf, so that in-place is allowed with grad on
        op(h, r)
        return h

    return fn


IN_PLACE = {
    "add_": lambda h, r: h.add_(r),
    "add_ alpha": lambda h, r: h.add_(r, alpha=-2.0),
    "sub_": lambda h, r: h.sub_(r * r),
    "sub_ alpha": lambda h, r: h.sub_(r, alpha=0.5),
    "mul_": lambda h, r: h.mul_(r),
    "div_": lambda h, r: h.div_(r * r + 1),
    "+= number": lambda h, r: h.__iadd__(2.5),
    "-= tensor": lambda h, r: h.__isub__(r),
    "*= tensor": lambda h, r: h.__imul__(r.exp()),
    "/= number": lambda h, r: h.__itruediv__(4),
    "chain": lambda h, r: h.mul_(r).add_(1).div_(3).sub_(r),
    "zero_": lambda h, r: h.zero_(),
    "fill_ number": lambda h, r: h.fill_(0.25),
    "fill_ tensor": lambda h, r: h.fill_(r.sum()),
    "copy_": lambda h, r: h.copy_(r * 3),
    "copy_ constant": lambda h, r: h.copy_(
        torch.ones(4) if isinstance(h, torch.Tensor) else twingrad.ones(4)
    ),
}


@pytest.mark.parametrize("op", list(IN_PLACE))
def test_in_place_on_a_non_leaf_matches_torch(op):
    run_both(_update(IN_PLACE[op]))


def test_in_place_in_the_middle_of_a_graph_matches_torch():
    def residual(lib, a, r):
        identity = a * 2
        out = (a * r).tanh() * 3  # no op here saves its output for backward
        out += identity
        out *= r
        return (out.relu() + out).sum(dim=1)

    run_both(residual)

    def reused(lib, a, r):
        h = a * r
        g = h * 2  # reads h before the update: the update must not change it
        h.add_(g)
        return h * g

    run_both(reused)


def test_in_place_returns_the_tensor_itself():
    x = twingrad.tensor([1.0, 2.0])
    y = x
    y += 1
    assert y is x and x.add_(1) is x and x.mul_(2) is x and x.zero_() is x
    assert x.tolist() == [0.0, 0.0]


def test_without_grad_in_place_updates_match_torch():
    values = []
    for lib in (twingrad, torch):
        x = lib.tensor(A)
        x += lib.tensor(ROW)
        x -= 1
        x *= 2.5
        x /= lib.tensor(ROW * ROW + 1)
        x.add_(lib.tensor([[1.0], [2.0], [3.0]]), alpha=3)
        i = lib.tensor([1, 2, 3])
        i += 2
        i *= lib.tensor([2, 2, 2])
        values.append((x.numpy().copy(), i.numpy().copy()))
    np.testing.assert_allclose(values[0][0], values[1][0], rtol=1e-12)
    assert values[0][1].tolist() == values[1][1].tolist() == [6, 8, 10]


def test_an_sgd_step_under_no_grad_matches_torch():
    params = []
    for lib in (twingrad, torch):
        w = lib.tensor(A, requires_grad=True)
        ((w * w).sum() + w.sum()).backward()
        with lib.no_grad():
            w -= 0.1 * w.grad
        assert w.is_leaf and w.requires_grad and w.grad_fn is None
        params.append(w.detach().numpy())
    np.testing.assert_allclose(params[0], params[1], rtol=1e-12)


def test_in_place_on_a_leaf_that_requires_grad_is_refused():
    for lib in (twingrad, torch):
        x = lib.tensor([1.0, 2.0], requires_grad=True)
        with pytest.raises(RuntimeError, match="leaf"):
            x.add_(1)
        with pytest.raises(RuntimeError, match="leaf"):
            x *= 2
        assert x.tolist() == [1.0, 2.0]
        with lib.no_grad():
            x.mul_(3)
        assert x.tolist() == [3.0, 6.0] and x.is_leaf and x.requires_grad


def test_changing_a_value_that_backward_needs_is_refused_at_backward():
    for lib in (twingrad, torch):
        x = lib.tensor([1.0, 2.0], requires_grad=True)
        y = x * 1
        z = y * y  # saves y
        y.add_(1)
        with pytest.raises(RuntimeError, match="modified by an inplace operation|in-place"):
            z.sum().backward()
    for lib in (twingrad, torch):  # the same through no_grad, and through a view
        x = lib.tensor([1.0, 2.0], requires_grad=True)
        y = x * 1
        z = y.exp()  # saves its output
        with lib.no_grad():
            y.view(2).mul_(2)
            z.mul_(2)
        with pytest.raises(RuntimeError, match="modified by an inplace operation|in-place"):
            z.sum().backward()


def test_our_message_names_the_tensor_and_the_versions():
    x = twingrad.tensor([1.0, 2.0], requires_grad=True)
    y = x * 1
    z = y * y
    y.add_(1)
    with pytest.raises(RuntimeError, match=r"shape \(2,\) is at version 1; expected version 0"):
        z.sum().backward()


def test_changing_the_output_of_an_op_that_saves_nothing_is_allowed_as_in_torch():
    grads = []
    for lib in (twingrad, torch):
        x = lib.tensor([1.0, 2.0], requires_grad=True)
        y = x + 1  # add's backward reads nothing
        with lib.no_grad():
            y.mul_(5)
        assert y.grad_fn.name() == "AddBackward0"  # the history stays, as in PyTorch
        (y * 1).sum().backward()
        grads.append(x.grad.tolist())
    assert grads[0] == grads[1] == [1.0, 1.0]


def test_in_place_on_the_output_of_exp_gives_the_true_gradient():
    """PyTorch refuses this backward (exp saved its output); twingrad moves the old value
    into a node of its own, so the gradient is right: d(exp(x) + 1)/dx = exp(x)."""
    x = twingrad.tensor([0.5, 1.0], dtype=twingrad.float64, requires_grad=True)
    y = x.exp()
    y.add_(1)
    y.sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), np.exp([0.5, 1.0]), rtol=1e-15)
    assert y.grad_fn.name() == "AddBackward0"


def test_zero_on_a_non_leaf_keeps_it_in_the_graph_with_zero_gradient():
    for lib in (twingrad, torch):
        x = lib.tensor([1.0, 2.0], requires_grad=True)
        w = lib.tensor([3.0, 4.0], requires_grad=True)
        h = x * 2
        h.zero_()
        assert h.requires_grad and h.grad_fn is not None
        (h * w + w).sum().backward()
        assert x.grad.tolist() == [0.0, 0.0] and w.grad.tolist() == [1.0, 1.0]


def test_a_refused_update_changes_nothing():
    x = twingrad.ones(1, 3)
    before = x._version[0]
    with pytest.raises(
        RuntimeError, match=r"output with shape \[1, 3\] doesn't match the broadcast"
    ):
        x.add_(twingrad.ones(2, 3))
    with pytest.raises(
        RuntimeError, match="float32 can't be cast to the desired output type int64"
    ):
        twingrad.tensor([1, 2]).add_(1.5)
    i = twingrad.tensor([1, 2])
    with pytest.raises(RuntimeError):
        i.add_(1.5)
    with pytest.raises(RuntimeError, match=r"\[1, 3\]"):
        x.copy_(twingrad.ones(2, 3))
    assert x.tolist() == [[1.0, 1.0, 1.0]] and x._version[0] == before
    assert i.tolist() == [1, 2]
    for lib in (twingrad, torch):
        y = lib.ones(1, 3)
        with pytest.raises(RuntimeError, match=r"output with shape \[1, 3\] doesn't match"):
            y.mul_(lib.ones(2, 3))
        with pytest.raises(RuntimeError, match="can't be cast"):
            lib.tensor([1, 2]).mul_(0.5)


def test_versions_count_changes_shared_with_views():
    x = twingrad.zeros(2, 3)
    v = x.view(6)
    x.add_(1)
    v.mul_(2)
    assert x._version[0] == v._version[0] == 2
    assert x.tolist() == [[2.0] * 3] * 2


def test_copy_broadcasts_and_casts_as_torch():
    def fn(lib, a, r):
        target = lib.zeros(3, 4, dtype=lib.float64)
        target.copy_(r)
        target[0] = lib.tensor([1, 2, 3, 4])
        target[1:] += lib.ones(4, dtype=lib.float64)
        return target * a

    run_both(fn)


def test_in_place_through_a_view_then_written_back_matches_torch():
    def fn(lib, a, r):
        h = a * 2
        h[1:] += r  # Python: v = h[1:]; v += r; h[1:] = v
        h[0] *= 3
        return h.exp()

    run_both(fn)


@pytest.mark.parametrize(
    "change",
    [
        lambda h, r: h[0].add_(r),
        lambda h, r: h[1].zero_(),
        lambda h, r: h[1:, 2].mul_(r[:2]),
        lambda h, r: h[2].copy_(r.exp()),
        lambda h, r: h[0][1:].fill_(r[0]),
    ],
)
def test_in_place_through_an_indexed_view_matches_torch(change):
    def fn(lib, a, r):
        h = a * 2
        change(h, r)
        return h.tanh()

    run_both(fn)


def test_in_place_through_other_views_is_refused_at_backward():
    """PyTorch rewrites the viewed tensor's history for every view; twingrad does it for
    indexed views, and for the others refuses the backward rather than let the gradient
    bypass the change, saying how to write it instead."""
    for change in (lambda h: h.t().mul_(2), lambda h: h.view(12).add_(1)):
        x = twingrad.tensor(A, requires_grad=True)
        h = x * 2
        change(h)
        with pytest.raises(RuntimeError, match=r"through a view of it .*\(x\[0\] \+= 1"):
            (h * 1).sum().backward()
    for lib in (twingrad, torch):
        leaf = lib.tensor(A, requires_grad=True)
        with pytest.raises(RuntimeError, match="view of a leaf Variable"):
            leaf[0].zero_()
        assert leaf.tolist() == A.tolist()
