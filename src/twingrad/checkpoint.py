"""Save and load models, optimizers and anything made of tensors, without pickle.

``save(obj, path)`` stores nested dicts, lists and tuples of tensors, numpy arrays, numbers,
Fractions, strings, booleans and None (what ``state_dict()`` methods return) in a numpy
``.npz`` archive: the arrays as ``.npy`` members, the structure as JSON beside them. Loading
never unpickles, so a checkpoint from the internet cannot run code, unlike ``torch.load``
with ``weights_only=False``.

Saving is atomic: the archive is written to a temporary file in the same directory, flushed
to disk, then renamed over the target. A crash mid-write leaves the previous checkpoint as
it was. Loading a truncated, corrupt, foreign or mismatched file raises `CheckpointError`
naming the file and the problem.

>>> import os, tempfile, twingrad
>>> path = os.path.join(tempfile.mkdtemp(), "run.ckpt")
>>> save({"step": 3, "w": twingrad.tensor([1.5, -2.0])}, path)
>>> load(path)
{'step': 3, 'w': tensor([ 1.5000, -2.0000])}
"""

from __future__ import annotations

import io
import json
import math
import os
import secrets
import zipfile
from collections.abc import Callable, Mapping
from fractions import Fraction
from typing import TYPE_CHECKING, Any

import numpy as np

from twingrad._tensor import dtypes
from twingrad._tensor.tensor import Tensor

if TYPE_CHECKING:
    from twingrad._tensor.devices import device
    from twingrad.nn.module import Module
    from twingrad.optim.lr_scheduler import LRScheduler
    from twingrad.optim.optimizer import Optimizer

FORMAT = "twingrad.checkpoint"
VERSION = 1
_META = "__twingrad__"
_PICKLE_MAGIC = b"\x80"  # every pickle protocol >= 2 starts with this byte
_ZIP_MAGIC = b"PK\x03\x04"


class CheckpointError(ValueError):
    """A checkpoint file that cannot be read: truncated, corrupt, foreign or mismatched."""


# -- encoding: Python objects <-> JSON + arrays ------------------------------------------


class _Encoder:
    """Turns an object into JSON-able data, moving every array into ``self.arrays``."""

    def __init__(self) -> None:
        self.arrays: dict[str, np.ndarray] = {}

    def _array(self, array: np.ndarray) -> str:
        name = f"a{len(self.arrays)}"
        self.arrays[name] = array
        return name

    def encode(self, obj, where: str):
        if obj is None or isinstance(obj, bool | str):
            return obj
        if isinstance(obj, int | np.integer):
            return int(obj)
        if isinstance(obj, float | np.floating):
            obj = float(obj)
            return obj if math.isfinite(obj) else {"$float": repr(obj)}
        if isinstance(obj, np.bool_):
            return bool(obj)
        if isinstance(obj, Fraction):
            return {"$fraction": str(obj)}
        if isinstance(obj, Tensor):
            data = obj._data
            if obj.dtype is dtypes.fraction:
                data = np.vectorize(str, otypes=[str])(data) if data.size else data.astype(str)
            return {
                "$tensor": self._array(data),
                "dtype": obj.dtype.name,
                "requires_grad": obj.requires_grad,
            }
        if isinstance(obj, np.ndarray):
            if obj.dtype.hasobject:
                raise TypeError(
                    f"can't save the numpy object array at {where}: only arrays of numbers, "
                    "booleans or strings can be stored without pickle"
                )
            return {"$ndarray": self._array(obj)}
        if isinstance(obj, tuple):
            return {"$tuple": [self.encode(v, f"{where}[{i}]") for i, v in enumerate(obj)]}
        if isinstance(obj, list):
            return [self.encode(v, f"{where}[{i}]") for i, v in enumerate(obj)]
        if isinstance(obj, dict):
            if all(isinstance(k, str) and not k.startswith("$") for k in obj):
                return {k: self.encode(v, f"{where}[{k!r}]") for k, v in obj.items()}
            return {
                "$dict": [
                    [self.encode(k, f"{where} (a key)"), self.encode(v, f"{where}[{k!r}]")]
                    for k, v in obj.items()
                ]
            }
        raise TypeError(
            f"can't save a {type(obj).__name__} at {where}: checkpoints hold tensors, numpy "
            "arrays, numbers, strings, None, and lists, tuples and dicts of them (no pickle)"
        )


class _Decoder:
    """The inverse of `_Encoder`; every inconsistency is a CheckpointError."""

    def __init__(self, path: str, arrays) -> None:
        self.path = path
        self.arrays = arrays

    def fail(self, problem: str) -> CheckpointError:
        return CheckpointError(f"checkpoint {self.path!r} is corrupt: {problem}")

    def _array(self, name) -> np.ndarray:
        if not isinstance(name, str) or name not in self.arrays:
            raise self.fail(f"it refers to an array {name!r} that it does not contain")
        return self.arrays[name]

    def decode(self, data):
        if data is None or isinstance(data, bool | int | float | str):
            return data
        if isinstance(data, list):
            return [self.decode(v) for v in data]
        if not isinstance(data, dict):
            raise self.fail(f"unexpected {type(data).__name__} in its structure")
        tags = [k for k in data if k.startswith("$")]
        if not tags:
            return {k: self.decode(v) for k, v in data.items()}
        tag, value = tags[0], data[tags[0]]
        if tag == "$tensor":
            return self._tensor(self._array(value), data.get("dtype"), data.get("requires_grad"))
        if tag == "$ndarray":
            return self._array(value)
        if tag == "$tuple" and isinstance(value, list):
            return tuple(self.decode(v) for v in value)
        if tag == "$dict" and isinstance(value, list):
            if not all(isinstance(pair, list) and len(pair) == 2 for pair in value):
                raise self.fail("a dict entry is not a [key, value] pair")
            return {_hashable(self.decode(k)): self.decode(v) for k, v in value}
        if tag == "$float" and value in ("nan", "inf", "-inf"):
            return float(value)
        if tag == "$fraction" and isinstance(value, str):
            try:
                return Fraction(value)
            except (ValueError, ZeroDivisionError):
                raise self.fail(f"{value!r} is not a fraction") from None
        raise self.fail(f"unknown entry {tag!r}")

    def _tensor(self, array: np.ndarray, dtype_name, requires_grad) -> Tensor:
        known = {d.name: d for d in dtypes.ALL}
        if dtype_name not in known:
            raise self.fail(f"a tensor has an unknown dtype {dtype_name!r}")
        dtype = known[dtype_name]
        if dtype is dtypes.fraction:
            if array.dtype.kind != "U":
                raise self.fail("an exact (fraction) tensor is not stored as text")
            out = np.empty(array.shape, dtype=object)
            try:
                out.reshape(-1)[:] = [Fraction(s) for s in array.reshape(-1).tolist()]
            except (ValueError, ZeroDivisionError):
                raise self.fail(
                    "an exact (fraction) tensor holds text that is no fraction"
                ) from None
            array = out
        elif array.dtype != dtype.numpy:
            raise self.fail(f"a tensor saved as {dtype_name} holds {array.dtype} data")
        t = Tensor._make(array)
        if requires_grad:
            t.requires_grad = True
        return t


def _hashable(key):
    if isinstance(key, list):
        return tuple(_hashable(k) for k in key)
    return key


# -- files -------------------------------------------------------------------------------


def _write_atomically(path: str, payload: bytes) -> None:
    """Replace ``path`` with ``payload`` so that a crash leaves the old file or the new one.

    The bytes go to a fresh file in the same directory (same file system, so the rename is
    atomic), are flushed and fsynced, then renamed over ``path``; the directory is fsynced
    so that the rename itself survives a power cut.
    """
    directory = os.path.dirname(os.path.abspath(path))
    temp = os.path.join(directory, f".{os.path.basename(path)}.{secrets.token_hex(6)}.tmp")
    # 0o666 before the umask: the permissions an ordinary open() would give
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o666)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(payload)
            f.flush()
            os.fsync(f.fileno())
        os.replace(temp, path)
    except BaseException:
        if os.path.exists(temp):
            os.unlink(temp)
        raise
    if hasattr(os, "O_DIRECTORY"):  # POSIX; Windows cannot open a directory to fsync it
        dir_fd = os.open(directory, os.O_RDONLY | os.O_DIRECTORY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)


def save(obj: Any, f: str | os.PathLike) -> None:
    """Write ``obj`` (state dicts, tensors, numbers... nested) to the file ``f``, atomically.

    The file is a numpy ``.npz`` archive under whatever name you give; there is no pickle
    in it. Raises TypeError naming where in ``obj`` something cannot be stored.

    >>> import tempfile
    >>> path = os.path.join(tempfile.mkdtemp(), "state.npz")
    >>> save([1, {"a": None}], path); load(path)
    [1, {'a': None}]
    """
    if not isinstance(f, str | os.PathLike):
        raise TypeError(
            f"save() needs a file path (str or os.PathLike), got {type(f).__name__}: writing "
            "atomically means writing a new file next to it and renaming it"
        )
    encoder = _Encoder()
    structure = encoder.encode(obj, "the saved object")
    meta = json.dumps({"format": FORMAT, "version": VERSION, "object": structure})
    arrays = {_META: np.frombuffer(meta.encode("utf-8"), dtype=np.uint8), **encoder.arrays}
    buffer = io.BytesIO()
    np.savez(buffer, **arrays)
    _write_atomically(os.fspath(f), buffer.getvalue())


def load(
    f: str | os.PathLike,
    map_location: str | device | Callable | Mapping[str, str] | None = None,
    *,
    weights_only: bool = True,
) -> Any:
    """Read what `save` wrote. Never unpickles: a file cannot make this run code.

    ``map_location`` and ``weights_only`` are accepted for PyTorch code; twingrad keeps
    tensors on the CPU and only ever loads data.

    >>> import tempfile, twingrad
    >>> path = os.path.join(tempfile.mkdtemp(), "w.pt")
    >>> save({"w": twingrad.tensor([0.5, 2.0])}, path); load(path, map_location="cpu")
    {'w': tensor([0.5000, 2.0000])}
    """
    path = os.fspath(f)
    with open(path, "rb") as fh:
        head = fh.read(4)
    if head[:1] == _PICKLE_MAGIC:
        raise CheckpointError(
            f"{path!r} is a pickle file (as torch.save wrote before PyTorch 1.6); twingrad "
            "never unpickles, because unpickling can run any code"
        )
    if head != _ZIP_MAGIC:
        raise CheckpointError(
            f"{path!r} is not a twingrad checkpoint: it does not start like a .npz archive "
            f"(first bytes {head!r})"
        )
    try:
        with np.load(path, allow_pickle=False) as archive:
            names = set(archive.files)
            if _META not in names:
                foreign = (
                    " (it holds data.pkl: a torch.save file?)"
                    if any(n.endswith("data.pkl") for n in _zip_names(path))
                    else ""
                )
                raise CheckpointError(
                    f"{path!r} is not a twingrad checkpoint: a zip archive without the "
                    f"{_META} entry{foreign}"
                )
            arrays = {name: archive[name] for name in names}
    except CheckpointError:
        raise
    except (zipfile.BadZipFile, EOFError, OSError, KeyError) as e:
        raise CheckpointError(f"checkpoint {path!r} is truncated or corrupt: {e}") from None
    except ValueError as e:
        if "pickle" in str(e).lower():
            raise CheckpointError(
                f"checkpoint {path!r} holds pickled objects, which twingrad refuses to load"
            ) from None
        raise CheckpointError(f"checkpoint {path!r} is corrupt: {e}") from None
    try:
        meta = json.loads(arrays.pop(_META).tobytes().decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as e:
        raise CheckpointError(
            f"checkpoint {path!r} is corrupt: unreadable structure ({e})"
        ) from None
    if not isinstance(meta, dict) or meta.get("format") != FORMAT or "object" not in meta:
        raise CheckpointError(f"{path!r} is not a twingrad checkpoint (unknown format)")
    version = meta.get("version")
    if not isinstance(version, int) or version > VERSION:
        raise CheckpointError(
            f"checkpoint {path!r} has format version {version!r}; this twingrad reads up to "
            f"version {VERSION}: upgrade twingrad"
        )
    return _Decoder(path, arrays).decode(meta["object"])


def _zip_names(path: str) -> list[str]:
    with zipfile.ZipFile(path) as z:
        return z.namelist()


# -- models and optimizers ---------------------------------------------------------------


def save_checkpoint(
    path: str | os.PathLike,
    model: Module,
    optimizer: Optimizer | None = None,
    scheduler: LRScheduler | None = None,
    **extra: Any,
) -> None:
    """Save a model's state, and an optimizer's and a scheduler's if given, with ``extra``.

    ``extra`` holds anything else worth keeping (``epoch=5, history=...``); `load_checkpoint`
    gives it back.

    >>> import tempfile, twingrad
    >>> path = os.path.join(tempfile.mkdtemp(), "run.ckpt"); model = twingrad.nn.Linear(2, 1)
    >>> save_checkpoint(path, model, twingrad.optim.SGD(model.parameters(), lr=0.1), epoch=5)
    >>> sorted(load(path))
    ['extra', 'model', 'optimizer']
    """
    state = {"model": model.state_dict(), "extra": extra}
    if optimizer is not None:
        state["optimizer"] = optimizer.state_dict()
    if scheduler is not None:
        state["scheduler"] = scheduler.state_dict()
    save(state, path)


def load_checkpoint(
    path: str | os.PathLike,
    model: Module,
    optimizer: Optimizer | None = None,
    scheduler: LRScheduler | None = None,
) -> dict[str, Any]:
    """Restore what `save_checkpoint` saved into ``model`` (and optimizer, scheduler).

    Returns the ``extra`` entries. A checkpoint that does not fit (other layer names or
    shapes, another optimizer's state) raises `CheckpointError` naming the file and why.

    >>> import tempfile, twingrad
    >>> path = os.path.join(tempfile.mkdtemp(), "run.ckpt"); model = twingrad.nn.Linear(2, 1)
    >>> save_checkpoint(path, model, epoch=5); other = twingrad.nn.Linear(2, 1)
    >>> load_checkpoint(path, other), bool((other.weight == model.weight).all())
    ({'epoch': 5}, True)
    """
    state = load(path)
    if not isinstance(state, dict) or "model" not in state:
        raise CheckpointError(
            f"checkpoint {os.fspath(path)!r} has no model state: it was not written by "
            "save_checkpoint (use load() to read it)"
        )
    parts = [("model", model), ("optimizer", optimizer), ("scheduler", scheduler)]
    for name, target in parts:
        if target is None:
            continue
        if name not in state:
            raise CheckpointError(f"checkpoint {os.fspath(path)!r} has no {name} state")
        try:
            target.load_state_dict(state[name])
        except (RuntimeError, ValueError, KeyError, TypeError) as e:
            raise CheckpointError(
                f"checkpoint {os.fspath(path)!r} does not fit the {name}: {e}"
            ) from e
    return state.get("extra", {})


__all__ = ["CheckpointError", "load", "load_checkpoint", "save", "save_checkpoint"]
