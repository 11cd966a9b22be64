"""Checkpoints: exact round trips, atomic writes, and clear errors for bad files."""

from __future__ import annotations

import io
import math
import os
import pickle
import subprocess
import sys
import textwrap
import time
import zipfile
from fractions import Fraction

import numpy as np
import pytest
import torch

import twingrad
from twingrad import optim
from twingrad.checkpoint import CheckpointError, load, load_checkpoint, save, save_checkpoint
from twingrad.optim.lr_scheduler import MultiStepLR, OneCycleLR


class TinyModel:
    """Two parameters and PyTorch's state-dict contract (strict keys and shapes)."""

    def __init__(self, n_in: int = 3, n_out: int = 2, seed: int = 0) -> None:
        rng = np.random.default_rng(seed)
        self.weight = twingrad.tensor(rng.normal(size=(n_out, n_in)), requires_grad=True)
        self.bias = twingrad.tensor(rng.normal(size=n_out), requires_grad=True)

    def parameters(self):
        return [self.weight, self.bias]

    def __call__(self, x):
        return x @ self.weight.T + self.bias

    def state_dict(self):
        return {"weight": self.weight.detach(), "bias": self.bias.detach()}

    def load_state_dict(self, state):
        if set(state) != {"weight", "bias"}:
            raise RuntimeError(f"unexpected keys {sorted(state)}")
        for name in ("weight", "bias"):
            if state[name].shape != getattr(self, name).shape:
                raise RuntimeError(
                    f"size mismatch for {name}: copying a param with shape "
                    f"{list(state[name].shape)}, the shape in current model is "
                    f"{list(getattr(self, name).shape)}"
                )
            getattr(self, name)._data[...] = state[name]._data


def _train(model, opt, steps: int, sched=None) -> None:
    rng = np.random.default_rng(42)
    for _ in range(steps):
        x = twingrad.tensor(rng.normal(size=(8, 3)).astype(np.float32))
        opt.zero_grad()
        ((model(x) - 1.0) ** 2).mean().backward()
        opt.step()
        if sched is not None:
            sched.step()


# -- round trips -------------------------------------------------------------------------


def test_everything_a_state_dict_holds_comes_back_equal_and_of_the_same_type(tmp_path):
    obj = {
        "floats": [0.1, -0.0, math.inf, -math.inf, 1e-300],
        "exact": Fraction(-7, 3),
        "flags": (True, False, None),
        "text": "ok",
        1: "an int key",
        (2, "b"): "a tuple key",
        "$dollar": "a key that looks like a tag",
        "arrays": [np.arange(6, dtype=np.int32).reshape(2, 3), np.array(["a", "bc"])],
        "f32": twingrad.tensor([[1.5, 2.25]], dtype=twingrad.float32),
        "f64": twingrad.tensor(np.pi, dtype=twingrad.float64, requires_grad=True),
        "i64": twingrad.tensor([1, -2, 3]),
        "bool": twingrad.tensor([True, False]),
        "fraction": twingrad.tensor([Fraction(1, 3), Fraction(-5, 7)]),
        "empty": twingrad.zeros(0, 4),
    }
    save(obj, tmp_path / "all.ckpt")
    back = load(tmp_path / "all.ckpt")
    assert list(back) == list(obj)
    assert back["floats"][:2] == [0.1, -0.0] and math.copysign(1, back["floats"][1]) == -1
    assert back["floats"][2:] == [math.inf, -math.inf, 1e-300]
    assert back["exact"] == Fraction(-7, 3) and isinstance(back["exact"], Fraction)
    assert back["flags"] == (True, False, None)
    assert back[1] == "an int key" and back[(2, "b")] == "a tuple key"
    assert back["$dollar"] == "a key that looks like a tag"
    for ours, theirs in zip(back["arrays"], obj["arrays"]):
        assert ours.dtype == theirs.dtype
        np.testing.assert_array_equal(ours, theirs)
    for key in ("f32", "f64", "i64", "bool", "fraction", "empty"):
        assert back[key].dtype is obj[key].dtype, key
        assert back[key].shape == obj[key].shape, key
        assert back[key].tolist() == obj[key].tolist(), key
    assert back["f64"].requires_grad and not back["f32"].requires_grad
    assert back["fraction"].tolist() == [Fraction(1, 3), Fraction(-5, 7)]


@pytest.mark.parametrize(
    "make",
    [
        lambda p: optim.SGD(p, lr=0.05, momentum=0.9, nesterov=True),
        lambda p: optim.Adam(p, lr=0.01, amsgrad=True),
        lambda p: optim.RMSprop(p, lr=0.01, centered=True, momentum=0.5),
        lambda p: optim.Adagrad(p, lr=0.1),
    ],
)
def test_training_resumed_from_a_checkpoint_equals_training_straight_through(tmp_path, make):
    straight = TinyModel()
    opt = make(straight.parameters())
    _train(straight, opt, 10)

    first = TinyModel()
    opt1 = make(first.parameters())
    _train(first, opt1, 5)
    save_checkpoint(tmp_path / "half.ckpt", first, opt1, epoch=5)
    resumed = TinyModel(seed=9)
    opt2 = make(resumed.parameters())
    extra = load_checkpoint(tmp_path / "half.ckpt", resumed, opt2)
    assert extra == {"epoch": 5}
    rng_state_steps = 5  # replay the same batches as steps 6..10 of the straight run
    rng = np.random.default_rng(42)
    batches = [rng.normal(size=(8, 3)).astype(np.float32) for _ in range(10)]
    for x in batches[rng_state_steps:]:
        opt2.zero_grad()
        ((resumed(twingrad.tensor(x)) - 1.0) ** 2).mean().backward()
        opt2.step()
    for a, b in zip(resumed.parameters(), straight.parameters()):
        np.testing.assert_array_equal(a.detach().numpy(), b.detach().numpy())


def test_scheduler_state_survives_a_checkpoint(tmp_path):
    model = TinyModel()
    opt = optim.SGD(model.parameters(), lr=1.0, momentum=0.9)
    sched = MultiStepLR(opt, milestones=[2, 4, 4], gamma=0.5)
    _train(model, opt, 3, sched)
    save_checkpoint(tmp_path / "s.ckpt", model, opt, sched)
    model2 = TinyModel()
    opt2 = optim.SGD(model2.parameters(), lr=1.0, momentum=0.9)
    sched2 = MultiStepLR(opt2, milestones=[1], gamma=0.1)
    load_checkpoint(tmp_path / "s.ckpt", model2, opt2, sched2)
    for _ in range(3):
        sched.step()
        sched2.step()
    assert sched2.get_last_lr() == sched.get_last_lr() == [0.125]

    one = OneCycleLR(optim.Adam(TinyModel().parameters()), max_lr=0.1, total_steps=10)
    save(one.state_dict(), tmp_path / "one.ckpt")
    assert load(tmp_path / "one.ckpt") == one.state_dict()


def test_a_torch_style_dict_checkpoint_works_through_save_and_load(tmp_path):
    model = TinyModel()
    opt = optim.Adam(model.parameters())
    _train(model, opt, 2)
    save({"model": model.state_dict(), "optim": opt.state_dict(), "epoch": 2}, tmp_path / "m.pt")
    ckpt = load(tmp_path / "m.pt", map_location="cpu")
    assert sorted(ckpt["optim"]["state"]) == [0, 1]
    assert ckpt["optim"]["state"][0]["step"].item() == 2.0
    assert ckpt["optim"]["param_groups"][0]["betas"] == (0.9, 0.999)


def test_saving_something_that_needs_pickle_says_where(tmp_path):
    with pytest.raises(TypeError, match=r"can't save a object at the saved object\['a'\]\[1\]"):
        save({"a": [1, object()]}, tmp_path / "x.ckpt")
    with pytest.raises(TypeError, match="object array at the saved object"):
        save(np.array([{}], dtype=object), tmp_path / "x.ckpt")
    with pytest.raises(TypeError, match="needs a file path"):
        save({}, io.BytesIO())
    assert not os.listdir(tmp_path)


def test_the_file_is_a_plain_npz_of_plain_arrays(tmp_path):
    save({"w": twingrad.ones(2, 2)}, tmp_path / "w.npz")
    with np.load(tmp_path / "w.npz", allow_pickle=False) as archive:
        assert sorted(archive.files) == ["__twingrad__", "a0"]
        assert all(archive[name].dtype != object for name in archive.files)


# -- atomic writes ------------------------------------------------------------------------


def test_a_failure_mid_write_leaves_the_previous_file_and_no_litter(tmp_path, monkeypatch):
    path = tmp_path / "model.ckpt"
    save({"version": 1}, path)

    def crash(fd):
        raise OSError("disk full")

    monkeypatch.setattr(os, "fsync", crash)
    with pytest.raises(OSError, match="disk full"):
        save({"version": 2, "big": twingrad.zeros(1000)}, path)
    monkeypatch.undo()
    assert load(path) == {"version": 1}
    assert os.listdir(tmp_path) == ["model.ckpt"]


def test_the_data_and_the_directory_are_fsynced_before_and_after_the_rename(tmp_path, monkeypatch):
    events = []
    real_fsync, real_replace = os.fsync, os.replace

    def fsync(fd):
        events.append(("fsync", os.path.isdir(f"/proc/self/fd/{fd}")))
        real_fsync(fd)

    def replace(src, dst):
        events.append(("replace", os.path.dirname(src) == str(tmp_path)))
        real_replace(src, dst)

    monkeypatch.setattr(os, "fsync", fsync)
    monkeypatch.setattr(os, "replace", replace)
    save({"x": 1}, tmp_path / "c.ckpt")
    assert events == [("fsync", False), ("replace", True), ("fsync", True)]


def test_a_killed_writer_leaves_the_previous_checkpoint_intact(tmp_path):
    path = tmp_path / "run.ckpt"
    save({"epoch": 1, "w": twingrad.ones(3)}, path)
    script = textwrap.dedent(
        f"""
        import os, time
        import twingrad
        from twingrad.checkpoint import save
        os.fsync = lambda fd: time.sleep(60)  # hang after writing, before the rename
        save({{"epoch": 2, "w": twingrad.zeros(200_000)}}, {str(path)!r})
        """
    )
    proc = subprocess.Popen([sys.executable, "-c", script])
    try:
        deadline = time.monotonic() + 60
        while not any(n.endswith(".tmp") for n in os.listdir(tmp_path)):
            assert proc.poll() is None, "the writer exited early"
            assert time.monotonic() < deadline, "the writer never started writing"
            time.sleep(0.05)
    finally:
        proc.kill()
        proc.wait()
    back = load(path)
    assert back["epoch"] == 1 and back["w"].tolist() == [1.0, 1.0, 1.0]


def test_new_files_get_the_usual_permissions(tmp_path):
    umask = os.umask(0o022)
    os.umask(umask)
    save({}, tmp_path / "p.ckpt")
    assert os.stat(tmp_path / "p.ckpt").st_mode & 0o777 == 0o666 & ~umask


# -- bad files ----------------------------------------------------------------------------


@pytest.fixture
def good(tmp_path):
    path = tmp_path / "good.ckpt"
    model = TinyModel()
    opt = optim.Adam(model.parameters())
    _train(model, opt, 1)
    save_checkpoint(path, model, opt)
    return path


def _write(path, data: bytes):
    path.write_bytes(data)
    return path


def test_a_truncated_file_is_named_as_truncated(tmp_path, good):
    data = good.read_bytes()
    for cut in (len(data) // 2, len(data) - 10, 10):
        bad = _write(tmp_path / f"cut{cut}.ckpt", data[:cut])
        with pytest.raises(CheckpointError, match=rf"cut{cut}.ckpt.* truncated or corrupt"):
            load(bad)


def test_a_flipped_byte_in_the_data_is_caught(tmp_path):
    path = tmp_path / "flip.ckpt"
    save({"w": twingrad.zeros(1000)}, path)
    data = bytearray(path.read_bytes())
    start = data.index(b"\x93NUMPY", data.index(b"a0.npy"))  # the array's npy header
    data[start + 128 + 2000] ^= 0xFF  # inside the 4000 bytes of float32 zeros
    with pytest.raises(CheckpointError, match=r"flip.ckpt.* corrupt.*CRC"):
        load(_write(path, bytes(data)))


def test_foreign_files_are_refused_without_unpickling(tmp_path, monkeypatch):
    monkeypatch.setattr(pickle, "load", lambda *a, **k: pytest.fail("unpickled"))
    monkeypatch.setattr(pickle, "loads", lambda *a, **k: pytest.fail("unpickled"))
    with pytest.raises(CheckpointError, match="pickle file.*never unpickles"):
        load(_write(tmp_path / "p.pkl", pickle.dumps({"a": 1})))
    with pytest.raises(CheckpointError, match=r"not a twingrad checkpoint.*first bytes b'hell'"):
        load(_write(tmp_path / "t.txt", b"hello world"))
    torch.save({"w": torch.ones(2)}, tmp_path / "t.pt")
    with pytest.raises(CheckpointError, match=r"t.pt.*without the __twingrad__ entry.*torch.save"):
        load(tmp_path / "t.pt")
    np.savez(tmp_path / "obj.npz", __twingrad__=np.zeros(1, np.uint8), a0=np.array([{}]))
    with pytest.raises(CheckpointError, match="obj.npz.*pickled objects"):
        load(tmp_path / "obj.npz")


def _archive(path, meta: bytes, **arrays):
    with open(path, "wb") as f:  # a file object: np.savez would add ".npz" to a path
        np.savez(f, __twingrad__=np.frombuffer(meta, dtype=np.uint8), **arrays)
    return path


@pytest.mark.parametrize(
    ("meta", "message"),
    [
        (b"{not json", "unreadable structure"),
        (b'{"format": "other", "version": 1, "object": 1}', "unknown format"),
        (b'{"format": "twingrad.checkpoint", "version": 99, "object": 1}', "version 99.*upgrade"),
        (b'{"format": "twingrad.checkpoint", "version": 1, "object": {"$tensor": "a7"}}', "a7"),
        (
            b'{"format": "twingrad.checkpoint", "version": 1, "object": '
            b'{"$tensor": "a0", "dtype": "float16"}}',
            "unknown dtype 'float16'",
        ),
        (
            b'{"format": "twingrad.checkpoint", "version": 1, "object": '
            b'{"$tensor": "a0", "dtype": "float32"}}',
            "saved as float32 holds float64 data",
        ),
        (b'{"format": "twingrad.checkpoint", "version": 1, "object": {"$what": 1}}', "'\\$what'"),
    ],
)
def test_inconsistent_contents_are_reported(tmp_path, meta, message):
    path = _archive(tmp_path / "m.ckpt", meta, a0=np.zeros(2))
    with pytest.raises(CheckpointError, match=f"m.ckpt.*{message}"):
        load(path)


def test_a_checkpoint_of_another_model_is_refused_with_the_reason(tmp_path, good):
    with pytest.raises(CheckpointError, match=r"good.ckpt.*does not fit the model: size mismatch"):
        load_checkpoint(good, TinyModel(n_in=4))
    other = TinyModel()
    sgd = optim.SGD([other.weight], lr=0.1)  # one parameter; the file has state for two
    with pytest.raises(CheckpointError, match=r"good.ckpt.*does not fit the optimizer"):
        load_checkpoint(good, other, sgd)
    save({"weights": 1}, good)
    with pytest.raises(CheckpointError, match="has no model state"):
        load_checkpoint(good, TinyModel())


def test_a_zip_that_is_not_an_npz_is_named(tmp_path):
    with zipfile.ZipFile(tmp_path / "z.zip", "w") as z:
        z.writestr("readme.txt", "hi")
    with pytest.raises(CheckpointError, match="z.zip.*not a twingrad checkpoint"):
        load(tmp_path / "z.zip")


def test_an_nn_module_round_trips_and_a_different_one_is_refused(tmp_path):
    from twingrad import nn

    twingrad.manual_seed(0)
    model = nn.Sequential(nn.Linear(3, 4), nn.ReLU(), nn.Linear(4, 2))
    opt = optim.AdamW(model.parameters(), lr=0.01)
    _train(model, opt, 3)
    save_checkpoint(tmp_path / "seq.ckpt", model, opt, epoch=3)
    twingrad.manual_seed(1)
    copy = nn.Sequential(nn.Linear(3, 4), nn.ReLU(), nn.Linear(4, 2))
    assert load_checkpoint(tmp_path / "seq.ckpt", copy, optim.AdamW(copy.parameters())) == {
        "epoch": 3
    }
    for (name, a), (_, b) in zip(model.state_dict().items(), copy.state_dict().items()):
        np.testing.assert_array_equal(a.numpy(), b.numpy(), err_msg=name)
    wider = nn.Sequential(nn.Linear(3, 5), nn.ReLU(), nn.Linear(5, 2))
    with pytest.raises(
        CheckpointError, match=r"(?s)seq.ckpt.*does not fit the model: .*size mismatch for 0.weight"
    ):
        load_checkpoint(tmp_path / "seq.ckpt", wider)
