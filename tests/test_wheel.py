"""The wheel, as a user gets it: built, checked, installed in a clean environment, run.

``python -m build`` makes the sdist and, from it, the wheel (so the sdist is complete enough
to build from); ``twine check --strict`` reads their metadata as the package index would.
The wheel then goes into a fresh virtual environment with nothing else of this checkout (no
``src`` on the path, no system Graphviz on PATH), where a smoke script uses each part a
newcomer meets first. pip fetches numpy and the other runtime dependencies as a user's pip
would, through its cache.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

pytestmark = pytest.mark.wheel

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "src" / "twingrad"

SMOKE = r"""
import importlib.resources
import shutil
import sys
from pathlib import Path

import numpy as np

import twingrad as torch
from twingrad import Value, draw, walkthrough
from twingrad.bridge import check
from twingrad.visualize.render import find_renderers

out = Path(sys.argv[1])
assert shutil.which("dot") is None, "a system Graphviz is on PATH"
assert Path(torch.__file__).is_relative_to(sys.prefix), torch.__file__
assert importlib.resources.files("twingrad").joinpath("py.typed").is_file()

a = Value(-4.0, label="a")
b = Value(2.0, label="b")
c = a * b + b**3
c.backward()
assert (a.grad, b.grad) == (2.0, 8.0), (a.grad, b.grad)

x = torch.tensor([[1.0, 2.0], [3.0, 4.0]])
w = torch.tensor([[0.5], [-1.0]], requires_grad=True)
opt = torch.optim.SGD([w], lr=0.1)
loss = ((x @ w) ** 2).mean()
loss.backward()
opt.step()
assert loss.item() == 4.25 and w.grad.tolist() == [[-9.0], [-13.0]], (loss, w.grad)
assert np.allclose(w.detach().numpy(), [[1.4], [0.3]])

assert [Path(r).name.startswith("graphviz-pure") for r in find_renderers()] == [True]
svg = Path(draw(c).save(out / "c.svg")).read_text()
assert svg.lstrip().startswith(("<?xml", "<svg")) and "</svg>" in svg
png = Path(draw(loss, params={"w": w}).save(out / "loss.png")).read_bytes()
assert png.startswith(b"\x89PNG\r\n\x1a\n") and len(png) > 1000

steps = str(walkthrough(c))
assert "Gradients: a = 2.0000, b = 8.0000" in steps, steps

report = check(lambda p, q: (p @ q).tanh().sum(), np.ones((2, 3)) / 3, np.arange(6.0).reshape(3, 2))
assert report.agree and str(report).startswith("engines AGREE"), report
exact = check(lambda p, q: ((p * q).relu() @ q).sum(), np.ones((2, 3)), np.arange(3.0), exact=True)
assert exact.all_equal, exact
print("smoke: ok")
"""


def run(*args, **kwargs) -> subprocess.CompletedProcess:
    """Run a command, and on failure show what it printed."""
    done = subprocess.run([str(a) for a in args], capture_output=True, text=True, **kwargs)
    assert done.returncode == 0, f"{args} failed:\n{done.stdout[-4000:]}\n{done.stderr[-4000:]}"
    return done


def path_without_graphviz() -> str:
    """PATH less every folder that has a ``dot`` executable (a system Graphviz)."""
    folders = os.environ.get("PATH", "").split(os.pathsep)
    return os.pathsep.join(f for f in folders if f and not shutil.which("dot", path=f))


def shipped_data_files() -> set[str]:
    """The package's files other than Python source, as paths inside the wheel."""
    return {
        p.relative_to(PACKAGE.parent).as_posix()
        for p in PACKAGE.rglob("*")
        if p.is_file() and p.suffix not in {".py", ".pyc"} and "__pycache__" not in p.parts
    }


@pytest.fixture(scope="module")
def dist(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("dist")
    run(sys.executable, "-m", "build", "--outdir", folder, ROOT)
    return folder


def test_build_makes_a_wheel_and_an_sdist_that_twine_accepts(dist):
    (wheel,) = dist.glob("twingrad-*.whl")
    (sdist,) = dist.glob("twingrad-*.tar.gz")
    checked = run(sys.executable, "-m", "twine", "check", "--strict", wheel, sdist)
    assert checked.stdout.count("PASSED") == 2, checked.stdout
    names = set(zipfile.ZipFile(wheel).namelist())
    assert "twingrad/py.typed" in names
    assert shipped_data_files() <= names, shipped_data_files() - names
    (metadata,) = [n for n in names if n.endswith(".dist-info/METADATA")]
    fields = zipfile.ZipFile(wheel).read(metadata).decode().split("\n\n")[0].splitlines()
    expected = ["License-Expression: MIT", "Requires-Python: >=3.10", "Classifier: Typing :: Typed"]
    assert set(expected) <= set(fields), fields


def test_the_wheel_runs_in_a_clean_environment_without_graphviz(dist, tmp_path):
    (wheel,) = dist.glob("twingrad-*.whl")
    env_dir = tmp_path / "env"
    run(sys.executable, "-m", "venv", "--without-pip", env_dir)
    python = env_dir / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
    clean = {k: v for k, v in os.environ.items() if k not in {"PYTHONPATH", "VIRTUAL_ENV"}}
    clean["PATH"] = path_without_graphviz()
    run(sys.executable, "-m", "pip", "--python", python, "install", wheel, env=clean)
    (tmp_path / "smoke.py").write_text(SMOKE)
    done = run(python, tmp_path / "smoke.py", tmp_path, cwd=tmp_path, env=clean)
    assert done.stdout.strip().endswith("smoke: ok"), done.stdout
    assert (tmp_path / "c.svg").is_file() and (tmp_path / "loss.png").is_file()
