"""Compare a twingrad module with its PyTorch twin when outputs are nested (tuples of
tensors, PackedSequences, None), as for recurrent nets and attention.

`check_twins` builds the module in both libraries with PyTorch's parameters (loaded into
ours through ``load_state_dict``), runs both on the same inputs and keyword arguments,
and compares every output tensor (values, shape, dtype), then backpropagates the same
random weighting of all outputs and compares the gradient of every parameter and every
float input. `check_state_dict_both_ways` loads ours into torch and torch's into ours.
"""

from __future__ import annotations

import numpy as np
import torch

import twingrad
from nn_compare import DTYPES, numpy_state
from torch_compare import TOL, assert_close


def to_lib(lib, x, dtype: str, requires_grad: bool = True):
    """numpy arrays as leaves of ``lib`` (float ones in ``dtype``, requiring grad);
    tuples and lists element by element; anything else as it is."""
    if isinstance(x, dict):
        return {k: to_lib(lib, v, dtype, requires_grad) for k, v in x.items()}
    if isinstance(x, tuple | list):
        return type(x)(to_lib(lib, v, dtype, requires_grad) for v in x)
    if isinstance(x, np.ndarray):
        if x.dtype.kind == "f":
            return lib.tensor(x.astype(dtype), requires_grad=requires_grad)
        return lib.tensor(x)
    return x


def flatten(out) -> list:
    """The tensors of a nested output, in order; None stays None (to compare presence)."""
    if out is None:
        return [None]
    if isinstance(out, twingrad.Tensor | torch.Tensor):
        return [out]
    if hasattr(out, "_fields") and hasattr(out, "batch_sizes"):  # a PackedSequence
        return [out.data, out.batch_sizes, out.sorted_indices, out.unsorted_indices]
    if isinstance(out, tuple | list):
        return [t for o in out for t in flatten(o)]
    raise TypeError(f"unexpected output {type(out).__name__}")


def _leaves(x) -> list:
    return [t for t in flatten(x) if t is not None and t.requires_grad] if x is not None else []


def twins(make, dtype: str):
    ours_dtype, torch_dtype = DTYPES[dtype]
    theirs = make(torch).to(torch_dtype)
    ours = make(twingrad).to(ours_dtype)
    missing, unexpected = ours.load_state_dict(numpy_state(theirs))
    assert not missing and not unexpected
    return ours, theirs


def check_twins(
    make,
    inputs: tuple,
    kwargs: dict | None = None,
    dtypes=("float64", "float32"),
    prepare=None,
    train: bool = True,
) -> None:
    """Outputs and all gradients of ``make(lib)(*inputs, **kwargs)`` agree with PyTorch.

    ``prepare(lib, inputs)`` may turn the leaves into what the module takes (a packed
    sequence); gradients are still compared at the leaves.
    """
    for dtype in dtypes:
        rtol, atol = TOL[dtype]
        ours, theirs = twins(make, dtype)
        ours.train(train)
        theirs.train(train)
        leaves = {lib: to_lib(lib, list(inputs), dtype) for lib in (twingrad, torch)}
        keywords = {lib: to_lib(lib, dict(kwargs or {}), dtype, False) for lib in (twingrad, torch)}
        outs = {}
        for lib, module in ((twingrad, ours), (torch, theirs)):
            args = prepare(lib, leaves[lib]) if prepare is not None else leaves[lib]
            outs[lib] = flatten(module(*args, **keywords[lib]))
        assert len(outs[twingrad]) == len(outs[torch])
        seeds = []
        for i, (o, t) in enumerate(zip(outs[twingrad], outs[torch])):
            what = f"[{dtype}] output {i}"
            assert (o is None) == (t is None), f"{what}: one library gives None"
            if t is None:
                continue
            assert tuple(o.shape) == tuple(t.shape), f"{what}: shape {o.shape} != {t.shape}"
            assert str(o.dtype).split(".")[-1] == str(t.dtype).split(".")[-1], what
            assert_close(o.detach().numpy(), t.detach().numpy(), rtol, atol, what)
            if t.requires_grad:
                seed = np.random.default_rng(i).standard_normal(tuple(t.shape)).astype(dtype)
                seeds.append((o, t, seed))
        assert seeds, "nothing to differentiate"
        sum((o * twingrad.tensor(s)).sum() for o, _, s in seeds).backward()
        sum((t * torch.tensor(s)).sum() for _, t, s in seeds).backward()
        ours_leaves = [x for v in leaves[twingrad] for x in _leaves(v)]
        torch_leaves = [x for v in leaves[torch] for x in _leaves(v)]
        for i, (a, b) in enumerate(zip(ours_leaves, torch_leaves)):
            assert (a.grad is None) == (b.grad is None), f"[{dtype}] input {i} grad presence"
            if b.grad is not None:
                assert_close(a.grad.numpy(), b.grad.numpy(), rtol, atol, f"[{dtype}] input {i}")
        theirs_params = dict(theirs.named_parameters())
        for name, p in ours.named_parameters():
            tp = theirs_params[name]
            if tp.grad is None:
                assert p.grad is None, f"[{dtype}] {name}: a gradient where torch has none"
                continue
            assert p.grad is not None, f"[{dtype}] {name}: no gradient"
            assert_close(p.grad.numpy(), tp.grad.numpy(), rtol, atol, f"[{dtype}] {name}.grad")


def check_state_dict_both_ways(make) -> None:
    """Same keys in the same order and shapes; ours loads into torch and torch's into ours."""
    ours, theirs = make(twingrad), make(torch)
    ours_sd, torch_sd = ours.state_dict(), theirs.state_dict()
    assert list(ours_sd) == list(torch_sd)
    for key in torch_sd:
        assert tuple(ours_sd[key].shape) == tuple(torch_sd[key].shape), key
    theirs.load_state_dict({k: torch.tensor(v.numpy()) for k, v in ours_sd.items()})
    for key, value in theirs.state_dict().items():
        assert np.array_equal(value.numpy(), ours_sd[key].numpy()), key
    theirs = make(torch)
    fresh = make(twingrad)
    fresh.load_state_dict(numpy_state(theirs))
    for key, value in theirs.state_dict().items():
        assert np.array_equal(fresh.state_dict()[key].numpy(), value.numpy()), key
