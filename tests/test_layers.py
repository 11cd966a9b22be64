"""The layers hold: no module imports a layer above it, and every module imports first.

The contracts are in pyproject.toml (``[tool.importlinter]``); `make lint` runs them too, and
this test makes ``pytest`` alone enforce them.
"""

from __future__ import annotations

import ast
import importlib
import importlib.util
import os
import pkgutil
import subprocess
import sys
from pathlib import Path

import twingrad

ROOT = Path(__file__).resolve().parent.parent
SRC = Path(twingrad.__file__).resolve().parent.parent


def _env() -> dict[str, str]:
    # the subprocesses must see the same twingrad as this test
    path = os.pathsep.join([str(SRC), os.environ.get("PYTHONPATH", "")])
    return {**os.environ, "PYTHONPATH": path}


def test_every_module_imports_first_in_a_fresh_interpreter():
    names = ["twingrad"] + sorted(
        m.name for m in pkgutil.walk_packages(twingrad.__path__, "twingrad.")
    )
    assert "twingrad.core.numeric" in names and "twingrad.__main__" in names
    run = subprocess.run(
        [sys.executable, str(ROOT / "tests" / "import_first.py"), *names],
        capture_output=True,
        text=True,
        env=_env(),
        timeout=300,
    )
    assert run.returncode == 0, f"modules that fail to import first:\n{run.stdout}{run.stderr}"


def test_every_module_is_the_attribute_its_dotted_name_names():
    # `twingrad.tensor` was both a function and the tensor subpackage (and
    # `twingrad.visualize.draw` both a function and its module), so attribute access and
    # `import twingrad.tensor.x as m` found the function
    names = [m.name for m in pkgutil.walk_packages(twingrad.__path__, "twingrad.")]
    assert "twingrad._tensor" in names and "twingrad.visualize.graph_drawing" in names
    shadowed = []
    for name in names:
        if name.endswith("__main__"):
            continue  # running it is its job: importing it parses the command line
        parent, _, leaf = name.rpartition(".")
        module = importlib.import_module(name)  # which also binds it on its parent
        if getattr(importlib.import_module(parent), leaf) is not module:
            shadowed.append(name)
    assert shadowed == []


def test_every_import_of_twingrad_names_a_module_that_exists():
    # an import under TYPE_CHECKING or inside a function never runs in the tests, so one left
    # naming a removed module goes unseen, and import-linter files it under the root package
    stale = []
    for path in sorted(SRC.joinpath("twingrad").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.level == 0:
                modules = [node.module or ""]
            elif isinstance(node, ast.Import):
                modules = [alias.name for alias in node.names]
            else:
                continue
            for module in modules:
                if module.split(".")[0] == "twingrad" and importlib.util.find_spec(module) is None:
                    stale.append(f"{path.relative_to(SRC)}:{node.lineno} {module}")
    assert stale == []


def test_import_contracts_hold():
    # `lint-imports`, run by the interpreter running the tests
    command = "import sys; from importlinter.cli import lint_imports_command as c; sys.exit(c())"
    run = subprocess.run(
        [sys.executable, "-c", command, str(ROOT / "pyproject.toml"), "--no-cache", "--no-logo"],
        capture_output=True,
        text=True,
        env=_env(),
        cwd=ROOT,
        timeout=300,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    assert "0 broken" in run.stdout, run.stdout


def test_import_first_reports_a_module_that_leans_on_the_public_face(tmp_path):
    # a stand-in package: its leaf only imports once the root __init__ has run
    package = tmp_path / "twingrad"
    package.mkdir()
    (package / "__init__.py").write_text("from twingrad import leaf\n\nX = 1\n")
    (package / "leaf.py").write_text("import twingrad\n\n\ndef x():\n    return twingrad.X\n")
    (package / "needs_root.py").write_text("import twingrad\n\nY = twingrad.X\n")
    run = subprocess.run(
        [sys.executable, str(ROOT / "tests" / "import_first.py")]
        + ["twingrad", "twingrad.leaf", "twingrad.needs_root", "twingrad.missing"],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(tmp_path)},
        timeout=120,
    )
    assert run.returncode == 1
    failed = [line for line in run.stdout.splitlines() if line.startswith("twingrad")]
    assert failed == ["twingrad.missing", "twingrad.needs_root"]
    assert "has no attribute 'X'" in run.stdout
