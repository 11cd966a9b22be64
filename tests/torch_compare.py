"""Run the same function in twingrad and in PyTorch and compare everything observable.

``fn(lib, *tensors)`` is written once against the shared API, ``lib`` being the module
(`twingrad` or `torch`). Inputs are numpy arrays; float arrays become leaf tensors that
require grad, integer and bool arrays become plain tensors (indices, masks). `check`
compares forward values, output shape, output dtype and the gradient of every float input
(after backward with the same random output gradient), in float64 and float32.
`check_raises` asserts that both libraries refuse the same bad input.
"""

from __future__ import annotations

import numpy as np
import torch

import twingrad

TOL = {"float64": (1e-12, 1e-10), "float32": (1e-5, 1e-4)}  # (rtol, atol) per dtype


def _to(lib, array: np.ndarray, dtype: str, requires_grad: bool):
    if array.dtype.kind == "f":
        t = lib.tensor(array.astype(dtype), requires_grad=requires_grad)
    else:
        t = lib.tensor(array)
    return t


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


def check(fn, *inputs, dtypes=("float64", "float32"), grad: bool = True, seed: int = 0,
          rtol: float | None = None, atol: float | None = None) -> None:  # fmt: skip
    """Assert that ``fn`` gives the same values, shapes, dtypes and gradients in both."""
    arrays = [np.asarray(x) for x in inputs]
    for dtype in dtypes:
        r, a = TOL[dtype]
        r, a = rtol if rtol is not None else r, atol if atol is not None else a
        ours_in = [_to(twingrad, x, dtype, grad) for x in arrays]
        torch_in = [_to(torch, x, dtype, grad) for x in arrays]
        ours_out = _outputs(fn(twingrad, *ours_in))
        torch_out = _outputs(fn(torch, *torch_in))
        assert len(ours_out) == len(torch_out), f"{len(ours_out)} outputs vs {len(torch_out)}"
        for i, (o, t) in enumerate(zip(ours_out, torch_out)):
            assert tuple(o.shape) == tuple(t.shape), (
                f"[{dtype}] output {i} shape {tuple(o.shape)} != {tuple(t.shape)}"
            )
            assert str(o.dtype).split(".")[-1] == str(t.dtype).split(".")[-1], (
                f"[{dtype}] output {i} dtype {o.dtype} != torch {t.dtype}"
            )
            assert_close(_numpy(o), _numpy(t), r, a, f"[{dtype}] output {i} value")
        if not grad:
            continue
        rng = np.random.default_rng(seed)
        seeds = [rng.standard_normal(tuple(t.shape)) for t in torch_out]
        diff_ours = [(o, s) for o, s in zip(ours_out, seeds) if o.requires_grad]
        diff_torch = [(t, s) for t, s in zip(torch_out, seeds) if t.requires_grad]
        assert len(diff_ours) == len(diff_torch), "differentiable outputs differ"
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
            assert str(o.grad.dtype).split(".")[-1] == str(t.grad.dtype).split(".")[-1]
            assert_close(_numpy(o.grad), _numpy(t.grad), r, a, f"[{dtype}] input {i} grad")


def check_raises(fn, *inputs, dtype: str = "float64") -> None:
    """Assert that both libraries raise on ``fn`` (the bad input is refused by both)."""
    arrays = [np.asarray(x) for x in inputs]
    for lib in (torch, twingrad):
        args = [_to(lib, x, dtype, False) for x in arrays]
        try:
            fn(lib, *args)
        except Exception:  # noqa: BLE001  (any refusal counts; the message is ours)
            continue
        raise AssertionError(f"{lib.__name__} did not raise")
