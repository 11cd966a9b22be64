"""Run the same function in twingrad and in PyTorch and compare everything observable.

``fn(lib, *tensors)`` is written once against the shared API, ``lib`` being the module
(`twingrad` or `torch`). Inputs are numpy arrays; float arrays become leaf tensors that
require grad, integer arrays become int64 tensors and bool arrays bool tensors (indices,
masks). `check` compares forward values, output shape, output dtype, which outputs require
grad, and the gradient of every float input (after backward with the same random output
gradient), in float64 and float32; ``noncontiguous=True`` hands ``fn`` leaves that are
strided views, as MiniTorch's tests do. `check_raises` asserts that both libraries refuse
the same bad input, and with ``match`` that our message says what was wrong.
`check_central_differences` checks a gradient against finite differences instead, for
what PyTorch does not define the same way (a kink, a tie).
"""

from __future__ import annotations

import re

import numpy as np
import torch

import twingrad

TOL = {"float64": (1e-12, 1e-10), "float32": (1e-5, 1e-4)}  # (rtol, atol) per dtype


def _to(lib, array: np.ndarray, dtype: str, requires_grad: bool, noncontiguous: bool = False):
    if array.dtype.kind == "f":
        array = array.astype(dtype)
    elif array.dtype.kind in "iu":
        array = array.astype(np.int64)
    if not noncontiguous or array.ndim == 0 or array.size < 2:
        t = lib.tensor(array)
    else:
        # every other element of a buffer twice as long: a leaf with a stride of 2
        spaced = np.zeros(array.shape[:-1] + (2 * array.shape[-1],), array.dtype)
        spaced[..., ::2] = array
        t = lib.tensor(spaced)[..., ::2]
        assert not t.is_contiguous(), f"{lib.__name__}: a strided view came out contiguous"
    return t.requires_grad_() if requires_grad and array.dtype.kind == "f" else t


def _numpy(x):
    if isinstance(x, torch.Tensor):
        return x.detach().numpy()
    return np.asarray(x.detach()._data if isinstance(x, twingrad.Tensor) else x)


def _outputs(out) -> list:
    if isinstance(out, tuple | list):
        return [o for o in out if isinstance(o, twingrad.Tensor | torch.Tensor)]
    return [out]


def assert_close(ours, theirs, rtol: float, atol: float, what: str) -> None:
    ours, theirs = np.asarray(ours), np.asarray(theirs)
    assert ours.shape == theirs.shape, f"{what}: shape {ours.shape} != torch {theirs.shape}"
    if ours.dtype == bool or theirs.dtype == bool or ours.dtype.kind in "iu":
        assert np.array_equal(ours, theirs), f"{what}: {ours} != torch {theirs}"
        return
    ours64, theirs64 = ours.astype(np.float64), theirs.astype(np.float64)
    same_nan = np.isnan(ours64) == np.isnan(theirs64)
    assert same_nan.all(), f"{what}: nan positions differ:\n{ours}\ntorch:\n{theirs}"
    finite = np.isfinite(theirs64)
    assert np.array_equal(
        ours64[~finite & ~np.isnan(theirs64)], theirs64[~finite & ~np.isnan(theirs64)]
    ), f"{what}: infinities differ:\n{ours}\ntorch:\n{theirs}"
    np.testing.assert_allclose(ours64[finite], theirs64[finite], rtol=rtol, atol=atol, err_msg=what)


def _dtype_name(d) -> str:
    return str(d).split(".")[-1]


def check(fn, *inputs, dtypes=("float64", "float32"), grad: bool = True, seed: int = 0,
          rtol: float | None = None, atol: float | None = None,
          noncontiguous: bool = False) -> None:  # fmt: skip
    """Assert that ``fn`` gives the same values, shapes, dtypes and gradients in both."""
    arrays = [np.asarray(x) for x in inputs]
    for dtype in dtypes:
        r, a = TOL[dtype]
        r, a = rtol if rtol is not None else r, atol if atol is not None else a
        ours_in = [_to(twingrad, x, dtype, grad, noncontiguous) for x in arrays]
        torch_in = [_to(torch, x, dtype, grad, noncontiguous) for x in arrays]
        ours_out = _outputs(fn(twingrad, *ours_in))
        torch_out = _outputs(fn(torch, *torch_in))
        assert len(ours_out) == len(torch_out), f"{len(ours_out)} outputs vs {len(torch_out)}"
        for i, (o, t) in enumerate(zip(ours_out, torch_out)):
            assert tuple(o.shape) == tuple(t.shape), (
                f"[{dtype}] output {i} shape {tuple(o.shape)} != {tuple(t.shape)}"
            )
            assert _dtype_name(o.dtype) == _dtype_name(t.dtype), (
                f"[{dtype}] output {i} dtype {o.dtype} != torch {t.dtype}"
            )
            assert o.requires_grad == t.requires_grad, (
                f"[{dtype}] output {i} requires_grad {o.requires_grad} != torch {t.requires_grad}"
            )
            assert_close(_numpy(o), _numpy(t), r, a, f"[{dtype}] output {i} value")
        if not grad:
            continue
        rng = np.random.default_rng(seed)
        seeds = [rng.standard_normal(tuple(t.shape)) for t in torch_out]
        diff_ours = [(o, s) for o, s in zip(ours_out, seeds) if o.requires_grad]
        diff_torch = [(t, s) for t, s in zip(torch_out, seeds) if t.requires_grad]
        if not diff_torch:
            continue
        total_ours = sum((o * twingrad.tensor(s.astype(dtype))).sum() for o, s in diff_ours)
        total_torch = sum((t * torch.tensor(s.astype(dtype))).sum() for t, s in diff_torch)
        total_ours.backward()
        total_torch.backward()
        for i, (o, t) in enumerate(zip(ours_in, torch_in)):
            if not t.requires_grad:
                continue
            if t.grad is None:
                assert o.grad is None or not np.any(_numpy(o.grad)), f"[{dtype}] input {i} grad"
                continue
            assert o.grad is not None, f"[{dtype}] input {i}: no gradient, torch has one"
            assert _dtype_name(o.grad.dtype) == _dtype_name(t.grad.dtype), (
                f"[{dtype}] input {i} grad dtype {o.grad.dtype} != torch {t.grad.dtype}"
            )
            assert_close(_numpy(o.grad), _numpy(t.grad), r, a, f"[{dtype}] input {i} grad")


def check_raises(fn, *inputs, dtype: str = "float64", match: str | None = None) -> None:
    """Assert that both libraries raise on ``fn`` (the bad input is refused by both).

    ``match``, a regular expression, must be found in twingrad's message: the message is
    ours, so it should name what was wrong (the shapes, the dtype...).
    """
    arrays = [np.asarray(x) for x in inputs]
    for lib in (torch, twingrad):
        args = [_to(lib, x, dtype, False) for x in arrays]
        try:
            fn(lib, *args)
        except Exception as error:  # noqa: BLE001  (any refusal counts; the message is ours)
            if lib is twingrad and match is not None:
                assert re.search(match, str(error)), (
                    f"twingrad's message {str(error)!r} does not match {match!r}"
                )
            continue
        raise AssertionError(f"{lib.__name__} did not raise")


def numeric_grad(f, x: np.ndarray, eps: float = 1e-6) -> np.ndarray:
    """The gradient of ``f`` (array to float) at ``x`` by central differences."""
    out = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        up, down = x.copy(), x.copy()
        up[i] += eps
        down[i] -= eps
        out[i] = (f(up) - f(down)) / (2 * eps)
    return out


def check_central_differences(fn, rng: np.random.Generator, shape=(3, 4)) -> None:
    """Backward of ``fn(x)`` on a random float64 ``x``, with a random output gradient,
    equals central differences of the same weighted sum."""
    x0 = rng.standard_normal(shape)
    x = twingrad.tensor(x0, requires_grad=True)
    out = fn(x)
    w = twingrad.tensor(rng.standard_normal(tuple(out.shape)))
    (out * w).sum().backward()

    def scalar(a: np.ndarray) -> float:
        return float((fn(twingrad.tensor(a)) * w).sum())

    np.testing.assert_allclose(x.grad.numpy(), numeric_grad(scalar, x0), rtol=1e-6, atol=1e-7)


def check_hessian_vector_product(
    fn, x0: np.ndarray, v0: np.ndarray, rtol: float = 1e-10, atol: float = 1e-12
) -> None:
    """The Hessian of the scalar ``fn(lib, x)`` at ``x0`` times ``v0``, as both libraries
    compute it with ``create_graph=True`` (the vjps run on tensors), agrees."""
    out = []
    for lib in (twingrad, torch):
        x = lib.tensor(x0, requires_grad=True)
        (g,) = lib.autograd.grad(fn(lib, x), x, create_graph=True)
        (hv,) = lib.autograd.grad((g * lib.tensor(v0)).sum(), x)
        out.append(np.asarray(hv.detach().numpy()))
    np.testing.assert_allclose(out[0], out[1], rtol=rtol, atol=atol)
