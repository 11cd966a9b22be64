"""Every optimizer and every schedule, step for step against PyTorch.

Both libraries start from the same float64 parameters and, at each step, get the same
gradient: a fixed numpy function of the parameters' current values (a quadratic pull
toward a target, a cubic term, and a fixed noise sequence), so a discrepancy in any step
changes every later gradient. After 20 steps the parameters, the optimizer state and the
learning rates must agree to 1e-12 relative.
"""

from __future__ import annotations

import numpy as np
import pytest
import torch

import twingrad
from twingrad import optim
from twingrad.optim import lr_scheduler

STEPS = 20
RTOL = 1e-12
SHAPES = [(3, 4), (4,), ()]


def _problem(seed: int = 0):
    rng = np.random.default_rng(seed)
    start = [rng.normal(size=s) for s in SHAPES]
    target = [rng.normal(size=s) for s in SHAPES]
    scale = [rng.uniform(0.5, 2.0, size=s) for s in SHAPES]
    noise = [[0.3 * rng.normal(size=s) for s in SHAPES] for _ in range(STEPS)]
    return start, target, scale, noise


def _grad(p: np.ndarray, target, scale, noise) -> np.ndarray:
    return scale * (p - target) + 0.1 * p**3 + noise


def _groups(lib, params, split: bool, group_options: dict):
    if not split:
        return params
    return [{"params": params[:1]}, {"params": params[1:], **group_options}]


def _run(lib, make_opt, make_sched, split: bool, group_options: dict, sign: float = 1.0):
    """20 steps; ``sign=-1`` gives a maximizing optimizer the negated (ascent) problem."""
    start, target, scale, noise = _problem()
    params = [lib.tensor(a, dtype=lib.float64, requires_grad=True) for a in start]
    opt = make_opt(lib, _groups(lib, params, split, group_options))
    sched = make_sched(lib, opt) if make_sched is not None else None
    lrs = []
    for k in range(STEPS):
        for p, t, s, n in zip(params, target, scale, noise[k]):
            value = np.array(p.detach().numpy(), dtype=np.float64)
            p.grad = lib.tensor(sign * _grad(value, t, s, n), dtype=lib.float64)
        opt.step()
        if sched is not None:
            lrs.append(list(sched.get_last_lr()))
            sched.step()
        opt.zero_grad()
    return params, opt, lrs


OPTIMIZERS = {
    "SGD": [
        {"lr": 0.05},
        {"lr": 0.05, "momentum": 0.9},
        {"lr": 0.05, "momentum": 0.9, "dampening": 0.3},
        {"lr": 0.05, "momentum": 0.9, "nesterov": True},
        {"lr": 0.05, "momentum": 0.5, "weight_decay": 0.1},
        {"lr": 0.05, "momentum": 0.9, "maximize": True},
    ],
    "Adam": [
        {"lr": 0.05},
        {"lr": 0.05, "amsgrad": True},
        {"lr": 0.05, "weight_decay": 0.1},
        {"lr": 0.05, "betas": (0.5, 0.9), "eps": 1e-3},
        {"lr": 0.05, "maximize": True, "amsgrad": True},
    ],
    "AdamW": [
        {"lr": 0.05},
        {"lr": 0.05, "amsgrad": True, "weight_decay": 0.3},
        {"lr": 0.05, "betas": (0.8, 0.99), "maximize": True},
    ],
    "RMSprop": [
        {},
        {"lr": 0.01, "centered": True},
        {"lr": 0.01, "momentum": 0.9},
        {"lr": 0.01, "momentum": 0.5, "centered": True, "weight_decay": 0.1, "alpha": 0.9},
        {"lr": 0.01, "maximize": True},
    ],
    "Adagrad": [
        {"lr": 0.1},
        {"lr": 0.1, "lr_decay": 0.1},
        {"lr": 0.1, "initial_accumulator_value": 0.5, "eps": 1e-6},
        {"lr": 0.1, "weight_decay": 0.1, "maximize": True},
    ],
}
CASES = [(name, kw) for name, kws in OPTIMIZERS.items() for kw in kws]


def _assert_close(ours, theirs, what: str) -> None:
    ours = np.asarray(ours, dtype=np.float64)
    theirs = np.asarray(theirs, dtype=np.float64)
    np.testing.assert_allclose(ours, theirs, rtol=RTOL, atol=0, err_msg=what)


def _compare(ours, theirs) -> None:
    (our_params, our_opt, our_lrs), (torch_params, torch_opt, torch_lrs) = ours, theirs
    for i, (a, b) in enumerate(zip(our_params, torch_params)):
        _assert_close(a.detach().numpy(), b.detach().numpy(), f"parameter {i}")
    our_sd, torch_sd = our_opt.state_dict(), torch_opt.state_dict()
    assert our_sd["state"].keys() == torch_sd["state"].keys()
    for index, state in torch_sd["state"].items():
        assert our_sd["state"][index].keys() == state.keys()
        for key, value in state.items():
            _assert_close(our_sd["state"][index][key].numpy(), value.numpy(), f"{index}.{key}")
    for ours_g, torch_g in zip(our_sd["param_groups"], torch_sd["param_groups"]):
        assert ours_g["params"] == torch_g["params"]
        for key, value in ours_g.items():
            if key not in ("params", "betas"):
                assert value == pytest.approx(torch_g[key], rel=RTOL), key
        if "betas" in ours_g:
            assert ours_g["betas"] == pytest.approx(torch_g["betas"], rel=RTOL)
    assert len(our_lrs) == len(torch_lrs)
    for k, (a, b) in enumerate(zip(our_lrs, torch_lrs)):
        assert a == pytest.approx(b, rel=RTOL, abs=0), f"learning rates at step {k}"


@pytest.mark.parametrize(("name", "kwargs"), CASES, ids=[f"{n}-{kw}" for n, kw in CASES])
def test_optimizer_matches_torch_for_20_steps(name, kwargs):
    def make(lib, params):
        return getattr(lib.optim, name)(params, **kwargs)

    sign = -1.0 if kwargs.get("maximize") else 1.0
    ours = _run(twingrad, make, None, split=False, group_options={}, sign=sign)
    theirs = _run(torch, make, None, split=False, group_options={}, sign=sign)
    _compare(ours, theirs)
    # the parameters really moved (a no-op optimizer would otherwise pass)
    start = _problem()[0]
    assert not np.allclose(ours[0][0].detach().numpy(), start[0])


@pytest.mark.parametrize("name", list(OPTIMIZERS))
def test_parameter_groups_with_their_own_options_match_torch(name):
    kwargs = OPTIMIZERS[name][-1]
    group = {"lr": 0.003, "weight_decay": 0.2}

    def make(lib, params):
        return getattr(lib.optim, name)(params, **kwargs)

    sign = -1.0 if kwargs.get("maximize") else 1.0
    ours = _run(twingrad, make, None, split=True, group_options=group, sign=sign)
    theirs = _run(torch, make, None, split=True, group_options=group, sign=sign)
    _compare(ours, theirs)
    assert [g["lr"] for g in ours[1].param_groups] == [kwargs.get("lr", 0.01), 0.003]


SCHEDULERS = {
    "StepLR": lambda lib, opt: lib.optim.lr_scheduler.StepLR(opt, step_size=3, gamma=0.5),
    "MultiStepLR": lambda lib, opt: lib.optim.lr_scheduler.MultiStepLR(
        opt, milestones=[2, 5, 5, 11], gamma=0.3
    ),
    "ExponentialLR": lambda lib, opt: lib.optim.lr_scheduler.ExponentialLR(opt, gamma=0.9),
    # T_max below the run length goes through the rising half and the restart branch
    "CosineAnnealingLR": lambda lib, opt: lib.optim.lr_scheduler.CosineAnnealingLR(
        opt, T_max=7, eta_min=0.001
    ),
    "LambdaLR": lambda lib, opt: lib.optim.lr_scheduler.LambdaLR(
        opt, [lambda e: 1 / (1 + e), lambda e: 0.9**e]
    ),
    "LinearLR": lambda lib, opt: lib.optim.lr_scheduler.LinearLR(
        opt, start_factor=0.1, end_factor=0.9, total_iters=8
    ),
    "OneCycleLR": lambda lib, opt: lib.optim.lr_scheduler.OneCycleLR(
        opt, max_lr=[0.1, 0.05], total_steps=STEPS
    ),
    "OneCycleLR-three-phase-linear": lambda lib, opt: lib.optim.lr_scheduler.OneCycleLR(
        opt, max_lr=0.1, total_steps=STEPS + 3, three_phase=True, anneal_strategy="linear"
    ),
    "SequentialLR": lambda lib, opt: lib.optim.lr_scheduler.SequentialLR(
        opt,
        [
            lib.optim.lr_scheduler.LinearLR(opt, start_factor=0.2, total_iters=4),
            lib.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=10),
            lib.optim.lr_scheduler.StepLR(opt, step_size=2, gamma=0.5),
        ],
        milestones=[5, 12],
    ),
}


@pytest.mark.parametrize("optimizer", ["SGD", "Adam"])
@pytest.mark.parametrize("name", list(SCHEDULERS))
def test_scheduler_matches_torch_for_20_steps(name, optimizer):
    def make(lib, params):
        if optimizer == "SGD":
            return lib.optim.SGD(params, lr=0.05, momentum=0.9)
        return lib.optim.Adam(params, lr=0.05)

    ours = _run(twingrad, make, SCHEDULERS[name], split=True, group_options={"lr": 0.02})
    theirs = _run(torch, make, SCHEDULERS[name], split=True, group_options={"lr": 0.02})
    _compare(ours, theirs)
    assert len({lr[0] for lr in ours[2]}) > 1  # the schedule changed the rate


def test_value_parameters_match_torch_scalars_step_for_step():
    """Adam on scalar-engine Values equals PyTorch's Adam on 0-d tensors."""
    rng = np.random.default_rng(3)
    start = rng.normal(size=5)
    target, noise = rng.normal(size=5), 0.3 * rng.normal(size=(STEPS, 5))
    values = [twingrad.Value(float(x)) for x in start]
    tensors = [torch.tensor(x, dtype=torch.float64, requires_grad=True) for x in start]
    ours = optim.Adam(values, lr=0.05, amsgrad=True, weight_decay=0.01)
    theirs = torch.optim.Adam(tensors, lr=0.05, amsgrad=True, weight_decay=0.01)
    for k in range(STEPS):
        for i, (v, t) in enumerate(zip(values, tensors)):
            v.grad = float(_grad(np.float64(v.data), target[i], 1.0, noise[k, i]))
            t.grad = torch.tensor(_grad(t.item(), target[i], 1.0, noise[k, i]), dtype=torch.float64)
        ours.step()
        theirs.step()
    assert all(isinstance(v.data, float) for v in values)
    _assert_close([v.data for v in values], [t.item() for t in tensors], "Values after Adam")
    assert not np.allclose([v.data for v in values], start)


def test_scheduler_state_dict_keys_match_torch():
    for name, make in SCHEDULERS.items():
        if name in ("LambdaLR", "SequentialLR"):
            continue
        ours_opt, torch_opt = (
            lib.optim.SGD(
                [
                    {"params": [lib.zeros(1, requires_grad=True)]},
                    {"params": [lib.zeros(1, requires_grad=True)], "lr": 0.2},
                ],
                lr=0.1,
                momentum=0.9,
            )
            for lib in (twingrad, torch)
        )
        ours, theirs = make(twingrad, ours_opt).state_dict(), make(torch, torch_opt).state_dict()
        # PyTorch also keeps its bookkeeping for warnings; every key we keep, it keeps
        assert set(ours) <= set(theirs), name
        for key in ("base_lrs", "last_epoch", "_step_count", "_last_lr"):
            assert ours[key] == pytest.approx(theirs[key], rel=RTOL), (name, key)


def test_lr_scheduler_module_is_reachable_as_in_torch():
    assert twingrad.optim.lr_scheduler is lr_scheduler
