"""``autograd.Function``: ops with a hand-written backward, compared with PyTorch's."""

from __future__ import annotations

import numpy as np
import pytest
import torch

import twingrad
from twingrad.bridge import UnsupportedOpError, scalarize

LIBS = (torch, twingrad)


def functions(lib):
    """The same custom Functions written for ``lib``."""

    class LegendrePolynomial3(lib.autograd.Function):
        @staticmethod
        def forward(ctx, input):
            ctx.save_for_backward(input)
            return 0.5 * (5 * input**3 - 3 * input)

        @staticmethod
        def backward(ctx, grad_output):
            (input,) = ctx.saved_tensors
            return grad_output * 1.5 * (5 * input**2 - 1)

    class ScaledProduct(lib.autograd.Function):
        """a * b * scale, with a number among the arguments and needs_input_grad."""

        @staticmethod
        def forward(ctx, a, scale, b):
            ctx.save_for_backward(a, b)
            ctx.scale = scale
            return a * b * scale

        @staticmethod
        def backward(ctx, grad_output):
            a, b = ctx.saved_tensors
            ga = grad_output * b * ctx.scale if ctx.needs_input_grad[0] else None
            gb = grad_output * a * ctx.scale if ctx.needs_input_grad[2] else None
            return ga, None, gb

    class Exp(lib.autograd.Function):
        """PyTorch's newer form: forward without ctx, and setup_context."""

        @staticmethod
        def forward(x):
            return x.exp()

        @staticmethod
        def setup_context(ctx, inputs, output):
            ctx.save_for_backward(output)

        @staticmethod
        def backward(ctx, grad_output):
            (result,) = ctx.saved_tensors
            return grad_output * result

    return LegendrePolynomial3, ScaledProduct, Exp


def run(lib, fn):
    """``fn(lib, *functions)``: values turned into numpy for comparison."""
    out = fn(lib, *functions(lib))
    return [np.array(v.detach().numpy()) if hasattr(v, "detach") else v for v in out]


def both(fn) -> None:
    ours, theirs = run(twingrad, fn), run(torch, fn)
    assert len(ours) == len(theirs)
    for i, (a, b) in enumerate(zip(ours, theirs)):
        if isinstance(b, np.ndarray):
            np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-12, err_msg=f"value {i}")
        else:
            assert a == b, f"value {i}: {a!r} != torch {b!r}"


X = [-0.7, 0.1, 0.9]


def test_forward_backward_and_grad_fn_as_pytorch():
    def fn(lib, P3, *_):
        x = lib.tensor(X, dtype=lib.float64, requires_grad=True)
        y = P3.apply(x * 2)
        y.sum().backward()
        names = [y.grad_fn.name(), y.grad_fn.next_functions[0][0].name()]
        return [y, x.grad, *names, y.requires_grad, y.is_leaf]

    both(fn)


def test_numbers_among_the_arguments_and_needs_input_grad():
    def fn(lib, _, ScaledProduct, __):
        a = lib.tensor(X, dtype=lib.float64, requires_grad=True)
        b = lib.tensor([2.0, 3.0, 4.0], dtype=lib.float64)  # needs no gradient
        y = ScaledProduct.apply(a, 0.5, b)
        y.backward(lib.tensor([1.0, 10.0, 100.0], dtype=lib.float64))
        return [y, a.grad, b.grad is None]

    both(fn)


def test_setup_context_form_and_saving_the_output():
    def fn(lib, *fs):
        x = lib.tensor(X, dtype=lib.float64, requires_grad=True)
        y = fs[2].apply(x)
        (y * y).sum().backward()
        return [y, x.grad]

    both(fn)


def test_no_node_without_a_gradient():
    def fn(lib, P3, *_):
        plain = P3.apply(lib.tensor(X))
        x = lib.tensor(X, requires_grad=True)
        with lib.no_grad():
            under_no_grad = P3.apply(x)
        return [plain.requires_grad, plain.grad_fn is None, under_no_grad.requires_grad]

    both(fn)


def test_second_order_gradients_through_a_differentiable_backward():
    def fn(lib, P3, *_):
        x = lib.tensor(X, dtype=lib.float64, requires_grad=True)
        (g,) = lib.autograd.grad(P3.apply(x).sum(), x, create_graph=True)
        g.sum().backward()
        return [g, x.grad]  # 7.5 * (5x^2 - 1) / 5, then 15 x

    both(fn)


def test_backward_twice_after_freeing_is_refused_as_in_pytorch():
    for lib in LIBS:
        P3 = functions(lib)[0]
        y = P3.apply(lib.tensor(X, requires_grad=True)).sum()
        y.backward()
        with pytest.raises(RuntimeError, match="backward through the graph a second time"):
            y.backward()


def test_retain_graph_runs_backward_again():
    def fn(lib, P3, *_):
        x = lib.tensor(X, dtype=lib.float64, requires_grad=True)
        y = P3.apply(x).sum()
        y.backward(retain_graph=True)
        y.backward()
        return [x.grad]

    both(fn)


def test_a_saved_tensor_changed_in_place_is_refused():
    for lib in LIBS:
        P3 = functions(lib)[0]
        h = lib.tensor(X, requires_grad=True) * 1
        y = P3.apply(h)
        with lib.no_grad():
            h.add_(1)
        with pytest.raises(RuntimeError, match="modified by an in-?place operation"):
            y.sum().backward()


@pytest.mark.parametrize(
    "backward, message",
    [
        (lambda ctx, g: (g, g), r"incorrect number of gradients \(expected 1, got 2\)"),
        (lambda ctx, g: g[:1], r"invalid gradient at index 0 - got \[1\] but expected shape"),
    ],
)
def test_a_wrong_backward_is_named(backward, message):
    for lib in LIBS:

        class Wrong(lib.autograd.Function):
            forward = staticmethod(lambda ctx, x: x * 2)

        Wrong.backward = staticmethod(backward)
        with pytest.raises(RuntimeError, match=message):
            Wrong.apply(lib.tensor([1.0, 2.0], requires_grad=True)).sum().backward()


def test_extra_trailing_none_gradients_and_broadcast_gradients_are_accepted():
    def fn(lib, *_):
        class Broadcasting(lib.autograd.Function):
            @staticmethod
            def forward(ctx, x):
                return x * 2

            @staticmethod
            def backward(ctx, g):
                return g.expand(4, 2, 3), None  # summed back to the input's (2, 3)

        x = lib.ones(2, 3, dtype=lib.float64, requires_grad=True)
        Broadcasting.apply(x).sum().backward()
        return [x.grad]

    both(fn)


def test_returning_the_input_makes_a_node_of_its_own():
    def fn(lib, *_):
        class Twice(lib.autograd.Function):
            @staticmethod
            def forward(ctx, x):
                return x

            @staticmethod
            def backward(ctx, g):
                return 2 * g

        x = lib.tensor(X, dtype=lib.float64, requires_grad=True)
        y = Twice.apply(x)
        y.sum().backward()
        return [y is x, x.grad, x.is_leaf]

    both(fn)


def test_twingrad_refusals_say_what_to_do():
    P3 = functions(twingrad)[0]
    with pytest.raises(RuntimeError, match=r"call LegendrePolynomial3.apply\(...\)"):
        P3()

    class Pair(twingrad.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            return x, x

    with pytest.raises(TypeError, match="returned a tuple of 2; .* one tensor"):
        Pair.apply(twingrad.ones(2, requires_grad=True))

    class NoBackward(twingrad.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            return x * 2

    y = NoBackward.apply(twingrad.ones(2, requires_grad=True)).sum()
    with pytest.raises(TypeError, match="needs a backward"):
        y.backward()

    class SavesANumber(twingrad.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(2.0)
            return x

    with pytest.raises(TypeError, match="save_for_backward can only save tensors"):
        SavesANumber.apply(twingrad.ones(2, requires_grad=True))


def test_the_bridge_refuses_a_hand_written_backward_by_name():
    P3 = functions(twingrad)[0]
    y = P3.apply(twingrad.tensor(X, dtype=twingrad.float64, requires_grad=True)).sum()
    with pytest.raises(UnsupportedOpError, match=r"'LegendrePolynomial3 \(autograd.Function\)'"):
        scalarize(y)


def test_walkthrough_names_the_backward():
    P3 = functions(twingrad)[0]
    y = P3.apply(twingrad.tensor([2.0], dtype=twingrad.float64, requires_grad=True)).sum()
    text = str(twingrad.walkthrough(y))
    assert "LegendrePolynomial3.backward" in text
    assert "<ctx of LegendrePolynomial3>" in text
