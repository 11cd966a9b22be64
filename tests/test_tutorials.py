"""PyTorch's tutorials, written once and run with PyTorch and with ``import twingrad as torch``.

Each tutorial below is the program of a classic PyTorch tutorial, as a function of the
module ``torch`` (the real one or twingrad) and of a `Printout` that stands for ``print``:
what the tutorial prints is recorded (tensors as copies of their values, dtype and shape),
and the two printouts must agree. Randomness comes in as numpy arrays or as PyTorch's
initial weights copied with ``load_state_dict``, so both libraries start from the same
numbers. Sizes and iteration counts are cut down to keep the file fast; the code is the
tutorials' own otherwise, with the lines that need a GPU or a download left out.

The tutorials: "Tensors", "A gentle introduction to torch.autograd", "Learning PyTorch with
Examples" (polynomial fits of sin(x): manual gradients, autograd, a custom
autograd.Function, nn, optim, custom Modules), "Neural networks" (LeNet), "What is
torch.nn really?", and the attention head of "Let's build GPT".
"""

from __future__ import annotations

import math
import re

import numpy as np
import pytest
import torch as real_torch

import twingrad

LIBS = {"torch": real_torch, "twingrad": twingrad}
FLOAT_TOL = {"float32": (2e-5, 2e-6), "float64": (1e-12, 1e-13)}  # (rtol, atol)


class Printout:
    """What a tutorial prints, in a form both libraries can be compared on.

    ``p(key, value)`` records a copy of ``value`` at the moment it is printed (tensors
    change in place later): a tensor as (dtype name, numpy values), a Size as a tuple, a
    string with the library's name taken out (``torch.float32`` and
    ``twingrad.float32`` both read ``float32``).
    """

    def __init__(self):
        self.lines: dict[str, object] = {}

    def __call__(self, key: str, value) -> None:
        assert key not in self.lines, f"{key!r} printed twice"
        self.lines[key] = self.snapshot(value)

    def snapshot(self, value):
        if isinstance(value, real_torch.Tensor | twingrad.Tensor):
            return ("tensor", _dtype_name(value.dtype), np.array(value.detach().numpy()))
        if isinstance(value, np.ndarray):
            return ("ndarray", str(value.dtype), value.copy())
        if isinstance(value, tuple | list):
            return tuple(self.snapshot(v) for v in value)
        if isinstance(value, dict):
            return {k: self.snapshot(v) for k, v in value.items()}
        if isinstance(value, str):
            value = re.sub(r" object at 0x[0-9a-f]+", "", value)  # PyTorch's grad_fn repr
            return re.sub(r"\b(torch|twingrad)\.", "", value)
        if isinstance(value, real_torch.dtype | twingrad.dtype):
            return _dtype_name(value)
        return value


def _dtype_name(d) -> str:
    return str(d).split(".")[-1]


def run_both(tutorial, *args, **kwargs) -> tuple[dict, dict]:
    """Run ``tutorial(torch, printout, *args)`` with both libraries; their printouts."""
    out = {}
    for name, lib in LIBS.items():
        p = Printout()
        tutorial(lib, p, *args, **kwargs)
        out[name] = p.lines
    return out["twingrad"], out["torch"]


def assert_same(ours, theirs, what: str = "printout", tol=None) -> None:
    """Recursive comparison: equal strings, numbers and tensors (floats within ``tol``)."""
    if isinstance(theirs, dict):
        assert list(ours) == list(theirs), f"{what}: printed {list(ours)} != {list(theirs)}"
        for k in theirs:
            assert_same(ours[k], theirs[k], f"{what}[{k!r}]", tol)
    elif isinstance(theirs, tuple) and theirs and theirs[0] in ("tensor", "ndarray"):
        assert isinstance(ours, tuple) and ours[:2] == theirs[:2], f"{what}: {ours} != {theirs}"
        a, b = ours[2], theirs[2]
        assert a.shape == b.shape, f"{what}: shape {a.shape} != torch {b.shape}"
        if b.dtype.kind == "f":
            rtol, atol = tol or FLOAT_TOL.get(str(b.dtype), FLOAT_TOL["float32"])
            np.testing.assert_allclose(a, b, rtol=rtol, atol=atol, err_msg=what)
        else:
            np.testing.assert_array_equal(a, b, err_msg=what)
    elif isinstance(theirs, tuple):
        assert isinstance(ours, tuple) and len(ours) == len(theirs), f"{what}: {ours} != {theirs}"
        for i, (a, b) in enumerate(zip(ours, theirs)):
            assert_same(a, b, f"{what}[{i}]", tol)
    elif isinstance(theirs, float) and not isinstance(theirs, bool):
        assert type(ours) is float, f"{what}: {ours!r} is not a float like torch's {theirs!r}"
        rtol, atol = tol or FLOAT_TOL["float32"]
        assert math.isclose(ours, theirs, rel_tol=rtol, abs_tol=atol), f"{what}: {ours} != {theirs}"
    else:
        assert type(ours) is type(theirs) and ours == theirs, f"{what}: {ours!r} != {theirs!r}"


# -- "Tensors" ------------------------------------------------------------------------


def tensors_tutorial(torch, p, np_rand):
    data = [[1, 2], [3, 4]]
    x_data = torch.tensor(data)
    p("x_data", x_data)

    np_array = np.array(data)
    x_np = torch.from_numpy(np_array)
    p("x_np", x_np)

    x_ones = torch.ones_like(x_data)  # retains the properties of x_data
    p("Ones Tensor", x_ones)
    x_rand = torch.rand_like(x_data, dtype=torch.float)  # overrides the datatype of x_data
    p("Random Tensor", (x_rand.shape, x_rand.dtype, bool(((0 <= x_rand) & (x_rand < 1)).all())))

    shape = (2, 3)
    rand_tensor = torch.rand(shape)
    ones_tensor = torch.ones(shape)
    zeros_tensor = torch.zeros(shape)
    p("Random Tensor shape", tuple(rand_tensor.shape))
    p("Ones Tensor 2", ones_tensor)
    p("Zeros Tensor", zeros_tensor)

    tensor = torch.rand(3, 4)
    p("Shape of tensor", str(tensor.shape))
    p("Datatype of tensor", str(tensor.dtype))
    p("Device tensor is stored on", str(tensor.device))
    p("device repr", repr(tensor.device))

    if torch.cuda.is_available():
        tensor = tensor.to("cuda")
    if torch.accelerator.is_available():
        tensor = tensor.to(torch.accelerator.current_accelerator())
    p("still on", str(tensor.to("cpu").device))

    tensor = torch.tensor(np_rand)
    p("First row", tensor[0])
    p("First column", tensor[:, 0])
    p("Last column", tensor[..., -1])
    tensor[:, 1] = 0
    p("tensor", tensor)

    t1 = torch.cat([tensor, tensor, tensor], dim=1)
    p("t1", t1)

    # matrix multiplication between two tensors; y1, y2 will have the same value (the
    # tutorial's third way, torch.matmul(tensor, tensor.T, out=y3), is left out: twingrad's
    # functions take no out= argument; the same for torch.mul(tensor, tensor, out=z3))
    y1 = tensor @ tensor.T
    y2 = tensor.matmul(tensor.T)
    p("y1 y2", (y1, y2))
    # element-wise product; z1, z2 will have the same value
    z1 = tensor * tensor
    z2 = tensor.mul(tensor)
    p("z1 z2", (z1, z2))

    agg = tensor.sum()
    agg_item = agg.item()
    p("agg_item", (agg_item, type(agg_item).__name__))

    p("before add_", tensor)
    tensor.add_(5)
    p("after add_", tensor)

    # Tensor to NumPy array: a change in the tensor reflects in the array
    t = torch.ones(5)
    n = t.numpy()
    t.add_(1)
    p("t", t)
    p("n", n)

    # NumPy array to Tensor: changes in the array reflect in the tensor
    n = np.ones(5)
    t = torch.from_numpy(n)
    np.add(n, 1, out=n)
    p("t from_numpy", t)
    p("n 2", n)
    p("repr", repr(t))


def test_tensors_tutorial():
    np_rand = np.random.default_rng(0).random((4, 4), dtype=np.float32)
    ours, theirs = run_both(tensors_tutorial, np_rand)
    assert_same(ours, theirs)


# -- "A gentle introduction to torch.autograd" and "Automatic differentiation" -----------


def autograd_tutorial(torch, p, x_rand, y_rand, z_rand, w, b, x_in, y_in):
    a = torch.tensor([2.0, 3.0], requires_grad=True)
    b_ = torch.tensor([6.0, 4.0], requires_grad=True)
    Q = 3 * a**3 - b_**2
    external_grad = torch.tensor([1.0, 1.0])
    Q.backward(gradient=external_grad)
    p("9*a**2 == a.grad", 9 * a**2 == a.grad)
    p("-2*b == b.grad", -2 * b_ == b_.grad)
    p("a.grad", a.grad)

    x, y = torch.tensor(x_rand), torch.tensor(y_rand)  # torch.rand(5, 5), drawn with numpy
    z = torch.tensor(z_rand, requires_grad=True)
    a = x + y
    p("Does `a` require gradients?", a.requires_grad)
    b2 = x + z
    p("Does `b` require gradients?", b2.requires_grad)

    # freezing a model but its new classifier (the weights are random: only which
    # parameters get a gradient is compared)
    model = torch.nn.Sequential(torch.nn.Linear(5, 4), torch.nn.ReLU(), torch.nn.Linear(4, 3))
    for param in model.parameters():
        param.requires_grad = False
    model[2] = torch.nn.Linear(4, 2)
    model[2].bias.requires_grad_(False)  # the bias too, this time
    optimizer = torch.optim.SGD(model.parameters(), lr=1e-2, momentum=0.9)
    p("trainable", [name for name, q in model.named_parameters() if q.requires_grad])
    model(x).sum().backward()
    p("frozen grad", model[0].weight.grad)
    p("classifier grads", (tuple(model[2].weight.grad.shape), model[2].bias.grad))
    optimizer.step()

    # "Automatic differentiation with torch.autograd"
    x = torch.tensor(x_in)  # input tensor
    y = torch.tensor(y_in)  # expected output
    w = torch.tensor(w, requires_grad=True)
    b = torch.tensor(b, requires_grad=True)
    z = torch.matmul(x, w) + b
    loss = torch.nn.functional.binary_cross_entropy_with_logits(z, y)
    p("Gradient function for z", str(z.grad_fn))
    # (twingrad composes this loss from primitive ops: its grad_fn is MeanBackward0, where
    # PyTorch's fused kernel shows BinaryCrossEntropyWithLogitsBackward0)
    loss.backward()
    p("w.grad", w.grad)
    p("b.grad", b.grad)

    z = torch.matmul(x, w) + b
    p("z.requires_grad", z.requires_grad)
    with torch.no_grad():
        z = torch.matmul(x, w) + b
    p("z.requires_grad under no_grad", z.requires_grad)
    z = torch.matmul(x, w) + b
    z_det = z.detach()
    p("z_det.requires_grad", z_det.requires_grad)

    inp = torch.eye(4, 5, requires_grad=True)
    out = (inp + 1).pow(2).t()
    out.backward(torch.ones_like(out), retain_graph=True)
    p("First call", inp.grad)
    out.backward(torch.ones_like(out), retain_graph=True)
    p("Second call", inp.grad)
    inp.grad.zero_()
    out.backward(torch.ones_like(out), retain_graph=True)
    p("Call after zeroing gradients", inp.grad)


def test_autograd_tutorial():
    rng = np.random.default_rng(1)
    arrays = [rng.random((5, 5), dtype=np.float32) for _ in range(3)]
    w = rng.standard_normal((5, 3)).astype(np.float32)
    b = rng.standard_normal(3).astype(np.float32)
    ours, theirs = run_both(
        autograd_tutorial, *arrays, w, b, np.ones(5, np.float32), np.zeros(3, np.float32)
    )
    assert_same(ours, theirs)


# -- "Learning PyTorch with Examples": fitting sin(x) with a third-order polynomial -------

POLY_STEPS = 30
TRAIN_TOL = (2e-4, 2e-5)  # float32 sums in a different order, compounded over the steps


def poly_tensors(torch, p, init):
    dtype = torch.float
    device = torch.device("cpu")
    x = torch.linspace(-math.pi, math.pi, 200, device=device, dtype=dtype)
    y = torch.sin(x)
    a, b, c, d = (torch.tensor(v, device=device, dtype=dtype) for v in init)

    learning_rate = 1e-5
    for t in range(POLY_STEPS):
        y_pred = a + b * x + c * x**2 + d * x**3
        loss = (y_pred - y).pow(2).sum().item()
        if t % 10 == 9:
            p(f"loss {t}", loss)
        # backprop to compute gradients of a, b, c, d with respect to loss
        grad_y_pred = 2.0 * (y_pred - y)
        grad_a = grad_y_pred.sum()
        grad_b = (grad_y_pred * x).sum()
        grad_c = (grad_y_pred * x**2).sum()
        grad_d = (grad_y_pred * x**3).sum()
        a -= learning_rate * grad_a
        b -= learning_rate * grad_b
        c -= learning_rate * grad_c
        d -= learning_rate * grad_d
    p("Result", f"y = {a.item():.4f} + {b.item():.4f} x + {c.item():.4f} x^2 + {d.item():.4f} x^3")
    p("coefficients", (a, b, c, d))


def poly_autograd(torch, p, init):
    dtype = torch.float
    x = torch.linspace(-math.pi, math.pi, 200, dtype=dtype)
    y = torch.sin(x)
    a, b, c, d = (torch.tensor(v, dtype=dtype, requires_grad=True) for v in init)

    learning_rate = 1e-5
    for t in range(POLY_STEPS):
        y_pred = a + b * x + c * x**2 + d * x**3
        loss = (y_pred - y).pow(2).sum()
        if t % 10 == 9:
            p(f"loss {t}", loss.item())
        loss.backward()
        with torch.no_grad():
            a -= learning_rate * a.grad
            b -= learning_rate * b.grad
            c -= learning_rate * c.grad
            d -= learning_rate * d.grad
            a.grad = None
            b.grad = None
            c.grad = None
            d.grad = None
    p("coefficients", (a, b, c, d))


def legendre_polynomial3(torch):
    class LegendrePolynomial3(torch.autograd.Function):
        """P3(x) = (5x^3 - 3x) / 2 with its derivative written by hand."""

        @staticmethod
        def forward(ctx, input):
            ctx.save_for_backward(input)
            return 0.5 * (5 * input**3 - 3 * input)

        @staticmethod
        def backward(ctx, grad_output):
            (input,) = ctx.saved_tensors
            return grad_output * 1.5 * (5 * input**2 - 1)

    return LegendrePolynomial3


def poly_custom_function(torch, p):
    dtype = torch.float
    x = torch.linspace(-math.pi, math.pi, 200, dtype=dtype)
    y = torch.sin(x)
    # weights are initialized not too far from the correct result to ensure convergence
    a = torch.full((), 0.0, dtype=dtype, requires_grad=True)
    b = torch.full((), -1.0, dtype=dtype, requires_grad=True)
    c = torch.full((), 0.0, dtype=dtype, requires_grad=True)
    d = torch.full((), 0.3, dtype=dtype, requires_grad=True)

    LegendrePolynomial3 = legendre_polynomial3(torch)
    learning_rate = 5e-6
    for t in range(POLY_STEPS):
        # To apply our Function, we use Function.apply method. We alias this as 'P3'.
        P3 = LegendrePolynomial3.apply
        y_pred = a + b * P3(c + d * x)
        loss = (y_pred - y).pow(2).sum()
        if t % 10 == 9:
            p(f"loss {t}", loss.item())
        loss.backward()
        with torch.no_grad():
            a -= learning_rate * a.grad
            b -= learning_rate * b.grad
            c -= learning_rate * c.grad
            d -= learning_rate * d.grad
            a.grad = None
            b.grad = None
            c.grad = None
            d.grad = None
    p("coefficients", (a, b, c, d))
    p("grad_fn", LegendrePolynomial3.apply(c + d * x).grad_fn.name())


def poly_nn(torch, p, optimizer_name=None):
    x = torch.linspace(-math.pi, math.pi, 200)
    y = torch.sin(x)
    # y is a linear function of (x, x^2, x^3): a linear layer over those features
    pw = torch.tensor([1, 2, 3])
    xx = x.unsqueeze(-1).pow(pw)
    p("xx", (xx.shape, xx.dtype))

    model = torch.nn.Sequential(torch.nn.Linear(3, 1), torch.nn.Flatten(0, 1))
    model[0].load_state_dict(
        {"weight": torch.tensor([[0.1, -0.2, 0.05]]), "bias": torch.tensor([0.3])}
    )
    loss_fn = torch.nn.MSELoss(reduction="sum")

    if optimizer_name == "RMSprop":
        optimizer = torch.optim.RMSprop(model.parameters(), lr=1e-3)
    elif optimizer_name == "SGD":
        optimizer = torch.optim.SGD(model.parameters(), lr=1e-6, momentum=0.9)
    learning_rate = 1e-6
    for t in range(POLY_STEPS):
        y_pred = model(xx)
        loss = loss_fn(y_pred, y)
        if t % 10 == 9:
            p(f"loss {t}", loss.item())
        if optimizer_name is None:
            model.zero_grad()
            loss.backward()
            with torch.no_grad():
                for param in model.parameters():
                    param -= learning_rate * param.grad
        else:
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()

    linear_layer = model[0]
    p(
        "Result",
        f"y = {linear_layer.bias.item():.4f} + {linear_layer.weight[:, 0].item():.4f} x + "
        f"{linear_layer.weight[:, 1].item():.4f} x^2 + {linear_layer.weight[:, 2].item():.4f} x^3",
    )
    p("weights", (linear_layer.weight, linear_layer.bias))


def poly_module(torch, p, init):
    class Polynomial3(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.a = torch.nn.Parameter(torch.tensor(init[0]))
            self.b = torch.nn.Parameter(torch.tensor(init[1]))
            self.c = torch.nn.Parameter(torch.tensor(init[2]))
            self.d = torch.nn.Parameter(torch.tensor(init[3]))

        def forward(self, x):
            return self.a + self.b * x + self.c * x**2 + self.d * x**3

        def string(self):
            return (
                f"y = {self.a.item():.4f} + {self.b.item():.4f} x + {self.c.item():.4f} x^2 "
                f"+ {self.d.item():.4f} x^3"
            )

    x = torch.linspace(-math.pi, math.pi, 200)
    y = torch.sin(x)
    model = Polynomial3()
    criterion = torch.nn.MSELoss(reduction="sum")
    optimizer = torch.optim.SGD(model.parameters(), lr=1e-5)
    for t in range(POLY_STEPS):
        y_pred = model(x)
        loss = criterion(y_pred, y)
        if t % 10 == 9:
            p(f"loss {t}", loss.item())
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    p("Result", model.string())
    p("parameters", [(name, q) for name, q in model.named_parameters()])


def poly_dynamic(torch, p, init, exps):
    class DynamicNet(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.a, self.b, self.c, self.d, self.e = (
                torch.nn.Parameter(torch.tensor(v)) for v in init
            )

        def forward(self, x, top):
            # the graph changes from step to step: a 4th and maybe 5th order term
            y = self.a + self.b * x + self.c * x**2 + self.d * x**3
            for exp in range(4, top):
                y = y + self.e * x**exp
            return y

    x = torch.linspace(-math.pi, math.pi, 200)
    y = torch.sin(x)
    model = DynamicNet()
    criterion = torch.nn.MSELoss(reduction="sum")
    optimizer = torch.optim.SGD(model.parameters(), lr=1e-8, momentum=0.9)
    for t, top in enumerate(exps):
        y_pred = model(x, top)
        loss = criterion(y_pred, y)
        if t % 10 == 9:
            p(f"loss {t}", loss.item())
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    p("parameters", list(model.parameters()))


def _poly_init(n=4):
    return [np.float32(v) for v in np.random.default_rng(2).standard_normal(n)]


def test_polynomial_with_tensors_and_manual_gradients():
    ours, theirs = run_both(poly_tensors, _poly_init())
    assert_same(ours, theirs, tol=TRAIN_TOL)


def test_polynomial_with_autograd():
    ours, theirs = run_both(poly_autograd, _poly_init())
    assert_same(ours, theirs, tol=TRAIN_TOL)


def test_polynomial_with_a_custom_autograd_function():
    ours, theirs = run_both(poly_custom_function)
    assert_same(ours, theirs, tol=TRAIN_TOL)


@pytest.mark.parametrize("optimizer", [None, "SGD", "RMSprop"])
def test_polynomial_with_nn_and_optim(optimizer):
    ours, theirs = run_both(poly_nn, optimizer)
    assert_same(ours, theirs, tol=TRAIN_TOL)


def test_polynomial_as_a_custom_module():
    ours, theirs = run_both(poly_module, _poly_init())
    assert_same(ours, theirs, tol=TRAIN_TOL)


def test_polynomial_as_a_dynamic_graph():
    # the tutorial draws the top exponent with random.randint(4, 6): drawn once here
    exps = np.random.default_rng(3).integers(4, 7, size=POLY_STEPS).tolist()
    ours, theirs = run_both(poly_dynamic, _poly_init(5), exps)
    assert_same(ours, theirs, tol=TRAIN_TOL)


# -- "Neural networks": LeNet ----------------------------------------------------------


def lenet(torch):
    nn = torch.nn
    F = torch.nn.functional

    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            # 1 input image channel, 6 output channels, 5x5 square convolution kernel
            self.conv1 = nn.Conv2d(1, 6, 5)
            self.conv2 = nn.Conv2d(6, 16, 5)
            # an affine operation: y = Wx + b
            self.fc1 = nn.Linear(16 * 5 * 5, 120)  # 5*5 from image dimension
            self.fc2 = nn.Linear(120, 84)
            self.fc3 = nn.Linear(84, 10)

        def forward(self, input):
            # Convolution layer C1: 1 input image channel, 6 output channels, 5x5 kernel,
            # RELU activation: outputs a Tensor with size (N, 6, 28, 28)
            c1 = F.relu(self.conv1(input))
            # Subsampling layer S2: 2x2 grid, purely functional: (N, 6, 14, 14)
            s2 = F.max_pool2d(c1, (2, 2))
            # Convolution layer C3: (N, 16, 10, 10)
            c3 = F.relu(self.conv2(s2))
            # Subsampling layer S4: (N, 16, 5, 5)
            s4 = F.max_pool2d(c3, 2)
            # Flatten operation: purely functional, outputs a (N, 400) Tensor
            s4 = torch.flatten(s4, 1)
            f5 = F.relu(self.fc1(s4))
            f6 = F.relu(self.fc2(f5))
            output = self.fc3(f6)
            return output

    return Net()


def neural_networks_tutorial(torch, p, init, input, out_grad, target, steps=2):
    net = lenet(torch)
    net.load_state_dict({k: torch.tensor(v) for k, v in init.items()})
    p("net", repr(net))

    params = list(net.parameters())
    p("len(params)", len(params))
    p("conv1's .weight", params[0].size())

    input = torch.tensor(input)
    out = net(input)
    p("out", out)

    net.zero_grad()
    out.backward(torch.tensor(out_grad))
    p("conv1.weight.grad after out.backward", net.conv1.weight.grad)

    output = net(input)
    target = torch.tensor(target)  # a dummy target, for example
    target = target.view(1, -1)  # make it the same shape as output
    criterion = torch.nn.MSELoss()
    loss = criterion(output, target)
    p("loss", loss)

    p("MSELoss", str(loss.grad_fn))  # MSELoss
    p("Linear", str(loss.grad_fn.next_functions[0][0]))  # Linear
    p("ReLU", str(loss.grad_fn.next_functions[0][0].next_functions[0][0]))  # ReLU

    net.zero_grad()  # zeroes the gradient buffers of all parameters
    p("conv1.bias.grad before backward", net.conv1.bias.grad)
    loss.backward()
    p("conv1.bias.grad after backward", net.conv1.bias.grad)

    learning_rate = 0.01
    for f in net.parameters():
        f.data.sub_(f.grad.data * learning_rate)
    p("fc3.weight after the manual update", net.fc3.weight)

    optimizer = torch.optim.SGD(net.parameters(), lr=0.01)
    for step in range(steps):  # in the training loop:
        optimizer.zero_grad()  # zero the gradient buffers
        output = net(input)
        loss = criterion(output, target)
        loss.backward()
        optimizer.step()  # does the update
        p(f"loss after step {step}", loss.item())
    p("state", {k: v for k, v in net.state_dict().items()})


def test_neural_networks_tutorial():
    rng = np.random.default_rng(4)
    real_torch.manual_seed(0)
    init = {k: v.numpy() for k, v in lenet(real_torch).state_dict().items()}
    input = rng.standard_normal((1, 1, 32, 32)).astype(np.float32)
    ours, theirs = run_both(
        neural_networks_tutorial,
        init,
        input,
        rng.standard_normal((1, 10)).astype(np.float32),
        rng.standard_normal(10).astype(np.float32),
    )
    # The graph is twingrad's own: MSELoss is composed of primitive ops and Linear is one
    # op of the table, so the grad_fn names printed along the way are not PyTorch's.
    names = ("MSELoss", "Linear", "ReLU")
    assert [theirs.pop(k) for k in names] == [
        "<MseLossBackward0>",
        "<AddmmBackward0>",
        "<AccumulateGrad>",
    ]
    assert [ours.pop(k) for k in names] == ["<MeanBackward0>", "<MulBackward0>", "<SubBackward0>"]
    assert_same(ours, theirs, tol=TRAIN_TOL)


# -- "What is torch.nn really?" on MNIST-sized random data -----------------------------


def nn_really(torch, p, data, w0, inits, epochs=2, bs=64):
    nn = torch.nn
    F = torch.nn.functional
    TensorDataset = torch.utils.data.TensorDataset
    DataLoader = torch.utils.data.DataLoader

    x_train, y_train, x_valid, y_valid = map(torch.tensor, data)
    n, c = x_train.shape
    p("x_train", (x_train, x_train.shape, y_train.min(), y_train.max()))

    # -- neural net from scratch
    weights = torch.tensor(w0) / math.sqrt(784)
    weights.requires_grad_()
    bias = torch.zeros(10, requires_grad=True)

    def log_softmax(x):
        return x - x.exp().sum(-1).log().unsqueeze(-1)

    def model(xb):
        return log_softmax(xb @ weights + bias)

    xb = x_train[0:bs]  # a mini-batch from x
    preds = model(xb)  # predictions
    p("preds", (preds[0], preds.shape))

    def nll(input, target):
        return -input[range(target.shape[0]), target].mean()

    loss_func = nll
    yb = y_train[0:bs]
    p("loss", loss_func(preds, yb))

    def accuracy(out, yb):
        preds = torch.argmax(out, dim=1)
        return (preds == yb).float().mean()

    p("accuracy", accuracy(preds, yb))

    lr = 0.5  # learning rate
    for epoch in range(epochs):  # noqa: B007  (the tutorial's loop)
        for i in range((n - 1) // bs + 1):
            start_i = i * bs
            end_i = start_i + bs
            xb = x_train[start_i:end_i]
            yb = y_train[start_i:end_i]
            pred = model(xb)
            loss = loss_func(pred, yb)

            loss.backward()
            with torch.no_grad():
                weights -= weights.grad * lr
                bias -= bias.grad * lr
                weights.grad.zero_()
                bias.grad.zero_()
    p("from scratch", (loss_func(model(xb), yb), accuracy(model(xb), yb)))

    # -- using torch.nn.functional
    loss_func = F.cross_entropy

    def model(xb):
        return xb @ weights + bias

    p("F.cross_entropy", (loss_func(model(xb), yb), accuracy(model(xb), yb)))

    # -- refactor using nn.Module
    class Mnist_Logistic(nn.Module):
        def __init__(self):
            super().__init__()
            self.weights = nn.Parameter(torch.tensor(w0) / math.sqrt(784))
            self.bias = nn.Parameter(torch.zeros(10))

        def forward(self, xb):
            return xb @ self.weights + self.bias

    model = Mnist_Logistic()
    p("nn.Module loss", loss_func(model(xb), yb))

    def fit():
        for epoch in range(epochs):  # noqa: B007
            for i in range((n - 1) // bs + 1):
                start_i = i * bs
                end_i = start_i + bs
                xb = x_train[start_i:end_i]
                yb = y_train[start_i:end_i]
                pred = model(xb)
                loss = loss_func(pred, yb)

                loss.backward()
                with torch.no_grad():
                    for p_ in model.parameters():
                        p_ -= p_.grad * lr
                    model.zero_grad()

    fit()
    p("after fit", loss_func(model(xb), yb))

    # -- refactor using nn.Linear, optim, Dataset and DataLoader
    class Mnist_Logistic(nn.Module):
        def __init__(self):
            super().__init__()
            self.lin = nn.Linear(784, 10)

        def forward(self, xb):
            return self.lin(xb)

    def get_model(init):
        model = Mnist_Logistic()
        model.load_state_dict({k: torch.tensor(v) for k, v in init.items()})
        return model, torch.optim.SGD(model.parameters(), lr=lr)

    train_ds = TensorDataset(x_train, y_train)
    valid_ds = TensorDataset(x_valid, y_valid)

    def get_data(train_ds, valid_ds, bs):
        # the tutorial shuffles the training data; the two libraries' shuffles differ
        return (
            DataLoader(train_ds, batch_size=bs, shuffle=False),
            DataLoader(valid_ds, batch_size=bs * 2),
        )

    def loss_batch(model, loss_func, xb, yb, opt=None):
        loss = loss_func(model(xb), yb)
        if opt is not None:
            loss.backward()
            opt.step()
            opt.zero_grad()
        return loss.item(), len(xb)

    def fit(epochs, model, loss_func, opt, train_dl, valid_dl, tag):
        for epoch in range(epochs):  # noqa: B007
            model.train()
            for xb, yb in train_dl:
                loss_batch(model, loss_func, xb, yb, opt)

            model.eval()
            with torch.no_grad():
                losses, nums = zip(*[loss_batch(model, loss_func, xb, yb) for xb, yb in valid_dl])
            val_loss = np.sum(np.multiply(losses, nums)) / np.sum(nums)
            p(f"{tag} epoch {epoch} val_loss", float(val_loss))
            with torch.no_grad():
                valid_loss = sum(loss_func(model(xb), yb) for xb, yb in valid_dl)
            p(f"{tag} epoch {epoch} summed", valid_loss / len(valid_dl))

    train_dl, valid_dl = get_data(train_ds, valid_ds, bs)
    model, opt = get_model(inits["logistic"])
    fit(epochs, model, loss_func, opt, train_dl, valid_dl, "logistic")

    # -- switch to a CNN
    class Mnist_CNN(nn.Module):
        def __init__(self):
            super().__init__()
            self.conv1 = nn.Conv2d(1, 16, kernel_size=3, stride=2, padding=1)
            self.conv2 = nn.Conv2d(16, 16, kernel_size=3, stride=2, padding=1)
            self.conv3 = nn.Conv2d(16, 10, kernel_size=3, stride=2, padding=1)

        def forward(self, xb):
            xb = xb.view(-1, 1, 28, 28)
            xb = F.relu(self.conv1(xb))
            xb = F.relu(self.conv2(xb))
            xb = F.relu(self.conv3(xb))
            xb = F.avg_pool2d(xb, 4)
            return xb.view(-1, xb.size(1))

    lr = 0.1
    model = Mnist_CNN()
    model.load_state_dict({k: torch.tensor(v) for k, v in inits["cnn"].items()})
    opt = torch.optim.SGD(model.parameters(), lr=lr, momentum=0.9)
    fit(1, model, loss_func, opt, train_dl, valid_dl, "cnn")

    # -- nn.Sequential with a Lambda layer, then AdaptiveAvgPool2d and a wrapped loader
    class Lambda(nn.Module):
        def __init__(self, func):
            super().__init__()
            self.func = func

        def forward(self, x):
            return self.func(x)

    def preprocess(x, y):
        return x.view(-1, 1, 28, 28), y

    class WrappedDataLoader:
        def __init__(self, dl, func):
            self.dl = dl
            self.func = func

        def __len__(self):
            return len(self.dl)

        def __iter__(self):
            for b in self.dl:
                yield self.func(*b)

    train_dl, valid_dl = get_data(train_ds, valid_ds, bs)
    train_dl = WrappedDataLoader(train_dl, preprocess)
    valid_dl = WrappedDataLoader(valid_dl, preprocess)
    model = nn.Sequential(
        nn.Conv2d(1, 16, kernel_size=3, stride=2, padding=1),
        nn.ReLU(),
        nn.Conv2d(16, 16, kernel_size=3, stride=2, padding=1),
        nn.ReLU(),
        nn.Conv2d(16, 10, kernel_size=3, stride=2, padding=1),
        nn.ReLU(),
        nn.AdaptiveAvgPool2d(1),
        Lambda(lambda x: x.view(x.size(0), -1)),
    )
    model.load_state_dict({k: torch.tensor(v) for k, v in inits["sequential"].items()})
    p("sequential", repr(model).replace(repr(model[7].func), "<lambda>"))
    opt = torch.optim.SGD(model.parameters(), lr=lr, momentum=0.9)
    fit(1, model, loss_func, opt, train_dl, valid_dl, "sequential")


def test_what_is_torch_nn_really():
    rng = np.random.default_rng(5)
    data = (
        rng.random((128, 784), dtype=np.float32),
        rng.integers(0, 10, 128),
        rng.random((64, 784), dtype=np.float32),
        rng.integers(0, 10, 64),
    )
    w0 = rng.standard_normal((784, 10)).astype(np.float32)
    nn = real_torch.nn
    real_torch.manual_seed(0)
    conv = [
        nn.Conv2d(1, 16, kernel_size=3, stride=2, padding=1),
        nn.Conv2d(16, 16, kernel_size=3, stride=2, padding=1),
        nn.Conv2d(16, 10, kernel_size=3, stride=2, padding=1),
    ]
    cnn = {
        f"conv{i + 1}.{k}": v.numpy() for i, c in enumerate(conv) for k, v in c.state_dict().items()
    }
    inits = {
        "logistic": {f"lin.{k}": v.numpy() for k, v in nn.Linear(784, 10).state_dict().items()},
        "cnn": cnn,
        "sequential": {
            f"{2 * i}.{k}": v.numpy() for i, c in enumerate(conv) for k, v in c.state_dict().items()
        },
    }
    ours, theirs = run_both(nn_really, data, w0, inits)
    assert_same(ours, theirs, tol=TRAIN_TOL)


# -- "Let's build GPT": the mathematical trick of self-attention, and a small GPT ----------


def attention_trick(torch, p, x):
    F = torch.nn.functional
    B, T, C = x.shape
    x = torch.tensor(x)

    # version 1: for loops, x[b, t] = mean_{i<=t} x[b, i]
    xbow = torch.zeros((B, T, C))
    for b in range(B):
        for t in range(T):
            xprev = x[b, : t + 1]  # (t,C)
            xbow[b, t] = torch.mean(xprev, 0)
    p("xbow", xbow)

    # version 2: weighted aggregation with a matrix multiply
    wei = torch.tril(torch.ones(T, T))
    wei = wei / wei.sum(1, keepdim=True)
    xbow2 = wei @ x  # (B, T, T) @ (B, T, C) ----> (B, T, C)
    p("version 2", torch.allclose(xbow, xbow2))

    # version 3: use softmax
    tril = torch.tril(torch.ones(T, T))
    wei = torch.zeros((T, T))
    wei = wei.masked_fill(tril == 0, float("-inf"))
    p("masked", wei)
    wei = F.softmax(wei, dim=-1)
    xbow3 = wei @ x
    p("version 3", torch.allclose(xbow, xbow3))
    p("wei", wei)


def gpt(torch, vocab_size=11, n_embd=16, n_head=2, n_layer=2, block_size=8, dropout=0.2):
    nn = torch.nn
    F = torch.nn.functional

    class Head(nn.Module):
        """one head of self-attention"""

        def __init__(self, head_size):
            super().__init__()
            self.key = nn.Linear(n_embd, head_size, bias=False)
            self.query = nn.Linear(n_embd, head_size, bias=False)
            self.value = nn.Linear(n_embd, head_size, bias=False)
            self.register_buffer("tril", torch.tril(torch.ones(block_size, block_size)))
            self.dropout = nn.Dropout(dropout)

        def forward(self, x):
            # input of size (batch, time-step, channels), output (batch, time-step, head size)
            B, T, C = x.shape
            k = self.key(x)  # (B,T,hs)
            q = self.query(x)  # (B,T,hs)
            # compute attention scores ("affinities")
            wei = q @ k.transpose(-2, -1) * k.shape[-1] ** -0.5  # (B, T, T)
            wei = wei.masked_fill(self.tril[:T, :T] == 0, float("-inf"))  # (B, T, T)
            wei = F.softmax(wei, dim=-1)  # (B, T, T)
            wei = self.dropout(wei)
            # perform the weighted aggregation of the values
            v = self.value(x)  # (B,T,hs)
            out = wei @ v  # (B, T, T) @ (B, T, hs) -> (B, T, hs)
            return out

    class MultiHeadAttention(nn.Module):
        """multiple heads of self-attention in parallel"""

        def __init__(self, num_heads, head_size):
            super().__init__()
            self.heads = nn.ModuleList([Head(head_size) for _ in range(num_heads)])
            self.proj = nn.Linear(head_size * num_heads, n_embd)
            self.dropout = nn.Dropout(dropout)

        def forward(self, x):
            out = torch.cat([h(x) for h in self.heads], dim=-1)
            out = self.dropout(self.proj(out))
            return out

    class FeedFoward(nn.Module):
        """a simple linear layer followed by a non-linearity"""

        def __init__(self, n_embd):
            super().__init__()
            self.net = nn.Sequential(
                nn.Linear(n_embd, 4 * n_embd),
                nn.ReLU(),
                nn.Linear(4 * n_embd, n_embd),
                nn.Dropout(dropout),
            )

        def forward(self, x):
            return self.net(x)

    class Block(nn.Module):
        """Transformer block: communication followed by computation"""

        def __init__(self, n_embd, n_head):
            super().__init__()
            head_size = n_embd // n_head
            self.sa = MultiHeadAttention(n_head, head_size)
            self.ffwd = FeedFoward(n_embd)
            self.ln1 = nn.LayerNorm(n_embd)
            self.ln2 = nn.LayerNorm(n_embd)

        def forward(self, x):
            x = x + self.sa(self.ln1(x))
            x = x + self.ffwd(self.ln2(x))
            return x

    class GPTLanguageModel(nn.Module):
        def __init__(self):
            super().__init__()
            # each token directly reads off the logits for the next token from a lookup table
            self.token_embedding_table = nn.Embedding(vocab_size, n_embd)
            self.position_embedding_table = nn.Embedding(block_size, n_embd)
            self.blocks = nn.Sequential(*[Block(n_embd, n_head=n_head) for _ in range(n_layer)])
            self.ln_f = nn.LayerNorm(n_embd)  # final layer norm
            self.lm_head = nn.Linear(n_embd, vocab_size)
            self.apply(self._init_weights)

        def _init_weights(self, module):
            if isinstance(module, nn.Linear):
                torch.nn.init.normal_(module.weight, mean=0.0, std=0.02)
                if module.bias is not None:
                    torch.nn.init.zeros_(module.bias)
            elif isinstance(module, nn.Embedding):
                torch.nn.init.normal_(module.weight, mean=0.0, std=0.02)

        def forward(self, idx, targets=None):
            B, T = idx.shape
            # idx and targets are both (B,T) tensor of integers
            tok_emb = self.token_embedding_table(idx)  # (B,T,C)
            pos_emb = self.position_embedding_table(torch.arange(T, device="cpu"))  # (T,C)
            x = tok_emb + pos_emb  # (B,T,C)
            x = self.blocks(x)  # (B,T,C)
            x = self.ln_f(x)  # (B,T,C)
            logits = self.lm_head(x)  # (B,T,vocab_size)

            if targets is None:
                loss = None
            else:
                B, T, C = logits.shape
                logits = logits.view(B * T, C)
                targets = targets.view(B * T)
                loss = F.cross_entropy(logits, targets)
            return logits, loss

        def generate(self, idx, max_new_tokens, sample=True):
            # idx is (B, T) array of indices in the current context
            for _ in range(max_new_tokens):
                # crop idx to the last block_size tokens
                idx_cond = idx[:, -block_size:]
                logits, loss = self(idx_cond)
                # focus only on the last time step
                logits = logits[:, -1, :]  # becomes (B, C)
                probs = F.softmax(logits, dim=-1)  # (B, C)
                if sample:
                    idx_next = torch.multinomial(probs, num_samples=1)  # (B, 1)
                else:  # the same tokens in both libraries: the most likely one
                    idx_next = probs.argmax(dim=-1, keepdim=True)
                idx = torch.cat((idx, idx_next), dim=1)  # (B, T+1)
            return idx

    return GPTLanguageModel()


def gpt_tutorial(torch, p, init, xb, yb, steps=3):
    model = gpt(torch)
    model.load_state_dict({k: torch.tensor(v) for k, v in init.items()})
    p("M parameters", sum(q.numel() for q in model.parameters()) / 1e6)
    p("model", repr(model))

    # dropout is random in training mode: both libraries train in eval mode here
    model.eval()
    optimizer = torch.optim.AdamW(model.parameters(), lr=1e-3)

    @torch.no_grad()
    def estimate_loss():
        model.eval()
        logits, loss = model(xb, yb)
        return loss

    xb, yb = torch.tensor(xb), torch.tensor(yb)
    for step in range(steps):
        logits, loss = model(xb, yb)
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        optimizer.step()
        p(f"step {step}", (loss.item(), estimate_loss().requires_grad))
    p("estimate_loss", estimate_loss())
    p("logits", logits)
    p("ln_f.weight.grad", model.ln_f.weight.grad)

    context = torch.zeros((1, 1), dtype=torch.long)
    p("greedy", model.generate(context, max_new_tokens=5, sample=False)[0].tolist())
    sampled = model.generate(context, max_new_tokens=5)
    p("sampled", (sampled.shape, sampled.dtype, bool((sampled < 11).all())))


def test_attention_trick():
    x = np.random.default_rng(6).standard_normal((2, 5, 3)).astype(np.float32)
    ours, theirs = run_both(attention_trick, x)
    assert_same(ours, theirs)


def test_gpt():
    rng = np.random.default_rng(7)
    real_torch.manual_seed(1337)
    init = {k: v.numpy() for k, v in gpt(real_torch).state_dict().items()}
    xb = rng.integers(0, 11, (4, 8))
    yb = rng.integers(0, 11, (4, 8))
    ours, theirs = run_both(gpt_tutorial, init, xb, yb)
    assert_same(ours, theirs, tol=TRAIN_TOL)
