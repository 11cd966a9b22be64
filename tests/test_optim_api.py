"""The optimizer API: groups, zero_grad, state dicts, errors, Values and exact arithmetic."""

from __future__ import annotations

import copy
import random
from fractions import Fraction

import numpy as np
import pytest

import twingrad
from twingrad import Value, optim
from twingrad.data import make_moons
from twingrad.optim.lr_scheduler import MultiStepLR, OneCycleLR, StepLR
from twingrad.scalar.nn import MLP


def _quadratic_step(params, opt, k: int) -> None:
    """One step on sum((p - k/10)^2 * (i + 1)) over the parameters."""
    opt.zero_grad()
    loss = sum((((p - k / 10) ** 2) * (i + 1)).sum() for i, p in enumerate(params))
    loss.backward()
    opt.step()


def _params():
    rng = np.random.default_rng(0)
    return [
        twingrad.tensor(rng.normal(size=(3, 2)), dtype=twingrad.float64, requires_grad=True),
        twingrad.tensor(rng.normal(size=4), dtype=twingrad.float64, requires_grad=True),
    ]


# -- construction and parameter groups -------------------------------------------------


def test_single_tensor_instead_of_a_list_is_refused_with_the_fix():
    w = twingrad.zeros(2, requires_grad=True)
    with pytest.raises(TypeError, match=r"iterable of Tensors or dicts.*\[param\]"):
        optim.SGD(w, lr=0.1)


def test_empty_parameter_list_is_refused():
    with pytest.raises(ValueError, match="empty parameter list"):
        optim.Adam([])


def test_non_leaf_tensor_is_refused():
    w = twingrad.zeros(2, requires_grad=True)
    with pytest.raises(ValueError, match="non-leaf"):
        optim.SGD([w * 2], lr=0.1)


def test_a_parameter_in_two_groups_is_refused():
    w = twingrad.zeros(2, requires_grad=True)
    with pytest.raises(ValueError, match="more than one parameter group"):
        optim.SGD([{"params": [w]}, {"params": [w], "lr": 0.1}], lr=0.1)


def test_a_set_of_parameters_is_refused_because_its_order_changes():
    with pytest.raises(TypeError, match="ordered collections"):
        optim.SGD({twingrad.zeros(1, requires_grad=True)}, lr=0.1)


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda p: optim.SGD(p, lr=-1), "Invalid learning rate value: -1"),
        (lambda p: optim.SGD(p, momentum=-0.5), "Invalid momentum value: -0.5"),
        (lambda p: optim.SGD(p, lr=0.1, nesterov=True), "Nesterov momentum requires"),
        (lambda p: optim.Adam(p, betas=(1.0, 0.9)), "Invalid beta parameter at index 0: 1.0"),
        (lambda p: optim.Adam(p, eps=-1e-8), "Invalid epsilon value"),
        (lambda p: optim.RMSprop(p, alpha=-0.1), "Invalid alpha value: -0.1"),
        (lambda p: optim.Adagrad(p, lr_decay=-1), "Invalid lr_decay value: -1"),
    ],
)
def test_invalid_options_name_the_option(make, message):
    with pytest.raises(ValueError, match=message):
        make([twingrad.zeros(1, requires_grad=True)])


def test_groups_take_defaults_for_what_they_do_not_set():
    a, b = _params()
    opt = optim.Adam([{"params": [a]}, {"params": [b], "lr": 0.5, "amsgrad": True}], lr=0.01)
    assert [g["lr"] for g in opt.param_groups] == [0.01, 0.5]
    assert [g["amsgrad"] for g in opt.param_groups] == [False, True]
    assert opt.param_groups[0]["betas"] == (0.9, 0.999)


def test_named_parameters_keep_their_names():
    a, b = _params()
    opt = optim.SGD([("layer.weight", a), ("layer.bias", b)], lr=0.1)
    assert opt.param_groups[0]["param_names"] == ["layer.weight", "layer.bias"]
    assert opt.param_groups[0]["params"] == [a, b]
    assert opt.state_dict()["param_groups"][0]["param_names"] == ["layer.weight", "layer.bias"]


def test_add_param_group_updates_the_new_parameters_with_their_rate():
    a, b = _params()
    before = b.detach().numpy().copy()
    opt = optim.SGD([a], lr=0.1)
    opt.add_param_group({"params": b, "lr": 0.5})
    (b * b).sum().backward()
    opt.step()
    np.testing.assert_array_equal(b.detach().numpy(), before - 0.5 * 2 * before)


# -- zero_grad and step ---------------------------------------------------------------


def test_zero_grad_sets_none_by_default_and_zeros_on_request():
    a, b = _params()
    opt = optim.SGD([a, b], lr=0.1)
    (a.sum() + b.sum()).backward()
    opt.zero_grad(set_to_none=False)
    assert a.grad is not None
    np.testing.assert_array_equal(a.grad.numpy(), np.zeros((3, 2)))
    opt.zero_grad()
    assert a.grad is None and b.grad is None


def test_parameters_without_gradient_are_left_alone():
    a, b = _params()
    before = b.detach().numpy().copy()
    opt = optim.Adam([a, b], lr=0.1)
    a.sum().backward()
    opt.step()
    np.testing.assert_array_equal(b.detach().numpy(), before)
    assert list(opt.state) == [a]


def test_step_returns_the_closure_loss_computed_with_gradients_on():
    (a,) = _params()[:1]
    opt = optim.SGD([a], lr=0.1)

    def closure():
        opt.zero_grad()
        loss = (a * a).sum()
        loss.backward()
        return loss

    with twingrad.no_grad():
        loss = opt.step(closure)
    assert loss.item() == pytest.approx(float((_params()[0].detach().numpy() ** 2).sum()))


def test_a_step_counts_as_an_in_place_change_for_autograd():
    """Backward through a value computed before the step fails, as in PyTorch."""
    (a,) = _params()[:1]
    opt = optim.SGD([a], lr=0.1)
    y = (a * a).sum()
    (a * 1).sum().backward()
    opt.step()
    with pytest.raises(RuntimeError, match="modified by an in-place operation"):
        y.backward()


def test_float32_parameters_stay_float32():
    w = twingrad.tensor([1.0, 2.0], requires_grad=True)
    for opt in (optim.Adam([w]), optim.RMSprop([w]), optim.Adagrad([w]), optim.SGD([w], 0.1)):
        (w * w).sum().backward()
        opt.step()
        opt.zero_grad()
        assert w.dtype is twingrad.float32
        assert all(v.dtype in (twingrad.float32,) for s in opt.state.values() for v in s.values())


# -- state dicts ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "make",
    [
        lambda p: optim.SGD(p, lr=0.05, momentum=0.9, nesterov=True),
        lambda p: optim.Adam(p, lr=0.05, amsgrad=True),
        lambda p: optim.AdamW(p, lr=0.05),
        lambda p: optim.RMSprop(p, lr=0.01, momentum=0.5, centered=True),
        lambda p: optim.Adagrad(p, lr=0.1, lr_decay=0.01),
    ],
)
def test_state_dict_round_trip_continues_exactly(make):
    params = _params()
    opt = make(params)
    for k in range(5):
        _quadratic_step(params, opt, k)
    saved = copy.deepcopy(opt.state_dict())
    resumed_params = [p.detach().clone().requires_grad_() for p in params]
    resumed = make(resumed_params)
    resumed.load_state_dict(saved)
    for k in range(5, 10):
        _quadratic_step(params, opt, k)
        _quadratic_step(resumed_params, resumed, k)
    for p, q in zip(params, resumed_params):
        np.testing.assert_array_equal(p.detach().numpy(), q.detach().numpy())


def test_loading_copies_the_state_instead_of_sharing_it():
    params = _params()
    opt = optim.SGD(params, lr=0.1, momentum=0.9)
    _quadratic_step(params, opt, 0)
    saved = opt.state_dict()
    other = optim.SGD([p.detach().clone().requires_grad_() for p in params], lr=0.1, momentum=0.9)
    other.load_state_dict(saved)
    saved["state"][0]["momentum_buffer"]._data[...] = 99.0
    assert not np.any(other.state_dict()["state"][0]["momentum_buffer"].numpy() == 99.0)


def test_loading_restores_group_options():
    params = _params()
    opt = optim.Adam(params, lr=0.1)
    opt.param_groups[0]["lr"] = 0.0125
    other = optim.Adam(_params(), lr=0.5)
    other.load_state_dict(opt.state_dict())
    assert other.param_groups[0]["lr"] == 0.0125
    assert other.param_groups[0]["params"][0] is not params[0]


def test_state_dict_layout_is_pytorchs():
    params = _params()
    opt = optim.Adam([{"params": params[:1]}, {"params": params[1:], "lr": 0.1}])
    _quadratic_step(params, opt, 0)
    sd = opt.state_dict()
    assert sorted(sd) == ["param_groups", "state"]
    assert [g["params"] for g in sd["param_groups"]] == [[0], [1]]
    assert sorted(sd["state"]) == [0, 1]
    assert sorted(sd["state"][1]) == ["exp_avg", "exp_avg_sq", "step"]
    assert sd["state"][1]["step"].item() == 1.0


def test_loading_a_mismatched_state_dict_says_what_differs():
    opt = optim.SGD(_params(), lr=0.1, momentum=0.9)
    with pytest.raises(ValueError, match="different number of parameter groups: 2 saved, 1"):
        opt.load_state_dict(
            {"state": {}, "param_groups": [{"params": [0]}, {"params": [1]}], "x": 1}
        )
    with pytest.raises(ValueError, match="group 0 has 1 parameters saved and 2 here"):
        opt.load_state_dict({"state": {}, "param_groups": [{"params": [0]}]})
    bad = {
        "state": {0: {"momentum_buffer": twingrad.zeros(5)}},
        "param_groups": [dict(opt.param_groups[0], params=[0, 1])],
    }
    with pytest.raises(ValueError, match=r"'momentum_buffer' of parameter 0 has shape \[5\]"):
        opt.load_state_dict(bad)
    with pytest.raises(ValueError, match="has the keys 'state' and 'param_groups'"):
        opt.load_state_dict({"weights": 1})


def test_scheduler_state_dict_round_trip():
    params = _params()
    opt = optim.SGD(params, lr=1.0, momentum=0.9)
    sched = MultiStepLR(opt, milestones=[2, 4], gamma=0.5)
    for _ in range(3):
        opt.step()
        sched.step()
    saved = sched.state_dict()
    opt2 = optim.SGD(_params(), lr=1.0, momentum=0.9)
    opt2.load_state_dict(opt.state_dict())
    sched2 = MultiStepLR(opt2, milestones=[99], gamma=0.1)
    sched2.load_state_dict({**saved, "milestones": dict(saved["milestones"])})
    for _ in range(3):
        opt.step(), sched.step()
        opt2.step(), sched2.step()
    assert sched2.get_last_lr() == sched.get_last_lr() == [0.25]


def test_one_cycle_refuses_to_step_past_its_total():
    opt = optim.SGD(_params(), lr=0.1, momentum=0.9)
    sched = OneCycleLR(opt, max_lr=1.0, total_steps=3)
    for _ in range(2):
        sched.step()
    with pytest.raises(ValueError, match="Tried to step 4 times. The specified number of total"):
        sched.step()
        sched.step()


def test_scheduler_needs_an_optimizer():
    with pytest.raises(TypeError, match="list is not an Optimizer"):
        StepLR([], step_size=1)


# -- Values and exact arithmetic -------------------------------------------------------


def test_micrograd_mlp_trains_with_adam():
    random.seed(1)
    model = MLP(2, [8, 8, 1])
    X, y = make_moons(40, noise=0.1, seed=0)
    labels = 2 * y - 1  # -1 / +1 for the hinge loss

    def loss_and_accuracy():
        scores = [model([Value(float(a)), Value(float(b))]) for a, b in X]
        losses = [(1 - float(t) * s).relu() for s, t in zip(scores, labels)]
        loss = Value.sum(losses) * (1.0 / len(losses))
        accuracy = np.mean([(s.data > 0) == (t > 0) for s, t in zip(scores, labels)])
        return loss, accuracy

    opt = optim.Adam(model.parameters(), lr=0.05)
    first, first_accuracy = loss_and_accuracy()
    for _ in range(40):
        opt.zero_grad()
        loss, accuracy = loss_and_accuracy()
        loss.backward()
        opt.step()
    last, last_accuracy = loss_and_accuracy()
    assert last.data < 0.5 * first.data
    assert last_accuracy >= 0.85 > first_accuracy
    assert all(isinstance(p.data, float) for p in model.parameters())


def test_zero_grad_on_values_resets_to_zero_of_the_same_kind():
    a, b = Value(1.5), Value(Fraction(1, 3))
    (a * b).backward()
    opt = optim.SGD([a, b], lr=0.1)
    opt.zero_grad()
    assert a.grad == 0.0 and isinstance(a.grad, float)
    assert b.grad == 0 and isinstance(b.grad, Fraction)


def test_sgd_updates_fractions_exactly():
    w = Value(Fraction(1, 3))
    t = twingrad.tensor([Fraction(1, 2), Fraction(-2, 3)], requires_grad=True)
    opt = optim.SGD([w, t], lr=0.25, momentum=0.5)
    for _ in range(2):
        opt.zero_grad()
        (w * w).backward()
        (t * t).sum().backward()
        opt.step()
    # w: g=2/3, b=2/3, w=1/3-1/6=1/6; g=1/3, b=1/3+1/3=2/3, w=1/6-1/6=0
    assert w.data == 0 and isinstance(w.data, Fraction)
    # t0: g=1, b=1, t=1/4; g=1/2, b=1, t=0.  t1: g=-4/3, b=-4/3, t=-1/3; g=-2/3, b=-4/3, t=0
    assert t.tolist() == [Fraction(0), Fraction(0)]
    assert t.dtype is twingrad.fraction


def test_optimizers_that_take_square_roots_refuse_fractions_clearly():
    w = Value(Fraction(1, 3))
    (w * w).backward()
    with pytest.raises(TypeError, match="Adam takes square roots, which exact"):
        optim.Adam([w]).step()
