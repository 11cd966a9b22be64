"""The Makefile's two set-up paths share one .venv and install each extra once.

``make demo`` needs the runtime stamp only, ``make test`` the development stamp too; either
order reuses what the other installed. Checked with ``make -n`` (print, do not run) on a
copy of the Makefile beside a stand-in virtual environment whose stamps are set by hand.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.skipif(shutil.which("make") is None, reason="needs make")


@pytest.fixture
def checkout(tmp_path) -> Path:
    for name in ["Makefile", "pyproject.toml"]:
        shutil.copy(ROOT / name, tmp_path / name)
    return tmp_path


def planned(checkout: Path, target: str) -> str:
    """The commands ``make target`` would run, without running them."""
    # Run from `make test`, make's own variables would reach this make too.
    env = {k: v for k, v in os.environ.items() if k not in {"MAKEFLAGS", "MFLAGS", "MAKELEVEL"}}
    done = subprocess.run(
        ["make", "--no-print-directory", "-n", target],
        cwd=checkout,
        capture_output=True,
        text=True,
        env=env,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def install(checkout: Path, *stamps: str) -> None:
    """A stand-in .venv with the given stamps, newer than the Makefile and pyproject.toml."""
    venv = checkout / ".venv"
    (venv / "bin").mkdir(parents=True, exist_ok=True)
    (venv / "bin" / "python").touch()
    later = time.time() + 10
    for stamp in stamps:
        (venv / stamp).touch()
        os.utime(venv / stamp, (later, later))


def test_from_nothing_demo_installs_the_runtime_only(checkout):
    plan = planned(checkout, "demo")
    assert "-m venv .venv" in plan and "pip install -e .\n" in plan
    assert ".[dev]" not in plan and "torch" not in plan
    assert plan.rstrip().endswith("-m twingrad demo")


def test_from_nothing_test_installs_the_dev_extra_and_builds_the_site(checkout):
    plan = planned(checkout, "test")
    assert 'pip install -e ".[dev]"' in plan
    assert "mkdocs build --strict" in plan and "pytest" in plan


def test_after_demo_test_adds_only_the_dev_extra(checkout):
    install(checkout, ".installed-runtime")
    plan = planned(checkout, "test")
    assert "-m venv" not in plan and "pip install -e .\n" not in plan
    assert 'pip install -e ".[dev]"' in plan


def test_after_test_demo_installs_nothing(checkout):
    install(checkout, ".installed-runtime", ".installed-dev")
    assert planned(checkout, "demo").strip() == ".venv/bin/python -m twingrad demo"
    assert "pip install" not in planned(checkout, "test")


def test_a_changed_pyproject_reinstalls_both(checkout):
    install(checkout, ".installed-runtime", ".installed-dev")
    later = time.time() + 20
    os.utime(checkout / "pyproject.toml", (later, later))
    plan = planned(checkout, "test")
    assert "pip install -e .\n" in plan and 'pip install -e ".[dev]"' in plan
