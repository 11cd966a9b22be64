"""Tensor's methods are twingrad's functions (`twingrad._tensor.methods`): these tests check
the binding, the docstrings, and the examples each method used to carry as its own
doctest (moved here when the methods became their functions).
"""

import doctest
import inspect

import pytest

import twingrad
from twingrad._tensor import methods

# The examples of the methods, as they stood in each method's docstring.
EXAMPLES = {
    "abs": """
>>> import twingrad
>>> twingrad.tensor([1.0, -2.0]).abs()
tensor([1., 2.])
""",
    "add": """
>>> import twingrad
>>> twingrad.tensor([1, 2]).add(1, alpha=3)
tensor([4, 5])
""",
    "all": """
>>> import twingrad
>>> twingrad.tensor([[1, 0], [2, 3]]).all(dim=1)
tensor([False,  True])
""",
    "allclose": """
>>> import twingrad
>>> twingrad.tensor([1.0]).allclose(twingrad.tensor([1.0 + 1e-9]))
True
""",
    "amax": """
>>> import twingrad
>>> twingrad.tensor([[1, 5], [7, 2]]).amax(dim=1)
tensor([5, 7])
""",
    "amin": """
>>> import twingrad
>>> twingrad.tensor([[1, 5], [7, 2]]).amin(dim=1)
tensor([1, 2])
""",
    "any": """
>>> import twingrad
>>> twingrad.tensor([[0, 0], [2, 0]]).any(dim=1)
tensor([False,  True])
""",
    "argmax": """
>>> import twingrad
>>> twingrad.tensor([[1, 5], [7, 2]]).argmax(dim=1)
tensor([1, 0])
""",
    "argmin": """
>>> import twingrad
>>> twingrad.tensor([[1, 5], [7, 2]]).argmin(dim=1)
tensor([0, 1])
""",
    "argsort": """
>>> import twingrad
>>> twingrad.tensor([2.0, 1.0]).argsort()
tensor([1, 0])
""",
    "bmm": """
>>> import twingrad
>>> twingrad.ones(5, 2, 3).bmm(twingrad.ones(5, 3, 4)).shape
twingrad.Size([5, 2, 4])
""",
    "ceil": """
>>> import twingrad
>>> twingrad.tensor([1.5]).ceil()
tensor([2.])
""",
    "ceil_": """
>>> import twingrad
>>> twingrad.tensor([1.5, -1.5]).ceil_()
tensor([ 2., -1.])
""",
    "chunk": """
>>> import twingrad
>>> [p.tolist() for p in twingrad.arange(5).chunk(2)]
[[0, 1, 2], [3, 4]]
""",
    "clamp": """
>>> import twingrad
>>> twingrad.tensor([-1.0, 2.0]).clamp(0.0)
tensor([0., 2.])
""",
    "clamp_": """
>>> import twingrad
>>> twingrad.tensor([-1.0, 2.0]).clamp_(max=1.0)
tensor([-1.,  1.])
""",
    "cos": """
>>> import twingrad
>>> twingrad.tensor([0.0]).cos()
tensor([1.])
""",
    "cumprod": """
>>> import twingrad
>>> twingrad.tensor([1.0, 2.0, 3.0]).cumprod(0)
tensor([1., 2., 6.])
""",
    "cumprod_": """
>>> import twingrad
>>> twingrad.tensor([1.0, 2.0, 3.0]).cumprod_(0)
tensor([1., 2., 6.])
""",
    "cumsum": """
>>> import twingrad
>>> twingrad.tensor([1.0, 2.0, 3.0]).cumsum(0)
tensor([1., 3., 6.])
""",
    "cumsum_": """
>>> import twingrad
>>> twingrad.tensor([1.0, 2.0, 3.0]).cumsum_(0)
tensor([1., 3., 6.])
""",
    "diag": """
>>> import twingrad
>>> twingrad.tensor([1.0, 2.0]).diag()
tensor([[1., 0.],
        [0., 2.]])
""",
    "diagonal": """
>>> import twingrad
>>> twingrad.eye(2).diagonal()
tensor([1., 1.])
""",
    "div": """
>>> import twingrad
>>> twingrad.tensor([1, 2]).div(2)
tensor([0.5000, 1.0000])
""",
    "dot": """
>>> import twingrad
>>> twingrad.tensor([1.0, 2.0]).dot(twingrad.tensor([3.0, 4.0]))
tensor(11.)
""",
    "equal": """
>>> import twingrad
>>> twingrad.tensor([1, 2]).equal(twingrad.tensor([1, 2]))
True
""",
    "exp": """
>>> import twingrad
>>> twingrad.tensor([0.0]).exp()
tensor([1.])
""",
    "expand": """
>>> import twingrad
>>> twingrad.tensor([[1], [2]]).expand(-1, 2)
tensor([[1, 1],
        [2, 2]])
""",
    "flatten": """
>>> import twingrad
>>> twingrad.zeros(2, 3, 4).flatten().shape
twingrad.Size([24])
""",
    "flip": """
>>> import twingrad
>>> twingrad.tensor([[1, 2], [3, 4]]).flip(1)
tensor([[2, 1],
        [4, 3]])
""",
    "floor": """
>>> import twingrad
>>> twingrad.tensor([1.5]).floor()
tensor([1.])
""",
    "floor_": """
>>> import twingrad
>>> twingrad.tensor([1.5, -1.5]).floor_()
tensor([ 1., -2.])
""",
    "floor_divide": """
>>> import twingrad
>>> twingrad.tensor([-3.0]).floor_divide(2)
tensor([-2.])
""",
    "floor_divide_": """
>>> import twingrad
>>> x = twingrad.tensor([5, -7]); x //= 3; x
tensor([ 1, -3])
""",
    "fmod": """
>>> import twingrad
>>> twingrad.tensor([-3.0]).fmod(2)
tensor([-1.])
""",
    "fmod_": """
>>> import twingrad
>>> twingrad.tensor([5.0, -7.0]).fmod_(3)
tensor([ 2., -1.])
""",
    "frac": """
>>> import twingrad
>>> twingrad.tensor([-1.25]).frac()
tensor([-0.2500])
""",
    "frac_": """
>>> import twingrad
>>> twingrad.tensor([1.5, -1.25]).frac_()
tensor([ 0.5000, -0.2500])
""",
    "gather": """
>>> import twingrad
>>> twingrad.tensor([[1, 2], [3, 4]]).gather(1, twingrad.tensor([[1], [0]]))
tensor([[2],
        [3]])
""",
    "index_select": """
>>> import twingrad
>>> twingrad.tensor([[1, 2], [3, 4]]).index_select(0, twingrad.tensor([1, 1]))
tensor([[3, 4],
        [3, 4]])
""",
    "isclose": """
>>> import twingrad
>>> twingrad.tensor([1.0, 2.0]).isclose(twingrad.tensor([1.0, 2.1]))
tensor([ True, False])
""",
    "isfinite": """
>>> import twingrad
>>> twingrad.tensor([1.0]).isfinite()
tensor([True])
""",
    "isinf": """
>>> import twingrad
>>> twingrad.tensor([float("inf")]).isinf()
tensor([True])
""",
    "isnan": """
>>> import twingrad
>>> twingrad.tensor([float("nan")]).isnan()
tensor([True])
""",
    "log": """
>>> import twingrad
>>> twingrad.tensor([1.0]).log()
tensor([0.])
""",
    "log_softmax": """
>>> import twingrad
>>> twingrad.tensor([0.0, 0.0]).log_softmax(dim=0)
tensor([-0.6931, -0.6931])
""",
    "logsumexp": """
>>> import twingrad
>>> twingrad.tensor([1000.0, 1000.0]).logsumexp(dim=0)
tensor(1000.6932)
""",
    "masked_fill": """
>>> import twingrad
>>> twingrad.tensor([1.0, 2.0]).masked_fill(twingrad.tensor([True, False]), 0.0)
tensor([0., 2.])
""",
    "matmul": """
>>> import twingrad
>>> twingrad.tensor([[1, 2]]).matmul(twingrad.tensor([[3], [4]]))
tensor([[11]])
""",
    "max": """
>>> import twingrad
>>> x = twingrad.tensor([[1, 5], [7, 2]])
>>> x.max(), x.max(dim=1).indices
(tensor(7), tensor([1, 0]))
""",
    "maximum": """
>>> import twingrad
>>> twingrad.tensor([1.0, 5.0]).maximum(twingrad.tensor([3.0, 2.0]))
tensor([3., 5.])
""",
    "mean": """
>>> import twingrad
>>> twingrad.tensor([[1.0, 2.0], [3.0, 4.0]]).mean(dim=1)
tensor([1.5000, 3.5000])
""",
    "min": """
>>> import twingrad
>>> x = twingrad.tensor([[1, 5], [7, 2]])
>>> x.min(), x.min(dim=1).indices
(tensor(1), tensor([0, 1]))
""",
    "minimum": """
>>> import twingrad
>>> twingrad.tensor([1.0, 5.0]).minimum(twingrad.tensor([3.0, 2.0]))
tensor([1., 2.])
""",
    "mm": """
>>> import twingrad
>>> twingrad.eye(2).mm(twingrad.tensor([[1.0, 2.0], [3.0, 4.0]]))
tensor([[1., 2.],
        [3., 4.]])
""",
    "mul": """
>>> import twingrad
>>> twingrad.tensor([1, 2]).mul(3)
tensor([3, 6])
""",
    "mv": """
>>> import twingrad
>>> twingrad.eye(2).mv(twingrad.tensor([3.0, 4.0]))
tensor([3., 4.])
""",
    "neg": """
>>> import twingrad
>>> twingrad.tensor([1.0, -2.0]).neg()
tensor([-1.,  2.])
""",
    "norm": """
>>> import twingrad
>>> twingrad.tensor([3.0, 4.0]).norm()
tensor(5.)
""",
    "outer": """
>>> import twingrad
>>> twingrad.tensor([1.0, 2.0]).outer(twingrad.tensor([3.0]))
tensor([[3.],
        [6.]])
""",
    "permute": """
>>> import twingrad
>>> twingrad.zeros(2, 3, 4).permute(1, 2, 0).shape
twingrad.Size([3, 4, 2])
""",
    "pow": """
>>> import twingrad
>>> twingrad.tensor([1, 2]).pow(2)
tensor([1, 4])
""",
    "pow_": """
>>> import twingrad
>>> twingrad.tensor([2.0, 3.0]).pow_(2)
tensor([4., 9.])
""",
    "prod": """
>>> import twingrad
>>> twingrad.tensor([2, 3, 4]).prod()
tensor(24)
""",
    "reciprocal": """
>>> import twingrad
>>> twingrad.tensor([4.0]).reciprocal()
tensor([0.2500])
""",
    "relu": """
>>> import twingrad
>>> twingrad.tensor([1.0, -2.0]).relu()
tensor([1., 0.])
""",
    "remainder": """
>>> import twingrad
>>> twingrad.tensor([-3.0]).remainder(2)
tensor([1.])
""",
    "remainder_": """
>>> import twingrad
>>> x = twingrad.tensor([5.0, -7.0]); x %= 3; x
tensor([2., 2.])
""",
    "repeat": """
>>> import twingrad
>>> twingrad.tensor([1, 2]).repeat(2)
tensor([1, 2, 1, 2])
""",
    "reshape": """
>>> import twingrad
>>> twingrad.arange(6).reshape(2, 3).shape
twingrad.Size([2, 3])
""",
    "reshape_as": """
>>> import twingrad
>>> twingrad.arange(6).reshape_as(twingrad.zeros(2, 3)).shape
twingrad.Size([2, 3])
""",
    "round": """
>>> import twingrad
>>> twingrad.tensor([2.5, 0.125]).round(decimals=2)
tensor([2.5000, 0.1200])
""",
    "round_": """
>>> import twingrad
>>> twingrad.tensor([2.5, 0.125]).round_(decimals=2)
tensor([2.5000, 0.1200])
""",
    "rsqrt": """
>>> import twingrad
>>> twingrad.tensor([4.0]).rsqrt()
tensor([0.5000])
""",
    "sigmoid": """
>>> import twingrad
>>> twingrad.tensor([0.0]).sigmoid()
tensor([0.5000])
""",
    "sign": """
>>> import twingrad
>>> twingrad.tensor([-2.0, 0.0, 3.0]).sign()
tensor([-1.,  0.,  1.])
""",
    "sign_": """
>>> import twingrad
>>> twingrad.tensor([-2.0, 0.0, 3.0]).sign_()
tensor([-1.,  0.,  1.])
""",
    "sin": """
>>> import twingrad
>>> twingrad.tensor([0.0]).sin()
tensor([0.])
""",
    "softmax": """
>>> import twingrad
>>> twingrad.tensor([0.0, 0.0]).softmax(dim=0)
tensor([0.5000, 0.5000])
""",
    "sort": """
>>> import twingrad
>>> twingrad.tensor([2.0, 1.0]).sort().indices
tensor([1, 0])
""",
    "sqrt": """
>>> import twingrad
>>> twingrad.tensor([4.0]).sqrt()
tensor([2.])
""",
    "square": """
>>> import twingrad
>>> twingrad.tensor([3.0]).square()
tensor([9.])
""",
    "squeeze": """
>>> import twingrad
>>> twingrad.zeros(1, 3, 1).squeeze().shape
twingrad.Size([3])
""",
    "std": """
>>> import twingrad
>>> twingrad.tensor([1.0, 3.0]).std()
tensor(1.4142)
""",
    "sub": """
>>> import twingrad
>>> twingrad.tensor([1, 2]).sub(1)
tensor([0, 1])
""",
    "sum": """
>>> import twingrad
>>> twingrad.tensor([[1, 2], [3, 4]]).sum(dim=0)
tensor([4, 6])
""",
    "tanh": """
>>> import twingrad
>>> twingrad.tensor([0.0]).tanh()
tensor([0.])
""",
    "topk": """
>>> import twingrad
>>> twingrad.tensor([2.0, 1.0, 3.0]).topk(1, largest=False).values
tensor([1.])
""",
    "trace": """
>>> import twingrad
>>> twingrad.eye(3).trace()
tensor(3.)
""",
    "transpose": """
>>> import twingrad
>>> twingrad.zeros(2, 3, 4).transpose(0, 2).shape
twingrad.Size([4, 3, 2])
""",
    "tril": """
>>> import twingrad
>>> twingrad.ones(2, 2).tril()
tensor([[1., 0.],
        [1., 1.]])
""",
    "triu": """
>>> import twingrad
>>> twingrad.ones(2, 2).triu()
tensor([[1., 1.],
        [0., 1.]])
""",
    "trunc": """
>>> import twingrad
>>> twingrad.tensor([-1.5]).trunc()
tensor([-1.])
""",
    "trunc_": """
>>> import twingrad
>>> twingrad.tensor([1.5, -1.5]).trunc_()
tensor([ 1., -1.])
""",
    "unsqueeze": """
>>> import twingrad
>>> twingrad.zeros(3).unsqueeze(0).shape
twingrad.Size([1, 3])
""",
    "var": """
>>> import twingrad
>>> twingrad.tensor([1.0, 2.0, 3.0, 4.0]).var()
tensor(1.6667)
""",
    "view": """
>>> import twingrad
>>> twingrad.arange(6).view(-1, 2).shape
twingrad.Size([3, 2])
""",
}


def test_every_exported_function_is_a_method_and_the_function_itself():
    count = 0
    for module in methods.OP_MODULES:
        for name in module.__all__:
            function = getattr(module, name)
            assert getattr(twingrad, name) is function, name  # twingrad.exp is it too
            if name not in methods.NOT_AS_IS:
                assert getattr(twingrad.Tensor, name) is function, name
                count += 1
    assert count >= 80  # the loop saw the modules (80 functions today)


def test_functions_of_several_tensors_are_no_methods():
    for name in ("cat", "concat", "concatenate", "stack"):
        assert not hasattr(twingrad.Tensor, name)


def test_every_public_method_has_a_docstring():
    missing = [
        name
        for name in dir(twingrad.Tensor)
        if not name.startswith("_")
        and callable(getattr(twingrad.Tensor, name))
        and not (getattr(twingrad.Tensor, name).__doc__ or "").strip()
    ]
    assert missing == []


def test_in_place_forms_have_the_signature_of_their_function():
    x = twingrad.ones(2)
    assert str(inspect.signature(x.round_)).startswith("(*, decimals: 'int | None' = None)")
    assert str(inspect.signature(x.cumsum_)).startswith("(dim")
    assert twingrad.Tensor.floor_.__name__ == "floor_"
    assert "twingrad.floor" in twingrad.Tensor.floor_.__doc__


@pytest.mark.parametrize("name", sorted(EXAMPLES))
def test_method_examples(name):
    test = doctest.DocTestParser().get_doctest(EXAMPLES[name], {}, name, None, 0)
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS)
    runner.run(test)
    assert runner.failures == 0, name
