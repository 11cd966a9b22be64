"""Adadelta, Adamax, NAdam, RAdam, Rprop, ASGD and LBFGS, step for step against PyTorch.

All but LBFGS run the problem of test_optim_torch (20 steps from the same float64
parameters and gradients, 1e-12 relative on parameters, state and options). LBFGS takes
a closure: both libraries minimise the same Rosenbrock-like loss for 20 steps.
"""

from __future__ import annotations

import copy

import numpy as np
import pytest
import torch

import twingrad
from test_optim_torch import _compare, _run

OPTIMIZERS = {
    "Adadelta": [
        {},
        {"lr": 0.5, "rho": 0.5, "weight_decay": 0.1},
        {"maximize": True, "eps": 1e-3},
    ],
    "Adamax": [
        {},
        {"lr": 0.05},
        {"lr": 0.05, "betas": (0.5, 0.9), "weight_decay": 0.1},
        {"lr": 0.05, "maximize": True},
    ],
    "NAdam": [
        {},
        {"lr": 0.05},
        {"lr": 0.05, "momentum_decay": 0.01, "weight_decay": 0.1},
        {"lr": 0.05, "decoupled_weight_decay": True, "weight_decay": 0.3},
        {"lr": 0.05, "maximize": True},
    ],
    "RAdam": [
        {},
        {"lr": 0.05},
        {"lr": 0.05, "weight_decay": 0.1},
        {"lr": 0.05, "decoupled_weight_decay": True, "weight_decay": 0.3, "betas": (0.8, 0.9)},
        {"lr": 0.05, "maximize": True},
    ],
    "Rprop": [
        {},
        {"lr": 0.05, "etas": (0.3, 1.5)},
        {"lr": 0.05, "step_sizes": (1e-3, 0.08)},
        {"lr": 0.05, "maximize": True},
    ],
    "ASGD": [
        {},
        {"lr": 0.05, "t0": 5},
        {"lr": 0.05, "lambd": 0.1, "alpha": 0.5, "t0": 3, "weight_decay": 0.1},
        {"lr": 0.05, "t0": 0, "maximize": True},
    ],
}
CASES = [(name, kw) for name, kws in OPTIMIZERS.items() for kw in kws]


@pytest.mark.parametrize(("name", "kwargs"), CASES, ids=[f"{n}-{kw}" for n, kw in CASES])
def test_optimizer_matches_torch_for_20_steps(name, kwargs):
    def make(lib, params):
        return getattr(lib.optim, name)(params, **kwargs)

    sign = -1.0 if kwargs.get("maximize") else 1.0
    ours = _run(twingrad, make, None, split=False, group_options={}, sign=sign)
    theirs = _run(torch, make, None, split=False, group_options={}, sign=sign)
    _compare(ours, theirs)


@pytest.mark.parametrize("name", list(OPTIMIZERS))
def test_parameter_groups_and_schedules_match_torch(name):
    def make(lib, params):
        return getattr(lib.optim, name)(params, **OPTIMIZERS[name][-1])

    def sched(lib, opt):
        return lib.optim.lr_scheduler.StepLR(opt, step_size=5, gamma=0.5)

    group = {"lr": 0.003, "weight_decay": 0.2}
    sign = -1.0 if OPTIMIZERS[name][-1].get("maximize") else 1.0
    ours = _run(twingrad, make, sched, split=True, group_options=group, sign=sign)
    theirs = _run(torch, make, sched, split=True, group_options=group, sign=sign)
    _compare(ours, theirs)


@pytest.mark.parametrize("name", list(OPTIMIZERS))
def test_state_dict_round_trip_continues_as_in_torch(name):
    """20 steps, the state saved and loaded into a fresh optimizer, one more step from
    each: the loaded one continues as the original, and as PyTorch's does."""

    def make(lib, params):
        return getattr(lib.optim, name)(params, **OPTIMIZERS[name][1])

    after = {}
    for lib in (twingrad, torch):
        params, opt, _ = _run(lib, make, None, split=False, group_options={})
        copies = [lib.tensor(p.detach().numpy().copy(), requires_grad=True) for p in params]
        restored = make(lib, copies)
        # a copy, as saving to a file makes: PyTorch's loaded state may alias the saved one
        restored.load_state_dict(copy.deepcopy(opt.state_dict()))
        for p, q in zip(params, copies):
            p.grad = lib.tensor(np.cos(p.detach().numpy()))
            q.grad = lib.tensor(np.cos(q.detach().numpy()))
        opt.step()
        restored.step()
        for p, q in zip(params, copies):
            np.testing.assert_allclose(q.detach().numpy(), p.detach().numpy(), rtol=1e-12)
        after[lib] = [q.detach().numpy() for q in copies]
    for ours, theirs in zip(after[twingrad], after[torch]):
        np.testing.assert_allclose(ours, theirs, rtol=1e-12)


@pytest.mark.parametrize(
    ("name", "kwargs"),
    [
        ("Adadelta", {"lr": -1}),
        ("Adadelta", {"rho": 1.5}),
        ("Adamax", {"betas": (1.0, 0.9)}),
        ("NAdam", {"momentum_decay": -1}),
        ("RAdam", {"eps": -1}),
        ("Rprop", {"etas": (1.5, 2.0)}),
        ("ASGD", {"weight_decay": -1}),
        ("LBFGS", {"lr": -1}),
    ],
)
def test_bad_options_are_refused_as_torch_refuses_them(name, kwargs):
    for lib in (torch, twingrad):
        with pytest.raises(ValueError):
            getattr(lib.optim, name)([lib.zeros(2, requires_grad=True)], **kwargs)


def _lbfgs_run(lib, dtype, steps=20, rosenbrock=False, **kwargs):
    rng = np.random.default_rng(0)
    shapes = [(3, 4), (4,), ()]
    start = [rng.normal(size=s) for s in shapes]
    target = [rng.normal(size=s) for s in shapes]
    scale = [rng.uniform(0.5, 2.0, size=s) for s in shapes]
    params = [lib.tensor(a, dtype=dtype, requires_grad=True) for a in start]
    opt = lib.optim.LBFGS(params, **kwargs)

    def closure():
        opt.zero_grad()
        loss = 0
        for p, s, t in zip(params, scale, target):
            flat = p.reshape(-1)
            s, t = lib.tensor(s, dtype=dtype), lib.tensor(t, dtype=dtype)
            if rosenbrock and flat.shape[0] > 1:  # a curved valley along each parameter
                loss = loss + (10 * (flat[1:] - flat[:-1] ** 2) ** 2).sum()
            elif flat.shape[0] > 1:  # a coupling, so that the Hessian is not diagonal
                loss = loss + 0.3 * (flat[1:] * flat[:-1]).sum()
            loss = loss + (s * (p - t) ** 2).sum() + 0.1 * (p**4).sum()
        loss.backward()
        return loss

    losses = [float(opt.step(closure)) for _ in range(steps)]
    return params, opt, losses


LBFGS_CASES = [
    {"max_iter": 1},
    {},
    {"lr": 0.5, "max_iter": 4},
    {"history_size": 2, "max_iter": 3},
    {"line_search_fn": "strong_wolfe", "max_iter": 1},
    {"line_search_fn": "strong_wolfe", "history_size": 3, "max_iter": 2, "lr": 0.8},
    {"line_search_fn": "strong_wolfe"},
]


def _state_arrays(value):
    if isinstance(value, list):
        return [_state_arrays(v) for v in value if v is not None]
    if hasattr(value, "detach"):
        return np.asarray(value.detach().numpy(), dtype=np.float64)
    return np.float64(value) if value is not None else None


def _assert_state_close(mine, expected, key):
    """Close relative to the entry's size (a whole list's): a direction near convergence
    is all tiny, rounding noise of dot products, which PyTorch's BLAS sums in its own
    order."""
    if isinstance(expected, list):
        assert len(mine) == len(expected), key
        if not expected:
            return
        mine, expected = (
            np.concatenate([np.ravel(m) for m in mine]),
            np.concatenate([np.ravel(e) for e in expected]),
        )
    scale = np.abs(expected).max() if np.size(expected) else 0.0
    np.testing.assert_allclose(mine, expected, rtol=1e-9, atol=1e-9 * scale, err_msg=key)


@pytest.mark.parametrize("kwargs", LBFGS_CASES, ids=str)
def test_lbfgs_matches_torch_for_20_steps(kwargs):
    ours = _lbfgs_run(twingrad, twingrad.float64, **kwargs)
    theirs = _lbfgs_run(torch, torch.float64, **kwargs)
    np.testing.assert_allclose(ours[2], theirs[2], rtol=1e-12, err_msg="losses")
    for a, b in zip(ours[0], theirs[0]):
        np.testing.assert_allclose(a.detach().numpy(), b.detach().numpy(), rtol=1e-12)
    assert ours[2][-1] < 0.05 * ours[2][0]  # it did minimise
    our_state, torch_state = ours[1].state_dict()["state"], theirs[1].state_dict()["state"]
    assert list(our_state) == list(torch_state) == [0]
    assert our_state[0].keys() == torch_state[0].keys()
    for key in ("func_evals", "n_iter"):
        assert our_state[0][key] == torch_state[0][key], key
    for key, value in torch_state[0].items():
        _assert_state_close(_state_arrays(our_state[0][key]), _state_arrays(value), key)
    assert ours[1].state_dict()["param_groups"] == theirs[1].state_dict()["param_groups"]


@pytest.mark.parametrize("kwargs", LBFGS_CASES[2:], ids=str)
def test_lbfgs_along_a_curved_valley_stays_with_torch(kwargs):
    """Rosenbrock valleys make the line search bracket and zoom; curvature pairs there are
    ill-conditioned, so the dot products' last bits grow to about 1e-10 over 20 steps."""
    ours = _lbfgs_run(twingrad, twingrad.float64, rosenbrock=True, **kwargs)
    theirs = _lbfgs_run(torch, torch.float64, rosenbrock=True, **kwargs)
    np.testing.assert_allclose(ours[2], theirs[2], rtol=1e-9, err_msg="losses")
    for a, b in zip(ours[0], theirs[0]):
        np.testing.assert_allclose(a.detach().numpy(), b.detach().numpy(), rtol=1e-9)
    assert ours[1].state[ours[0][0]]["func_evals"] == theirs[1].state[theirs[0][0]]["func_evals"]


@pytest.mark.parametrize("kwargs", LBFGS_CASES[::3], ids=str)
def test_lbfgs_in_float32_stays_close_to_torch(kwargs):
    ours = _lbfgs_run(twingrad, twingrad.float32, steps=5, **kwargs)
    theirs = _lbfgs_run(torch, torch.float32, steps=5, **kwargs)
    assert ours[0][0].dtype is twingrad.float32
    np.testing.assert_allclose(ours[2], theirs[2], rtol=1e-4)


def test_lbfgs_refuses_groups_and_unknown_line_searches():
    a, b = twingrad.zeros(2, requires_grad=True), twingrad.zeros(2, requires_grad=True)
    with pytest.raises(ValueError, match="parameter groups"):
        twingrad.optim.LBFGS([{"params": [a]}, {"params": [b]}])
    opt = twingrad.optim.LBFGS([a], line_search_fn="armijo")

    def closure():
        opt.zero_grad()
        loss = ((a - 1) ** 2).sum()
        loss.backward()
        return loss

    with pytest.raises(RuntimeError, match="strong_wolfe"):
        opt.step(closure)


def test_lbfgs_state_dict_round_trip_continues_identically():
    params, opt, _ = _lbfgs_run(twingrad, twingrad.float64, steps=3, history_size=4, max_iter=3)
    twin_params, twin, _ = _lbfgs_run(
        twingrad, twingrad.float64, steps=0, history_size=4, max_iter=3
    )
    for p, q in zip(params, twin_params):
        q.data = p.detach().clone()
    twin.load_state_dict(opt.state_dict())
    for o, ps in ((opt, params), (twin, twin_params)):

        def closure(o=o, ps=ps):
            o.zero_grad()
            loss = sum(((p - 0.5) ** 4).sum() for p in ps)
            loss.backward()
            return loss

        o.step(closure)
    for p, q in zip(params, twin_params):
        assert np.array_equal(p.detach().numpy(), q.detach().numpy())
